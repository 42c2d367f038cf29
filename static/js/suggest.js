/* Provider suggestions for the traceback answer form: an accessible combobox over a JSON endpoint.
   Without JavaScript the field is plain text and the server resolves the name, FRN or RMD number. */
(function () {
  "use strict";
  var config = document.getElementById("suggest-config");
  var input = document.querySelector("input[data-suggest]");
  if (!config || !input) return;
  var hidden = input.form.querySelector("input[name='upstream_id']");
  var list = document.createElement("ul");
  list.id = input.id + "-listbox";
  list.className = "suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.parentNode.insertBefore(list, input.nextSibling);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var active = -1, timer = null, items = [];

  function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); active = -1; }
  function choose(i) {
    var item = items[i];
    if (!item) return;
    // With a hidden id field the name reads best; without one, the RMD number identifies the provider.
    input.value = hidden ? item.name : (item.rmd_number || item.name);
    if (hidden) hidden.value = item.id;
    close();
  }
  function highlight(i) {
    var options = list.querySelectorAll("li");
    options.forEach(function (o, j) { o.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (options[i]) input.setAttribute("aria-activedescendant", options[i].id);
  }
  function render(results) {
    items = results;
    list.textContent = "";
    results.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = list.id + "-" + i;
      li.setAttribute("role", "option");
      li.textContent = item.label + (item.foreign ? " · foreign" : "");
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = results.length === 0;
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
  }
  input.addEventListener("input", function () {
    if (hidden) hidden.value = "";
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(function () {
      fetch(config.dataset.url + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { render(data.results || []); })
        .catch(close);
    }, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
    else if (e.key === "Escape") { close(); }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
