// Office pages: small conveniences only; every page works without this file.
(function () {
  "use strict";
  // "Select all" boxes: data-select-all="ids" ticks the boxes named ids; "include" the meeting's rows.
  document.querySelectorAll("[data-select-all]").forEach(function (master) {
    var name = master.getAttribute("data-select-all");
    var form = master.form || document;
    function boxes() {
      var selector = name === "include"
        ? 'input[type=checkbox][name$="-include"]'
        : 'input[type=checkbox][name="' + name + '"]';
      return form.querySelectorAll(selector);
    }
    master.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = master.checked; });
    });
  });
  // A long list of units gets a box to narrow it by name.
  document.querySelectorAll("[data-unit-picker]").forEach(function (picker) {
    var labels = picker.querySelectorAll("label");
    if (labels.length < 12) { return; }
    var input = document.createElement("input");
    input.type = "search";
    input.className = "picker-filter";
    input.placeholder = picker.getAttribute("data-filter-placeholder") || "";
    input.setAttribute("aria-label", input.placeholder);
    input.addEventListener("input", function () {
      var text = input.value.trim();
      labels.forEach(function (label) {
        label.hidden = text !== "" && label.textContent.indexOf(text) === -1;
      });
    });
    picker.parentNode.insertBefore(input, picker);
  });
  // The filter bar starts open on wide screens, collapsed on phones unless a filter is set.
  if (window.matchMedia && window.matchMedia("(min-width: 1000px)").matches) {
    document.querySelectorAll("details[data-filter-bar]").forEach(function (bar) {
      bar.open = true;
    });
  }
})();
