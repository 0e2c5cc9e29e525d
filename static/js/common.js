// Small behaviours shared by staff pages (no inline handlers: the CSP forbids them).
document.addEventListener('click', function (e) {
  var el = e.target.closest('[data-print]');
  if (el) { e.preventDefault(); window.print(); }
});
