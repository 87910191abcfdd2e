// Progressive enhancement for the suggestion pages; everything works without it.
(function () {
  "use strict";

  // A filter box above long checkbox lists (co-signers among hundreds of deputies, units),
  // and a line naming what is chosen, since chosen boxes scroll out of sight.
  function enhancePickList(box) {
    var options = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
    if (options.length < 8) { return; }
    var rowOf = function (input) { return input.closest("label") || input.parentNode; };
    var filter = document.createElement("input");
    filter.type = "search";
    filter.className = "pick-filter";
    filter.placeholder = box.getAttribute("data-filter-label") || "";
    filter.setAttribute("aria-label", filter.placeholder);
    box.insertBefore(filter, box.firstChild);
    var chosen = document.createElement("p");
    chosen.className = "pick-chosen";
    chosen.setAttribute("aria-live", "polite");
    box.appendChild(chosen);
    function showChosen() {
      var names = options.filter(function (o) { return o.checked; })
        .map(function (o) { return rowOf(o).textContent.trim(); });
      chosen.textContent = names.length ?
        (box.getAttribute("data-chosen-label") || "") + " " + names.join("、") : "";
    }
    filter.addEventListener("input", function () {
      var needle = filter.value.trim().toLowerCase();
      options.forEach(function (o) {
        var row = rowOf(o);
        var hit = !needle || row.textContent.toLowerCase().indexOf(needle) !== -1 || o.checked;
        // The whole option row (Django wraps each label in a div or li) is hidden.
        var wrapper = row.parentNode && row.parentNode !== box ? row.parentNode : row;
        wrapper.hidden = !hit;
      });
    });
    // Enter in the filter box must not submit the form.
    filter.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); } });
    box.addEventListener("change", showChosen);
    showChosen();
  }
  document.querySelectorAll(".pick-list").forEach(enhancePickList);

  // The assignment form shows the unit fields of the chosen mode only.
  document.querySelectorAll(".assign-form").forEach(function (form) {
    function sync() {
      var checked = form.querySelector("input[name=mode]:checked");
      var mode = checked ? checked.value : "lead";
      form.querySelectorAll("[data-when-mode]").forEach(function (part) {
        part.hidden = part.getAttribute("data-when-mode") !== mode;
      });
    }
    form.addEventListener("change", sync);
    sync();
  });

  // A failed action form is opened and brought into view.
  var failed = document.querySelector("details.action[open] .error-box, details.action[open] .field-error");
  if (failed) { failed.closest("details").scrollIntoView({ block: "start" }); }
})();
