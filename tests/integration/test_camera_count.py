"""Counting paper ballots by camera (issue 18), through the test client as the board would:
the printed ballot carries markers and a sheet code naming only election, round, page and
layout; photos of marked sheets (made from the round's REAL ballot PDF) are read on the
camera page; accepted readings go through the SAME entry endpoint as keyboard entry, so a
camera team and a keyboard team compare as before. Bad files give a Vietnamese message."""
from __future__ import annotations

import io
import random
import re

from election_app.delegates.services import check_in
from election_app.documents import jobs, services as doc_services
from election_app.elections import services as el
from election_app.omr import codes, reader
from tests import omr_synth
from tests.conftest import csrf_from


def _round(session, congress, roll, n=5, seats=3, teams=2):
    for d in roll:
        check_in(session, delegate=d)
    e, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                              seats=seats, candidates=[{"delegate_id": d.id} for d in roll[:n]], entry_teams=teams)
    el.open_round(session, election=e)
    el.issue_paper(session, election=e, delegate_ids=[d.id for d in roll])
    session.commit()
    return e


def _printed(app, session, e) -> omr_synth.PrintedBallot:
    data = doc_services.ballot_data(session, election=e, round_number=1)
    return omr_synth.printed_ballot(app, data, e.id)


def test_ballot_carries_markers_and_a_code_without_serial(app, session, congress, roll):
    e = _round(session, congress, roll)
    with app.app_context():
        _r, first, _d = jobs.ballot_layout(session, e, 1)
        _r, again, _d = jobs.ballot_layout(session, e, 1)
    assert first.layout == again.layout                       # the same sheet every time: no serial
    page = first.pages[0]
    assert set(page.markers) == set(codes.MARKER_IDS)
    for mid, (x, y, side) in page.markers.items():
        assert (round(x, 1), round(y, 1)) == reader.MARKERS_MM[mid] and abs(side - codes.MARKER_MM) < 0.05
    assert tuple(round(v, 1) for v in page.code) == reader.CODE_MM
    assert [r.number for r in page.rows] == [1, 2, 3, 4, 5]
    assert all(r.given and r.given[0] > r.family[0] for r in page.rows)
    # The code says election, round, page, layout and nothing else (48 bits, CRC-checked).
    code = codes.SheetCode(e.id, 1, 1, first.layout)
    assert codes.decode(code.bits()) == code
    flipped = code.bits()
    flipped[10] ^= 1
    assert codes.decode(flipped) is None


