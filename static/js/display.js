// The hall display follows the presidium by itself: it polls ONE cheap JSON endpoint
// (the state, with a `version`) every 1.5 s — never faster — and redraws only when the
// version changes. The markup mirrors templates/agenda/_display_body.html: keep the two in
// step. A link that has been replaced (404) stops the polling and says so.
(function () {
  var root = document.getElementById('hall');
  if (!root || !root.dataset.state) return;
  var url = root.dataset.state;
  var version = root.dataset.version || '';
  var PERIOD = 1500;
  var failures = 0;
  var timer = null;

  function esc(v) {
    return String(v === null || v === undefined ? '' : v)
      .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  }

  function panel(s) {
    var e = s.election, m = s.motion;
    switch (s.panel) {
      case 'voting':
        return '<section class="hall-panel hall-voting"><p class="hall-panel-title">Đang bỏ phiếu: ' +
          esc(e.title) + ' · lần thứ ' + esc(e.round) + '</p><p class="hall-turnout"><span class="hall-big">' +
          esc(e.turnout) + '</span><span class="hall-of">/ ' + esc(e.present) +
          ' đại biểu có mặt đã nhận phiếu</span></p><p class="hall-reissued">Liên kết bỏ phiếu được cấp lại ' +
          'trong lần bầu này: <b>' + esc(e.links_reissued || 0) + '</b></p></section>';
      case 'result': {
        var r = e.result, n = r.rows.length;
        var cols = n <= 12 ? 1 : (n <= 30 ? 2 : 3);
        var per = Math.floor((n + cols - 1) / cols);
        var tables = '';
        for (var start = 0; start < n; start += (per || 1)) {
          var slice = r.rows.slice(start, start + per);
          var rows = slice.map(function (row, i) {
            var cls = row.elected ? 'elected' : (row.tied ? 'tied' : '');
            var mark = row.elected ? 'Trúng cử' : (row.tied ? 'Bằng phiếu' : '');
            return '<tr class="' + cls + '"><td class="num">' + (start + i + 1) + '</td><td class="name' + (row.name.length > 22 ? ' longer' : '') + (row.name.length > 28 ? ' longest' : '') + '">' + esc(row.name) +
              '</td><td class="num">' + esc(row.votes) + '</td><td class="num">' + esc(row.percent) +
              '</td><td class="mark">' + mark + '</td></tr>';
          }).join('');
          var height = ((slice.length + 1) * 100 / (per + 1)).toFixed(2);
          tables += '<table class="hall-table" style="height: ' + height + '%"><colgroup><col class="c-no"><col><col class="c-votes"><col class="c-pct"><col class="c-mark"></colgroup><thead><tr><th class="num">TT</th><th>Họ và tên</th>' +
            '<th class="num">Số phiếu</th><th class="num">Tỷ lệ</th><th>Kết quả</th></tr></thead><tbody>' + rows + '</tbody></table>';
        }
        return '<section class="hall-panel hall-result cols' + cols + (per > 12 ? ' long' : '') + '" style="--per: ' + per + '">' +
          '<p class="hall-panel-title">Kết quả bầu cử: ' + esc(e.title) + '</p><p class="hall-counts">Lần thứ ' +
          esc(e.round) + ' · Số lượng bầu ' + esc(e.seats) + ' · Phát ra ' + esc(r.issued) + ' · Thu về ' +
          esc(r.returned) + ' · Hợp lệ ' + esc(r.valid) + ' · Không hợp lệ ' + esc(r.invalid) + ' — <b>' +
          esc(r.outcome_label) + '</b></p><div class="hall-cols">' + tables + '</div></section>';
      }
      case 'election_draft':
        return '<section class="hall-panel"><p class="hall-panel-title">Chuẩn bị bỏ phiếu: ' + esc(e.title) + '</p></section>';
      case 'motion_pending':
        return '<section class="hall-panel hall-motion"><p class="hall-panel-title">Biểu quyết: ' + esc(m.title) +
          '</p><p class="hall-verdict">Đang biểu quyết…</p></section>';
      case 'motion':
      case 'motion_recent': {
        var pct = function (p) { return p ? ' · ' + esc(p) : ''; };
        return '<section class="hall-panel hall-motion ' + (m.passed ? 'passed' : 'failed') +
          (s.panel === 'motion_recent' ? ' recent' : '') + '"><p class="hall-panel-title">' +
          (s.panel === 'motion_recent' ? 'Biểu quyết gần nhất' : 'Biểu quyết') + ': ' + esc(m.title) + '</p>' +
          '<div class="hall-votes"><div><span class="hall-big">' + esc(m.agree) + '</span><span>Tán thành' + pct(m.agree_percent) +
          '</span></div><div><span class="hall-big">' + esc(m.disagree) + '</span><span>Không tán thành' + pct(m.disagree_percent) +
          '</span></div><div><span class="hall-big">' + esc(m.other) + '</span><span>Ý kiến khác' + pct(m.other_percent) +
          '</span></div></div><p class="hall-verdict">' + (m.passed ? 'THÔNG QUA' : 'KHÔNG THÔNG QUA') +
          ' <span>(' + esc(m.present) + ' đại biểu có mặt)</span></p></section>';
      }
      default:
        return '';
    }
  }

  function render(s) {
    var q = s.quorum, it = s.item;
    var head = '<header class="hall-head"><div class="hall-org">' + esc(s.congress.name) +
      (q.session ? ' <span class="hall-session">· ' + esc(q.session) + '</span>' : '') + '</div>' +
      '<div class="hall-quorum ' + (q.met ? 'ok' : 'short') + '"><span class="hall-q-num">' + esc(q.present) + '/' +
      esc(q.summoned) + '</span><span class="hall-q-label">có mặt · ' +
      (q.met ? 'Đủ ' + esc(q.fraction) : 'Chưa đủ ' + esc(q.fraction) + ' (cần ' + esc(q.needed) + ')') + '</span></div></header>';
    var main = it
      ? '<p class="hall-section">' + esc(it.section) + '. ' + esc(it.section_label) + '</p>' +
        '<h1 class="hall-title">' + esc(it.title) + '</h1><p class="hall-presenter">' + esc(it.presenter) + '</p>'
      : '<p class="hall-section">Chương trình đại hội</p><h1 class="hall-title">Chưa bắt đầu hoặc đang nghỉ</h1>' +
        '<p class="hall-presenter"></p>';
    var foot = '<footer class="hall-foot">' + (s.next ? '<span class="hall-next-label">Tiếp theo:</span> ' +
      esc(s.next.title) : '') + '</footer>';
    var also = (s.also_open || []).map(function (o) {
      return '<p class="hall-also-row"><span class="hall-also-title">Cũng đang bỏ phiếu: ' + esc(o.title) + ' · lần thứ ' +
        esc(o.round) + '</span> <span class="hall-also-num">' + esc(o.turnout) + ' / ' + esc(o.present) + ' đã nhận phiếu</span></p>';
    }).join('');
    if (also) also = '<section class="hall-also" aria-label="Các cuộc bỏ phiếu khác đang mở">' + also + '</section>';
    root.innerHTML = head + '<main class="hall-main panel-' + (s.panel || 'none') + '">' + main + panel(s) + also +
      '</main>' + foot;
    root.dataset.version = s.version;
  }

  function gone() {
    clearInterval(timer);
    root.innerHTML = '<main class="hall-main"><h1 class="hall-title">Liên kết màn hình đã hết hiệu lực</h1>' +
      '<p class="hall-presenter">Ban tổ chức đã cấp liên kết mới; hãy mở liên kết mới.</p></main>';
  }

  function tick() {
    if (document.hidden) return;
    fetch(url, {headers: {'Accept': 'application/json'}, credentials: 'omit'})
      .then(function (r) {
        if (r.status === 404) { gone(); return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (s) {
        if (!s) return;
        failures = 0;
        root.classList.remove('offline');
        if (s.version !== version) { version = s.version; render(s); }
      })
      .catch(function () {
        failures += 1;
        if (failures >= 3) root.classList.add('offline');
      });
  }
  timer = setInterval(tick, PERIOD);
})();
