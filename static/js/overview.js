// The overview on a wall screen: refreshing every five minutes is the viewer's choice (a page
// that reloads by itself breaks WCAG 2.2.1), kept in this browser. Without this file the page
// simply does not refresh.
(function () {
  "use strict";
  var button = document.querySelector("[data-auto-refresh]");
  if (!button) { return; }
  var KEY = "minsheng.overview.refresh";
  var timer = null;
  function set(on) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    if (timer) { clearTimeout(timer); timer = null; }
    if (on) { timer = setTimeout(function () { window.location.reload(); }, 300000); }
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (e) { /* private mode */ }
  }
  button.hidden = false;
  var stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }
  set(stored === "on");
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-pressed") !== "true");
  });
})();
