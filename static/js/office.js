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
  // The meeting's unit inputs share the page's one <datalist>; when every input of a row is
  // filled, one more empty input appears for another unit.
  document.querySelectorAll("[data-unit-list]").forEach(function (list) {
    list.addEventListener("input", function () {
      var inputs = list.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i += 1) {
        if (inputs[i].value.trim() === "") { return; }
      }
      var last = inputs[inputs.length - 1];
      var more = last.cloneNode(false);
      more.value = "";
      more.id = last.id.replace(/_(\d+)$/, function (_m, n) { return "_" + (Number(n) + 1); });
      list.appendChild(more);
    });
  });
  // The filter bar starts open on wide screens, collapsed on phones unless a filter is set.
  if (window.matchMedia && window.matchMedia("(min-width: 1000px)").matches) {
    document.querySelectorAll("details[data-filter-bar]").forEach(function (bar) {
      bar.open = true;
    });
  }
})();
