// A long checkbox list (co-signers among ~400 deputies, units) as ONE control: a search box
// (ARIA combobox) over a list of matches (multi-select listbox), and the chosen names as chips.
// Progressive enhancement: the server renders a plain list of checkboxes, which is what works
// without this file; here those checkboxes stay in the form (hidden) and keep the real state.
// Keyboard: type to filter, Down/Up to move, Enter to tick or untick, Escape to close (twice
// clears the search). Tab leaves the control: it costs one tab stop plus one per chosen name.
// Markup: <div data-picker data-picker-label="…" [data-picker-describedby="ids"] [lang]>boxes</div>;
// texts come from the <div id="js-strings"> in base.html (translated by the server).
(function () {
  "use strict";
  var MIN_OPTIONS = 8;  // shorter lists stay plain checkboxes
  var strings = document.getElementById("js-strings");
  function text(name, values) {
    var template = (strings && strings.getAttribute("data-" + name)) || "";
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return values && key in values ? values[key] : all;
    });
  }
  var counter = 0;

  function enhance(box) {
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input[type=checkbox]"));
    if (inputs.length < MIN_OPTIONS || box.hasAttribute("data-picker-ready")) { return; }
    box.setAttribute("data-picker-ready", "");
    var id = "picker-" + (++counter);
    var dataLang = box.getAttribute("lang") || "";
    var label = box.getAttribute("data-picker-label") || "";
    var items = inputs.map(function (input, index) {
      var row = input.closest("label") || input.parentNode;
      return { input: input, name: row.textContent.replace(/\s+/g, " ").trim(),
               id: id + "-opt-" + index };
    });

    var root = document.createElement("div");
    root.className = "picker";
    var chosen = document.createElement("ul");
    chosen.className = "picker-chosen";
    chosen.setAttribute("aria-label", text("picker-chosen", { label: label }));
    var field = document.createElement("input");
    field.type = "text";
    field.id = id + "-input";
    field.className = "picker-input";
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-expanded", "false");
    field.setAttribute("aria-controls", id + "-list");
    field.setAttribute("autocomplete", "off");
    field.setAttribute("aria-label", text("picker-search", { label: label }));
    field.placeholder = text("picker-placeholder");
    var status = document.createElement("p");
    status.id = id + "-status";
    status.className = "picker-status";
    status.setAttribute("role", "status");
    var described = [status.id];
    if (box.getAttribute("data-picker-describedby")) {
      described.unshift(box.getAttribute("data-picker-describedby"));
    }
    field.setAttribute("aria-describedby", described.join(" "));
    var list = document.createElement("ul");
    list.id = id + "-list";
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-multiselectable", "true");
    list.setAttribute("aria-label", label);
    list.hidden = true;
    if (dataLang) { list.lang = dataLang; chosen.lang = dataLang; }
    items.forEach(function (item) {
      var option = document.createElement("li");
      option.id = item.id;
      option.setAttribute("role", "option");
      option.textContent = item.name;
      item.option = option;
      list.appendChild(option);
    });
    root.appendChild(chosen);
    root.appendChild(field);
    root.appendChild(list);
    root.appendChild(status);
    box.parentNode.insertBefore(root, box);
    box.hidden = true;  // the boxes stay in the form and are submitted as before

    // A live region re-announces whatever is written to it: write only what changed.
    function say(message) { if (status.textContent !== message) { status.textContent = message; } }
    var active = -1;
    function visible() { return items.filter(function (item) { return !item.option.hidden; }); }
    function setActive(index) {
      var shown = visible();
      items.forEach(function (item) { item.option.classList.remove("active"); });
      if (!shown.length) { active = -1; field.removeAttribute("aria-activedescendant"); return; }
      active = Math.max(0, Math.min(index, shown.length - 1));
      var item = shown[active];
      item.option.classList.add("active");
      field.setAttribute("aria-activedescendant", item.id);
      if (!list.hidden) { item.option.scrollIntoView({ block: "nearest" }); }
    }
    function open(show) {
      list.hidden = !show;
      field.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) { active = -1; field.removeAttribute("aria-activedescendant"); }
    }
    function filter() {
      var needle = field.value.trim().toLowerCase();
      var count = 0;
      items.forEach(function (item) {
        var hit = !needle || item.name.toLowerCase().indexOf(needle) !== -1;
        item.option.hidden = !hit;
        if (hit) { count += 1; }
      });
      say(needle
        ? (count ? text("picker-matches", { count: count, total: items.length })
                 : text("picker-none"))
        : text("picker-total", { total: items.length, chosen: chosenCount() }));
      setActive(0);
    }
    function chosenCount() {
      return items.filter(function (item) { return item.input.checked; }).length;
    }
    function render() {
      chosen.textContent = "";
      items.forEach(function (item) {
        item.option.setAttribute("aria-selected", item.input.checked ? "true" : "false");
        if (!item.input.checked) { return; }
        var chip = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = item.name;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", text("picker-remove", { name: item.name }));
        if (dataLang) { remove.lang = document.documentElement.lang; }
        remove.addEventListener("click", function () {
          toggle(item);
          field.focus();
        });
        chip.appendChild(name);
        chip.appendChild(remove);
        chosen.appendChild(chip);
      });
      chosen.hidden = !chosen.children.length;
    }
    function toggle(item) {
      item.input.checked = !item.input.checked;
      item.input.dispatchEvent(new Event("change", { bubbles: true }));
      render();
      say(text(item.input.checked ? "picker-added" : "picker-removed",
               { name: item.name, chosen: chosenCount() }));
    }

    field.addEventListener("input", function () { open(true); filter(); });
    field.addEventListener("focus", function () { filter(); });
    field.addEventListener("click", function () { open(true); filter(); });
    field.addEventListener("keydown", function (event) {
      var shown = visible();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (list.hidden) { open(true); filter(); return; }
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter") {
        event.preventDefault();  // never submits the form from here
        if (!list.hidden && active >= 0 && shown[active]) { toggle(shown[active]); }
        else { open(true); filter(); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); open(false); }
        else if (field.value) { event.preventDefault(); field.value = ""; filter(); }
      } else if (event.key === "Tab") {
        open(false);
      }
    });
    // A click on an option ticks it and keeps the focus in the search box.
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) { return; }
      items.forEach(function (item) { if (item.option === option) { toggle(item); } });
      field.focus();
    });
    root.addEventListener("focusout", function (event) {
      if (!root.contains(event.relatedTarget)) { open(false); }
    });
    // A link to the field (the error summary) lands in the search box.
    var group = box.closest("fieldset");
    if (group && group.id) { field.setAttribute("data-for-group", group.id); }
    render();
    filter();
  }

  document.querySelectorAll("[data-picker]").forEach(enhance);
  window.MinshengPicker = { enhance: enhance };
})();
