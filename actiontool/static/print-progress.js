// Live progress for a print run. Without JavaScript the page refreshes itself instead (<noscript>).
(function () {
  var box = document.getElementById("print-job");
  if (!box) return;
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (job) {
        var bar = box.querySelector("progress");
        if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
        if (job.status === "queued" || job.status === "running") { setTimeout(poll, 1000); }
        else { window.location.reload(); }
      }).catch(function () { setTimeout(poll, 3000); });
  }
  if (box.querySelector("progress") || box.textContent.indexOf("…") >= 0) setTimeout(poll, 1000);
})();
