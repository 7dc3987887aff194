// The publishing bar on the story form (templates/admin/articles/article/_publishing_bar.html).
// Everything it does also works without this script: the server checks every move,
// asks for a comment before a return and for the tick before a live story is scheduled.
// Here: one panel open at a time, Escape closes it, and a live story's Schedule button
// waits for the tick.
"use strict";

(function () {
  function onePanelAtATime(bar) {
    const panels = bar.querySelectorAll("details.publishing-bar__panel");
    panels.forEach((panel) => {
      panel.addEventListener("toggle", () => {
        if (!panel.open) {
          return;
        }
        panels.forEach((other) => {
          if (other !== panel) {
            other.open = false;
          }
        });
        const first = panel.querySelector("textarea, input:not([type=hidden])");
        if (first) {
          first.focus();
        }
      });
      panel.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && panel.open) {
          panel.open = false;
          panel.querySelector("summary").focus();
        }
      });
    });
  }

  function waitForTick(bar) {
    bar.querySelectorAll("button[data-needs]").forEach((button) => {
      const box = document.getElementById(button.dataset.needs);
      if (!box) {
        return;
      }
      const follow = () => {
        button.disabled = !box.checked;
      };
      box.addEventListener("change", follow);
      follow();
    });
  }

  function start() {
    const bar = document.getElementById("publishing-bar");
    if (!bar) {
      return;
    }
    onePanelAtATime(bar);
    waitForTick(bar);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
