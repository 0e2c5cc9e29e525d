/* The ballot on the phone: tap a name to strike it through (or keep it again), a live
   "giữ lại X / tối đa Y" counter, and no way to keep more names than seats. The page works
   without this script (plain "giữ lại" checkboxes; the server checks everything again). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var forms = document.querySelectorAll("form.ballot");
  Array.prototype.forEach.call(forms, function (form) {
    var seats = parseInt(form.getAttribute("data-seats"), 10);
    var boxes = form.querySelectorAll('input[name="kept"]');
    var counter = form.querySelector(".counter");
    var shown = form.querySelector(".kept-n");
    var msg = form.querySelector(".counter-msg");
    var submit = form.querySelector('button[type="submit"]');
    function kept() {
      var n = 0;
      Array.prototype.forEach.call(boxes, function (b) { if (b.checked) { n += 1; } });
      return n;
    }
    function update(note) {
      var n = kept();
      shown.textContent = n;
      var over = n > seats;
      counter.classList.toggle("over", over);
      submit.disabled = over;
      if (note) { msg.textContent = note; }
      else if (over) { msg.textContent = "Cần gạch thêm " + (n - seats) + " tên."; }
      else if (n === 0 && boxes.length > 1) { msg.textContent = "Đã gạch hết tên: phiếu sẽ không hợp lệ."; }
      else { msg.textContent = ""; }
    }
    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", function () {
        if (box.checked && kept() > seats) {
          box.checked = false;
          var row = box.closest(".cand");
          row.classList.remove("flash"); void row.offsetWidth; row.classList.add("flash");
          update("Chỉ được giữ lại tối đa " + seats + " người. Hãy gạch tên khác trước.");
          return;
        }
        update();
      });
    });
    form.addEventListener("submit", function (ev) {
      if (kept() > seats) { ev.preventDefault(); update(); }
    });
    update();
  });
})();
