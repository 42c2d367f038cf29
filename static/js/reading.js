// "Use it": copies a value the reader only offered into its form field. Without JavaScript, type it.
(function () {
  document.querySelectorAll("button.use-reading").forEach(function (button) {
    var field = document.getElementById(button.dataset.target);
    if (!field) { button.hidden = true; return; }
    button.addEventListener("click", function () {
      field.value = button.dataset.value;
      field.dispatchEvent(new Event("change", { bubbles: true }));
      field.focus();
    });
  });
})();
