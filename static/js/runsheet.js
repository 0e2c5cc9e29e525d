// The presidium's run-sheet: keeps the quorum (present / summoned, the rulebook's fraction) and the present
// count beside the show-of-hands form fresh by polling one cheap JSON endpoint every 3 s
// (paused while the tab is hidden), and asks before irreversible buttons (data-confirm).
(function () {
  var box = document.getElementById('quorum');
  if (box && box.dataset.poll) {
    var OK = box.dataset.okText || 'Đủ điều kiện tiến hành';
    var SHORT = box.dataset.shortText || 'Chưa đủ điều kiện tiến hành';
    var set = function (k, v) {
      document.querySelectorAll('[data-k="' + k + '"]').forEach(function (el) { el.textContent = v; });
    };
    var tick = function () {
      if (document.hidden) return;
      fetch(box.dataset.poll, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (a) {
          if (!a) return;
          set('present', a.present); set('summoned', a.summoned);
          set('quorum_needed', a.quorum_needed); set('verdict', a.quorum_met ? OK : SHORT);
          box.classList.toggle('ok', a.quorum_met); box.classList.toggle('short', !a.quorum_met);
        })
        .catch(function () {});
    };
    setInterval(tick, 3000);
  }
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (ev) {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });
})();
