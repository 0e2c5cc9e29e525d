// Live attendance: polls one cheap JSON endpoint every 2 s (never faster), pauses while
// the tab is hidden, and updates every [data-k] inside #quorum.
(function () {
  var box = document.getElementById('quorum');
  if (!box || !box.dataset.poll) return;
  var OK = box.dataset.okText || 'Đủ điều kiện tiến hành';
  var SHORT = box.dataset.shortText || 'Chưa đủ điều kiện tiến hành';
  function set(k, v) {
    box.querySelectorAll('[data-k="' + k + '"]').forEach(function (el) { el.textContent = v; });
  }
  function apply(a) {
    set('present', a.present); set('summoned', a.summoned); set('absent', a.absent);
    set('quorum_needed', a.quorum_needed); set('verdict', a.quorum_met ? OK : SHORT);
    box.querySelectorAll('[data-k="session_name"]').forEach(function (el) {
      el.textContent = a.session ? a.session.name : (el.dataset.none || '');
    });
    box.classList.toggle('ok', a.quorum_met); box.classList.toggle('short', !a.quorum_met);
    var m = box.querySelector('[data-k="meter"]');
    if (m) m.style.width = (a.summoned ? 100 * a.present / a.summoned : 0) + '%';
  }
  window.applyAttendance = apply;
  function tick() {
    if (document.hidden) return;
    fetch(box.dataset.poll, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) { if (a) apply(a); })
      .catch(function () {});
  }
  setInterval(tick, 2000);
})();
