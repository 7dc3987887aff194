// The story form (articles.admin.stories): boxes that scripts build are named
// as the fields they stand for, so screen readers say "Body" or "Section"; a
// row added to an inline takes the cursor.
"use strict";

(() => {
  function labelFor(element) {
    return element.id && document.querySelector(`label[for="${CSS.escape(element.id)}"]`);
  }

  // The body editor, named by the label of the text box it replaces.
  document.addEventListener("prose-editor:ready", (event) => {
    const { editor, textarea } = event.detail;
    const label = labelFor(textarea);
    if (!label) return;
    label.id ||= `${textarea.id}_label`;
    editor.view.dom.setAttribute("aria-labelledby", label.id);
  });

  // The search-as-you-type choices (select2, built after the page loads and
  // for each byline row added): their text box is named by the field's label,
  // or by what it asks for ("Choose an author") where a table has no labels.
  function nameChoiceBoxes() {
    for (const box of document.querySelectorAll(".select2-selection__rendered[role=textbox]:not([aria-label])")) {
      const select = box.closest(".select2")?.previousElementSibling;
      if (!select) continue;
      const label = labelFor(select)?.textContent.replace(/:\s*$/, "").trim();
      const name = label || select.dataset.placeholder;
      if (name) box.setAttribute("aria-label", name);
    }
  }

  // A row added to the byline or the corrections: the cursor goes where the
  // editor writes next (a correction's text, or the author's box).
  document.addEventListener("formset:added", (event) => {
    const row = event.target;
    const next = row.querySelector("textarea") || row.querySelector(".select2-selection, input:not([type=hidden])");
    next?.focus();
  });

  document.addEventListener("DOMContentLoaded", () => {
    nameChoiceBoxes();
    new MutationObserver(nameChoiceBoxes).observe(document.body, { childList: true, subtree: true });
  });
})();
