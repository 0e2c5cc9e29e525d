// Render job progress: polls the job's small JSON status every second (paused while the
// tab is hidden) until it is done or failed, then shows the download button.
(function () {
  var box = document.getElementById('render-job');
  if (!box || !box.dataset.poll) return;
  var TEXT = {queued: 'Đang chờ đến lượt…', running: 'Đang tạo…', done: 'Đã xong.', failed: 'Không tạo được tài liệu: '};
  function k(name) { return box.querySelector('[data-k="' + name + '"]'); }
  function apply(j) {
    k('progress').textContent = j.progress;
    k('total').textContent = j.total;
    k('bar').style.width = j.percent + '%';
    box.querySelector('[role=progressbar]').setAttribute('aria-valuenow', j.percent);
    var text = TEXT[j.status] || j.status;
    if (j.status === 'running' && j.total && j.progress >= j.total) text = 'Đang ghi tệp PDF…';
    k('state').textContent = j.status === 'failed' ? text + (j.error || '') : text;
    if (j.status === 'done' && j.has_result) {
      k('download').hidden = false;
      // Ordinary documents download by themselves; a file holding voting links waits for a click.
      if (!j.voting_links && !box.dataset.fetched) { box.dataset.fetched = '1'; window.location.href = j.download_url; }
    }
    return j.status === 'done' || j.status === 'failed';
  }
  function tick() {
    if (document.hidden) { setTimeout(tick, 1000); return; }
    fetch(box.dataset.poll, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (j) { if (!j || !apply(j)) setTimeout(tick, 1000); })
      .catch(function () { setTimeout(tick, 2000); });
  }
  if (box.dataset.status !== 'done' && box.dataset.status !== 'failed') setTimeout(tick, 500);
})();
