// Keyboard entry of paper ballots. The form works without this file (post, redirect);
// here we only make it faster: a live preview of the typed ballot (struck names greyed,
// verdict shown), submission without a page reload, and the counters updated in place.
(function () {
  var root = document.getElementById('entry');
  var form = document.getElementById('entry-form');
  if (!root || !form) return;
  var input = document.getElementById('reading');
  var words = document.getElementById('defect-text');   // "lỗi khác": the board's own words
  var wordList = document.getElementById('defect-words');
  var preview = document.getElementById('preview');
  var status = document.getElementById('entry-status');
  var numberField = document.getElementById('number');
  var nextNumber = document.getElementById('next-number');
  var seats = parseInt(root.dataset.seats, 10);
  var size = parseInt(root.dataset.size, 10);
  var defects = JSON.parse(root.dataset.defects || '{}');
  var items = Array.prototype.slice.call(document.querySelectorAll('#ballot li'));
  var yesNo = root.dataset.mode === 'yes_no';
  var busy = false;

  // Agree/disagree ballots: one mark per name as one word (A đồng ý, K không đồng ý, H cả hai
  // ô, - để trống), "+" agree to all, "*" disagree with all, then defect keys (entry.py).
  var MARKS = {a: 'A', k: 'K', h: 'H', '-': '-', '.': '-', '0': '-'};
  function parseYesNo(text) {
    var out = {marks: '', defect: null, error: null, empty: !text.trim()};
    var words = text.replace(/[,;]/g, ' ').trim().split(/\s+/).filter(Boolean);
    if (!words.length) return out;
    var first = words[0], rest = words.slice(1), i;
    if (first === '+' || first === '*') {
      for (i = 0; i < size; i++) out.marks += first === '+' ? 'A' : 'K';
    } else if (first.split('').every(function (ch) { return MARKS[ch.toLowerCase()]; })) {
      out.marks = first.split('').map(function (ch) { return MARKS[ch.toLowerCase()]; }).join('');
    } else if (first.length === 1 && defects[first.toLowerCase()]) {
      for (i = 0; i < size; i++) out.marks += '-';
      rest = words;
    } else {
      out.error = 'Không hiểu «' + first + '»: mỗi tên một dấu A, K, H hoặc -.';
      return out;
    }
    rest.forEach(function (t) {
      if (t.length === 1 && defects[t.toLowerCase()]) out.defect = t.toLowerCase();
      else out.error = 'Sau các dấu chỉ gõ phím lỗi phiếu, không phải «' + t + '».';
    });
    if (!out.error && out.marks.length !== size) {
      out.error = 'Phiếu có ' + size + ' tên: gõ đủ ' + size + ' dấu (đang có ' + out.marks.length + ').';
    }
    return out;
  }

  function showYesNo() {
    var p = parseYesNo(input.value);
    var cls = {A: 'm-agree', K: 'm-against', H: 'm-both', '-': 'm-blank'};
    items.forEach(function (li, i) {
      var m = p.marks.charAt(i);
      ['m-agree', 'm-against', 'm-both', 'm-blank'].forEach(function (c) { li.classList.remove(c); });
      if (m) li.classList.add(cls[m]);
      var mk = li.querySelector('.mk');
      if (mk) mk.textContent = m;
    });
    var said = words ? words.value.trim() : '';
    if (p.empty && !said) { preview.textContent = ''; preview.className = 'preview'; return; }
    var agree = (p.marks.match(/A/g) || []).length, nay = (p.marks.match(/K/g) || []).length;
    var text, kind;
    if (p.error) { text = p.error; kind = 'bad'; }
    else if (said && p.defect) { text = 'Chỉ ghi một lý do: phím lỗi hoặc lỗi khác, không cả hai.'; kind = 'bad'; }
    else if (said) { text = 'Không hợp lệ: «' + said + '».'; kind = 'bad'; }
    else if (p.defect) { text = 'Không hợp lệ (lỗi phiếu).'; kind = 'bad'; }
    else if (agree > seats) { text = 'Đồng ý ' + agree + ' tên > ' + seats + ': không hợp lệ (thừa số lượng).'; kind = 'bad'; }
    else { text = 'Hợp lệ: ' + agree + ' đồng ý, ' + nay + ' không đồng ý.'; kind = 'good'; }
    preview.textContent = text;
    preview.className = 'preview ' + kind;
  }

  function parse(text) {
    var out = {struck: [], defect: null, error: null, empty: !text.trim()};
    var tokens = text.match(/\d+|[+*]|[A-Za-z]|[^\s\d+*A-Za-z,;.]/g) || [];
    var shortcut = null;
    tokens.forEach(function (t) {
      if (/^\d+$/.test(t)) {
        var n = parseInt(t, 10);
        if (n < 1 || n > size) out.error = 'Phiếu chỉ có ' + size + ' tên: không có số ' + n + '.';
        else if (out.struck.indexOf(n) >= 0) out.error = 'Số ' + n + ' được gõ hai lần.';
        else out.struck.push(n);
      } else if (t === '+' || t === '*') {
        shortcut = t;
      } else if (defects[t.toLowerCase()]) {
        out.defect = t.toLowerCase();
      } else {
        out.error = 'Không hiểu «' + t + '».';
      }
    });
    if (shortcut && out.struck.length) out.error = '«' + shortcut + '» không đi cùng số thứ tự tên.';
    if (shortcut === '*') { out.struck = []; for (var i = 1; i <= size; i++) out.struck.push(i); }
    return out;
  }

  function show() {
    if (yesNo) { showYesNo(); return; }
    var p = parse(input.value);
    items.forEach(function (li) {
      li.classList.toggle('struck', p.struck.indexOf(parseInt(li.dataset.n, 10)) >= 0);
    });
    var said = words ? words.value.trim() : '';
    if (p.empty && !said) { preview.textContent = ''; preview.className = 'preview'; return; }
    var kept = size - p.struck.length;
    var text, cls;
    if (p.error) { text = p.error; cls = 'bad'; }
    else if (said && p.defect) { text = 'Chỉ ghi một lý do: phím lỗi hoặc lỗi khác, không cả hai.'; cls = 'bad'; }
    else if (said) { text = 'Không hợp lệ: «' + said + '».'; cls = 'bad'; }
    else if (p.defect) { text = 'Không hợp lệ (lỗi phiếu).'; cls = 'bad'; }
    else if (kept > seats) { text = 'Giữ ' + kept + ' tên > ' + seats + ': không hợp lệ (thừa số lượng).'; cls = 'bad'; }
    else if (kept === 0 && size > 1) { text = 'Gạch hết tên: không hợp lệ.'; cls = 'bad'; }
    else { text = 'Giữ ' + kept + ' tên: hợp lệ.'; cls = 'good'; }
    preview.textContent = text;
    preview.className = 'preview ' + cls;
  }

  function say(message, kind) {
    status.textContent = message;
    status.className = 'scan-result ' + kind;
  }

  function apply(data) {
    if (data.count) {
      ['entered', 'valid', 'invalid'].forEach(function (k) {
        var el = document.querySelector('[data-c="' + k + '"]');
        if (el) el.textContent = data.count[k];
      });
      Object.keys(data.count.votes).forEach(function (cid) {
        var el = document.querySelector('[data-votes="' + cid + '"]');
        if (el) el.textContent = data.count.votes[cid];
      });
      Object.keys(data.count.against || {}).forEach(function (cid) {
        var el = document.querySelector('[data-against="' + cid + '"]');
        if (el) el.textContent = data.count.against[cid];
      });
    }
    if (data.next_number) { numberField.value = data.next_number; nextNumber.textContent = data.next_number; }
    if (data.words && wordList) {
      wordList.innerHTML = '';
      data.words.forEach(function (w) {
        var o = document.createElement('option');
        o.value = w;
        wordList.appendChild(o);
      });
    }
    if (data.recent) {
      var body = document.querySelector('#recent tbody');
      body.innerHTML = '';
      var voidTpl = document.getElementById('void-form-tpl');
      data.recent.forEach(function (e) {
        var tr = document.createElement('tr');
        if (e.void) tr.className = 'void';
        else if (!e.valid) tr.className = 'invalid';
        [e.number, e.typed, e.label].forEach(function (v, i) {
          var td = document.createElement('td');
          var holder = td;
          if (i === 0) td.className = 'num';
          if (i > 0 && e.void) { holder = document.createElement('s'); td.appendChild(holder); }
          if (i === 1) { var c = document.createElement('code'); c.textContent = v; holder.appendChild(c); }
          else holder.textContent = v;
          if (i === 2 && e.void) {
            var note = document.createElement('span');
            note.className = 'void-note';
            note.textContent = e.void_label;
            td.appendChild(document.createTextNode(' '));
            td.appendChild(note);
          }
          tr.appendChild(td);
        });
        if (voidTpl) {   // "Huỷ phiếu này": the same form the page renders, for this number
          var cell = document.createElement('td');
          if (!e.void) {
            var form = voidTpl.content.cloneNode(true);
            form.querySelector('input[name="number"]').value = e.number;
            cell.appendChild(form);
          }
          tr.appendChild(cell);
        }
        body.appendChild(tr);
      });
    }
  }

  function send(extraKey) {
    if (busy) return;
    var data = new FormData(form);
    if (extraKey) data.set('key', extraKey);
    if (!(data.get('reading') || '').trim() && !extraKey && !(data.get('defect_text') || '').trim()) {
      say(yesNo ? 'Chưa nhập gì: gõ mỗi tên một dấu (A, K, -, H), hoặc «+» nếu đồng ý tất cả.'
                : 'Chưa nhập gì: gõ số các tên bị gạch, hoặc «+» nếu không gạch ai.', 'warning');
      return;
    }
    busy = true;
    var sent = input.value;
    fetch(form.action, {method: 'POST', body: data, credentials: 'same-origin',
                        headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json().catch(function () { return {ok: false, message: 'Lỗi máy chủ (' + r.status + ').'}; }); })
      .then(function (res) {
        apply(res);
        // A ballot recorded as invalid is confirmed in the warning style, never green.
        if (res.ok) {
          say(res.message, res.kind || 'success');
          // keys typed while this ballot was on its way belong to the next one: keep them
          var now = input.value;
          input.value = now.indexOf(sent) === 0 ? now.slice(sent.length).replace(/^\s+/, '') : now;
          if (words) words.value = '';
          show();
        }
        else { say(res.message, 'error'); input.select(); }
      })
      .catch(function () { say('Mất kết nối: phiếu chưa được ghi. Thử lại.', 'error'); })
      .then(function () { busy = false; input.focus(); });
  }

  input.addEventListener('input', show);
  if (words) words.addEventListener('input', show);
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape') { input.value = ''; show(); }
  });
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var key = ev.submitter && ev.submitter.name === 'key' ? ev.submitter.value : null;
    send(key);
  });
  show();
})();
