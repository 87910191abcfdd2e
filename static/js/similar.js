// Similar suggestions while a deputy writes (progressive enhancement: the form works without
// it). The panel asks the server for the suggestions most similar to the title and body typed
// so far, 600 ms after the last keystroke, and shows the list the server rendered.
(function () {
  "use strict";

  var panel = document.querySelector("[data-similar-url]");
  if (!panel || !window.fetch || !window.FormData) {
    return;
  }
  var form = panel.closest("form");
  var title = form && form.querySelector("[name=title]");
  var body = form && form.querySelector("[name=body]");
  var results = panel.querySelector(".similar-results");
  var token = form && form.querySelector("[name=csrfmiddlewaretoken]");
  if (!title || !body || !results || !token) {
    return;
  }
  var timer = null;
  var asked = "";
  var running = null;

  function ask() {
    var text = title.value.trim() + "\n" + body.value.trim().slice(0, 1500);
    if (text.trim().length < 4 || text === asked) {
      return;
    }
    asked = text;
    var data = new FormData();
    data.append("title", title.value.slice(0, 400));
    data.append("body", body.value.slice(0, 1500));
    if (panel.getAttribute("data-exclude")) {
      data.append("exclude", panel.getAttribute("data-exclude"));
    }
    if (running && running.abort) {
      running.abort();
    }
    running = window.AbortController ? new AbortController() : null;
    panel.setAttribute("aria-busy", "true");
    fetch(panel.getAttribute("data-similar-url"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token.value },
      signal: running ? running.signal : undefined
    })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        // The server's own template, escaped there.
        results.innerHTML = html;
        panel.hidden = false;
        panel.removeAttribute("aria-busy");
      })
      .catch(function () {
        panel.removeAttribute("aria-busy");
      });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 600);
  }

  title.addEventListener("input", later);
  body.addEventListener("input", later);
  if (title.value.trim() || body.value.trim()) {
    ask();
  }
})();
