// A story's tags as names the editor can remove, with suggestions from the
// tags in use as they type (articles.admin.widgets.TagsWidget).
//
// The form still posts the text box taggit reads, kept up to date here:
// names with a comma or a space go in double quotes, as taggit writes them.
// Without this script the box is there as it is.
"use strict";

(() => {
  // Words in the editor's language: Django's JavaScript catalog (admin:newsroom_jsi18n,
  // loaded before this script) gives gettext() and interpolate(); without it, English.
  const gettext = (text) => (window.gettext ? window.gettext(text) : text);
  const interpolate = (text, values) =>
    window.interpolate
      ? window.interpolate(text, values, true)
      : text.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name]));
  const DELAY = 150;

  function quoted(name) {
    return /[ ,]/.test(name) ? `"${name}"` : name;
  }

  // What the editor typed, as names: a comma ends a name unless it is inside
  // double quotes, as in taggit; spaces never do (a chip holds "human rights").
  // taggit cannot keep a double quote inside a name, so none is kept.
  function namesIn(text) {
    const names = [];
    let current = "";
    let quoting = false;
    for (const character of text) {
      if (character === '"') {
        quoting = !quoting;
      } else if (character === "," && !quoting) {
        names.push(current);
        current = "";
      } else {
        current += character;
      }
    }
    names.push(current);
    return names.map((name) => name.trim()).filter(Boolean);
  }

  function element(tag, properties = {}, ...children) {
    const made = Object.assign(document.createElement(tag), properties);
    made.append(...children);
    return made;
  }

  class TagEditor {
    constructor(field) {
      this.field = field;
      this.url = field.dataset.suggestUrl;
      this.names = JSON.parse(field.dataset.tags || "[]");
      this.timer = null;
      this.request = null;
      // Tags in use, by their names in lower case: "азербайджан" typed becomes
      // the "Азербайджан" already in use, not a second tag.
      this.known = new Map();
      this.build();
      this.render();
    }

    build() {
      const { field } = this;
      const id = field.id;
      this.chips = element("ul", { className: "tag-editor__chips" });
      this.chips.setAttribute("aria-label", gettext("Tags on this story"));
      this.list = element("ul", { className: "tag-editor__suggestions", id: `${id}_suggestions`, hidden: true });
      this.list.setAttribute("role", "listbox");
      this.list.setAttribute("aria-label", gettext("Tags in use"));
      this.input = element("input", { type: "text", id, className: "tag-editor__input", autocomplete: "off" });
      this.input.setAttribute("role", "combobox");
      this.input.setAttribute("aria-autocomplete", "list");
      this.input.setAttribute("aria-expanded", "false");
      this.input.setAttribute("aria-controls", this.list.id);
      const describedBy = field.getAttribute("aria-describedby");
      if (describedBy) this.input.setAttribute("aria-describedby", describedBy);
      // The label names the box the editor types in; the form posts the other.
      field.id = `${id}_text`;
      field.hidden = true;
      this.editor = element("div", { className: "tag-editor" }, this.chips, this.input, this.list);
      field.after(this.editor);
      this.listen();
    }

    listen() {
      const { input, field } = this;
      this.editor.addEventListener("click", (event) => {
        if (event.target === this.editor || event.target === this.chips) input.focus();
      });
      input.addEventListener("input", () => this.typed());
      input.addEventListener("keydown", (event) => this.key(event));
      input.addEventListener("blur", () => {
        this.commit();
        this.close();
      });
      this.chips.addEventListener("click", (event) => {
        const button = event.target.closest("button[data-name]");
        if (button) this.remove(button.dataset.name, true);
      });
      // A choice is made on mousedown, before the box loses the focus.
      this.list.addEventListener("mousedown", (event) => {
        const option = event.target.closest("[role=option]");
        if (!option) return;
        event.preventDefault();
        this.add(option.dataset.name);
      });
      // Other scripts (a restored draft) may set the text box: follow it.
      field.addEventListener("change", () => {
        if (field.value !== this.serialised()) {
          this.names = [];
          this.add(...namesIn(field.value));
        }
      });
    }

    serialised(pending = "") {
      return [...this.names, ...namesIn(pending)].map(quoted).join(", ");
    }

    // The text box always holds what a save would keep, typed text included.
    sync() {
      const value = this.serialised(this.input.value);
      if (this.field.value === value) return;
      this.field.value = value;
      this.field.dispatchEvent(new Event("input", { bubbles: true }));
    }

    has(name) {
      return this.names.some((kept) => kept.toLowerCase() === name.toLowerCase());
    }

    add(...names) {
      for (const typed of names) {
        const name = this.known.get(typed.toLowerCase()) || typed;
        if (name && !this.has(name)) this.names.push(name);
      }
      this.input.value = "";
      this.close();
      this.render();
    }

    remove(name, focus = false) {
      this.names = this.names.filter((kept) => kept !== name);
      this.render();
      if (focus) this.input.focus();
    }

    commit() {
      const names = namesIn(this.input.value);
      if (names.length) this.add(...names);
    }

    render() {
      this.chips.replaceChildren(
        ...this.names.map((name) => {
          const remove = element("button", { type: "button", className: "tag-editor__remove", textContent: "×" });
          remove.dataset.name = name;
          remove.setAttribute("aria-label", interpolate(gettext("Remove the tag %(name)s"), { name }));
          return element("li", { className: "tag-editor__chip" }, element("span", { textContent: name }), remove);
        }),
      );
      this.sync();
    }

    typed() {
      const text = this.input.value;
      // A comma outside quotes ends a name, as when pasting "Baku, Tbilisi".
      const parts = namesIn(text);
      const open = (text.match(/"/g) || []).length % 2 === 1;
      if (!open && /,\s*$/.test(text)) {
        this.add(...parts);
      } else if (!open && parts.length > 1) {
        this.names.push(...parts.slice(0, -1).filter((name) => !this.has(name)));
        this.input.value = parts.at(-1);
        this.render();
      }
      this.sync();
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.suggest(), DELAY);
    }

    async suggest() {
      const typed = this.input.value.replace(/"/g, "").trim();
      if (!typed) {
        this.close();
        return;
      }
      this.request?.abort();
      this.request = new AbortController();
      let results;
      try {
        const url = `${this.url}?q=${encodeURIComponent(typed)}`;
        const response = await fetch(url, { headers: { Accept: "application/json" }, signal: this.request.signal });
        if (!response.ok) return;
        ({ results } = await response.json());
      } catch {
        return; // Aborted by newer typing, or offline: no suggestions.
      }
      for (const name of results) this.known.set(name.toLowerCase(), name);
      this.show(results.filter((name) => !this.has(name)));
    }

    show(names) {
      this.list.replaceChildren(
        ...names.map((name, index) => {
          const option = element("li", { id: `${this.list.id}_${index}`, textContent: name });
          option.dataset.name = name;
          option.setAttribute("role", "option");
          option.setAttribute("aria-selected", "false");
          return option;
        }),
      );
      this.list.hidden = names.length === 0;
      this.input.setAttribute("aria-expanded", String(names.length > 0));
      this.input.removeAttribute("aria-activedescendant");
    }

    close() {
      this.show([]);
    }

    options() {
      return [...this.list.querySelectorAll("[role=option]")];
    }

    move(step) {
      const options = this.options();
      if (!options.length) return;
      const current = options.findIndex((option) => option.getAttribute("aria-selected") === "true");
      const next = current === -1 ? (step > 0 ? 0 : options.length - 1) : (current + step + options.length) % options.length;
      options.forEach((option, index) => option.setAttribute("aria-selected", String(index === next)));
      this.input.setAttribute("aria-activedescendant", options[next].id);
      options[next].scrollIntoView({ block: "nearest" });
    }

    key(event) {
      const active = this.options().find((option) => option.getAttribute("aria-selected") === "true");
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        this.move(event.key === "ArrowDown" ? 1 : -1);
      } else if (event.key === "Enter") {
        if (!active && !this.input.value.trim()) return; // Enter on an empty box saves, as elsewhere.
        event.preventDefault();
        if (active) this.add(active.dataset.name);
        else this.commit();
      } else if (event.key === "Escape" && !this.list.hidden) {
        event.preventDefault();
        this.close();
      } else if (event.key === "Backspace" && !this.input.value && this.names.length) {
        this.remove(this.names.at(-1));
      }
    }
  }

  function start() {
    for (const field of document.querySelectorAll("input[data-suggest-url][data-tags]")) {
      new TagEditor(field);
    }
  }

  // The admin puts form media in the page's head.
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
