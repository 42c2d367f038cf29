// The import job page: poll the job's progress every second until it ends, then reload.
(function () {
  var box = document.getElementById("progress");
  if (box.dataset.finished === "1") return;
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (p) {
      box.querySelector("progress").value = p.percent;
      ["status_label:p-status", "percent:p-percent", "rows_read:p-read", "created:p-created", "duplicates:p-duplicates",
       "rejected:p-rejected", "rate:p-rate", "seconds_left:p-left"].forEach(function (pair) {
        var parts = pair.split(":"); document.getElementById(parts[1]).textContent = p[parts[0]];
      });
      if (p.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
    });
  }
  setTimeout(poll, 1000);
})();
