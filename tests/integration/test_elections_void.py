"""Huỷ phiếu nhập nhầm: a phantom paper entry (Enter pressed twice: 9 entries for a stack
of 8 sheets) blocks closing until it is voided; a void needs a reason, happens once, only
while the round is open, leaves its trace in corrections() and the entry log, counts
nowhere (tally, comparison of teams, running count, published ballots) and never gives
its number back. Through the services, the JSON API and the pages (CSRF on)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from election_app.auth.models import User
from election_app.delegates.services import check_in
from election_app.door import parse
from election_app.elections.actions import VoidBallot
from election_app.elections import services as el
from election_app.elections.models import PaperBallotCorrection, PaperBallotEntry
from election_app.errors import Conflict, NotFound, ValidationFailed
from tests.conftest import csrf_from

REASON = "Bấm Enter hai lần"


def _setup(session, congress, roll, *, seats=2, n=3, teams=1):
    """All 9 of the roll present; an election on the first ``n`` of them."""
    for d in roll:
        check_in(session, delegate=d)
    e, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành", body="executive_committee",
                              seats=seats, candidates=[{"delegate_id": d.id} for d in roll[:n]], entry_teams=teams)
    session.commit()
    return e


def _open(session, election):
    r = el.open_round(session, election=election)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    session.commit()
    return r, ids


def _counts(session):
    return (session.scalar(select(func.count()).select_from(PaperBallotCorrection)),
            session.scalar(select(func.count()).select_from(PaperBallotEntry).where(PaperBallotEntry.is_void)))


# --- the phantom entry, end to end through the API ------------------------------------------

def test_phantom_entry_blocks_close_until_voided(session, congress, roll, api, client, login):
    e = _setup(session, congress, roll)
    board = api("board")
    assert board.post(f"/api/v1/elections/{e.id}/open").status_code == 200
    ids = [c.id for _, c in el.round_candidates(session, el.current_round(session, e))]
    a, b, c = ids
    stack = [[a, b]] * 4 + [[a, c]] * 2 + [[b]] + [[]]          # 8 sheets; the last all struck (invalid)
    resp = board.post(f"/api/v1/elections/{e.id}/paper-ballots",
                      json={"issued": 8, "ballots": [{"kept": k} for k in stack]})
    assert resp.status_code == 201
    # Enter pressed twice on the last sheet: a 9th entry for 8 sheets
    assert board.post(f"/api/v1/elections/{e.id}/paper-ballots", json={"ballots": [{"kept": []}]}).status_code == 201
    resp = board.post(f"/api/v1/elections/{e.id}/close")
    assert resp.status_code == 409 and resp.get_json()["error"] == "unreconciled"
    assert "lớn hơn số phiếu phát ra" in resp.get_json()["message"]

    # no reason → 422, nothing written
    for body in ({"number": 9}, {"number": 9, "reason": "   "}):
        resp = board.post(f"/api/v1/elections/{e.id}/paper-ballots/void", json=body)
        assert resp.status_code == 422 and resp.get_json()["details"][0]["field"] == "reason"
    resp = board.post(f"/api/v1/elections/{e.id}/paper-ballots/void", json={"number": 99, "reason": REASON})
    assert resp.status_code == 404
    session.rollback()
    assert _counts(session) == (0, 0)

    resp = board.post(f"/api/v1/elections/{e.id}/paper-ballots/void", json={"number": 9, "reason": REASON})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json() == {"voided": {"team": 1, "number": 9, "reason": REASON}, "round": 1, "returned": 8}
    # voiding it again: 409, still one trace
    resp = board.post(f"/api/v1/elections/{e.id}/paper-ballots/void", json={"team": 1, "number": 9, "reason": REASON})
    assert resp.status_code == 409 and resp.get_json()["error"] == "already_void"
    session.rollback()
    assert _counts(session) == (1, 1)

    resp = board.post(f"/api/v1/elections/{e.id}/close")
    assert resp.status_code == 200, resp.get_json()
    result = resp.get_json()
    assert (result["issued"], result["returned"], result["valid"], result["invalid"]) == (8, 8, 7, 1)
    assert {x["id"]: x["votes"] for x in result["candidates"]} == {a: 6, b: 5, c: 2}
    assert result["outcome"] == "complete" and result["elected"] == [a, b]
    # the published ballots leave the void entry out
    published = board.get(f"/api/v1/elections/{e.id}/ballots").get_json()
    assert len(published["ballots"]) == 8 and sum(1 for x in published["ballots"] if x.get("invalid")) == 1

    # after close: no void
    resp = board.post(f"/api/v1/elections/{e.id}/paper-ballots/void", json={"number": 1, "reason": REASON})
    assert resp.status_code == 409 and resp.get_json()["error"] == "round_not_open"

    # the trace: corrections() and the printed entry log
    session.expire_all()
    r = el.current_round(session, e)
    [(fix, entry)] = el.corrections(session, r)
    assert (entry.number, entry.team, entry.is_void) == (9, 1, True)
    assert (fix.old_kept, fix.old_defect, fix.new_kept, fix.new_defect, fix.reason) == ("[]", None, "[]", "void", REASON)
    assert session.get(User, fix.corrected_by).role == "board" and fix.corrected_at is not None
    login("board")
    log = client.get(f"/congresses/{congress.id}/elections/{e.id}/rounds/1/log").get_data(as_text=True)
    assert "8 phiếu" in log and "và 1 phiếu đã huỷ" in log
    assert f"Đã huỷ: {REASON}" in log and '<tr class="void">' in log and "huỷ phiếu" in log


# --- the service's rules ----------------------------------------------------------------------

def test_void_needs_a_reason_happens_once_and_only_while_open(session, congress, roll):
    e = _setup(session, congress, roll)
    r, (a, b, c) = _open(session, e)
    el.set_paper_issued(session, election=e, issued=2)
    el.enter_paper_ballot(session, round=r, kept=[a, b])
    el.enter_paper_ballot(session, round=r, kept=[a, c], defect="no_seal")
    for reason in ("", "  ", None):
        with pytest.raises(ValidationFailed) as refused:
            el.void_paper_ballot(session, round=r, team=1, number=2, reason=reason)
        assert refused.value.details[0]["field"] == "reason" and "lý do" in refused.value.message
    for number in ("x", 0, None, [2]):        # the number's type is checked at the door
        with pytest.raises(ValidationFailed) as refused:
            parse(VoidBallot, {"election_id": e.id, "team": 1, "number": number, "reason": REASON})
        assert refused.value.details[0]["field"] == "number"
    with pytest.raises(ValidationFailed):
        el.void_paper_ballot(session, round=r, team=1, number=0, reason=REASON)
    with pytest.raises(ValidationFailed):
        el.void_paper_ballot(session, round=r, team=2, number=1, reason=REASON)      # one team only
    with pytest.raises(NotFound):
        el.void_paper_ballot(session, round=r, team=1, number=3, reason=REASON)
    assert _counts(session) == (0, 0)

    entry = el.void_paper_ballot(session, round=r, team=1, number=2, reason=f"  {REASON} ", user_id=None)
    assert entry.is_void and entry.number == 2
    [(fix, _)] = el.corrections(session, r)
    # the entry's content is kept, in the entry and in the trace
    assert (fix.old_kept, fix.old_defect, fix.reason) == (f"[{a}, {c}]", "no_seal", REASON)
    assert (entry.kept, entry.defect) == (f"[{a}, {c}]", "no_seal")
    assert el.void_reasons(session, r) == {entry.id: fix}
    with pytest.raises(Conflict) as twice:
        el.void_paper_ballot(session, round=r, team=1, number=2, reason="lần nữa")
    assert twice.value.code == "already_void"
    # a void entry cannot be corrected either
    with pytest.raises(Conflict) as fixed:
        el.correct_paper_ballot(session, round=r, team=1, number=2, kept=[a], reason="đọc lại")
    assert fixed.value.code == "entry_void"
    assert _counts(session) == (1, 1)

    tally = el.round_tally(session, r)
    assert (tally["returned"], tally["valid"], tally["invalid"]) == (1, 1, 0)
    assert tally["votes"] == {a: 1, b: 1, c: 0} and tally["team_counts"] == {1: 1}
    assert [x["kept"] for x in tally["ballots"]] == [sorted([a, b])]
    assert len(el.paper_entries(session, r)) == 2 and len(el.paper_entries(session, r, include_void=False)) == 1

    el.enter_paper_ballot(session, round=r, kept=[b, c])        # the real second sheet
    el.close_round(session, election=e)
    assert (r.returned, r.valid) == (2, 2)
    with pytest.raises(Conflict) as closed:
        el.void_paper_ballot(session, round=r, team=1, number=1, reason=REASON)
    assert closed.value.code == "round_not_open" and "huỷ" in closed.value.message


def test_a_voided_number_is_never_given_again(session, congress, roll):
    e = _setup(session, congress, roll)
    r, (a, b, c) = _open(session, e)
    for kept in ([a], [b], [c]):
        el.enter_paper_ballot(session, round=r, kept=kept)
    el.void_paper_ballot(session, round=r, team=1, number=3, reason=REASON)
    # re-entering number 3: refused, in Vietnamese, pointing to «Sửa phiếu»
    with pytest.raises(Conflict) as refused:
        el.enter_paper_ballot(session, round=r, number=3, kept=[c])
    assert refused.value.code == "number_voided"
    assert "không được dùng lại" in refused.value.message and "«Sửa phiếu»" in refused.value.message
    assert "(4)" in refused.value.message
    # the next number skips past it, on the keyboard and in the API's batch
    assert el.enter_paper_ballot(session, round=r, kept=[c]).number == 4
    el.void_paper_ballot(session, round=r, team=1, number=4, reason="Nhập thử")
    el.record_paper_ballots(session, election=e, ballots=[{"kept": [a]}])
    assert [(x.number, x.is_void) for x in el.paper_entries(session, r)] == [
        (1, False), (2, False), (3, True), (4, True), (5, False)]
    assert el.round_tally(session, r)["returned"] == 3


def test_two_clerks_voiding_the_same_entry_at_once_leave_one_trace(session, congress, roll):
    """The other clerk voids the entry between our look-up and our write: we are told it is
    already void, and there is one trace, not two."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from election_app.db import db
    from election_app.elections.models import Round
    e = _setup(session, congress, roll)
    r, (a, b, c) = _open(session, e)
    el.enter_paper_ballot(session, round=r, kept=[a])
    session.commit()
    other = Session(db.engine)

    raced = []

    # right after our look-up of the entry, before we take the round lock
    def other_clerk_first(state):
        if state.is_select and not raced and "paper_ballot_entries" in str(state.statement):
            raced.append(True)
            el.void_paper_ballot(other, round=other.get(Round, r.id), team=1, number=1, reason="Bàn bên kia huỷ")
            other.commit()

    event.listen(session(), "do_orm_execute", other_clerk_first)
    try:
        with pytest.raises(Conflict) as refused:
            el.void_paper_ballot(session, round=r, team=1, number=1, reason=REASON)
    finally:
        event.remove(session(), "do_orm_execute", other_clerk_first)
    assert raced and refused.value.code == "already_void"
    session.rollback()
    other.close()
    assert [fix.reason for fix, _ in el.corrections(session, r)] == ["Bàn bên kia huỷ"]
    assert _counts(session) == (1, 1)


