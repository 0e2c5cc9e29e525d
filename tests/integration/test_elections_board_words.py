"""Issue 13, points 10 and 11: a spoiled ballot in the board's own words ("rách làm đôi"),
through the API and the entry page, kept as written (NFC, ≤ 200 characters, no control
character), counted by words in the result and the count minutes, never per ballot on a
public page; the close refusal names every mismatched ballot; an invalid ballot is
confirmed as a warning, not in a green box."""
from __future__ import annotations

import json
import re
import unicodedata

import pytest
from sqlalchemy import select

from election_app.audit.models import AuditEntry
from election_app.delegates.services import check_in
from election_app.elections import services as el
from election_app.elections.models import PaperBallotEntry, Round
from election_app.errors import Conflict, ValidationFailed
from tests.conftest import csrf_from
from tests.integration.test_documents_facts import count_minutes

TORN = "rách làm đôi"
NO_BOARD_SEAL = "không có dấu của Ban bầu cử"


def _present(session, roll):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()


def _election(session, congress, roll, seats=2, n=4, teams=1):
    e, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                              seats=seats, candidates=[{"delegate_id": d.id} for d in roll[:n]], entry_teams=teams)
    session.commit()
    return e


# --- the API ------------------------------------------------------------------------------------

def test_api_takes_the_boards_own_words_and_prints_them_in_the_minutes(api, session, congress, roll):
    _present(session, roll)
    admin, board = api("admin"), api("board")
    made = admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu Ban Chấp hành", "body": "executive_committee", "seats": 2,
        "candidates": [{"delegate_id": d.id} for d in roll[:4]]}).get_json()
    eid, ids = made["id"], [c["id"] for c in made["candidates"]]
    board.post(f"/api/v1/elections/{eid}/open")
    nfd_torn = unicodedata.normalize("NFD", "Rách  làm đôi")          # decomposed, two spaces
    ballots = [{"kept": ids[:2]}] * 5 + [{"spoiled": TORN}, {"spoiled": nfd_torn}, {"spoiled": NO_BOARD_SEAL},
                                         {"spoiled": "no_seal"}]
    resp = board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"issued": 9, "ballots": ballots})
    assert resp.status_code == 201, resp.get_json()
    session.expire_all()
    words = sorted(w for w in session.scalars(select(PaperBallotEntry.defect_text)) if w)
    assert words == ["Rách làm đôi", NO_BOARD_SEAL, TORN]              # kept as written, in NFC
    assert all(unicodedata.is_normalized("NFC", w) for w in words)
    assert set(session.scalars(select(PaperBallotEntry.defect).where(PaperBallotEntry.defect_text.is_not(None)))) \
        == {"other"}
    result = board.post(f"/api/v1/elections/{eid}/close").get_json()
    assert result["invalid"] == 4 and result["invalid_by_reason"]["other"] == 3
    assert result["invalid_by_reason"]["no_seal"] == 1
    # the same words in another case or spacing are one reason, printed as most often typed
    assert result["invalid_by_text"] == [{"reason": TORN, "count": 2}, {"reason": NO_BOARD_SEAL, "count": 1}] or \
        result["invalid_by_text"] == [{"reason": "Rách làm đôi", "count": 2}, {"reason": NO_BOARD_SEAL, "count": 1}]
    minutes = count_minutes(session, congress, el.get_election(session, eid), 1)
    assert re.search(r"\+ (rách|Rách) làm đôi: 2 phiếu", minutes), minutes
    assert f"+ {NO_BOARD_SEAL}: 1 phiếu" in minutes
    assert "Phiếu không có dấu của Ban Chấp hành theo quy định: 1 phiếu" in minutes
    assert "lỗi khác do Ban bầu cử ghi" not in minutes                 # the words, not the code
    # public: the published ballots carry the code only, never the board's words
    published = api("admin").get(f"/api/v1/elections/{eid}/ballots")
    if published.status_code == 200:
        body = json.dumps(published.get_json(), ensure_ascii=False)
        assert "rách" not in body.lower() and "Ban bầu cử" not in body
    from election_app.voting.services import published_ballots
    r = session.scalar(select(Round).where(Round.election_id == eid))
    body = json.dumps(published_ballots(session, round=r), ensure_ascii=False)
    assert "rách" not in body.lower() and NO_BOARD_SEAL not in body and '"reason": "other"' in body


