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

  // A failed form: its error summary (templates/form_errors.html) takes the focus, inside an
  // opened <details> if need be. `autofocus` does the same without this file.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    var closed = summary.closest("details");
    if (closed) { closed.open = true; }
    summary.focus();
    summary.scrollIntoView({ block: "start" });
  }
  // A link in the summary puts the focus in its field (the first control of a group, the
  // search box of a picker), not just scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (!target) { return; }
    var control = target.matches("input, select, textarea") && !target.closest("[hidden]")
      ? target
      : Array.prototype.find.call(
          target.querySelectorAll("input, select, textarea, button"),
          function (el) { return el.type !== "hidden" && !el.closest("[hidden]"); });
    if (control) { event.preventDefault(); control.focus(); }
  });

  // Sticky bars (the save bar at the bottom, the bulk bar at the top) must never cover the
  // focused field (WCAG 2.4.11). CSS scroll-padding does it for most scrolling; this catches
  // the rest, e.g. focus moved by a script or a browser that ignores scroll-padding on focus.
  function coveredBy(el, bar) {
    var r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
    return r.bottom > b.top && r.top < b.bottom && b.height > 0;
  }
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (!el || !el.getBoundingClientRect) { return; }
    document.querySelectorAll("[data-sticky]").forEach(function (bar) {
      if (bar.contains(el) || !coveredBy(el, bar)) { return; }
      var r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
      var gap = 8;
      if (bar.getAttribute("data-sticky") === "bottom") {
        window.scrollBy(0, r.bottom - b.top + gap);
      } else {
        window.scrollBy(0, r.top - b.bottom - gap);
      }
    });
  });
})();