# --- independent double entry ---------------------------------------------------------------------

def test_double_entry_void_in_one_team_is_a_missing_ballot_until_both_void(session, congress, roll):
    e = _setup(session, congress, roll, teams=2)
    r, (a, b, c) = _open(session, e)
    el.set_paper_issued(session, election=e, issued=3)
    stack = [[a, b], [a], [b, c], [b, c]]           # both teams typed the last sheet twice
    for team in (1, 2):
        for kept in stack:
            el.enter_paper_ballot(session, round=r, team=team, kept=kept)
    tally = el.round_tally(session, r)
    assert tally["disagreements"] == [] and tally["returned"] == 4 and tally["problems"]

    el.void_paper_ballot(session, round=r, team=1, number=4, reason=REASON)
    comparison = el.compare_teams(session, r)
    [d] = comparison["disagreements"]
    assert d["number"] == 4 and d["readings"][1] is None and d["readings"][2] == {"kept": [b, c], "defect": None, "defect_text": None}
    assert d["voided"] == {1: REASON}
    assert "tổ 1: đã huỷ" in d["message"] and "tổ 2: giữ số 2, 3" in d["message"]
    assert comparison["counts"] == {1: 3, 2: 4}
    tally = el.round_tally(session, r)
    assert tally["returned"] == 0 and tally["paper_counted"] == 0          # nothing counts while they differ
    with pytest.raises(Conflict) as refused:
        el.close_round(session, election=e)
    assert refused.value.code == "entries_disagree" and refused.value.details[0]["row"] == 4

    el.void_paper_ballot(session, round=r, team=2, number=4, reason="Tổ 2 cũng bấm Enter hai lần")
    comparison = el.compare_teams(session, r)
    assert comparison["disagreements"] == [] and comparison["counts"] == {1: 3, 2: 3}
    el.close_round(session, election=e)
    assert (r.issued, r.returned, r.valid, r.invalid) == (3, 3, 3, 0)
    assert {c_.id: rc.votes for rc, c_ in el.round_candidates(session, r)} == {a: 2, b: 2, c: 1}
    assert [fix.reason for fix, _ in el.corrections(session, r)] == [REASON, "Tổ 2 cũng bấm Enter hai lần"]


