// Camera reading page (issue 18): each reading card is checked by the board. Unsure rows
// need a decision (button); Enter in the card's box posts the reading to the SAME entry
// endpoint as keyboard entry (elections.enter), as this team's next ballot.
(function () {
  var box = document.getElementById('readings');
  if (!box) return;
  var cards = Array.prototype.slice.call(box.querySelectorAll('.reading-card:not(.read-error)'));

  function numbers(text) {
    return (text.match(/\d+/g) || []).map(Number);
  }
  function pending(card) {
    return card.querySelectorAll('li.unsure:not(.decided)').length;
  }
  function status(card, text) { card.querySelector('.cam-status').textContent = text; }
  function activate(i) {
    cards.forEach(function (c) { c.classList.remove('active'); });
    var card = cards[i];
    if (!card) return;
    card.classList.add('active');
    var input = card.querySelector('.cam-reading');
    input.focus();
    card.scrollIntoView({block: 'nearest'});
  }
  cards.forEach(function (card, i) {
    var input = card.querySelector('.cam-reading');
    card.addEventListener('click', function (ev) {
      var b = ev.target.closest('button.decide');
      if (!b || card.classList.contains('done')) return;
      var n = Number(b.dataset.n), li = card.querySelector('li[data-n="' + n + '"]');
      var nums = numbers(input.value).filter(function (x) { return x !== n; });
      if (b.dataset.v === 'struck') nums.push(n);
      nums.sort(function (a, c) { return a - c; });
      var rest = input.value.replace(/[\d+*]/g, ' ').trim();
      input.value = (nums.length ? nums.join(' ') : '+') + (rest ? ' ' + rest : '');
      li.classList.add('decided');
      li.classList.toggle('struck', b.dataset.v === 'struck');
      var left = pending(card);
      status(card, left ? 'Còn ' + left + ' dòng chưa rõ.' : 'Đã quyết định hết: Enter để nhập phiếu này.');
      input.focus();
    });
    input.addEventListener('keydown', function (ev) {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      if (card.classList.contains('done')) { activate(i + 1); return; }
      if (pending(card)) { status(card, 'Còn ' + pending(card) + ' dòng chưa rõ: bấm «Bị gạch» hoặc «Không gạch» cho từng dòng.'); return; }
      var data = new FormData();
      data.append('csrf_token', box.dataset.csrf);
      data.append('team', box.dataset.team);
      data.append('reading', input.value);
      fetch(box.dataset.endpoint, {method: 'POST', body: data, credentials: 'same-origin',
                                   headers: {'Accept': 'application/json'}})
        .then(function (r) { return r.json(); })
        .then(function (j) {
          status(card, j.message);
          if (j.ok) {
            card.classList.add('done');
            input.readOnly = true;
            activate(i + 1);
          }
        })
        .catch(function () { status(card, 'Mất kết nối: thử lại.'); });
    });
  });
  activate(0);
})();
