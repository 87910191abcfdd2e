// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // Collapsible main navigation on narrow screens.
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    nav.classList.add("collapsed");
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("collapsed") === false;
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Ask before destructive or irreversible actions (buttons with data-confirm).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) ||
      event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