def test_compare_page_shows_the_void_and_lets_the_other_team_void(client, login, session, congress, roll):
    e = _setup(session, congress, roll, teams=2)
    r, (a, b, c) = _open(session, e)
    el.set_paper_issued(session, election=e, issued=1)
    for team in (1, 2):
        el.enter_paper_ballot(session, round=r, team=team, kept=[a])
        el.enter_paper_ballot(session, round=r, team=team, kept=[a])
    el.void_paper_ballot(session, round=r, team=1, number=2, reason=REASON)
    session.commit()
    login("board")
    base = f"/congresses/{congress.id}/elections/{e.id}"
    html = client.get(f"{base}/compare").get_data(as_text=True)
    assert 'id="n2"' in html and "đã huỷ" in html and REASON in html and "Huỷ phiếu này" in html
    resp = client.post(f"{base}/entry/void", data={"csrf_token": csrf_from(html), "team": "2", "number": "2",
                                                   "reason": "Tổ 2 cũng nhập thừa", "back": "compare"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{base}/compare")
    html = client.get(f"{base}/compare").get_data(as_text=True)
    assert "giống hệt nhau" in html
    session.expire_all()
    assert el.round_tally(session, r)["returned"] == 1


# --- the entry page --------------------------------------------------------------------------------

def test_entry_page_voids_a_row_and_shows_it_struck(client, login, session, congress, roll):
    e = _setup(session, congress, roll)
    r, (a, b, c) = _open(session, e)
    el.set_paper_issued(session, election=e, issued=2)
    session.commit()
    login("board")
    url = f"/congresses/{congress.id}/elections/{e.id}/entry"
    token = csrf_from(client.get(url).get_data(as_text=True))
    for reading in ("3", "2", "2"):                               # the third is the double Enter
        resp = client.post(url, data={"csrf_token": token, "team": "1", "reading": reading},
                           headers={"Accept": "application/json"})
        assert resp.status_code == 200
    html = client.get(url).get_data(as_text=True)
    assert html.count("Huỷ phiếu này") == 4                        # one per row, plus the row template
    assert re.search(r'data-c="entered">3<', html)
    # without CSRF: refused, nothing voided
    client.post(f"{url}/void", data={"team": "1", "number": "3", "reason": REASON})
    session.expire_all()
    assert _counts(session) == (0, 0)
    # without a reason: the message, nothing voided
    resp = client.post(f"{url}/void", data={"csrf_token": token, "team": "1", "number": "3", "reason": ""})
    assert "Cần ghi lý do huỷ phiếu" in client.get(resp.headers["Location"]).get_data(as_text=True)
    session.expire_all()
    assert _counts(session) == (0, 0)

    resp = client.post(f"{url}/void", data={"csrf_token": token, "team": "1", "number": "3", "reason": REASON})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"{url}?team=1")
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Đã huỷ phiếu số 3 của tổ 1" in html
    assert '<tr class="void">' in html and f"Đã huỷ: {REASON}" in html and "<s><code>2</code></s>" in html
    assert html.count("Huỷ phiếu này") == 3                        # the void row has no action any more
    assert re.search(r'data-c="entered">2<', html) and "Đã huỷ 1 phiếu nhập nhầm" in html
    assert 'id="number" value="4"' in html                         # number 3 is not given again
    # twice: the message says so
    resp = client.post(f"{url}/void", data={"csrf_token": token, "team": "1", "number": "3", "reason": REASON})
    assert "đã bị huỷ trước đó" in client.get(resp.headers["Location"]).get_data(as_text=True)
    # typing number 3 again is refused; the JSON the page's script reads carries the void row
    resp = client.post(url, data={"csrf_token": token, "team": "1", "number": "3", "reading": "2"},
                       headers={"Accept": "application/json"})
    data = resp.get_json()
    assert resp.status_code == 409 and "không được dùng lại" in data["message"]
    assert data["recent"][0] == {**data["recent"][0], "number": 3, "void": True, "void_reason": REASON}
    assert data["count"]["entered"] == 2 and data["count"]["void"] == 1 and data["next_number"] == 4
    session.expire_all()
    assert el.close_round(session, election=e).returned == 2


def test_secretary_may_not_void(client, login, api, session, congress, roll):
    e = _setup(session, congress, roll)
    r, (a, b, c) = _open(session, e)
    el.enter_paper_ballot(session, round=r, kept=[a])
    session.commit()
    resp = api("secretary").post(f"/api/v1/elections/{e.id}/paper-ballots/void", json={"number": 1, "reason": REASON})
    assert resp.status_code == 403 and resp.get_json()["error"] == "forbidden"
    login("secretary")
    token = csrf_from(client.get("/login", follow_redirects=True).get_data(as_text=True))
    resp = client.post(f"/congresses/{congress.id}/elections/{e.id}/entry/void",
                       data={"csrf_token": token, "team": "1", "number": "1", "reason": REASON})
    assert resp.status_code == 403
    session.expire_all()
    assert _counts(session) == (0, 0)
