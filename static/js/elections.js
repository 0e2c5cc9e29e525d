// Filter a long list of checkboxes (the roll when building a candidate list) as you type.
(function () {
  document.querySelectorAll('input[data-filter]').forEach(function (box) {
    var list = document.querySelector(box.dataset.filter);
    if (!list) return;
    box.addEventListener('input', function () {
      var q = box.value.trim().toLowerCase().normalize('NFC');
      list.querySelectorAll('li[data-text]').forEach(function (li) {
        li.hidden = q !== '' && li.dataset.text.normalize('NFC').indexOf(q) < 0;
      });
    });
  });
})();
