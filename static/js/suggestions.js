// Progressive enhancement for the suggestion pages; everything works without it.
(function () {
  "use strict";

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

})();