@pytest.mark.parametrize("words, why", [
    ("vết \x07 mực", "ký tự điều khiển"),
    ("x" * 201, "quá 200"),
    ("   ", "Ghi rõ"),
    ("other", "Ghi rõ"),
    (12, "chuỗi ký tự"),          # typed at the door
])
def test_api_refuses_bad_words_and_writes_nothing(api, session, congress, roll, words, why):
    _present(session, roll)
    admin, board = api("admin"), api("board")
    made = admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu BCH", "body": "executive_committee", "seats": 2,
        "candidates": [{"delegate_id": d.id} for d in roll[:4]]}).get_json()
    board.post(f"/api/v1/elections/{made['id']}/open")
    resp = board.post(f"/api/v1/elections/{made['id']}/paper-ballots",
                      json={"ballots": [{"kept": []}, {"spoiled": words}]})
    assert resp.status_code == 422, resp.get_json()
    body = resp.get_json()
    assert why in body["message"]
    if not isinstance(words, int):
        assert body["details"][0]["row"] == 2
    session.expire_all()
    assert session.scalars(select(PaperBallotEntry)).all() == []


# --- the entry page --------------------------------------------------------------------------

def _entry(client, url, token, **form):
    return client.post(url, data={"csrf_token": token, "team": "1", **form}, headers={"Accept": "application/json"})


def test_entry_page_takes_the_boards_words_beside_the_keys(client, login, session, congress, roll):
    _present(session, roll)
    e = _election(session, congress, roll)
    el.open_round(session, election=e)
    session.commit()
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/entry"
    page = client.get(url).get_data(as_text=True)
    assert 'name="defect_text"' in page and "Lỗi khác" in page
    token = csrf_from(page)
    # words alone: every name kept, invalid, recorded in the board's words
    data = _entry(client, url, token, number="1", reading="", defect_text=TORN).get_json()
    assert data["ok"] and data["entry"]["valid"] is False and data["entry"]["words"] == TORN
    assert data["kind"] == "warning" and "KHÔNG HỢP LỆ" in data["message"] and TORN in data["message"]
    assert data["recent"][0]["typed"] == f"«{TORN}»" and data["recent"][0]["label"] == f"Không hợp lệ: {TORN}"
    assert data["words"] == [TORN]                                       # offered again next time
    # numbers and words together
    data = _entry(client, url, token, number="2", reading="2", defect_text=NO_BOARD_SEAL).get_json()
    assert data["ok"] and data["recent"][0]["typed"] == f"2 «{NO_BOARD_SEAL}»"
    # a defect key and words together: one reason only
    resp = _entry(client, url, token, number="3", reading="1 D", defect_text=TORN)
    assert resp.status_code == 422 and "một lý do" in resp.get_json()["message"]
    # a valid ballot is still confirmed as a success
    data = _entry(client, url, token, number="3", reading="1 2").get_json()
    assert data["ok"] and data["kind"] == "success" and data["entry"]["valid"]
    # the audit log keeps the code, never the words; the entry log (board) shows them
    session.expire_all()
    logged = " ".join(a.data for a in session.scalars(select(AuditEntry).where(AuditEntry.action == "paper.enter")))
    assert "other" in logged and "rách" not in logged and "Ban bầu cử" not in logged
    log = client.get(f"/congresses/{congress.id}/elections/{e.id}/rounds/1/log").get_data(as_text=True)
    assert TORN in log and NO_BOARD_SEAL in log


