// The story form's picture and embed chooser (articles/admin/chooser.py).
//
// One dialog, copied out of its <template> so that its forms are not nested
// in the story form, serves the lead picture's "Choose a picture…" button and
// the body editor's Picture and Embed buttons (admin-body-media.js asks for it
// with a "newsroom:choose" event). It searches the library, uploads pictures
// dropped on it (or on the lead picture's field) or picked, one request each
// with its own progress, and hands back what was chosen: a lone new upload at
// once ("Upload and use"), several or a duplicate by their "Use" buttons.
// Everything from the server is written as text, never as markup. Without
// this script the picture's number box still works.
"use strict";

(() => {
  // Words in the editor's language: Django's JavaScript catalog (admin:newsroom_jsi18n,
  // loaded before this script) gives gettext() and interpolate(); without it, English.
  const gettext = (text) => (window.gettext ? window.gettext(text) : text);
  const interpolate = (text, values) =>
    window.interpolate
      ? window.interpolate(text, values, true)
      : text.replace(/%\((\w+)\)s/g, (_match, name) => String(values[name]));
  const ngettext = (singular, plural, count) =>
    window.ngettext ? window.ngettext(singular, plural, count) : count === 1 ? singular : plural;

  function make(tag, properties = {}, children = []) {
    const node = document.createElement(tag);
    Object.assign(node, properties);
    node.append(...children.filter((child) => child !== null));
    return node;
  }

  function thumbnail(picture, className) {
    if (!picture.thumbnail) {
      return make("span", { className: `${className} is-missing`, textContent: gettext("No preview") });
    }
    const image = make("img", { className, alt: "", src: picture.thumbnail.url });
    image.width = picture.thumbnail.width;
    image.height = picture.thumbnail.height;
    return image;
  }

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function titleFromName(name) {
    return name.replace(/\.[^.]+$/, "").replace(/[-_]+/g, " ").trim();
  }

  let uploadCount = 0;

  // Read as the dialog opens, once the catalog has given its words.
  const KINDS = {
    picture: () => ({
      title: gettext("Choose a picture"),
      label: gettext("Search pictures"),
      none: gettext("No picture matches."),
    }),
    embed: () => ({
      title: gettext("Insert an embed"),
      label: gettext("Search embeds"),
      none: gettext("No embed matches."),
    }),
  };

  class Upload {
    // One file in the upload tab: its title, alt text and credit, sent alone.
    constructor(file, chooser) {
      this.file = file;
      this.chooser = chooser;
      this.picture = null;
      this.preview = URL.createObjectURL(file);
      uploadCount += 1;
      const id = `media-upload-${uploadCount}`;
      this.title = make("input", { id: `${id}-title`, value: titleFromName(file.name), required: true });
      this.alt = make("input", { id: `${id}-alt`, required: true });
      this.caption = make("input", { id: `${id}-caption` });
      this.credit = make("input", { id: `${id}-credit` });
      this.progress = make("progress", { max: 100, value: 0, hidden: true });
      this.message = make("p", { className: "media-upload__message", role: "status" });
      this.use = make("button", {
        type: "button",
        className: "button",
        textContent: gettext("Use this picture"),
        hidden: true,
      });
      this.use.addEventListener("click", () => chooser.choose(this.picture));
      this.fields = [];
      const field = (input, text) => {
        const paragraph = make("p", {}, [make("label", { htmlFor: input.id, textContent: text }), input]);
        this.fields.push(paragraph);
        return paragraph;
      };
      this.row = make("li", { className: "media-upload" }, [
        make("img", { className: "media-upload__preview", src: this.preview, alt: "" }),
        make("div", { className: "media-upload__fields" }, [
          make("p", { className: "media-upload__name", textContent: file.name }),
          field(this.title, gettext("Title")),
          field(this.alt, gettext("Alt text: what the picture shows")),
          field(this.caption, gettext("Caption (optional)")),
          field(this.credit, gettext("Credit (optional)")),
          this.progress,
          this.message,
          this.use,
        ]),
      ]);
    }

    get pending() {
      return this.picture === null && !this.sending;
    }

    say(text, kind) {
      this.message.textContent = text;
      this.message.className = `media-upload__message${kind ? ` is-${kind}` : ""}`;
    }

    send(url) {
      if (!this.alt.value.trim() || !this.title.value.trim()) {
        this.say(gettext("Give the picture a title and its alt text (what it shows) before uploading it."), "error");
        (this.title.value.trim() ? this.alt : this.title).focus();
        return Promise.resolve(false);
      }
      const data = new FormData();
      data.append("file", this.file);
      data.append("title", this.title.value.trim());
      data.append("alt_text", this.alt.value.trim());
      data.append("caption", this.caption.value.trim());
      data.append("credit", this.credit.value.trim());
      this.sending = true;
      this.progress.hidden = false;
      this.progress.value = 0;
      this.say(gettext("Uploading…"));
      return new Promise((resolve) => {
        const request = new XMLHttpRequest();
        request.open("POST", url);
        request.setRequestHeader("X-CSRFToken", csrfToken());
        request.responseType = "json";
        request.upload.addEventListener("progress", (event) => {
          if (event.lengthComputable) {
            this.progress.value = Math.round((event.loaded / event.total) * 100);
          }
        });
        request.addEventListener("loadend", () => {
          this.sending = false;
          resolve(this.answered(request.status, request.response));
        });
        request.send(data);
      });
    }

    answered(status, answer) {
      this.progress.hidden = true;
      if (status === 201 || (status === 200 && answer && answer.duplicate)) {
        this.picture = answer.picture;
        this.duplicate = Boolean(answer.duplicate);
        this.say(answer.message || gettext("Uploaded."), answer.duplicate ? "warning" : "success");
        this.use.hidden = false;
        this.row.classList.add("is-done");
        // Stored: what was typed is now the picture's, changed on its own form.
        for (const paragraph of this.fields) {
          paragraph.hidden = true;
        }
        const name = this.row.querySelector(".media-upload__name");
        name.textContent = `${this.picture.title} (${this.file.name})`;
        return true;
      }
      const refusal = answer && answer.error ? answer.error : gettext("The upload failed: try again.");
      this.say(refusal, "error");
      return false;
    }
  }

  class Chooser {
    constructor(template, urls) {
      this.urls = urls;
      this.dialog = template.content.firstElementChild.cloneNode(true);
      document.body.append(this.dialog);
      const find = (selector) => this.dialog.querySelector(selector);
      this.heading = find("[data-chooser-title]");
      this.tabs = find("[data-chooser-tabs]");
      this.searchInput = find("[data-search-input]");
      this.searchLabel = find("[data-search-label]");
      this.status = find("[data-chooser-status]");
      this.results = find("[data-chooser-results]");
      this.pages = find("[data-chooser-pages]");
      this.pageLabel = find("[data-page-label]");
      this.uploadList = find("[data-chooser-uploads]");
      this.uploadButton = find("[data-chooser-upload]");
      this.uploads = [];
      this.page = 1;
      this.wire(find);
    }

    wire(find) {
      find("[data-search-button]").addEventListener("click", () => this.search(1));
      this.searchInput.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
          this.search(1);
        }
      });
      find("[data-chooser-close]").addEventListener("click", () => this.dialog.close());
      this.pages.addEventListener("click", (event) => {
        const step = event.target.dataset.page;
        if (step) {
          this.search(this.page + (step === "next" ? 1 : -1));
        }
      });
      this.tabs.addEventListener("click", (event) => {
        if (event.target.dataset.tab) {
          this.showTab(event.target.dataset.tab);
        }
      });
      this.tabs.addEventListener("keydown", (event) => {
        if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
          const next = this.currentTab === "library" ? "upload" : "library";
          this.showTab(next);
          this.tabs.querySelector(`[data-tab=${next}]`).focus();
        }
      });
      const drop = find("[data-chooser-drop]");
      const files = find("[data-chooser-files]");
      files.addEventListener("change", () => {
        this.add(files.files);
        files.value = "";
      });
      drop.addEventListener("dragover", (event) => {
        event.preventDefault();
        drop.classList.add("is-over");
      });
      drop.addEventListener("dragleave", () => drop.classList.remove("is-over"));
      drop.addEventListener("drop", (event) => {
        event.preventDefault();
        drop.classList.remove("is-over");
        this.add(event.dataTransfer.files);
      });
      this.uploadButton.addEventListener("click", () => this.uploadAll());
      // Enter in a picture's boxes uploads, as it would submit a form.
      this.uploadList.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && event.target.tagName === "INPUT") {
          event.preventDefault();
          this.uploadAll();
        }
      });
    }

    open(kind, onChoose) {
      this.kind = kind;
      this.onChoose = onChoose;
      const words = KINDS[kind]();
      this.heading.textContent = words.title;
      this.searchLabel.textContent = words.label;
      this.tabs.hidden = kind !== "picture";
      this.searchInput.value = "";
      this.showTab("library");
      if (!this.dialog.open) {
        this.dialog.showModal();
      }
      this.searchInput.focus();
      this.search(1);
    }

    // Files dropped outside the dialog (on the lead picture's field).
    openUpload(kind, onChoose, files) {
      this.open(kind, onChoose);
      this.showTab("upload");
      this.add(files);
    }

    choose(item) {
      this.dialog.close();
      this.onChoose(item);
    }

    showTab(name) {
      this.currentTab = name;
      for (const tab of this.tabs.querySelectorAll("[role=tab]")) {
        const selected = tab.dataset.tab === name;
        tab.setAttribute("aria-selected", String(selected));
        tab.tabIndex = selected ? 0 : -1;
      }
      for (const panel of this.dialog.querySelectorAll("[data-panel]")) {
        panel.hidden = panel.dataset.panel !== name;
      }
    }

    async search(page) {
      const url = new URL(this.kind === "picture" ? this.urls.pictures : this.urls.embeds, location.href);
      url.searchParams.set("q", this.searchInput.value.trim());
      url.searchParams.set("page", String(page));
      this.status.textContent = gettext("Searching…");
      let answer;
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        answer = await response.json();
        if (!response.ok) {
          throw new Error(answer.error);
        }
      } catch (error) {
        this.status.textContent = interpolate(gettext("The search failed (%(reason)s): try again."), {
          reason: error.message || gettext("no answer"),
        });
        return;
      }
      this.page = answer.page;
      this.show(answer);
    }

    show(answer) {
      const items = answer.results.map((item) => {
        const button = this.kind === "picture" ? this.pictureButton(item) : this.embedButton(item);
        button.addEventListener("click", () => this.choose(item));
        return make("li", {}, [button]);
      });
      this.results.replaceChildren(...items);
      this.results.className = `media-chooser__results is-${this.kind}`;
      const found = interpolate(ngettext("%(count)s found", "%(count)s found", answer.count), { count: answer.count });
      this.status.textContent = answer.count ? found : KINDS[this.kind]().none;
      this.pages.hidden = answer.pages < 2;
      this.pageLabel.textContent = interpolate(gettext("Page %(page)s of %(pages)s"), {
        page: answer.page,
        pages: answer.pages,
      });
      this.pages.querySelector("[data-page=previous]").disabled = answer.page <= 1;
      this.pages.querySelector("[data-page=next]").disabled = answer.page >= answer.pages;
    }

    pictureButton(picture) {
      return make("button", { type: "button", className: "media-chooser__item", title: picture.alt_text }, [
        thumbnail(picture, "media-chooser__thumbnail"),
        make("span", { className: "media-chooser__name", textContent: picture.title }),
        picture.credit ? make("span", { className: "media-chooser__credit", textContent: picture.credit }) : null,
      ]);
    }

    embedButton(embed) {
      const who = embed.author_handle ? `${embed.author_name} (${embed.author_handle})` : embed.author_name;
      return make("button", { type: "button", className: "media-chooser__item" }, [
        make("span", { className: "media-chooser__name", textContent: embed.slug }),
        make("span", { className: "media-chooser__credit", textContent: `${who} · ${embed.kind}` }),
        make("span", { className: "media-chooser__text", textContent: embed.text }),
      ]);
    }

    add(files) {
      for (const file of files) {
        const upload = new Upload(file, this);
        this.uploads.push(upload);
        this.uploadList.append(upload.row);
      }
      this.showUploadButton();
      const first = this.uploads.find((upload) => upload.pending);
      if (first) {
        first.alt.focus();
      }
    }

    showUploadButton() {
      const pending = this.uploads.filter((upload) => upload.pending).length;
      this.uploadButton.hidden = pending === 0;
      this.uploadButton.textContent = pending === 1 ? gettext("Upload and use") : gettext("Upload");
    }

    async uploadAll() {
      if (this.uploadButton.disabled) {
        return;
      }
      const batch = this.uploads.filter((upload) => upload.pending);
      this.uploadButton.disabled = true;
      const sent = await Promise.all(batch.map((upload) => upload.send(this.urls.upload)));
      this.uploadButton.disabled = false;
      this.showUploadButton();
      // One new picture is the one wanted; a duplicate waits, so that the
      // editor reads which picture the library already has.
      if (batch.length === 1 && sent[0] && !batch[0].duplicate) {
        this.choose(batch[0].picture);
      }
    }
  }

  class LeadPicture {
    // The lead picture's widget: its card, its number box and two buttons.
    constructor(root, chooser) {
      this.chooser = chooser;
      this.card = root.querySelector("[data-chooser-card]");
      this.input = root.querySelector("input");
      this.openButton = root.querySelector("[data-chooser-open]");
      this.clearButton = root.querySelector("[data-chooser-clear]");
      this.openButton.hidden = false;
      this.clearButton.hidden = !this.input.value;
      const use = (picture) => this.set(picture);
      this.openButton.addEventListener("click", () => chooser.open("picture", use));
      this.clearButton.addEventListener("click", () => this.set(null));
      // A number typed in the box, or put back by an autosave's Restore.
      this.input.addEventListener("change", () => {
        if (!this.setting) {
          this.look(this.input.value.trim());
        }
      });
      this.openButton.after(
        make("span", { className: "picture-chooser__drop-hint", textContent: gettext("or drop a picture here") }),
      );
      root.addEventListener("dragover", (event) => {
        if (Array.from(event.dataTransfer.types).includes("Files")) {
          event.preventDefault();
          root.classList.add("is-over");
        }
      });
      root.addEventListener("dragleave", () => root.classList.remove("is-over"));
      root.addEventListener("drop", (event) => {
        if (!event.dataTransfer.files.length) {
          return;
        }
        event.preventDefault();
        root.classList.remove("is-over");
        chooser.openUpload("picture", use, event.dataTransfer.files);
      });
    }

    set(picture) {
      this.input.value = picture ? picture.id : "";
      this.show(picture, gettext("No picture chosen."));
      this.setting = true;
      for (const type of ["input", "change"]) {
        this.input.dispatchEvent(new Event(type, { bubbles: true }));
      }
      this.setting = false;
      this.openButton.focus();
    }

    show(picture, none) {
      this.clearButton.hidden = !this.input.value;
      const note = make("p", { className: "picture-chooser__none", textContent: none });
      this.card.replaceChildren(...(picture ? this.details(picture) : [note]));
    }

    async look(number) {
      if (!number) {
        this.show(null, gettext("No picture chosen."));
        return;
      }
      const url = new URL(this.chooser.urls.pictures, location.href);
      url.searchParams.set("id", number);
      try {
        const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
        const answer = await response.json();
        if (this.input.value.trim() !== number) {
          return; // changed again meanwhile
        }
        const picture = response.ok ? answer.results[0] : null;
        this.show(
          picture,
          interpolate(gettext("No picture numbered “%(number)s” in the library: saving will say so."), { number }),
        );
      } catch {
        // No answer: the number stands, and the save checks it.
      }
    }

    details(picture) {
      const entry = (term, value) => [make("dt", { textContent: term }), make("dd", { textContent: value })];
      return [
        thumbnail(picture, "picture-chooser__thumbnail"),
        make("dl", { className: "picture-chooser__details" }, [
          ...entry(gettext("Title"), picture.title),
          ...entry(gettext("Credit"), picture.credit || gettext("none")),
          ...entry(gettext("Alt text"), picture.alt_text),
        ]),
      ];
    }
  }

  function start() {
    const template = document.getElementById("media-chooser-template");
    const root = document.querySelector("[data-picture-chooser]");
    if (!template || !root || typeof HTMLDialogElement === "undefined") {
      return;
    }
    const chooser = new Chooser(template, {
      pictures: root.dataset.picturesUrl,
      upload: root.dataset.uploadUrl,
      embeds: root.dataset.embedsUrl,
    });
    new LeadPicture(root, chooser);
    // The body editor's toolbar (admin-body-media.js) asks for a picture or an
    // embed; the answer is the marker that places it.
    document.addEventListener("newsroom:choose", (event) => {
      event.preventDefault();
      chooser.open(event.detail.kind, (item) => event.detail.insert(item.marker));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
