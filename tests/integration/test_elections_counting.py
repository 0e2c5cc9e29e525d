"""Counting a round through the services (RULES §4.2–4.3): table-driven scenarios, ties and
further rounds, invalid ballots in the base, the one-name yes/no, independent double and
triple entry, the sealed snapshot, the count-minutes data, and a property: the same
ballots entered in any order give the same result and the same seal."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from election_app.congress.services import set_officials
from election_app.delegates.services import add_delegates, check_in, decide_credentials
from election_app.elections import services as el
from election_app.errors import Conflict, NotFound, ValidationFailed
from election_app.rules import DEFECT_REASONS

LETTERS = "abcdefgh"


@pytest.fixture
def present(session, congress, roll):
    """The 9 of the roll plus 12 more, all accepted and checked in (21 present)."""
    extra = add_delegates(session, congress=congress, rows=[
        {"full_name": f"Thành Viên {name}"} for name in
        ("Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười", "Mười Một", "Mười Hai")])
    for d in [*roll, *extra]:
        decide_credentials(session, delegate=d, status="accepted")
        check_in(session, delegate=d)
    session.commit()
    return roll


def _election(session, congress, roll, seats, n, teams=1, title="Bầu Ban Chấp hành"):
    e, _ = el.create_election(session, congress=congress, title=title, body="executive_committee", seats=seats,
                              candidates=[{"delegate_id": d.id} for d in roll[:n]], entry_teams=teams)
    return e


def _ids(session, r) -> dict[str, int]:
    return {LETTERS[i]: c.id for i, (_, c) in enumerate(el.round_candidates(session, r))}


def _ballot(code: str, ids: dict[str, int]) -> dict:
    """"ab" keeps a and b; "" strikes every name; "!no_seal" is a physical defect."""
    if code.startswith("!"):
        return {"spoiled": code[1:]}
    return {"kept": [ids[ch] for ch in code]}


def _run(session, election, ballots: list[str], issued: int | None = None):
    r = el.open_round(session, election=election) if el.current_round(session, election) is None or \
        el.current_round(session, election).status == "draft" else el.current_round(session, election)
    ids = _ids(session, r)
    el.record_paper_ballots(session, election=election, ballots=[_ballot(b, ids) for b in ballots],
                            issued=len(ballots) if issued is None else issued)
    el.close_round(session, election=election)
    return r, ids


def _letters(ids: dict[str, int], cids) -> str:
    back = {v: k for k, v in ids.items()}
    return "".join(sorted(back[c] for c in cids))


SCENARIOS = [
    # name, seats, candidates, ballots, outcome, elected, tied, votes
    ("complete", 2, 3, ["ab"] * 5 + ["ac"] * 2, "complete", "ab", "", "a7 b5 c2"),
    ("fewer kept than seats is valid", 3, 4, ["a"] * 4 + ["abc"] * 3, "insufficient", "a", "", "a7 b3 c3 d0"),
    ("tie of 2 at the last seat", 2, 3, ["ab"] * 4 + ["ac"] * 4 + ["bc"] * 2, "tie", "a", "bc", "a8 b6 c6"),
    ("three tied for two seats, nobody above", 2, 3, ["ab", "ac", "bc"] * 2, "tie", "", "abc", "a4 b4 c4"),
    ("tie of 3 for one seat", 1, 3, ["a"] * 2 + ["b"] * 2 + ["c"] * 2, "insufficient", "", "", "a2 b2 c2"),
    ("equal votes below the threshold are no tie", 2, 4, ["abc"[i % 3] + "d" for i in range(9)],
     "insufficient", "d", "", "a3 b3 c3 d9"),
    ("tie of 3 for the last 2 seats", 3, 4, ["abc", "abd", "acd"] * 3, "tie", "a", "bcd", "a9 b6 c6 d6"),
    ("insufficient", 3, 4, ["ab"] * 3 + ["cd"] * 2 + ["a"] * 2, "insufficient", "a", "", "a5 b3 c2 d2"),
    ("exactly half does not pass", 1, 2, ["a"] * 3 + ["b"] * 3, "insufficient", "", "", "a3 b3"),
    ("invalid ballots count in the base", 2, 3,
     ["ab"] * 5 + ["abc"] * 2 + [""] * 2 + ["!no_seal"], "insufficient", "", "", "a5 b5 c0"),
    ("same without the invalid ones would pass", 2, 3, ["ab"] * 5 + ["c"], "complete", "ab", "", "a5 b5 c1"),
    ("one name: struck is a valid vote against", 1, 1, ["a"] * 4 + [""] * 3, "complete", "a", "", "a4"),
    ("one name: rejected", 1, 1, ["a"] * 3 + [""] * 3, "insufficient", "", "", "a3"),
    ("one name: a defect counts in the base", 1, 1, ["a"] * 4 + [""] * 3 + ["!distinguishing_mark"] * 2,
     "insufficient", "", "", "a4"),
]


@pytest.mark.parametrize("name,seats,n,ballots,outcome,elected,tied,votes", SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_counting_scenarios(session, congress, present, name, seats, n, ballots, outcome, elected, tied, votes):
    e = _election(session, congress, present, seats, n)
    r, ids = _run(session, e, ballots)
    result = el.round_result(session, e)
    assert result["outcome"] == outcome
    assert _letters(ids, result["elected"]) == elected
    assert _letters(ids, result["tied"]) == tied
    assert result["returned"] == len(ballots)
    assert result["valid"] + result["invalid"] == result["returned"]
    if votes:
        got = {c["id"]: c["votes"] for c in result["candidates"]}
        assert " ".join(f"{k}{got[v]}" for k, v in ids.items()) == votes
    # elected are in vote order
    elected_votes = [next(c["votes"] for c in result["candidates"] if c["id"] == cid) for cid in result["elected"]]
    assert elected_votes == sorted(elected_votes, reverse=True)


def test_tie_of_two_then_further_round_complete(session, congress, present):
    e = _election(session, congress, present, 3, 4)
    r1, ids = _run(session, e, ["abc"] * 4 + ["abd"] * 4 + ["cd"] * 2)   # a b 8; c d 6 tie for the last seat
    res = el.round_result(session, e)
    assert res["outcome"] == "tie" and _letters(ids, res["tied"]) == "cd" and _letters(ids, res["elected"]) == "ab"
    r2 = el.create_further_round(session, election=e, candidate_ids=res["tied"], seats=1)
    assert r2.number == 2 and r2.status == "draft"
    assert el.current_round(session, e) is r2
    # round 2's ballot has two names: c is number 1 ("a"), d number 2 ("b")
    _run(session, e, ["a"] * 5 + ["b"] * 3 + [""])               # "" on two names: all struck, invalid
    res = el.round_result(session, e)
    assert res["round"] == 2 and res["outcome"] == "complete" and res["elected"] == [ids["c"]]
    assert res["invalid"] == 1
    assert set(res["elected_so_far"]) == {ids["a"], ids["b"], ids["c"]}
    assert el.election_status(session, e) == "complete"
    with pytest.raises(Conflict):
        el.create_further_round(session, election=e, candidate_ids=[ids["d"]], seats=1)


def test_tie_of_three_then_further_round_complete(session, congress, present):
    e = _election(session, congress, present, 2, 4)
    _, ids = _run(session, e, ["bc", "bd", "cd"] * 2)             # b c d 4/6 each: three for two seats
    res = el.round_result(session, e)
    assert res["outcome"] == "tie" and _letters(ids, res["tied"]) == "bcd" and res["elected"] == []
    assert res["seats_left"] == 2
    r2 = el.create_further_round(session, election=e, candidate_ids=res["tied"], seats=2)
    assert [c.id for _, c in el.round_candidates(session, r2)] == [ids["b"], ids["c"], ids["d"]]
    _run(session, e, ["ab"] * 4 + ["ac"] * 2)                    # round 2 numbering: b=1, c=2, d=3
    res = el.round_result(session, e)
    assert res["outcome"] == "complete" and res["elected"] == [ids["b"], ids["c"]]
    assert res["elected_so_far"] == [ids["b"], ids["c"]]


def test_insufficient_then_a_new_list(session, congress, present):
    e = _election(session, congress, present, 2, 3)
    _, ids = _run(session, e, ["ab"] * 3 + ["a"] * 2 + ["c"] * 2)   # a 5/7 only
    assert el.round_result(session, e)["outcome"] == "insufficient"
    # the congress adds a name for the further round
    newcomer, _ = el.add_candidate(session, election=e, person={"full_name": "Lâm Văn Mới", "birth_year": 1990})
    with pytest.raises(ValidationFailed):          # two seats asked, one is left
        el.create_further_round(session, election=e, candidate_ids=[ids["b"], newcomer.id], seats=2)
    r2 = el.create_further_round(session, election=e, candidate_ids=[ids["b"], newcomer.id], seats=1)
    assert {c.full_name for _, c in el.round_candidates(session, r2)} == {"Trần Thị Bình", "Lâm Văn Mới"}


def test_round_snapshot_and_seal(session, congress, present):
    e = _election(session, congress, present, 2, 3)
    r, ids = _run(session, e, ["ab", "ab", "ac", "!no_seal", "abc"])
    assert (r.status, r.issued, r.returned, r.valid, r.invalid) == ("closed", 5, 5, 3, 2)
    assert json.loads(r.invalid_by_reason)["too_many_kept"] == 1
    assert json.loads(r.invalid_by_reason)["no_seal"] == 1
    assert r.outcome == "insufficient" and r.closed_at is not None
    rows = {c.id: rc for rc, c in el.round_candidates(session, r)}
    assert (rows[ids["a"]].votes, rows[ids["a"]].is_elected) == (3, True)
    assert (rows[ids["c"]].votes, rows[ids["c"]].is_elected) == (1, False)
    tally = el.round_tally(session, r)
    assert r.seal_sha256 == el.seal(e.id, 1, tally["ballots"]) and len(r.seal_sha256) == 64
    # the seal depends on the content
    other = list(tally["ballots"])
    other[0] = {**other[0], "kept": [ids["c"]]}
    assert el.seal(e.id, 1, other) != r.seal_sha256


def test_double_entry_agree_and_disagree(session, congress, present):
    e = _election(session, congress, present, 2, 3, teams=2)
    r = el.open_round(session, election=e)
    ids = _ids(session, r)
    el.set_paper_issued(session, election=e, issued=4)
    stack = [[ids["a"], ids["b"]], [ids["a"]], [ids["b"], ids["c"]], [ids["a"], ids["c"]]]
    for kept in stack:
        el.enter_paper_ballot(session, round=r, team=1, kept=kept)
    # team 2 reads the stack in another order (explicit numbers), one ballot differently
    for number in (4, 2, 1):
        el.enter_paper_ballot(session, round=r, team=2, number=number, kept=stack[number - 1])
    tally = el.round_tally(session, r)
    assert [d["number"] for d in tally["disagreements"]] == [3]                 # team 2 missing no. 3
    assert "tổ 2: chưa nhập" in tally["disagreements"][0]["message"]
    assert tally["returned"] == 0 and tally["paper_counted"] == 0           # paper not counted yet
    el.enter_paper_ballot(session, round=r, team=2, number=3, kept=[ids["b"]], defect="no_seal")
    tally = el.round_tally(session, r)
    assert [d["number"] for d in tally["disagreements"]] == [3]
    assert "tổ 1: giữ số 2, 3" in tally["disagreements"][0]["message"]
    assert "không hợp lệ: " + DEFECT_REASONS["no_seal"] in tally["disagreements"][0]["message"]
    with pytest.raises(Conflict) as refused:
        el.close_round(session, election=e)
    assert refused.value.code == "entries_disagree" and refused.value.details[0]["row"] == 3
    el.correct_paper_ballot(session, round=r, team=2, number=3, kept=stack[2], defect=None,
                            reason="Đọc lại phiếu: có dấu, gạch tên số 1")
    tally = el.round_tally(session, r)
    assert tally["disagreements"] == [] and tally["returned"] == 4
    el.close_round(session, election=e)
    res = el.round_result(session, e)
    assert res["outcome"] == "insufficient" and res["elected"] == [ids["a"]] and res["returned"] == 4


def test_triple_entry_needs_all_three_teams(session, congress, present):
    e = _election(session, congress, present, 1, 2, teams=3)
    r = el.open_round(session, election=e)
    ids = _ids(session, r)
    el.set_paper_issued(session, election=e, issued=2)
    for team in (1, 2):
        el.enter_paper_ballot(session, round=r, team=team, kept=[ids["a"]])
        el.enter_paper_ballot(session, round=r, team=team, kept=[ids["b"]])
    assert [d["number"] for d in el.round_tally(session, r)["disagreements"]] == [1, 2]
    el.enter_paper_ballot(session, round=r, team=3, kept=[ids["a"]])
    el.enter_paper_ballot(session, round=r, team=3, kept=[ids["a"]])
    tally = el.round_tally(session, r)
    assert [d["number"] for d in tally["disagreements"]] == [2]
    with pytest.raises(ValidationFailed):          # there is no team 4
        el.enter_paper_ballot(session, round=r, team=4, kept=[ids["a"]])


def test_entry_refusals_and_corrections_trace(session, congress, present):
    e = _election(session, congress, present, 2, 3)
    r = el.open_round(session, election=e)
    ids = _ids(session, r)
    entry = el.enter_paper_ballot(session, round=r, kept=[ids["a"]], user_id=None)
    assert entry.number == 1
    with pytest.raises(Conflict):                          # same number twice (double Enter)
        el.enter_paper_ballot(session, round=r, number=1, kept=[ids["b"]])
    with pytest.raises(ValidationFailed):                  # id not on the ballot
        el.enter_paper_ballot(session, round=r, kept=[99999])
    with pytest.raises(ValidationFailed):                  # the board's words with a control character
        el.enter_paper_ballot(session, round=r, kept=[], defect="rách\x00")
    with pytest.raises(ValidationFailed):                  # words too long
        el.enter_paper_ballot(session, round=r, kept=[], defect="rách " * 60)
    with pytest.raises(ValidationFailed):                  # correction without a reason
        el.correct_paper_ballot(session, round=r, number=1, kept=[ids["b"]], reason=" ")
    with pytest.raises(NotFound):
        el.correct_paper_ballot(session, round=r, number=7, kept=[ids["b"]], reason="x")
    with pytest.raises(ValidationFailed):                  # nothing changes
        el.correct_paper_ballot(session, round=r, number=1, kept=[ids["a"]], reason="x")
    el.correct_paper_ballot(session, round=r, number=1, kept=[ids["b"]], reason="Gõ nhầm")
    el.correct_paper_ballot(session, round=r, number=1, kept=[ids["b"]], defect="unclear_strike", reason="Xem lại")
    trace = el.corrections(session, r)
    assert [(json.loads(c.old_kept), c.old_defect, json.loads(c.new_kept), c.new_defect, c.reason) for c, _ in trace] == [
        ([ids["a"]], None, [ids["b"]], None, "Gõ nhầm"),
        ([ids["b"]], None, [ids["b"]], "unclear_strike", "Xem lại")]
    el.set_paper_issued(session, election=e, issued=1)
    el.close_round(session, election=e)
    with pytest.raises(Conflict):
        el.enter_paper_ballot(session, round=r, kept=[ids["a"]])
    with pytest.raises(Conflict):
        el.correct_paper_ballot(session, round=r, number=1, kept=[ids["a"]], reason="late")


def test_count_minutes_data(session, congress, present):
    set_officials(session, congress=congress, role="board", names=["Ngô Thị Thuỷ - Trưởng ban", "Lê Văn Tám - Ủy viên"])
    e, _ = el.create_election(session, congress=congress, title="Bầu BCH", body="executive_committee", seats=2,
                              candidates=[{"delegate_id": present[0].id, "nomination": "self"},
                                          {"delegate_id": present[1].id}, {"delegate_id": present[2].id}])
    r, ids = _run(session, e, ["ab"] * 3 + ["ac"] * 3 + ["bc"] * 2 + ["!no_seal"])
    data = el.count_minutes_data(session, r)
    json.dumps(data)                                   # plain data only
    assert data["final"] is True and data["round"]["number"] == 1
    assert data["congress"]["organization"] == congress.organization and data["congress"]["preset_title"]
    assert [b["full_name"] for b in data["board"]] == ["Ngô Thị Thuỷ", "Lê Văn Tám"]
    assert (data["summoned"], data["present"], data["voted"]) == (21, 21, 9)
    assert (data["candidates_count"], data["self_nominated"], data["nominated"]) == (3, 1, 2)
    assert (data["issued"], data["returned"], data["valid"], data["invalid"]) == (9, 9, 8, 1)
    reasons = {x["code"]: (x["label"], x["count"]) for x in data["invalid_by_reason"]}
    assert reasons["no_seal"] == (DEFECT_REASONS["no_seal"], 1)
    a = next(c for c in data["candidates"] if c["id"] == ids["a"])
    assert (a["votes_text"], a["percent"], a["percent_text"], a["elected"]) == ("6/9", "66.67", "66,67%", True)
    assert data["outcome"] == "tie" and [c["id"] for c in data["elected"]] == [ids["a"]]
    assert {c["id"] for c in data["tied"]} == {ids["b"], ids["c"]}
    assert data["seats_left"] == 1 and data["seal_sha256"] == r.seal_sha256


def test_open_round_snapshots_attendance_and_voter_rules(session, congress, roll):
    for d in roll[:7]:
        check_in(session, delegate=d)
    e = _election(session, congress, roll, 1, 2)
    r = el.open_round(session, election=e)
    assert (r.summoned_at_open, r.present_at_open) == (9, 7)
    assert "chưa điểm danh" in el.voter_may_receive_ballot(roll[8])
    assert el.voter_may_receive_ballot(roll[0]) is None


BALLOT_CODES = st.lists(st.sampled_from(["a", "b", "c", "ab", "ac", "bc", "abc", "", "!no_seal", "!name_added"]),
                        min_size=1, max_size=9)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ballots=BALLOT_CODES, data=st.data())
def test_any_entry_order_gives_the_same_result(session, congress, present, ballots, data):
    """Property: a stack entered in any order (and by a second team in yet another order)
    gives the same result and the same seal as the stack entered in its first order."""
    order = data.draw(st.permutations(range(len(ballots))))
    results = []
    for k, seq in enumerate((list(range(len(ballots))), list(order))):
        e = _election(session, congress, present, 2, 3, teams=2, title=f"Bầu thử {k}")
        r = el.open_round(session, election=e)
        ids = _ids(session, r)
        el.set_paper_issued(session, election=e, issued=len(ballots))
        for team, numbering in ((1, seq), (2, list(reversed(seq)))):
            for i in numbering:
                b = _ballot(ballots[i], ids)
                el.enter_paper_ballot(session, round=r, team=team, number=i + 1,
                                      kept=b.get("kept", []), defect=b.get("spoiled"))
        el.close_round(session, election=e)
        res = el.round_result(session, e)
        back = {v: k for k, v in ids.items()}
        results.append((res["outcome"], sorted(back[c] for c in res["elected"]), sorted(back[c] for c in res["tied"]),
                        {back[c["id"]]: (c["votes"], c["percent"]) for c in res["candidates"]},
                        res["valid"], res["invalid"], el.round_tally(session, r)["invalid_by_reason"],
                        el.seal(0, 1, [{"kept": [back[c] for c in b["kept"]], "reason": b["reason"]}
                                       for b in el.round_tally(session, r)["ballots"]])))
    session.rollback()
    assert results[0] == results[1]


def test_issue_paper_race_with_another_desk_becomes_conflict(session, congress, present):
    """Another desk (or the delegate's phone) strikes the same delegate off between our check
    and our write: the primary key refuses the second row and the service answers Conflict."""
    from sqlalchemy import event, func, select
    from sqlalchemy.orm import Session

    from election_app.db import db
    from election_app.elections.models import RoundParticipation
    e = _election(session, congress, present, 1, 2)
    r = el.open_round(session, election=e)
    session.commit()
    other = Session(db.engine)

    # The other desk writes right after our first read, before we take the round lock (once
    # we hold it, SQLite serialises every writer and PostgreSQL's primary key decides).
    def other_desk_first(state):
        other.add(RoundParticipation(round_id=r.id, delegate_id=present[0].id, method="electronic"))
        other.commit()

    event.listen(session(), "do_orm_execute", other_desk_first, once=True)
    with pytest.raises(Conflict) as refused:
        el.issue_paper(session, election=e, delegate_ids=[present[0].id])
    assert refused.value.code == "already_voted"
    session.rollback()
    other.close()
    assert session.scalar(select(func.count()).select_from(RoundParticipation)) == 1
