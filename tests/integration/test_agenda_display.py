"""The hall display: its link (random token, keyed hash stored, reissue kills the old one,
unknown → 404) and its one cheap state endpoint (counts only, never who)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from election_app.agenda import display, services
from election_app.db import db
from election_app.delegates.services import check_in
from election_app.motions.models import Motion
from tests.conftest import TEST_SECRET, csrf_from


def _issue(client, congress) -> str:
    page = client.get(f"/congresses/{congress.id}/display")
    assert page.status_code == 200
    resp = client.post(f"/congresses/{congress.id}/display/issue",
                       data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    m = re.search(r'id="display-url">[^<]*/display/([A-Za-z0-9_\-]+)<', html)
    assert m, html
    return m.group(1)


def test_unknown_token_is_a_404_page(client, congress):
    for url in ("/display/khong-dung", "/display/khong-dung/state.json", "/display/" + "x" * 200):
        resp = client.get(url)
        assert resp.status_code == 404
    assert "Không tìm thấy" in client.get("/display/abc").get_data(as_text=True)


def test_issue_show_once_and_reissue_invalidates(client, login, session, congress):
    login("secretary")
    token = _issue(client, congress)
    session.expire_all()
    # only a keyed hash is kept
    assert congress.display_token_hash == display.display_token_hash(TEST_SECRET, token)
    assert token not in congress.display_token_hash
    # the link is shown once
    assert token not in client.get(f"/congresses/{congress.id}/display").get_data(as_text=True)
    # it works without a staff login
    client.post("/logout", data={"csrf_token": csrf_from(client.get(f"/congresses/{congress.id}/display").get_data(as_text=True))})
    anon = client.application.test_client()
    page = anon.get(f"/display/{token}")
    assert page.status_code == 200
    assert congress.name in page.get_data(as_text=True)
    assert "display.js" in page.get_data(as_text=True)
    # a new link kills the old one
    login("organizer")
    new = _issue(client, congress)
    assert new != token
    assert anon.get(f"/display/{token}").status_code == 404
    assert anon.get(f"/display/{token}/state.json").status_code == 404
    assert anon.get(f"/display/{new}/state.json").status_code == 200


def test_revoke(client, login, session, congress):
    login("admin")
    token = _issue(client, congress)
    page = client.get(f"/congresses/{congress.id}/display").get_data(as_text=True)
    client.post(f"/congresses/{congress.id}/display/revoke", data={"csrf_token": csrf_from(page)})
    assert client.get(f"/display/{token}").status_code == 404


def test_board_may_not_issue_a_display_link(client, login, congress):
    login("board")
    assert client.get(f"/congresses/{congress.id}/display").status_code == 403


@pytest.fixture
def live(session, congress, roll):
    """A congress with an agenda, 7 of 9 present, a display token."""
    services.create_agenda_from_template(session, congress=congress)
    for d in roll[:7]:
        check_in(session, delegate=d)
    token = display.issue_display_token(session, congress=congress, secret=TEST_SECRET)
    session.commit()
    return token


def test_state_content_and_cache_headers(client, session, congress, live):
    items = services.list_items(session, congress.id)
    services.set_current_item(session, congress=congress, item=items[0])
    session.commit()
    resp = client.get(f"/display/{live}/state.json")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "public, max-age=1"
    state = resp.get_json()
    assert state["congress"]["name"] == congress.name
    assert state["item"]["title"] == items[0].title
    assert state["item"]["section_label"] == "Phần nghi thức"
    assert state["next"]["title"] == items[1].title
    assert state["quorum"] == {"present": 7, "summoned": 9, "needed": 6, "met": True, "fraction": "2/3"}
    assert resp.headers["ETag"].strip('"') == state["version"]
    # the same state again: same version, and a conditional request costs a 304
    again = client.get(f"/display/{live}/state.json", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304
    # the presidium moves on: the version changes
    services.advance_item(session, congress=congress)
    session.commit()
    moved = client.get(f"/display/{live}/state.json").get_json()
    assert moved["item"]["title"] == items[1].title and moved["version"] != state["version"]


def test_quorum_short_is_shown(client, session, congress, roll):
    check_in(session, delegate=roll[0])
    token = display.issue_display_token(session, congress=congress, secret=TEST_SECRET)
    session.commit()
    state = client.get(f"/display/{token}/state.json").get_json()
    assert state["quorum"]["met"] is False and state["item"] is None
    html = client.get(f"/display/{token}").get_data(as_text=True)
    assert "Chưa đủ 2/3" in html and "1/9" in html


def _bch(session, congress):
    from election_app.elections.services import create_election
    election, _ = create_election(session, congress=congress, title="Bầu Ban Chấp hành khóa mới",
                                  body="executive_committee", seats=2,
                                  candidates=[{"full_name": "Ngô Thị Lan"}, {"full_name": "Đinh Văn Sơn"},
                                              {"full_name": "Tạ Thị Mơ"}])
    services.link_standard_items(session, congress=congress)
    return election


def test_open_round_shows_turnout_and_no_per_delegate_data(client, session, congress, roll, live):
    from election_app.elections import services as elections
    election = _bch(session, congress)
    vote_item = next(i for i in services.list_items(session, congress.id) if i.code == "bch_vote")
    services.set_current_item(session, congress=congress, item=vote_item)
    elections.open_round(session, election=election)
    elections.issue_paper(session, election=election, delegate_ids=[d.id for d in roll[:4]])
    session.commit()
    resp = client.get(f"/display/{live}/state.json")
    state = resp.get_json()
    assert state["panel"] == "voting"
    assert state["election"]["turnout"] == 4 and state["election"]["present"] == 7
    text = resp.get_data(as_text=True)
    for d in roll:
        assert d.full_name not in text and f'"{d.code}"' not in text
    assert "delegate" not in text
    html = client.get(f"/display/{live}").get_data(as_text=True)
    assert "Đang bỏ phiếu" in html
    for d in roll:
        assert d.full_name not in html


def test_open_round_stays_on_screen_while_the_hall_moves_on(client, session, congress, roll, live):
    from election_app.elections import services as elections
    election = _bch(session, congress)
    elections.open_round(session, election=election)
    discussion = next(i for i in services.list_items(session, congress.id) if i.code == "discussion")
    services.set_current_item(session, congress=congress, item=discussion)
    session.commit()
    state = client.get(f"/display/{live}/state.json").get_json()
    assert state["item"]["title"] == "Thảo luận, tham luận"
    assert state["panel"] == "voting" and state["election"]["id"] == election.id


def test_closed_round_shows_the_result_with_the_elected(client, session, congress, roll, live):
    from election_app.elections import services as elections
    election = _bch(session, congress)
    result_item = next(i for i in services.list_items(session, congress.id) if i.code == "bch_result")
    rnd = elections.open_round(session, election=election)
    elections.issue_paper(session, election=election, delegate_ids=[d.id for d in roll[:5]])
    ids = {c.full_name: c.id for c in elections.list_candidates(session, election)}
    lan, son, mo = ids["Ngô Thị Lan"], ids["Đinh Văn Sơn"], ids["Tạ Thị Mơ"]
    for kept in ([lan, son], [lan, son], [lan, mo], [lan], [son]):
        elections.enter_paper_ballot(session, round=rnd, kept=kept)
    elections.close_round(session, election=election)
    services.set_current_item(session, congress=congress, item=result_item)
    session.commit()
    state = client.get(f"/display/{live}/state.json").get_json()
    assert state["panel"] == "result"
    rows = state["election"]["result"]["rows"]
    assert [(r["name"], r["votes"], r["elected"]) for r in rows] == [
        ("Ngô Thị Lan", 4, True), ("Đinh Văn Sơn", 3, True), ("Tạ Thị Mơ", 1, False)]
    assert rows[0]["percent"] == "80,00%"
    assert state["election"]["result"]["returned"] == 5
    html = client.get(f"/display/{live}").get_data(as_text=True)
    assert 'class="elected"' in html and "Trúng cử" in html and "Ngô Thị Lan" in html


def test_motion_result_is_shown(client, session, congress, live):
    from election_app.motions.services import record_motion_result
    programme = next(i for i in services.list_items(session, congress.id) if i.code == "programme")
    services.set_current_item(session, congress=congress, item=programme)
    session.commit()
    state = client.get(f"/display/{live}/state.json").get_json()
    assert state["panel"] == "motion_pending"
    motion = db.session.get(Motion, programme.motion_id)
    record_motion_result(session, motion=motion, agree=6, disagree=1, other=0)
    session.commit()
    state = client.get(f"/display/{live}/state.json").get_json()
    assert state["panel"] == "motion"
    m = state["motion"]
    assert (m["agree"], m["disagree"], m["other"], m["present"], m["passed"]) == (6, 1, 0, 7, True)
    assert m["agree_percent"] == "85,71%"
    # later, on an item that decides nothing, the last recorded result is still shown
    report = next(i for i in services.list_items(session, congress.id) if i.code == "term_report")
    services.set_current_item(session, congress=congress, item=report)
    session.commit()
    state = client.get(f"/display/{live}/state.json").get_json()
    assert state["panel"] == "motion_recent" and state["motion"]["title"] == motion.title
    assert "THÔNG QUA" in client.get(f"/display/{live}").get_data(as_text=True)


def test_state_endpoint_is_cheap(client, session, congress, roll, live):
    from election_app.elections import services as elections
    election = _bch(session, congress)
    elections.open_round(session, election=election)
    services.set_current_item(session, congress=congress, item=services.list_items(session, congress.id)[0])
    session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(f"/display/{live}/state.json").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 10, selects
    assert not any("congress_files" in s or "ballots" in s.split("FROM", 1)[-1].split("WHERE")[0]
                   for s in selects)
