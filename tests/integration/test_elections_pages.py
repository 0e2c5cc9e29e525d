"""The election pages, driven through the test client as a board member would (forms,
CSRF on): create with a list, withdraw, open, strike off, keyboard entry, close, result,
further round; and the refusals shown as messages."""
from __future__ import annotations

import re

from election_app.delegates.services import check_in
from election_app.elections import services as el
from sqlalchemy import select

from election_app.elections.models import Election, PaperBallotCorrection
from tests.conftest import csrf_from


def _post(client, url, data, page=None):
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data})


def _election(session, congress, roll, seats=2, n=4, teams=1):
    e, _ = el.create_election(session, congress=congress, title="Bầu BCH", body="executive_committee",
                              seats=seats, candidates=[{"delegate_id": d.id} for d in roll[:n]], entry_teams=teams)
    session.commit()
    return e


def test_every_page_renders_for_admin(client, login, session, congress, roll):
    login("admin")
    for d in roll:
        check_in(session, delegate=d)
    e = _election(session, congress, roll)
    base = f"/congresses/{congress.id}/elections"
    for url in (base, f"{base}/new", f"{base}/{e.id}", f"{base}/{e.id}/result", f"{base}/{e.id}/entry",
                f"{base}/{e.id}/issue", f"{base}/{e.id}/compare", f"{base}/{e.id}?q=Nguy",
                f"/congresses/{congress.id}/motions"):
        assert client.get(url).status_code == 200, url
    el.open_round(session, election=e)
    session.commit()
    for url in (f"{base}/{e.id}", f"{base}/{e.id}/result", f"{base}/{e.id}/entry", f"{base}/{e.id}/issue",
                f"{base}/{e.id}/compare", f"{base}/{e.id}/rounds/1/log", f"{base}/{e.id}/rounds/new"):
        assert client.get(url).status_code == 200, url


def _present_all(session, roll):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()


