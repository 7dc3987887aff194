// The story form's live preview (articles/admin/desk.py, live_preview_view).
// Beside the form on wide screens (open by itself when there is room, and as the
// editor last chose), above it under a toggle on narrow ones: the unsaved form,
// posted as it stands, rendered by the readers' templates at desktop or phone
// width. Updated a moment after each change, one request at a time. The frame
// runs no script; the next version loads out of sight and replaces the last good
// one only if the form could be previewed, keeping the reader's scroll position.
"use strict";

(function () {
  // Words in the editor's language: Django's JavaScript catalog (admin:newsroom_jsi18n,
  // loaded before this script) gives gettext() and interpolate(); without it, English.
  const gettext = (text) => (window.gettext ? window.gettext(text) : text);
  const interpolate = (text, values) =>
    window.interpolate
      ? window.interpolate(text, values, true)
      : text.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name]));
  const script = document.currentScript;
  const TICK = 1000;
  const PAUSE = 800; // after the last change
  const TIMEOUT = 20000; // a preview that never comes back frees the next one
  const BESIDE = "(min-width: 1100px)"; // room for the preview beside the form (admin-desk.css)
  const ROOMY = "(min-width: 1400px)"; // room enough to open it unasked
  const REMEMBERED = "newsroom.desk.preview"; // the editor's own choice, on wide screens
  const WIDTHS = { desktop: 1024, phone: 375 };

  function element(tag, properties, children) {
    const made = Object.assign(document.createElement(tag), properties || {});
    (children || []).forEach((child) => made.append(child));
    return made;
  }

  function button(label, onClick) {
    const made = element("button", { type: "button", className: "desk-button", textContent: label });
    made.addEventListener("click", onClick);
    return made;
  }

  function entries(form) {
    // What the form would post, files aside (a preview needs none).
    return Array.from(new FormData(form)).filter(([, value]) => typeof value === "string");
  }

  function makeFrame(name) {
    const frame = element("iframe", {
      name,
      title: gettext("Preview of the unsaved story"),
      className: "desk-preview__frame",
    });
    // No allow-scripts: the page needs none, and nothing in it can run. Same origin
    // only so that this script can read whether the form could be previewed.
    frame.setAttribute("sandbox", "allow-same-origin");
    return frame;
  }

  function remembered() {
    try {
      return window.localStorage.getItem(REMEMBERED);
    } catch {
      return null; // storage switched off
    }
  }

  function remember(open) {
    try {
      window.localStorage.setItem(REMEMBERED, open ? "open" : "closed");
    } catch {
      // storage switched off: the choice lasts for this page
    }
  }

  class Preview {
    constructor(form, url, mode) {
      this.form = form;
      this.mode = mode;
      this.open = false;
      this.busy = false;
      this.shown = false;
      this.lastSent = null;
      this.frames = [makeFrame("desk-preview-1"), makeFrame("desk-preview-2")];
      [this.front, this.back] = this.frames;
      this.back.classList.add("desk-preview__frame--next");
      this.back.tabIndex = -1;
      this.note = element("p", { className: "desk-preview__note" });
      this.note.setAttribute("aria-live", "polite");
      this.stage = element("div", { className: "desk-preview__stage" }, this.frames);
      this.panel = element("aside", { className: "desk-preview", id: "desk-preview" }, [
        element("div", { className: "desk-preview__bar" }, [
          element("h2", { id: "desk-preview-title", textContent: gettext("Preview") }),
          this.widthSwitch(),
          this.note,
        ]),
        this.stage,
      ]);
      this.panel.setAttribute("aria-labelledby", "desk-preview-title");
      this.panel.dataset.width = mode;
      this.sender = element("form", { method: "post", action: url, hidden: true });
      document.body.append(this.sender);
      this.frames.forEach((frame) => frame.addEventListener("load", () => this.loaded(frame)));
      if ("ResizeObserver" in window) new ResizeObserver(() => this.fit()).observe(this.stage);
    }

    widthSwitch() {
      const group = element("div", { className: "desk-preview__widths" });
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", gettext("Preview width"));
      Object.keys(WIDTHS).forEach((mode) => {
        const choice = button(mode === "desktop" ? gettext("Desktop") : gettext("Phone"), () => {
          this.mode = mode;
          group.querySelectorAll("button").forEach((other) => {
            other.setAttribute("aria-pressed", String(other === choice));
          });
          this.panel.dataset.width = mode;
          this.fit();
        });
        choice.setAttribute("aria-pressed", String(mode === this.mode));
        group.append(choice);
      });
      return group;
    }

    fit() {
      // The page at its real width, scaled down to the panel.
      const width = WIDTHS[this.mode];
      const box = this.stage.getBoundingClientRect();
      if (!box.width) return;
      const scale = Math.min(1, box.width / width);
      const left = Math.max(0, (box.width - width * scale) / 2);
      this.frames.forEach((frame) => {
        frame.style.width = `${width}px`;
        frame.style.height = `${box.height / scale}px`;
        frame.style.transform = `translateX(${left}px) scale(${scale})`;
      });
    }

    soon() {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.request(), PAUSE);
    }

    refreshIfChanged() {
      // Some widgets change the form without an event (autocompletes, pickers).
      if (this.open && !this.busy && JSON.stringify(entries(this.form)) !== this.lastSent) this.soon();
    }

    request() {
      if (!this.open || this.busy) return; // one at a time: the next tick sends what changed
      const posted = entries(this.form);
      this.lastSent = JSON.stringify(posted);
      this.sender.replaceChildren(
        ...posted.map(([name, value]) => element("input", { type: "hidden", name, value })),
      );
      this.sender.target = this.back.name;
      this.busy = true;
      this.watchdog = setTimeout(() => {
        this.busy = false;
      }, TIMEOUT);
      this.sender.submit();
    }

    loaded(frame) {
      if (!this.busy || frame !== this.back) return; // a frame's first, empty page
      clearTimeout(this.watchdog);
      this.busy = false;
      const page = frame.contentDocument;
      const error = page && page.querySelector('meta[name="newsroom-preview-error"]');
      if (error && this.shown) {
        this.note.textContent = interpolate(gettext("Not updated: %(error)s"), { error: error.content });
        return;
      }
      this.swap();
      this.shown = this.shown || !error;
      const time = new Date().toLocaleTimeString([], {
        hourCycle: "h23",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
      });
      this.note.textContent = error
        ? interpolate(gettext("No preview yet: %(error)s"), { error: error.content })
        : interpolate(gettext("Updated %(time)s, not saved."), { time });
    }

    swap() {
      const [front, back] = [this.front, this.back];
      if (front.contentWindow && back.contentWindow) {
        back.contentWindow.scrollTo(0, front.contentWindow.scrollY);
      }
      front.classList.add("desk-preview__frame--next");
      back.classList.remove("desk-preview__frame--next");
      front.tabIndex = -1;
      back.removeAttribute("tabindex");
      [this.front, this.back] = [back, front];
    }

    show(open) {
      this.open = open;
      this.panel.hidden = !open;
      this.panel.parentElement.classList.toggle("desk-preview-open", open);
      this.toggle.setAttribute("aria-expanded", String(open));
      this.toggle.textContent = open ? gettext("Hide preview") : gettext("Show preview");
      if (open) {
        this.fit();
        this.request();
      }
    }
  }

  function start() {
    const main = document.getElementById("content-main");
    const form = main && main.querySelector("form[method=post]");
    if (!form) return;
    // admin-desk.js makes the bar first; without it, the preview makes its own.
    let bar = main.querySelector(".desk-bar");
    if (!bar) {
      bar = element("div", { className: "desk-bar" });
      form.before(bar);
    }
    const beside = window.matchMedia(BESIDE).matches;
    const preview = new Preview(form, script.dataset.previewUrl, beside ? "desktop" : "phone");
    preview.toggle = button(gettext("Show preview"), () => {
      preview.show(!preview.open);
      if (beside) remember(preview.open);
    });
    preview.toggle.classList.add("desk-preview-toggle");
    preview.toggle.setAttribute("aria-controls", "desk-preview");
    bar.append(preview.toggle);
    form.before(preview.panel);
    const choice = remembered();
    preview.show(beside && (choice ? choice === "open" : window.matchMedia(ROOMY).matches));
    form.addEventListener("input", () => preview.soon());
    form.addEventListener("change", () => preview.soon());
    setInterval(() => preview.refreshIfChanged(), TICK);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
