// The body editor's "Picture" and "Embed" buttons: the BodyMedia extension,
// named in articles/html.py's BODY_EDITOR_EXTENSIONS and loaded by
// django-prose-editor through DJANGO_PROSE_EDITOR_EXTENSIONS in the settings.
//
// Each button asks the story form's chooser (admin-chooser.js) for a picture
// or an embed, and puts what it answers, the marker [picture:id] or
// [embed:slug], in a paragraph of its own at the cursor: the marker the
// server reads (articles/html.py) and checks when the story is saved.
import { Extension } from "django-prose-editor/editor";

// Words in the editor's language: Django's JavaScript catalog (admin:newsroom_jsi18n,
// on the story form before the editor loads) gives pgettext(); without it, English.
const pgettext = (context, text) => (window.pgettext ? window.pgettext(context, text) : text);
const gettext = (text) => (window.gettext ? window.gettext(text) : text);

function insertMarker(editor, marker) {
  editor
    .chain()
    .focus()
    .insertContent({ type: "paragraph", content: [{ type: "text", text: marker }] })
    .run();
}

function choose(editor, kind) {
  const asked = new CustomEvent("newsroom:choose", {
    bubbles: true,
    cancelable: true,
    detail: { kind, insert: (marker) => insertMarker(editor, marker) },
  });
  editor.view.dom.dispatchEvent(asked);
}

export const BodyMedia = Extension.create({
  name: "bodyMedia",

  addMenuItems({ menu, buttons }) {
    menu.defineItem({
      name: "insertPicture",
      groups: "bodyMedia",
      button: buttons.text(pgettext("body editor button", "Picture"), gettext("Insert a picture")),
      command: (editor) => choose(editor, "picture"),
    });
    menu.defineItem({
      name: "insertEmbed",
      groups: "bodyMedia",
      button: buttons.text(pgettext("body editor button", "Embed"), gettext("Insert an embed")),
      command: (editor) => choose(editor, "embed"),
    });
  },
});