def test_entry_page_without_javascript_flashes_an_invalid_ballot_as_a_warning(client, login, session,
                                                                              congress, roll):
    _present(session, roll)
    e = _election(session, congress, roll)
    el.open_round(session, election=e)
    session.commit()
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/entry"
    token = csrf_from(client.get(url).get_data(as_text=True))
    client.post(url, data={"csrf_token": token, "team": "1", "number": "1", "reading": "", "key": "d"})
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'flash-warning">Phiếu số 1 đã ghi là KHÔNG HỢP LỆ', html), html[:3000]
    assert 'flash-success">Phiếu số 1' not in html
    client.post(url, data={"csrf_token": token, "team": "1", "number": "2", "reading": "1 2 3"})  # 1 kept: valid
    html = client.get(url).get_data(as_text=True)
    assert 'flash-success">Phiếu số 2: Hợp lệ' in html


def test_two_teams_must_agree_on_the_words_case_and_spacing_aside(session, congress, roll):
    _present(session, roll)
    e = _election(session, congress, roll, teams=2)
    r = el.open_round(session, election=e)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    el.set_paper_issued(session, election=e, issued=2)
    el.enter_paper_ballot(session, round=r, team=1, kept=ids[:2], defect=TORN)
    el.enter_paper_ballot(session, round=r, team=2, kept=ids[:2], defect_text="Rách  LÀM đôi")
    el.enter_paper_ballot(session, round=r, team=1, kept=ids[:2], defect=TORN)
    el.enter_paper_ballot(session, round=r, team=2, kept=ids[:2], defect="bị ướt")
    [d] = el.compare_teams(session, r)["disagreements"]
    assert d["number"] == 2 and TORN in d["message"] and "bị ướt" in d["message"]
    el.correct_paper_ballot(session, round=r, team=2, number=2, kept=ids[:2], defect_text=TORN, reason="Đọc lại")
    assert el.compare_teams(session, r)["disagreements"] == []
    closed = el.close_round(session, election=e)
    assert json.loads(closed.invalid_by_text) == [[TORN, 2]]


# --- point 11: the close refusal names every mismatched ballot ---------------------------------

def test_close_refusal_names_every_mismatched_ballot(client, login, session, congress, roll):
    _present(session, roll)
    e = _election(session, congress, roll, seats=1, n=2, teams=2)
    r = el.open_round(session, election=e)
    a, b = [c.id for _, c in el.round_candidates(session, r)]
    el.set_paper_issued(session, election=e, issued=4)
    for team, stack in ((1, [[a], [b], [a], [b]]), (2, [[a], [a], [a], [a]])):
        for kept in stack:
            el.enter_paper_ballot(session, round=r, team=team, kept=kept)
    session.commit()
    with pytest.raises(Conflict) as refused:
        el.close_round(session, election=e)
    session.rollback()
    assert refused.value.code == "entries_disagree"
    assert "ở 2 phiếu (phiếu số 2, 4)" in refused.value.message
    assert [d["row"] for d in refused.value.details] == [2, 4]
    # the page: the one message the eye reads names both; each is also listed
    login("board")
    base = f"/congresses/{congress.id}/elections/{e.id}"
    token = csrf_from(client.get(base).get_data(as_text=True))
    html = client.get(client.post(f"{base}/close", data={"csrf_token": token}).headers["Location"]).get_data(as_text=True)
    assert "phiếu số 2, 4" in html and "Phiếu số 2: tổ 1" in html and "Phiếu số 4: tổ 1" in html


def test_service_refuses_two_reasons_at_once(session, congress, roll):
    _present(session, roll)
    e = _election(session, congress, roll)
    r = el.open_round(session, election=e)
    with pytest.raises(ValidationFailed, match="một lý do"):
        el.enter_paper_ballot(session, round=r, kept=[], defect="no_seal", defect_text=TORN)
