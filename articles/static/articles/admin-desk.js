// The story form's desk (articles/admin/desk.py): nothing lost.
// - The form as it stands is kept on the server a few seconds after a change and
//   when the page is hidden: an autosave of this user's, never the story. When one
//   is newer than the story's last save, the form offers it back.
// - Leaving a changed form asks first; any submit of the form is a save.
// - After a refused save, the first error is scrolled to and focused.
// The live preview beside the form is admin-desk-preview.js. The page works
// without either script: nothing is kept, nothing warns, nothing previews.
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
  const AUTOSAVE_PAUSE = 2000; // after the last change…
  const AUTOSAVE_AT_LEAST_EVERY = 10000; // …or this often while typing goes on
  const KEEPALIVE_LIMIT = 60000; // browsers refuse larger bodies sent as a page closes
  const SKIPPED = new Set(["csrfmiddlewaretoken", "opened_at"]);
  const NOT_VALUES = new Set(["submit", "button", "reset", "image", "file"]);
  const MANAGEMENT = /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/;

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

  function csrfToken(form) {
    const input = form.querySelector("[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Reading the form, and filling it again.

  function controls(form) {
    return Array.from(form.elements).filter(
      (control) =>
        control.name &&
        !control.disabled &&
        !SKIPPED.has(control.name) &&
        !control.name.includes("__prefix__") &&
        !NOT_VALUES.has(control.type) &&
        ["INPUT", "SELECT", "TEXTAREA"].includes(control.tagName),
    );
  }

  function read(form) {
    const fields = {};
    const labels = {};
    for (const control of controls(form)) {
      const values = (fields[control.name] = fields[control.name] || []);
      if (control.type === "checkbox" || control.type === "radio") {
        if (control.checked) values.push(control.value);
      } else if (control.tagName === "SELECT") {
        for (const option of control.selectedOptions) {
          values.push(option.value);
          (labels[control.name] = labels[control.name] || {})[option.value] = option.text;
        }
      } else {
        values.push(control.value);
      }
    }
    return { fields, labels };
  }

  function setValue(control, values, labels) {
    if (control.type === "checkbox" || control.type === "radio") {
      control.checked = values.includes(control.value);
    } else if (control.tagName === "SELECT") {
      const known = new Set(Array.from(control.options, (option) => option.value));
      values.filter((value) => !known.has(value)).forEach((value) => {
        control.add(new Option(labels[value] || value, value));
      });
      for (const option of control.options) option.selected = values.includes(option.value);
    } else {
      control.value = values[0] || "";
    }
  }

  function addInlineRows(form, fields) {
    // Rows added after the last save: Django's own "Add another" makes them.
    Object.keys(fields)
      .filter((name) => name.endsWith("-TOTAL_FORMS"))
      .forEach((name) => {
        const prefix = name.slice(0, -"-TOTAL_FORMS".length);
        const total = form.querySelector(`[name="${CSS.escape(name)}"]`);
        const add = document.querySelector(`#${CSS.escape(prefix)}-group .add-row a`);
        let missing = Number(fields[name][0]) - Number(total ? total.value : 0);
        while (add && missing > 0 && add.offsetParent !== null) {
          add.click();
          missing -= 1;
        }
      });
  }

  function bodyEditors(form) {
    return Array.from(form.querySelectorAll(".prose-editor")).map((wrapper) => ({
      textarea: wrapper.querySelector("textarea"),
      editor: (wrapper.querySelector(".ProseMirror[contenteditable]") || {}).editor,
    }));
  }

  function fill(form, saved) {
    addInlineRows(form, saved.fields);
    for (const control of controls(form)) {
      const values = saved.fields[control.name];
      if (values === undefined || MANAGEMENT.test(control.name)) continue;
      setValue(control, values, (saved.labels || {})[control.name] || {});
      control.dispatchEvent(new Event("input", { bubbles: true }));
      control.dispatchEvent(new Event("change", { bubbles: true }));
    }
    // The body editor shows its own document: give it the restored one.
    bodyEditors(form).forEach(({ textarea, editor }) => {
      if (textarea && editor) editor.commands.setContent(textarea.value);
    });
  }

  // Autosave, and the offer to restore it.

  function say(desk, text) {
    desk.status.textContent = text;
  }

  function keep(desk, leaving) {
    if (desk.offerPending || desk.submitting || desk.stopped) return;
    if (desk.keeping && !leaving) return;
    const state = read(desk.form);
    const text = JSON.stringify(state.fields);
    if (text === desk.lastKept || text === desk.lastRefused) return;
    const body = JSON.stringify(state);
    if (new Blob([body]).size > desk.limit) {
      desk.lastRefused = text;
      say(desk, gettext("Too long to keep automatically: save the story now."));
      return;
    }
    const controller = new AbortController();
    desk.keeping = controller;
    fetch(desk.url, {
      method: "POST",
      body,
      credentials: "same-origin",
      keepalive: Boolean(leaving) && body.length < KEEPALIVE_LIMIT,
      signal: leaving ? undefined : controller.signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(desk.form) },
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response)))
      .then((answer) => {
        desk.lastKept = text;
        desk.lastKeptAt = Date.now();
        say(
          desk,
          interpolate(gettext("Changes kept at %(time)s; saving the story keeps them for good."), {
            time: answer.saved_at,
          }),
        );
      })
      .catch((response) => {
        desk.lastRefused = text; // tried again once the form changes
        refused(desk, response);
      })
      .finally(() => {
        if (desk.keeping === controller) desk.keeping = null;
      });
  }

  function refused(desk, response) {
    if (!response || response.status === undefined) return; // offline, or aborted
    if (response.status === 413) {
      say(desk, gettext("Too long to keep automatically: save the story now."));
    } else if (response.status === 403 || response.status === 404) {
      desk.stopped = true;
      say(desk, gettext("Changes are no longer kept automatically: you may not change this story now."));
    }
  }

  function tick(desk) {
    const now = Date.now();
    if (!desk.acted) {
      // Until someone types or clicks, changes are the widgets settling in.
      desk.baseline = JSON.stringify(read(desk.form).fields);
      if (!desk.refused) desk.lastKept = desk.baseline;
    }
    if (now - desk.lastChange >= AUTOSAVE_PAUSE || now - desk.lastKeptAt >= AUTOSAVE_AT_LEAST_EVERY) {
      keep(desk, false);
    }
  }

  function offer(desk, when) {
    desk.offerPending = true;
    const note = element("p", {
      textContent: interpolate(gettext("You have unsaved changes from %(time)s."), { time: when }),
    });
    const box = element("div", { className: "desk-offer", role: "status" }, [note]);
    const answered = (text) => {
      desk.offerPending = false;
      box.remove();
      say(desk, text);
    };
    const restore = button(gettext("Restore them"), () => {
      fetch(desk.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : Promise.reject(response)))
        .then((saved) => {
          fill(desk.form, saved);
          desk.lastKept = JSON.stringify(read(desk.form).fields);
          answered(
            interpolate(gettext("Restored your changes from %(time)s. Save the story to keep them."), {
              time: saved.saved_at,
            }),
          );
        })
        .catch(() => {
          note.textContent = interpolate(
            gettext("Your changes from %(time)s could not be fetched. Try again, or discard them."),
            { time: when },
          );
        });
    });
    const discard = button(gettext("Discard"), () => {
      fetch(desk.url, {
        method: "DELETE",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(desk.form) },
      }).finally(() => {
        desk.lastKept = JSON.stringify(read(desk.form).fields);
        answered(gettext("Discarded the unsaved changes."));
      });
    });
    box.append(element("p", { className: "desk-offer__choices" }, [restore, " ", discard]));
    desk.bar.after(box);
    // A reload puts the page back where it was, perhaps far below the offer.
    window.addEventListener("load", () => box.isConnected && box.scrollIntoView({ block: "center" }));
  }

  // Leaving, and saving.

  function isChanged(desk) {
    return desk.refused || JSON.stringify(read(desk.form).fields) !== desk.baseline;
  }

  function watchLeaving(desk) {
    desk.form.addEventListener("submit", (event) => {
      desk.submitting = true;
      if (desk.keeping) desk.keeping.abort();
      // Another script may stop the submit (a question first): then it was no save.
      setTimeout(() => {
        if (event.defaultPrevented) desk.submitting = false;
      }, 0);
    });
    window.addEventListener("beforeunload", (event) => {
      if (desk.submitting || !isChanged(desk)) return;
      event.preventDefault();
      event.returnValue = "";
    });
    window.addEventListener("pageshow", (event) => {
      if (event.persisted) desk.submitting = false;
    });
    const leave = () => keep(desk, true);
    window.addEventListener("pagehide", leave);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") leave();
    });
  }

  function watchChanges(desk) {
    const changed = () => {
      desk.lastChange = Date.now();
    };
    desk.form.addEventListener("input", changed);
    desk.form.addEventListener("change", changed);
    const acted = (event) => {
      if (event.isTrusted) desk.acted = true;
    };
    ["keydown", "pointerdown", "input", "paste", "drop"].forEach((type) =>
      document.addEventListener(type, acted, true),
    );
  }

  // After a refused save: the first error, in view and focused.

  function errorTarget(list) {
    let row = list.closest(".form-row, .fieldBox, tr, .publishing-bar__panel-body") || list.parentElement;
    if (row.matches("tr") && !row.querySelector("input, select, textarea")) {
      row = row.nextElementSibling || row; // a tabular inline's errors sit in a row of their own
    }
    const candidates = row.querySelectorAll(
      ".ProseMirror[contenteditable], .select2-selection, input:not([type=hidden]), select, textarea",
    );
    return Array.from(candidates).find((candidate) => candidate.offsetParent !== null) || null;
  }

  function reveal(target) {
    if (!target.matches("a, button, input, select, textarea, [contenteditable=true], [tabindex]")) {
      target.tabIndex = -1;
    }
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  function focusFirstError(form) {
    const note = document.querySelector(".errornote");
    if (!note) return;
    const list = form.querySelector(".errorlist");
    if (!list || list.classList.contains("nonfield")) {
      reveal(list || note);
      return;
    }
    const proseEditor = (list.closest(".form-row") || list.parentElement).querySelector(
      "[data-django-prose-editor-default], [data-django-prose-editor-configurable]",
    );
    if (proseEditor && !proseEditor.closest(".prose-editor")) {
      // The body editor is not drawn yet: focus it when it is.
      const later = () => reveal(errorTarget(list) || note);
      document.addEventListener("prose-editor:ready", later, { once: true });
      return;
    }
    reveal(errorTarget(list) || note);
  }

  // Starting.

  function start() {
    const main = document.getElementById("content-main");
    const form = main && main.querySelector("form[method=post]");
    if (!form) return;
    const status = element("p", { className: "desk-status", textContent: gettext("Changes are kept as you type.") });
    const bar = element("div", { className: "desk-bar" }, [status]);
    form.before(bar);
    const fields = JSON.stringify(read(form).fields);
    const refusedSave = document.querySelector(".errornote") !== null;
    const desk = {
      form,
      main,
      bar,
      status,
      url: script.dataset.autosaveUrl,
      limit: Number(script.dataset.autosaveLimit),
      baseline: fields,
      refused: refusedSave,
      lastKept: refusedSave ? null : fields, // a refused save's typing is kept at once
      lastKeptAt: Date.now(),
      lastChange: 0,
      acted: false,
    };
    main.classList.add("desk");
    if (script.dataset.autosaveOffer) offer(desk, script.dataset.autosaveOffer);
    watchChanges(desk);
    watchLeaving(desk);
    setInterval(() => tick(desk), TICK);
    window.addEventListener("load", () => focusFirstError(form));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