def test_create_with_roll_picks_and_outside_names(client, login, session, congress, roll):
    login("organizer")
    url = f"/congresses/{congress.id}/elections/new"
    page = client.get(url).get_data(as_text=True)
    assert "Nguyễn Văn An" in page and 'name="delegate_id"' in page
    data = {"csrf_token": csrf_from(page), "title": "Bầu Ban Chấp hành", "body": "executive_committee",
            "seats": "3", "entry_teams": "2", "delegate_id": [str(roll[0].id), str(roll[1].id)],
            "self_id": [str(roll[1].id)],
            "outside": "Ngô Thị Lan; 1985; Tổ trưởng; Tổ Văn; ứng cử\nPhan Văn Mạnh\n\n"}
    resp = client.post(url, data=data, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Đã tạo «Bầu Ban Chấp hành» với 4 người" in html
    assert "vượt quá 30%" in html                                  # 1 surplus on 3 seats = 33 %
    session.expire_all()
    e = session.scalar(select(Election))
    assert e.entry_teams == 2
    people = {c.full_name: c for c in el.list_candidates(session, e)}
    assert set(people) == {"Nguyễn Văn An", "Trần Thị Bình", "Ngô Thị Lan", "Phan Văn Mạnh"}
    assert people["Trần Thị Bình"].nomination == "self" and people["Ngô Thị Lan"].nomination == "self"
    assert people["Ngô Thị Lan"].birth_year == 1985 and people["Ngô Thị Lan"].unit == "Tổ Văn"
    # too few candidates: the form comes back with the message and the picks kept
    page = client.get(url).get_data(as_text=True)
    resp = client.post(url, data={"csrf_token": csrf_from(page), "title": "Bầu UBKT", "body": "inspection_committee",
                                  "seats": "3", "entry_teams": "1", "delegate_id": [str(roll[2].id)]})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "ít hơn số lượng bầu" in html
    assert f'value="{roll[2].id}" checked' in html
    session.expire_all()
    assert len(session.scalars(select(Election)).all()) == 1


def test_withdraw_add_and_nomination_on_the_election_page(client, login, session, congress, roll):
    login("organizer")
    e = _election(session, congress, roll, seats=2, n=3)
    base = f"/congresses/{congress.id}/elections/{e.id}"
    first = el.list_candidates(session, e)[0]
    _post(client, f"{base}/candidates/{first.id}/withdraw", {"reason": ""}, page=base)
    assert "Cần ghi lý do rút tên" in client.get(base).get_data(as_text=True)
    session.expire_all()
    assert not session.get(type(first), first.id).is_withdrawn
    _post(client, f"{base}/candidates/{first.id}/withdraw", {"reason": "Xin rút vì lý do gia đình"}, page=base)
    html = client.get(base).get_data(as_text=True)
    assert "Xin rút vì lý do gia đình" in html and "không có số dư" in html
    # search the roll and add from it
    html = client.get(f"{base}?q=Dung").get_data(as_text=True)
    assert "Phạm Thị Dung" in html
    _post(client, f"{base}/candidates", {"delegate_id": str(roll[3].id), "nomination": "self"}, page=base)
    # outside name through the small form
    _post(client, f"{base}/candidates", {"full_name": "Lý Văn Ngoài", "birth_year": "1979", "nomination": "nominated",
                                         "position": "", "unit": ""}, page=base)
    session.expire_all()
    names = [c.full_name for c in el.list_candidates(session, e)]
    assert names == ["Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Lý Văn Ngoài"]
    second = el.list_candidates(session, e)[0]
    _post(client, f"{base}/candidates/{second.id}/nomination", {"nomination": "self"}, page=base)
    session.expire_all()
    assert el.list_candidates(session, e)[0].nomination == "self"


def test_board_runs_a_round_on_paper_from_the_pages(client, login, session, congress, roll):
    """Open, strike off, type the stack, refusal to close while unreconciled, close, result,
    further round from the result page."""
    _present_all(session, roll)
    e = _election(session, congress, roll, seats=2, n=3)
    login("board")
    base = f"/congresses/{congress.id}/elections/{e.id}"
    _post(client, f"{base}/open", {}, page=base)
    assert "Kết thúc lần bầu thứ 1" in client.get(base).get_data(as_text=True)
    # strike off: by card number and by tapping a name; twice is refused
    _post(client, f"{base}/issue", {"code": roll[0].code}, page=f"{base}/issue")
    _post(client, f"{base}/issue", {"delegate_id": str(roll[1].id)}, page=f"{base}/issue")
    resp = _post(client, f"{base}/issue", {"delegate_id": str(roll[1].id)}, page=f"{base}/issue")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "đã nhận phiếu" in html
    for d in roll[2:6]:
        _post(client, f"{base}/issue", {"delegate_id": str(d.id)}, page=f"{base}/issue")
    # six ballots typed: struck numbers, the shortcut keys, a defect, one typo corrected
    entry_page = f"{base}/entry"
    for reading, key in (("3", ""), ("3", ""), ("2", ""), ("", "+"), ("", "d"), ("1", "")):
        page = client.get(entry_page).get_data(as_text=True)
        number = re.search(r'id="number" value="(\d+)"', page).group(1)
        resp = client.post(entry_page, data={"csrf_token": csrf_from(page), "team": "1", "number": number,
                                             "reading": reading, "key": key})
        assert resp.status_code == 302
    html = client.get(entry_page).get_data(as_text=True)
    assert "Phiếu số 6" in html and "Không hợp lệ: Phiếu bầu thừa số lượng" in html
    # a bad reading is refused with a message, nothing entered
    page = client.get(entry_page).get_data(as_text=True)
    client.post(entry_page, data={"csrf_token": csrf_from(page), "team": "1", "reading": "9"})
    assert "không có số 9" in client.get(entry_page).get_data(as_text=True)
    # ballot 4 ("+": three names kept for two seats) was misread: correct it to "3 struck"
    _post(client, f"{base}/entry/correct", {"team": "1", "number": "4", "reading": "3", "reason": "Đọc nhầm"},
          page=entry_page)
    # one more ballot than issued: closing is refused with the reason on the page
    page = client.get(entry_page).get_data(as_text=True)
    client.post(entry_page, data={"csrf_token": csrf_from(page), "team": "1", "reading": "2"})
    resp = _post(client, f"{base}/close", {}, page=base)
    assert "lớn hơn số phiếu phát ra" in client.get(resp.headers["Location"]).get_data(as_text=True)
    _post(client, f"{base}/issue", {"delegate_id": str(roll[6].id)}, page=f"{base}/issue")
    resp = _post(client, f"{base}/close", {}, page=base)
    assert resp.headers["Location"].endswith(f"{base}/result")
    html = client.get(f"{base}/result").get_data(as_text=True)
    # kept: AB AB AC AB(corrected) defect BC AC → A 5, B 4, C 3 of 7 returned (1 invalid)
    result = el.round_result(session, e)
    assert (result["issued"], result["returned"], result["valid"], result["invalid"]) == (7, 7, 6, 1)
    assert [c["votes"] for c in result["candidates"]] == [5, 4, 3]
    assert result["outcome"] == "complete"
    assert "Đã bầu đủ số lượng" in html and "5/7" in html and "71,43%" in html and "Niêm phong" in html
    assert f"/elections/{e.id}/documents/count-minutes.pdf?round=1" in html
    log = client.get(f"{base}/rounds/1/log").get_data(as_text=True)
    assert "NHẬT KÝ NHẬP PHIẾU BẦU" in log and "Đọc nhầm" in log


def test_json_entry_for_the_script(client, login, session, congress, roll):
    _present_all(session, roll)
    e = _election(session, congress, roll, seats=2, n=4)
    el.open_round(session, election=e)
    session.commit()
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/entry"
    token = csrf_from(client.get(url).get_data(as_text=True))
    resp = client.post(url, data={"csrf_token": token, "team": "1", "number": "1", "reading": "1 3"},
                       headers={"Accept": "application/json"})
    data = resp.get_json()
    assert resp.status_code == 200 and data["ok"] and data["next_number"] == 2
    assert data["entry"]["struck"] == [1, 3] and data["count"]["valid"] == 1
    resp = client.post(url, data={"csrf_token": token, "team": "1", "number": "1", "reading": "2"},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 409 and "đã nhập phiếu số 1" in resp.get_json()["message"]   # double Enter
    resp = client.post(url, data={"csrf_token": token, "team": "1", "number": "2", "reading": "z"},
                       headers={"Accept": "application/json"})
    assert resp.status_code == 422 and resp.get_json()["ok"] is False


def test_two_teams_compare_and_fix_from_the_page(client, login, session, congress, roll):
    _present_all(session, roll)
    e = _election(session, congress, roll, seats=1, n=2, teams=2)
    r = el.open_round(session, election=e)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    el.set_paper_issued(session, election=e, issued=3)
    for team, stack in ((1, [[ids[0]], [ids[1]], [ids[0]]]), (2, [[ids[0]], [ids[0]], [ids[0]]])):
        for kept in stack:
            el.enter_paper_ballot(session, round=r, team=team, kept=kept)
    session.commit()
    login("board")
    base = f"/congresses/{congress.id}/elections/{e.id}"
    html = client.get(f"{base}/compare").get_data(as_text=True)
    assert 'id="n2"' in html and 'id="n1"' not in html
    resp = _post(client, f"{base}/close", {}, page=base)
    assert "chưa khớp" in client.get(resp.headers["Location"]).get_data(as_text=True)
    _post(client, f"{base}/entry/correct", {"team": "2", "number": "2", "reading": "1", "reason": "Tổ 2 đọc nhầm",
                                            "back": "compare"}, page=f"{base}/compare")
    html = client.get(f"{base}/compare").get_data(as_text=True)
    assert "giống hệt nhau" in html
    session.expire_all()
    assert session.scalar(select(PaperBallotCorrection.reason)) == "Tổ 2 đọc nhầm"
    resp = _post(client, f"{base}/close", {}, page=base)
    assert resp.headers["Location"].endswith("/result")
    assert el.round_result(session, e)["elected"] == [ids[0]]


def test_further_round_from_the_result_page(client, login, session, congress, roll):
    _present_all(session, roll)
    e = _election(session, congress, roll, seats=2, n=3)
    r = el.open_round(session, election=e)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    el.record_paper_ballots(session, election=e, issued=6,
                            ballots=[{"kept": ids[0:2]}, {"kept": ids[0:2]}, {"kept": [ids[0], ids[2]]},
                                     {"kept": [ids[0], ids[2]]}, {"kept": ids[1:3]}, {"kept": ids[1:3]}])
    el.close_round(session, election=e)      # 4 / 4 / 4 of 6: three tied for two seats
    session.commit()
    login("board")
    base = f"/congresses/{congress.id}/elections/{e.id}"
    html = client.get(f"{base}/result").get_data(as_text=True)
    assert "Bằng phiếu" in html and "Bầu lần tiếp theo" in html
    assert html.count('name="candidate_id"') == 3 and html.count("checked") == 3
    _post(client, f"{base}/rounds/new", {"candidate_id": [str(i) for i in ids], "seats": "3"}, page=f"{base}/result")
    assert "lớn hơn số chỗ còn trống (2)" in client.get(f"{base}/rounds/new").get_data(as_text=True)
    resp = _post(client, f"{base}/rounds/new", {"candidate_id": [str(i) for i in ids], "seats": "2"},
                 page=f"{base}/result")
    assert resp.status_code == 302
    session.expire_all()
    assert el.current_round(session, e).number == 2
    assert "Mở lần bầu thứ 2" in client.get(base).get_data(as_text=True)
    # round 2 run from the pages: open, strike off six, type six ballots, close → complete
    _post(client, f"{base}/open", {}, page=base)
    for d in roll[:6]:
        _post(client, f"{base}/issue", {"delegate_id": str(d.id)}, page=f"{base}/issue")
    for reading in ("3", "3", "3", "2", "2", "1"):      # A B kept 3×, A C 2×, B C 1×
        _post(client, f"{base}/entry", {"team": "1", "reading": reading}, page=f"{base}/entry")
    resp = _post(client, f"{base}/close", {}, page=base)
    assert resp.headers["Location"].endswith("/result")
    html = client.get(f"{base}/result").get_data(as_text=True)
    assert "Đã bầu đủ số lượng" in html and "Người đã trúng cử (2/2)" in html
    result = el.round_result(session, e)
    assert result["round"] == 2 and result["elected"] == [ids[0], ids[1]]
    assert client.get(f"{base}/result?round=1").status_code == 200


def test_motions_page(client, login, session, congress, roll):
    from election_app.motions.models import Motion
    for d in roll[:5]:
        check_in(session, delegate=d)
    session.commit()
    login("secretary")
    url = f"/congresses/{congress.id}/motions"
    html = client.get(url).get_data(as_text=True)
    # the standard motions are there before anyone creates them (nothing written on GET)
    assert "Bầu Đoàn Chủ tịch đại hội" in html and "Thông qua nghị quyết đại hội" in html and ">5<" in html
    assert session.scalar(select(Motion.id)) is None
    # more hands than present: refused, nothing created
    _post(client, f"{url}/standard/presidium/result", {"agree": "5", "disagree": "1", "other": ""}, page=url)
    assert "vượt quá số đại biểu có mặt (5)" in client.get(url).get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(Motion.id)) is None
    _post(client, f"{url}/standard/presidium/result", {"agree": "4", "disagree": "1", "other": ""}, page=url)
    html = client.get(url).get_data(as_text=True)
    assert "THÔNG QUA" in html and "80,00%" in html
    session.expire_all()
    first = session.scalar(select(Motion))
    assert (first.kind, first.agree, first.present_at_vote, first.passed) == ("presidium", 4, 5, True)
    # recording again on the same motion (now created) replaces the result
    _post(client, f"{url}/{first.id}/result", {"agree": "2", "disagree": "2", "other": "1"}, page=url)
    html = client.get(url).get_data(as_text=True)
    assert "KHÔNG THÔNG QUA" in html and "Không thông qua" in html
    _post(client, url, {"title": "Biểu quyết rút tên đồng chí A"}, page=url)
    assert "Biểu quyết rút tên đồng chí A" in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/standard/nonsense/result", data={"csrf_token": csrf_from(html), "agree": "1"}).status_code == 404
