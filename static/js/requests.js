// Adds an empty request row to the intake form. Without JavaScript the page already offers empty rows.
(function () {
  var button = document.getElementById("add-request");
  var template = document.getElementById("request-template");
  var total = document.getElementById("id_req-TOTAL_FORMS");
  if (!button || !template || !total) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    document.getElementById("request-rows").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var rows = document.querySelectorAll("#request-rows .request-row");
    var first = rows[rows.length - 1].querySelector("textarea, input");
    if (first) first.focus();
  });
})();
