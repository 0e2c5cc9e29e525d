/* The delegate's phone page follows the hall by itself (issue 13 §4): every 1.2 s while
   visible it asks ONE tiny endpoint (body data-live: a version per congress, revalidated by
   ETag, 304 when nothing changed); only when the version changes it fetches its own page
   again and swaps <main> in, with no reload. A ballot being filled in (data-touched) or
   reviewed stays while its round stays open; a receipt shown after a vote stays. Three
   failed polls: a warning (body data-msg-stale) and "Đang diễn ra" hidden (class stale)
   until the server answers; back after 5 s hidden: hidden until checked (class checking).
   Inlined in the page (CSP hash); kept small (the ballot page stays under 50 KB). */
(function () {
  "use strict";
  var B = document.body, url = B.getAttribute("data-live");
  if (!url || !window.fetch || !window.DOMParser) { return; }
  document.documentElement.classList.add("js");
  var version = B.getAttribute("data-version"), fails = 0, busy = 0, stop = 0, hidAt = 0, warn;
  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function stale(on) {
    B.classList.toggle("stale", on);
    if (on && !warn) {
      warn = document.createElement("p");
      warn.className = "box box-warn";
      warn.setAttribute("role", "status");
      warn.textContent = B.getAttribute("data-msg-stale");
      document.querySelector("main").prepend(warn);
    } else if (!on && warn) { warn.remove(); warn = null; }
  }
  function same(card, main) {
    var f = main.querySelector('.ballot-card[data-election="' + card.getAttribute("data-election") + '"]');
    return f && f.querySelector("form.ballot") && f.getAttribute("data-round") === card.getAttribute("data-round") ? f : null;
  }
  function swap(doc) {
    var old = document.querySelector("main"), main = doc.querySelector("main");
    if (!old || !main) { return; }
    main = document.importNode(main, true);
    var review = old.querySelector(".review");
    if (review && same(review, main)) { return; }
    each(old.querySelectorAll("form.ballot[data-touched]"), function (form) {
      var card = form.closest(".ballot-card"), f = same(card, main);
      if (f) { f.replaceWith(card); }
    });
    var who = main.querySelector(".who");
    each(old.querySelectorAll(".receipt-box"), function (r) { if (who) { who.after(r); } });
    old.replaceWith(main);
    warn = null;
    if (window.voteBallots) { window.voteBallots(main); }
  }
  function tick() {
    if (stop || busy || document.hidden) { return; }
    busy = 1;
    fetch(url, {credentials: "omit", cache: "no-cache"}).then(function (r) {
      if (r.status === 404) { stop = 1; }
      if (!r.ok) { throw r.status; }
      return r.json();
    }).then(function (s) {
      fails = 0;
      if (s.v === version) { return; }
      return fetch(location.pathname, {credentials: "same-origin", cache: "no-store"})
        .then(function (r) { return r.text(); }).then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          swap(doc);
          version = doc.body.getAttribute("data-version");
          if (!version) { stop = 1; }
        });
    }).then(function () {
      stale(false);
      B.classList.remove("checking");
    }, function () {
      fails += 1;
      if (fails > 2) { stale(true); }
    }).then(function () { busy = 0; });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { hidAt = Date.now(); return; }
    if (Date.now() - hidAt > 5000) { B.classList.add("checking"); }
    tick();
  });
  addEventListener("pageshow", function (e) { if (e.persisted) { B.classList.add("checking"); tick(); } });
  setInterval(tick, 1200);
})();
