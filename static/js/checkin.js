// QR check-in: the camera (BarcodeDetector where the browser has it, jsQR otherwise),
// a fetch to the same endpoint as the form, a clear result, and an undo button.
(function () {
  var box = document.getElementById('scanner');
  if (!box) return;
  var out = document.getElementById('scan-result');
  var video = document.getElementById('cam');
  var canvas = document.getElementById('frame');
  var last = '', lastAt = 0, busy = false, queued = null, detector = null, jsqrLoaded = false;

  function show(cls, html) { out.className = 'scan-result ' + cls; out.innerHTML = html; }
  function esc(s) { var d = document.createElement('div'); d.textContent = s; return d.innerHTML; }

  function submit(code) {
    // A handheld scanner types fast: a card read while the previous answer is on its way
    // waits its turn instead of being lost.
    if (busy) { if (code !== last) queued = code; return true; }
    var now = Date.now();
    if (code === last && now - lastAt < 4000) return true;  // the same card held in front of the camera
    last = code; lastAt = now; busy = true;
    var body = new URLSearchParams({code: code, csrf_token: box.dataset.csrf});
    fetch(box.dataset.endpoint, {method: 'POST', body: body, credentials: 'same-origin',
                                 headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (res) {
        if (!res.ok) { show('error', esc(res.message)); if (navigator.vibrate) navigator.vibrate([80, 60, 80]); return; }
        var cls = res.already ? 'warning' : (res.warning ? 'warning' : 'success');
        var undo = res.already ? '' : ' <button type="button" class="btn small ghost" data-undo="' + res.delegate.id + '">' + esc(box.dataset.undoText || 'Huỷ') + '</button>';
        show(cls, esc(res.message) + undo);
        if (window.applyAttendance) window.applyAttendance(res.attendance);
        if (navigator.vibrate) navigator.vibrate(res.already ? [80, 60, 80] : 60);
      })
      .catch(function () { show('error', 'Mất kết nối tới máy chủ. Hãy thử lại.'); })
      .finally(function () {
        busy = false;
        if (queued) { var next = queued; queued = null; submit(next); }
      });
    return true;
  }

  out.addEventListener('click', function (e) {
    var id = e.target.getAttribute('data-undo');
    if (!id) return;
    var url = box.dataset.undo.replace('/0/', '/' + id + '/');
    fetch(url, {method: 'POST', body: new URLSearchParams({csrf_token: box.dataset.csrf}),
                credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (res) { show(res.ok ? 'info' : 'error', esc(res.message)); last = '';
        if (res.attendance && window.applyAttendance) window.applyAttendance(res.attendance); });
  });

  document.getElementById('code-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var input = document.getElementById('code');
    if (input.value.trim()) { last = ''; submit(input.value.trim()); input.value = ''; input.focus(); }
  });

  function loadJsQR(cb) {
    if (jsqrLoaded) return cb();
    var s = document.createElement('script');
    s.src = box.dataset.jsqr || '/static/js/jsQR.js';
    s.onload = function () { jsqrLoaded = true; cb(); };
    document.head.appendChild(s);
  }

  function scanLoop() {
    if (video.readyState < 2) return requestAnimationFrame(scanLoop);
    if (detector) {
      detector.detect(video).then(function (codes) {
        if (codes.length) submit(codes[0].rawValue);
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
    if (code && code.data) submit(code.data);
    setTimeout(scanLoop, 250);
  }

  document.getElementById('start-scan').addEventListener('click', function () {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      show('error', 'Trình duyệt không cho dùng máy ảnh (cần HTTPS hoặc localhost). Hãy nhập số thẻ hoặc tìm theo tên.');
      return;
    }
    navigator.mediaDevices.getUserMedia({video: {facingMode: 'environment'}}).then(function (stream) {
      video.srcObject = stream; video.play();
      video.parentElement.hidden = false;
      this.hidden = true;
      var start = function () { requestAnimationFrame(scanLoop); };
      if ('BarcodeDetector' in window) {
        try { detector = new window.BarcodeDetector({formats: ['qr_code']}); return start(); } catch (e) { detector = null; }
      }
      loadJsQR(start);
    }.bind(this)).catch(function () {
      show('error', 'Không mở được máy ảnh. Hãy cho phép truy cập máy ảnh, hoặc nhập số thẻ.');
    });
  });
})();
