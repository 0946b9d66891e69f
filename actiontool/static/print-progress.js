// Live progress for a print run. Without JavaScript the page refreshes itself instead (<noscript>).
// Whether to keep waiting is decided from the job's status (the page's data-status, then the JSON's
// status field), never from the page's words, which are translated.
(function () {
  var box = document.getElementById("print-job");
  if (!box) return;
  function waiting(status) { return status === "queued" || status === "running"; }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (job) {
        var bar = box.querySelector("progress");
        if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
        if (waiting(job.status)) { setTimeout(poll, 1000); }
        else { window.location.reload(); }
      }).catch(function () { setTimeout(poll, 3000); });
  }
  if (waiting(box.dataset.status)) setTimeout(poll, 1000);
})();
