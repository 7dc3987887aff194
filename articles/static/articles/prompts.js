/*
 * Membership prompts, reader side. The page is the same for every reader;
 * this script decides, in the reader's own browser, which variant of a prompt
 * they see, whether they dismissed it, whether it reached its weekly cap, and
 * whether they told us they are already a member. All of that stays in
 * localStorage. The only thing sent anywhere is an anonymous "prompt N,
 * variant V was seen" beacon to this site's own endpoint. No cookies.
 * Without this script the prompts show their default text and nothing else.
 *
 * Nothing here moves the page (Cumulative Layout Shift): the server renders
 * every version of a prompt and its controls, and site.css gives the prompt
 * the same box whichever version is shown and whether the controls are, so
 * this script only switches what is visible inside a box that keeps its size.
 * A prompt goes away at once only on the reader's click ("Not now", "I'm
 * already a member"): a shift right after input does not count, and the reader
 * asked for it. See withhold() for prompts this script decides not to show.
 */
(function () {
  "use strict";

  var STORE = "newsroom.prompts";
  var DAY = 24 * 60 * 60 * 1000;
  var WEEK = 7 * DAY;
  var script = document.currentScript;
  var seenUrl = script && script.getAttribute("data-seen-url");

  function load() {
    try {
      var state = JSON.parse(window.localStorage.getItem(STORE) || "{}");
      return state && typeof state === "object" ? state : {};
    } catch (error) {
      return null; // storage blocked: show the defaults, remember nothing
    }
  }

  function save(state) {
    try {
      window.localStorage.setItem(STORE, JSON.stringify(state));
    } catch (error) {
      /* full or blocked: the page still works */
    }
  }

  function bucket(state, name) {
    if (!state[name] || typeof state[name] !== "object") state[name] = {};
    return state[name];
  }

  function isDismissed(state, id, now) {
    var until = bucket(state, "dismissed")[id];
    return until === "forever" || (typeof until === "number" && until > now);
  }

  function recentViews(state, id, now) {
    var views = bucket(state, "views")[id];
    if (!Array.isArray(views)) return [];
    return views.filter(function (time) {
      return typeof time === "number" && now - time < WEEK;
    });
  }

  function isCapped(state, aside, now) {
    var cap = aside.getAttribute("data-max-views");
    if (cap === null) return false;
    return recentViews(state, aside.getAttribute("data-prompt"), now).length >= Number(cap);
  }

  function versions(aside) {
    return Array.prototype.slice.call(aside.querySelectorAll("[data-variant]"));
  }

  // Weighted by each version's share; sticky once chosen, so a reader keeps
  // seeing the same words and the figures compare like with like.
  function pickVersion(state, aside) {
    var id = aside.getAttribute("data-prompt");
    var all = versions(aside);
    if (all.length < 2) return all[0];
    var chosen = bucket(state, "variants")[id];
    var kept = all.filter(function (el) {
      return el.getAttribute("data-variant") === String(chosen);
    })[0];
    if (kept) return kept;
    var total = all.reduce(function (sum, el) {
      return sum + Number(el.getAttribute("data-weight") || 0);
    }, 0);
    var pick = all[0];
    if (total > 0) {
      var roll = Math.random() * total;
      for (var i = 0; i < all.length; i += 1) {
        roll -= Number(all[i].getAttribute("data-weight") || 0);
        if (roll < 0) {
          pick = all[i];
          break;
        }
      }
    }
    bucket(state, "variants")[id] = pick.getAttribute("data-variant");
    return pick;
  }

  function show(aside, version) {
    versions(aside).forEach(function (el) {
      el.hidden = el !== version;
    });
  }

  // Hiding the element that holds the focus would drop a keyboard reader at
  // the top of the page; they go on from the start of the content instead.
  function hide(element) {
    if (element.contains(document.activeElement)) {
      var main = document.getElementById("content");
      if (main) main.focus();
    }
    element.hidden = true;
  }

  // A prompt the reader hid earlier, capped or is a member for. The page may
  // already be on screen when this runs (the script is deferred), and
  // removing a prompt then would pull up everything under it: a layout shift
  // counts whenever something visible in the viewport moves without the
  // reader's input. So a prompt wholly below the viewport goes (what moves is
  // below it, off screen, and counts for nothing); one in view or above it
  // keeps its box for this page view, unseen and out of reach (visibility:
  // hidden, site.css), rather than collapse under the reader's eyes.
  function withhold(aside) {
    if (aside.getBoundingClientRect().top >= window.innerHeight) {
      aside.hidden = true;
    } else {
      aside.setAttribute("data-prompt-withheld", "");
    }
  }

  function report(aside, version) {
    if (!seenUrl || !navigator.sendBeacon) return;
    var body = new URLSearchParams();
    body.set("prompt", aside.getAttribute("data-prompt"));
    body.set("variant", version.getAttribute("data-variant"));
    navigator.sendBeacon(seenUrl, body);
  }

  function countView(state, aside, version) {
    var id = aside.getAttribute("data-prompt");
    var now = Date.now();
    var views = recentViews(state, id, now);
    views.push(now);
    bucket(state, "views")[id] = views;
    save(state);
    report(aside, version);
  }

  // A view counts once the reader could see it: half the prompt on screen.
  function whenSeen(aside, callback) {
    if (!("IntersectionObserver" in window)) {
      callback();
      return;
    }
    var observer = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) {
          observer.disconnect();
          callback();
        }
      },
      { threshold: 0.5 }
    );
    observer.observe(aside);
  }

  function wireControls(state, aside) {
    var controls = aside.querySelector("[data-prompt-controls]");
    if (!controls) return;
    var id = aside.getAttribute("data-prompt");
    var dismiss = controls.querySelector("[data-prompt-dismiss]");
    if (dismiss) {
      dismiss.addEventListener("click", function () {
        var forever = aside.getAttribute("data-dismissal") === "forever";
        var days = Number(aside.getAttribute("data-dismiss-days") || 0);
        bucket(state, "dismissed")[id] = forever ? "forever" : Date.now() + days * DAY;
        save(state);
        hide(aside);
      });
    }
    var member = controls.querySelector("[data-prompt-member]");
    if (member) {
      member.addEventListener("click", function () {
        state.member = true;
        save(state);
        document.querySelectorAll('[data-prompt][data-kind="membership"]').forEach(hide);
      });
    }
    // Their room is kept from the start (site.css): showing them moves nothing.
    controls.hidden = false;
  }

  function wireReset(state) {
    var reset = document.querySelector("[data-prompt-reset]");
    if (!reset || !state) return;
    var remembered = state.member || Object.keys(bucket(state, "dismissed")).length;
    if (!remembered) return;
    reset.hidden = false;
    reset.querySelector("button").addEventListener("click", function () {
      delete state.member;
      state.dismissed = {};
      save(state);
      hide(reset);
    });
  }

  function setUp() {
    var state = load();
    var now = Date.now();
    document.querySelectorAll("aside[data-prompt]").forEach(function (aside) {
      if (state === null) {
        // Nothing can be remembered: the default text, counted when seen.
        var fallback = versions(aside)[0];
        whenSeen(aside, function () { report(aside, fallback); });
        return;
      }
      var hidden =
        (state.member && aside.getAttribute("data-kind") === "membership") ||
        isDismissed(state, aside.getAttribute("data-prompt"), now) ||
        isCapped(state, aside, now);
      if (hidden) {
        withhold(aside);
        return;
      }
      var version = pickVersion(state, aside);
      show(aside, version);
      wireControls(state, aside);
      whenSeen(aside, function () {
        countView(state, aside, version);
      });
    });
    if (state !== null) save(state);
    wireReset(state);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
