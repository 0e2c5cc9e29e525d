/* The ballot on the phone: tap a name to strike it through (or keep it again), no way to keep
   more names than seats, the submit button held while too many are kept, and the count
   spoken to screen readers. Inlined in the page (one round trip on a slow network). The page
   works without this script: the "giữ lại X / tối đa Y" number is a CSS counter, and the
   server checks everything again. Messages come from the page (data-msg-*), in its language.
   window.voteBallots(root) sets up the ballots under root: phone-live.js calls it on the
   content it swaps in when a round opens; a touched ballot is marked data-touched. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function setUp(form) {
    if (form.getAttribute("data-ready")) { return; }
    form.setAttribute("data-ready", "1");
    if (form.classList.contains("yes-no")) {   // one radio choice per name: nothing to count
      form.addEventListener("change", function () { form.setAttribute("data-touched", "1"); });
      return;
    }
    var seats = parseInt(form.getAttribute("data-seats"), 10);
    var boxes = form.querySelectorAll(".cand input");
    var counter = form.querySelector(".counter");
    var msg = form.querySelector(".counter-msg");
    var submit = form.querySelector('button[type="submit"]');
    var shown = form.querySelector(".kept-n");
    var live = document.createElement("p");
    live.className = "sr-only";
    live.setAttribute("aria-live", "polite");
    counter.appendChild(live);
    function kept() {
      var n = 0;
      Array.prototype.forEach.call(boxes, function (b) { if (b.checked) { n += 1; } });
      return n;
    }
    function update(note, speak) {
      var n = kept();
      var over = n > seats;
      shown.textContent = n;
      counter.classList.toggle("over", over);
      submit.disabled = over;
      msg.textContent = note || "";
      if (speak) { live.textContent = (form.getAttribute("data-msg-live") || "").replace("{n}", n); }
    }
    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", function () {
        form.setAttribute("data-touched", "1");
        if (box.checked && kept() > seats) {
          box.checked = false;
          var row = box.closest(".cand");
          row.classList.remove("flash"); void row.offsetWidth; row.classList.add("flash");
          update(form.getAttribute("data-msg-max"), false);
          return;
        }
        update("", true);
      });
    });
    form.addEventListener("submit", function (ev) {
      if (kept() > seats) { ev.preventDefault(); update("", true); }
    });
    update("", false);
  }
  function setUpAll(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll("form.ballot"), setUp);
  }
  window.voteBallots = setUpAll;
  setUpAll(document);
})();
