// The door: QR check-in with the camera (BarcodeDetector where the browser has it, jsQR
// otherwise), the card field that a USB barcode scanner types into, a clear result per read,
// and an undo button. The door must never drop a read:
//  - reads are queued (first in, first out) and sent one after another;
//  - focus always comes back to the card field (after a result, an undo, the camera button);
//  - keys typed while focus is elsewhere (a button, the page) go into the card field, so a
//    scanner burst right after "Huỷ" still lands;
//  - a read that cannot be handled (no connection, an expired page, a server error) is shown
//    with its card number and a "Thử lại" button, never silently lost.
// Every message comes from the page (data-*), in the page's language.
(function () {
  var box = document.getElementById('scanner');
  if (!box) return;
  var out = document.getElementById('scan-result');
  var log = document.getElementById('scan-log');
  var field = document.getElementById('code');
  var form = document.getElementById('code-form');
  var video = document.getElementById('cam');
  var canvas = document.getElementById('frame');
  var T = box.dataset;
  var choices = document.getElementById('card-choices');
  var queue = [], busy = false, lastCamera = '', lastCameraAt = 0, detector = null, jsqrLoaded = false;
  var retries = {}, retrySeq = 0;
  // A citizen ID card (CCCD): 12 digits, alone or before a "|". Its text is never shown, put
  // in the page or in an address: it is named "CCCD" on screen and kept in memory for a retry.
  var ID_CARD = /^\s*\d{12}\s*(?:[|\u00a6\uff5c]|$)/;
  function isIdCard(code) { return ID_CARD.test(code || ''); }
  function label(code) { return isIdCard(code) ? (T.idCardText || 'CCCD') : code; }

  function esc(s) { var d = document.createElement('div'); d.textContent = s; return d.innerHTML; }
  function show(cls, html) { out.className = 'scan-result ' + cls; out.innerHTML = html; }
  function note(cls, html) {
    if (!log) return;
    var li = document.createElement('li');
    li.className = 'scan-' + cls;
    li.innerHTML = html;
    log.insertBefore(li, log.firstChild);
    while (log.children.length > 12) log.removeChild(log.lastChild);
    return li;
  }
  function resolved(code) {  // a read that failed before and has now gone through
    if (!log) return;
    Array.prototype.forEach.call(log.querySelectorAll('li[data-failed]'), function (li) {
      if (retries[li.getAttribute('data-failed')] === code) {
        delete retries[li.getAttribute('data-failed')];
        log.removeChild(li);
      }
    });
  }
  function home() {
    // Back to the card field unless the operator is typing somewhere else on purpose.
    var a = document.activeElement;
    if (a && a !== field && isTyping(a)) return;
    field.focus({preventScroll: true});
  }
  function isTyping(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    if (tag === 'textarea' || tag === 'select' || el.isContentEditable) return true;
    if (tag !== 'input') return false;
    return ['button', 'submit', 'checkbox', 'radio', 'reset', 'hidden', 'image'].indexOf((el.type || '').toLowerCase()) < 0;
  }

  function failed(code, why) {
    var text = (T.failText || 'Chưa điểm danh được thẻ «{code}»:').replace('{code}', label(code)) + ' ' + why;
    resolved(code);
    var key = 'r' + (++retrySeq);
    retries[key] = code;
    var retry = ' <button type="button" class="btn small" data-retry="' + key + '">' + esc(T.retryText || 'Thử lại') + '</button>';
    show('error', esc(text) + retry);
    var li = note('error', esc(text) + retry);
    if (li) li.setAttribute('data-failed', key);
    if (navigator.vibrate) navigator.vibrate([80, 60, 80, 60, 80]);
  }

  function showChoices(list) {
    if (!choices) return;
    choices.innerHTML = '';
    choices.hidden = !list || !list.length;
    if (choices.hidden) return;
    var ul = document.createElement('ul');
    ul.className = 'pick-list';
    list.forEach(function (d) {
      var li = document.createElement('li');
      var who = '<div><b>' + esc(d.full_name) + '</b> <span class="muted">' + esc(d.code)
        + (d.birth_year ? ' · ' + d.birth_year : '') + (d.unit ? ' · ' + esc(d.unit) : '') + '</span></div>';
      li.innerHTML = who + (d.checked_in ? '<span class="tag ok">✓ ' + esc(T.checkedText || 'đã điểm danh') + '</span>'
        : '<button type="button" class="btn small primary" data-pick="' + d.id + '" data-code="' + esc(d.code) + '">'
          + esc(T.chooseText || 'Đúng người này') + '<span class="sr-only"> ' + esc(d.full_name) + '</span></button>');
      ul.appendChild(li);
    });
    choices.appendChild(ul);
  }

  function send(code, pick) {
    busy = true;
    showChoices(null);
    var body = new URLSearchParams({code: code, csrf_token: T.csrf});
    if (pick) { body.set('delegate_id', pick); body.set('method', 'id_card'); }
    fetch(T.endpoint, {method: 'POST', body: body, credentials: 'same-origin',
                       headers: {'Accept': 'application/json'}})
      .then(function (r) {
        var type = r.headers.get('Content-Type') || '';
        if (type.indexOf('application/json') < 0) {
          // not our JSON: an expired session (login page), a rate limit, a server error
          throw new Error(r.status === 400 || r.redirected ? (T.expiredText || 'Phiên làm việc đã hết hạn: hãy tải lại trang.')
                                                           : (T.serverText || 'Máy chủ không trả lời đúng (mã {status}).').replace('{status}', r.status));
        }
        return r.json();
      })
      .then(function (res) {
        if (!res.ok) {
          var cls = res.choices && res.choices.length ? 'warning' : 'error';
          show(cls, esc(res.message)); note(cls, esc(res.message));
          showChoices(res.choices);
          if (navigator.vibrate) navigator.vibrate([80, 60, 80]);
          return;
        }
        resolved(code);
        var cls = res.already ? 'warning' : (res.warning ? 'warning' : 'success');
        var undo = res.already ? '' : ' <button type="button" class="btn small ghost" data-undo="' + res.delegate.id + '">' + esc(T.undoText || 'Huỷ') + '</button>';
        show(cls, esc(res.message) + undo);
        note(cls, esc(res.message));
        if (window.applyAttendance) window.applyAttendance(res.attendance);
        if (navigator.vibrate) navigator.vibrate(res.already ? [80, 60, 80] : 60);
      })
      .catch(function (err) {
        failed(code, err && err.message && !(err instanceof TypeError) ? err.message
               : (T.offlineText || 'Mất kết nối tới máy chủ.'));
      })
      .finally(function () {
        busy = false;
        if (queue.length) { var next = queue.shift(); send(next[0], next[1]); }
        home();
      });
  }

  function submit(code, fromCamera) {
    code = (code || '').trim();
    if (!code) return;
    if (fromCamera) {  // the same card held in front of the camera is one read
      var now = Date.now();
      if (code === lastCamera && now - lastCameraAt < 4000) return;
      lastCamera = code; lastCameraAt = now;
    }
    if (busy) queue.push([code, null]); else send(code, null);
  }
  function pick(id, code) {
    if (busy) queue.push([code, id]); else send(code, id);
  }
  window.doorQueueLength = function () { return queue.length + (busy ? 1 : 0); };

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var value = field.value;
    field.value = '';
    submit(value, false);
    field.focus();
  });

  // A read typed while focus is elsewhere (after "Huỷ", after the camera button, a click on
  // the page) goes into the card field instead of nowhere.
  document.addEventListener('keydown', function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || isTyping(document.activeElement)) return;
    if (e.key && e.key.length === 1 && e.key !== ' ') {
      e.preventDefault();
      field.focus({preventScroll: true});
      field.value += e.key;
    } else if (e.key === 'Enter' && field.value.trim() && document.activeElement !== field) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', {cancelable: true}));
    }
  }, true);

  function clickLog(e) {
    var retry = e.target.getAttribute('data-retry');
    if (retry) { if (retries[retry]) submit(retries[retry], false); home(); return; }
    var id = e.target.getAttribute('data-undo');
    if (!id) return;
    var url = T.undo.replace('/0/', '/' + id + '/');
    e.target.disabled = true;
    fetch(url, {method: 'POST', body: new URLSearchParams({csrf_token: T.csrf}),
                credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (res) {
        show(res.ok ? 'info' : 'error', esc(res.message)); note(res.ok ? 'info' : 'error', esc(res.message));
        lastCamera = '';
        if (res.attendance && window.applyAttendance) window.applyAttendance(res.attendance);
      })
      .catch(function () { show('error', esc(T.offlineText || 'Mất kết nối tới máy chủ.')); })
      .finally(home);
    home();  // the button is about to disappear: the next scan must find the field
  }
  out.addEventListener('click', clickLog);
  if (choices) choices.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('[data-pick]') : null;
    if (!b) return;           // without JavaScript the page's own forms post the choice
    e.preventDefault();
    pick(b.getAttribute('data-pick'), b.getAttribute('data-code'));
  });
  // An ID card scanned into the name search (focus was there) is checked in as a scan: its
  // text never goes into the address.
  var search = document.getElementById('name-search');
  if (search) search.addEventListener('submit', function (e) {
    var q = search.querySelector('input[name=q]');
    if (q && isIdCard(q.value)) { e.preventDefault(); var v = q.value; q.value = ''; submit(v, false); }
  });
  if (log) log.addEventListener('click', clickLog);

  function loadJsQR(cb) {
    if (jsqrLoaded) return cb();
    var s = document.createElement('script');
    s.src = T.jsqr;
    s.onload = function () { jsqrLoaded = true; cb(); };
    document.head.appendChild(s);
  }

  function scanLoop() {
    if (video.readyState < 2) return requestAnimationFrame(scanLoop);
    if (detector) {
      detector.detect(video).then(function (codes) {
        if (codes.length) submit(codes[0].rawValue, true);
        setTimeout(scanLoop, 200);
      }).catch(function () { setTimeout(scanLoop, 400); });
      return;
    }
    var w = video.videoWidth, h = video.videoHeight;
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext('2d', {willReadFrequently: true});
    ctx.drawImage(video, 0, 0, w, h);
    var img = ctx.getImageData(0, 0, w, h);
    var code = window.jsQR(img.data, w, h, {inversionAttempts: 'dontInvert'});
    if (code && code.data) submit(code.data, true);
    setTimeout(scanLoop, 250);
  }

  document.getElementById('start-scan').addEventListener('click', function () {
    var button = this;
    home();  // whatever the camera does, the card field keeps taking reads
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      show('error', esc(T.noCameraText || 'Trình duyệt không cho dùng máy ảnh (cần HTTPS hoặc localhost). Hãy nhập số thẻ hoặc tìm theo tên.'));
      return;
    }
    navigator.mediaDevices.getUserMedia({video: {facingMode: 'environment'}}).then(function (stream) {
      video.srcObject = stream; video.play();
      video.parentElement.hidden = false;
      button.hidden = true;
      home();
      var start = function () { requestAnimationFrame(scanLoop); };
      if ('BarcodeDetector' in window) {
        try { detector = new window.BarcodeDetector({formats: ['qr_code']}); return start(); } catch (e) { detector = null; }
      }
      loadJsQR(start);
    }).catch(function () {
      show('error', esc(T.cameraDeniedText || 'Không mở được máy ảnh. Hãy cho phép truy cập máy ảnh, hoặc nhập số thẻ.'));
      home();
    });
  });
})();
