/* The review page: text selected in an original text fills that text's "text to mask" field
   (the form works without this: type or paste the text). */
(function () {
  "use strict";
  document.addEventListener("mouseup", fill);
  document.addEventListener("keyup", fill);
  function fill() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    var node = selection.anchorNode;
    var source = node && (node.nodeType === 1 ? node : node.parentElement);
    source = source && source.closest("[data-mask-source]");
    if (!source) return;
    var form = document.querySelector('[data-mask-form="' + source.getAttribute("data-mask-source") + '"]');
    var text = selection.toString().trim();
    if (form && text) form.querySelector('input[name="text"]').value = text.slice(0, 200);
  }
})();
