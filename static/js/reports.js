// The reports page: a download shows its progress while the server prepares the document
// (a few seconds for a year of a province), then saves it. Without JavaScript the links are
// ordinary downloads.
(function () {
  "use strict";
  const status = document.querySelector("[data-testid=report-progress]");
  const messages = document.getElementById("report-messages");
  if (!status || !messages || !window.fetch) return;
  const text = status.querySelector("[data-progress-text]");
  const bar = status.querySelector("progress");
  const waiting = text.textContent;
  const say = (name) => messages.content.querySelector(`[data-${name}]`).textContent;

  function filename(response) {
    const header = response.headers.get("Content-Disposition") || "";
    const utf8 = /filename\*=utf-8''([^;]+)/i.exec(header);
    if (utf8) return decodeURIComponent(utf8[1]);
    const plain = /filename="?([^";]+)"?/i.exec(header);
    return plain ? plain[1] : "report";
  }

  document.querySelectorAll("[data-report-download]").forEach((link) => {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      if (status.dataset.busy) return;
      status.dataset.busy = "1";
      status.hidden = false;
      bar.hidden = false;
      text.textContent = waiting;
      const started = Date.now();
      const tick = setInterval(() => {
        text.textContent = `${waiting} ${Math.round((Date.now() - started) / 1000)} s`;
      }, 500);
      try {
        const response = await fetch(link.href, { credentials: "same-origin" });
        if (!response.ok) throw new Error(String(response.status));
        const blob = await response.blob();
        const url = URL.createObjectURL(blob);
        const a = document.createElement("a");
        a.href = url;
        a.download = filename(response);
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60000);
        text.textContent = say("done");
      } catch (error) {
        text.textContent = say("failed");
      } finally {
        clearInterval(tick);
        bar.hidden = true;
        delete status.dataset.busy;
      }
    });
  });
})();
