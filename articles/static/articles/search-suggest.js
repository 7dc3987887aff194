/*
 * Search form, reader side: as a reader types in the author, topic or outlet
 * box, ask this site's /search/suggest/ for the names starting so, and offer
 * them in the box's <datalist>. Without this script the boxes offer the names
 * most used lately, and a name typed whole is found all the same.
 */
(function () {
  "use strict";

  var WAIT = 200; // ms after the last key before asking
  var script = document.currentScript;
  var url = script && script.getAttribute("data-suggest-url");
  var form = document.querySelector("form.filters");
  if (!url || !form || !window.fetch || !window.URLSearchParams) {
    return;
  }

  function fill(list, names) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
  }

  function watch(kind) {
    var box = form.querySelector('input[name="' + kind + '"][list]');
    var list = box && document.getElementById(box.getAttribute("list"));
    if (!list) {
      return;
    }
    var mostUsed = Array.prototype.map.call(list.options, function (option) {
      return option.value;
    });
    var asked = "";
    var timer;

    function suggest() {
      var text = box.value.trim();
      if (text === asked) {
        return;
      }
      asked = text;
      if (text.length < 2) {
        fill(list, mostUsed);
        return;
      }
      var query = new URLSearchParams({ kind: kind, q: text });
      fetch(url + "?" + query, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (found) {
          if (found && text === asked) {
            fill(list, found.suggestions.map(function (row) {
              return row.name;
            }));
          }
        })
        .catch(function () {}); // the most used names stay offered
    }

    box.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, WAIT);
    });
  }

  ["author", "tag", "outlet"].forEach(watch);
})();
