// The review of proposed records: select all, none, the rows containing some text, or invert the selection,
// then remove the selected records in one post. Without JavaScript the checkboxes and the button still work.
(function () {
  document.querySelectorAll("form[data-selectable]").forEach(function (form) {
    var tools = form.querySelector(".select-tools");
    if (!tools) return;
    tools.hidden = false;
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[type="checkbox"][name="link"]'));
    var filter = form.querySelector("[data-select-filter]");
    var count = form.querySelector("[data-select-count]");
    function show() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      count.textContent = n + " of " + boxes.length + " selected";
    }
    function rowText(box) {
      return box.closest("tr").textContent.toLowerCase().replace(/\s+/g, " ");
    }
    var actions = {
      all: function (b) { b.checked = true; },
      none: function (b) { b.checked = false; },
      invert: function (b) { b.checked = !b.checked; },
      filter: function (b) {
        var words = filter.value.trim().toLowerCase();
        if (words && rowText(b).indexOf(words) !== -1) b.checked = true;
      },
    };
    tools.addEventListener("click", function (event) {
      var which = event.target.getAttribute("data-select");
      if (!which) return;
      boxes.forEach(actions[which]);
      show();
    });
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  // Enter selects the matching rows; it never submits the removal
        event.preventDefault();
        boxes.forEach(actions.filter);
        show();
      }
    });
    form.addEventListener("change", show);
    show();
  });
})();
