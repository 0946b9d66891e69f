// Live progress for a print run. Without JavaScript the page refreshes itself instead (<noscript>).
// Whether to keep waiting is decided from the job's status (the page's data-status, then the JSON's
// status field), never from the page's words, which are translated. The running line's words come
// translated from the page (data-running-text, with data-count standing for the number of letters).
(function () {
  var box = document.getElementById("print-job");
  if (!box) return;
  function waiting(status) { return status === "queued" || status === "running"; }
  function showRunning(job) {
    var status = box.querySelector("[role=status]");
    if (status) status.textContent = box.dataset.runningText.replace(box.dataset.count, String(job.letters));
    var bar = box.querySelector("progress");
    if (!bar) { bar = document.createElement("progress"); box.appendChild(bar); }
    if (job.total) { bar.max = job.total; bar.value = job.done; bar.textContent = job.done + " / " + job.total; }
  }
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (job) {
        if (job.status === "running") showRunning(job);
        if (waiting(job.status)) { setTimeout(poll, 1000); }
        else { window.location.reload(); }
      }).catch(function () { setTimeout(poll, 3000); });
  }
  if (waiting(box.dataset.status)) setTimeout(poll, 1000);
})();