def test_read_photos_on_the_camera_page_and_enter_them_as_a_team(app, client, login, session, congress, roll):
    e = _round(session, congress, roll)
    ballot = _printed(app, session, e)
    rng = random.Random(18)
    photos, truths = [], []
    for i in range(6):
        pages, truth, _kinds = omr_synth.photograph(ballot, rng, ("clean", "perspective", "jpeg")[i % 3],
                                                    p_struck=0.4)
        photos.append(pages[0])
        truths.append(truth)
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/camera?team=2"
    page = client.get(url).get_data(as_text=True)
    assert 'capture="environment"' in page and "multiple" in page
    files = [(io.BytesIO(p), f"phieu-{i + 1}.jpg") for i, p in enumerate(photos)]
    files.append((io.BytesIO(b"not an image at all"), "hong.jpg"))
    resp = client.post(url, data={"csrf_token": csrf_from(page), "photos": files},
                       content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Kết quả đọc: 7 phiếu" in html
    assert "Không mở được tệp ảnh" in html                    # the broken file, in Vietnamese
    cards = re.findall(r'<article class="card reading-card[^"]*"(.*?)</article>', html, re.S)
    assert len(cards) == 7
    numbers = {c.id: n for n, c in enumerate([c for _, c in el.round_candidates(session, el.current_round(session, e))], 1)}
    # Each reading: struck rows as the photo shows, or put to a person (never silently wrong).
    for card, truth in zip(cards[:6], truths):
        struck = {int(n) for n in re.findall(r'<li data-n="(\d+)" class="struck"', card)}
        unsure = {int(n) for n in re.findall(r'<li data-n="(\d+)" class="unsure"', card)}
        for n, want in truth.items():
            if n in unsure:
                continue
            assert (n in struck) == (want == "struck"), (n, want, card)
    # The board accepts each reading: it is posted to the keyboard entry endpoint as team 2.
    entry = f"/congresses/{congress.id}/elections/{e.id}/entry?team=2"
    for truth in truths:
        typed = " ".join(str(n) for n, v in sorted(truth.items()) if v == "struck") or "+"
        r = client.post(entry, data={"csrf_token": csrf_from(html), "team": "2", "reading": typed},
                        headers={"Accept": "application/json"})
        assert r.status_code == 200 and r.get_json()["ok"], r.get_json()
    r = el.current_round(session, e)
    assert len(el.paper_entries(session, r, 2)) == 6
    assert len(el.paper_entries(session, r, 1)) == 0


def test_camera_page_refuses_without_photos_and_for_other_rounds(app, client, login, session, congress, roll):
    e = _round(session, congress, roll)
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/camera"
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data={"csrf_token": csrf_from(page)}, content_type="multipart/form-data")
    assert resp.status_code == 400 and "Chưa chọn ảnh nào" in resp.get_data(as_text=True)
    resp = client.post(url, data={"photos": [(io.BytesIO(b"x"), "a.jpg")]}, content_type="multipart/form-data")
    assert resp.status_code == 400 and "Phiên làm việc đã hết hạn" in resp.get_data(as_text=True)
    # A photo of a ballot printed for another election is refused by its code.
    stranger = omr_synth.printed_ballot(app, omr_synth.ballot_data(5, random.Random(1)), e.id + 100)
    photo = omr_synth.photograph(stranger, random.Random(2), "clean", p_struck=0.2)[0][0]
    resp = client.post(url, data={"csrf_token": csrf_from(page), "photos": [(io.BytesIO(photo), "x.jpg")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 200
    assert "không thuộc lần bầu đang đếm" in resp.get_data(as_text=True)
    assert el.paper_entries(session, el.current_round(session, e), 1) == []


def test_camera_page_needs_the_board_role(client, login, session, congress, roll):
    e = _round(session, congress, roll)
    url = f"/congresses/{congress.id}/elections/{e.id}/camera"
    assert client.get(url).status_code in (302, 401)          # not logged in
    login("organizer")
    assert client.get(url).status_code == 403
    assert client.post(url, data={}).status_code in (400, 403)


def test_camera_is_never_the_only_team(app, client, login, session, congress, roll):
    e = _round(session, congress, roll, teams=1)
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/camera"
    page = client.get(url).get_data(as_text=True)
    assert 'type="file"' not in page and "từ 2 trở lên" in page
    resp = client.post(url, data={"csrf_token": csrf_from(page), "photos": [(io.BytesIO(b"x"), "a.jpg")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 400 and "ít nhất 2 tổ nhập phiếu" in resp.get_data(as_text=True)


def test_a_stack_over_the_usual_upload_limit_is_read_in_memory(app, client, login, session, congress, roll,
                                                               monkeypatch):
    import tempfile
    e = _round(session, congress, roll)
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/camera"
    page = client.get(url).get_data(as_text=True)
    made = []
    real = tempfile.SpooledTemporaryFile
    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", lambda *a, **k: made.append(1) or real(*a, **k))
    big = b"\xff\xd8" + b"0" * (11 * 1024 * 1024)            # two 11 MB "photos": 22 MB > 20 MB
    resp = client.post(url, data={"csrf_token": csrf_from(page),
                                  "photos": [(io.BytesIO(big), "a.jpg"), (io.BytesIO(big), "b.jpg")]},
                       content_type="multipart/form-data")
    assert resp.status_code == 200
    assert resp.get_data(as_text=True).count("Không mở được tệp ảnh") == 2
    assert made == []                                        # no temporary file was made for them


def test_a_circled_name_is_read_kept_and_its_mark_shown_to_the_board(app, client, login, session, congress, roll):
    """RULES §4.2: a circle round a name is no strike (the name is kept), but it may be a
    distinguishing mark: the reading says so beside the row and above the entry field."""
    import math

    import numpy as np

    e = _round(session, congress, roll)
    ballot = _printed(app, session, e)
    img = ballot.pages_rgb[0].copy()
    rows = ballot.laid.pages[0].rows
    rng = random.Random(4)
    first, circled = rows[0], rows[2]
    yc = (first.text[0] + first.text[1]) / 2
    omr_synth._strike(img, first.family[0] - 3, first.given[1] + 4, yc, 3.0, (40, 40, 40), 0.6, rng)
    # a hand-drawn oval close round the name (straight along the top and bottom of the row)
    x0, x1 = circled.family[0] - 0.8, circled.given[1] + 3
    t0, t1 = circled.text[0] - 1.0, circled.text[1] + 1.0
    r_, ym = (t1 - t0) / 2, (circled.text[0] + circled.text[1]) / 2
    pts = [(x0 + r_ * 0.3 + (x1 - x0 - r_ * 0.6) * s, t0) for s in np.linspace(0, 1, 12)]
    pts += [(x1 - r_ * 0.3 + r_ * 0.3 * math.cos(t), ym + r_ * math.sin(t)) for t in np.linspace(-math.pi / 2, math.pi / 2, 10)]
    pts += [(x1 - r_ * 0.3 - (x1 - x0 - r_ * 0.6) * s, t1) for s in np.linspace(0, 1, 12)]
    pts += [(x0 + r_ * 0.3 - r_ * 0.3 * math.cos(t), ym - r_ * math.sin(t)) for t in np.linspace(-math.pi / 2, math.pi / 2, 10)]
    omr_synth._pen_line(img, pts + [pts[0]], (40, 40, 40), 0.6, rng)
    photo = omr_synth._distort(img, rng, "clean")
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/camera?team=2"
    page = client.get(url).get_data(as_text=True)
    html = client.post(url, data={"csrf_token": csrf_from(page), "photos": [(io.BytesIO(photo), "khoanh.jpg")]},
                       content_type="multipart/form-data").get_data(as_text=True)
    card = re.findall(r'<article class="card reading-card[^"]*"(.*?)</article>', html, re.S)[0]
    assert re.search(rf'<li data-n="{first.number}" class="struck"', card)
    assert re.search(rf'<li data-n="{circled.number}" class="">', card), card
    row_html = card.split(f'data-n="{circled.number}"', 1)[1].split("</li>", 1)[0]
    assert "mark-note" in row_html and "khoanh tròn" in row_html
    assert "mark-flags" in card and "dấu hiệu riêng" in card
    assert f'value="{first.number}"' in card                  # Enter enters what was read

