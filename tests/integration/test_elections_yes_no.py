"""Agree/disagree ballots (phiếu đồng ý / không đồng ý, issue 16.4) end to end through the
API: the ballot type chosen and refused with a surplus, paper entry by two teams (their
comparison), phone votes in the sealed box, the close, the result with agree and disagree
per name against the rulebook's threshold, and the published ballots."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from election_app.delegates.services import check_in
from election_app.elections import services as el
from election_app.elections.models import Ballot, PaperBallotEntry, SealedBallot
from election_app.rules import DEFAULT_PRESET
from test_voting_support import fresh, link_for, vote_url


def _create(admin, congress, roll, *, seats, n, ballot_type="yes_no", teams=2, body="executive_committee"):
    return admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Bầu Ban Chấp hành", "body": body, "seats": seats, "entry_teams": teams,
        "ballot_type": ballot_type, "candidates": [{"delegate_id": d.id} for d in roll[:n]]})


def test_yes_no_is_refused_with_a_surplus_and_stored_otherwise(api, session, congress, roll):
    admin = api("organizer")
    refused = _create(admin, congress, roll, seats=3, n=4)
    assert refused.status_code == 422
    body = refused.get_json()
    assert any(d["field"] == "ballot_type" for d in body["details"])
    assert "không có số dư" in body["message"]
    assert admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "X", "seats": 1, "ballot_type": "gạch", "candidates": [{"delegate_id": roll[0].id}]}
    ).status_code == 422                                              # strictly typed: only the two types
    made = _create(admin, congress, roll, seats=3, n=3)
    assert made.status_code == 201 and made.get_json()["ballot_type"] == "yes_no"
    eid = made.get_json()["id"]
    assert admin.get(f"/api/v1/elections/{eid}").get_json()["ballot_type_label"] == "Phiếu đồng ý / không đồng ý"
    # a fourth name would make a surplus: refused while the type is yes/no
    added = admin.post(f"/api/v1/elections/{eid}/candidates", json={"delegate_id": roll[5].id})
    assert added.status_code == 422 and "không có số dư" in added.get_json()["message"]
    # a strike-out election is unchanged by default
    plain = admin.post(f"/api/v1/congresses/{congress.id}/elections", json={
        "title": "Y", "seats": 1, "candidates": [{"delegate_id": roll[6].id}, {"delegate_id": roll[7].id}]})
    assert plain.get_json()["ballot_type"] == "strike"


def test_switching_type_is_checked_against_the_list(session, congress, roll):
    election, _ = el.create_election(session, congress=congress, title="Bầu", body="other", seats=2,
                                     candidates=[{"delegate_id": d.id} for d in roll[:3]])
    with pytest.raises(Exception, match="không có số dư"):
        el.update_election(session, election=election, ballot_type="yes_no")
    el.update_election(session, election=election, seats=3, ballot_type="yes_no")
    assert election.ballot_type == "yes_no"


def test_full_round_two_teams_phone_votes_close_and_result(app, api, client, session, congress, roll):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()
    admin, board = api("organizer"), api("board")
    eid = _create(admin, congress, roll, seats=3, n=3).get_json()["id"]
    opened = board.post(f"/api/v1/elections/{eid}/open")
    assert opened.status_code == 200, opened.get_json()
    a, b, c = [x["id"] for x in opened.get_json()["candidates"]]
    assert board.post(f"/api/v1/elections/{eid}/issue-paper",
                      json={"delegate_ids": [d.id for d in roll[:5]]}).status_code == 200

    paper = [
        {"kept": [a, b, c]},                                 # agree to all
        {"kept": [a, b], "against": [c]},
        {"kept": [a, c], "against": [b, c]},                 # c: both boxes → neither
        {"kept": []},                                        # nothing marked: valid, for nobody
        {"kept": [a, b, c], "spoiled": "no_seal"},           # no seal: invalid
    ]
    r1 = board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": paper, "team": 1})
    assert r1.status_code == 201, r1.get_json()
    misread = [dict(p) for p in paper]
    misread[2] = {"kept": [a, c], "against": [b]}            # team 2 missed the second box on c
    assert board.post(f"/api/v1/elections/{eid}/paper-ballots",
                      json={"ballots": misread, "team": 2}).status_code == 201
    # a strike-out-only field is refused on nothing; an id off the list is refused with its field
    bad = board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": [{"against": [99999]}]})
    assert bad.status_code == 422 and bad.get_json()["details"][0]["field"] == "against"

    phone = [([a, b, c], []), ([a], [b, c]), ([a, b], [c]), ([], [a, b, c])]
    for d, (kept, against) in zip(roll[5:9], phone):
        token = link_for(session, d)
        resp = client.post(vote_url(token, eid), json={"kept": kept, "against": against})
        assert resp.status_code == 201, resp.get_json()
    session = fresh(session)
    assert session.scalar(select(Ballot.id)) is None               # sealed while the round is open
    sizes = {len(ct) for ct in session.scalars(select(SealedBallot.ciphertext))}
    assert len(sizes) == 1                                           # one padded length for every ballot

    refused = board.post(f"/api/v1/elections/{eid}/close")
    assert refused.status_code == 409
    message = refused.get_json()["message"]
    assert "phiếu số 3" in message
    detail = refused.get_json()["details"][0]["message"]
    assert "đánh cả hai ô số 3" in detail and "không đồng ý số 2" in detail

    r = el.current_round(session, el.get_election(session, eid))
    el.correct_paper_ballot(session, round=r, team=2, number=3, kept=[a, c], against=[b, c],
                            reason="đọc lại phiếu: ô thứ hai có đánh dấu")
    session.commit()

    closed = board.post(f"/api/v1/elections/{eid}/close")
    assert closed.status_code == 200, closed.get_json()
    result = board.get(f"/api/v1/elections/{eid}/result").get_json()
    assert result["ballot_type"] == "yes_no"
    assert (result["returned"], result["valid"], result["invalid"]) == (9, 8, 1)
    got = {x["id"]: (x["votes"], x["against"]) for x in result["candidates"]}
    assert got == {a: (6, 1), b: (4, 3), c: (2, 4)}
    # the rulebook's threshold: 2 × agree > returned under the default rulebook
    assert DEFAULT_PRESET.elect_den * 6 > DEFAULT_PRESET.elect_num * 9
    assert not DEFAULT_PRESET.elect_den * 4 > DEFAULT_PRESET.elect_num * 9
    assert result["elected"] == [a] and result["outcome"] == "insufficient"

    published = board.get(f"/api/v1/elections/{eid}/ballots").get_json()
    assert len(published["ballots"]) == 9
    assert {"kept": [a, c], "against": [b, c]} in published["ballots"]
    assert {"kept": [], "against": [a, b, c]} in published["ballots"]
    session = fresh(session)
    stored = sorted((json.loads(x.kept), json.loads(x.against)) for x in session.scalars(select(Ballot)))
    assert stored == sorted((sorted(k), sorted(g)) for k, g in phone)
    # the seal covers the disagree marks: recomputed from the published ballots
    lines = [{"kept": p["kept"], "reason": p.get("reason"), "against": p["against"]} for p in published["ballots"]]
    assert el.seal(eid, 1, lines) == published["seal_sha256"]


def test_chair_confidence_vote_one_name(api, client, session, congress, roll):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()
    admin, board = api("organizer"), api("board")
    made = _create(admin, congress, roll, seats=1, n=1, body="chair", teams=1)
    assert made.status_code == 201
    eid = made.get_json()["id"]
    (cid,) = [x["id"] for x in board.post(f"/api/v1/elections/{eid}/open").get_json()["candidates"]]
    for d, (kept, against) in zip(roll[:5], [([cid], [])] * 3 + [([], [cid]), ([], [])]):
        assert client.post(vote_url(link_for(session, d), eid),
                           json={"kept": kept, "against": against}).status_code == 201
    # one name both agreed and disagreed is not a phone ballot: refused, nothing recorded
    both = client.post(vote_url(link_for(session, roll[6]), eid), json={"kept": [cid], "against": [cid]})
    assert both.status_code == 422 and both.get_json()["details"][0]["field"] == "against"
    assert board.post(f"/api/v1/elections/{eid}/close").status_code == 200
    result = board.get(f"/api/v1/elections/{eid}/result").get_json()
    assert result["returned"] == 5
    assert result["candidates"][0]["votes"] == 3 and result["candidates"][0]["against"] == 1
    assert result["elected"] == [cid] and result["outcome"] == "complete"     # 3 of 5 returned


def test_a_strike_out_election_refuses_disagree_marks(api, client, session, congress, roll):
    for d in roll:
        check_in(session, delegate=d)
    session.commit()
    admin, board = api("organizer"), api("board")
    eid = _create(admin, congress, roll, seats=1, n=2, ballot_type="strike").get_json()["id"]
    a, b = [x["id"] for x in board.post(f"/api/v1/elections/{eid}/open").get_json()["candidates"]]
    resp = board.post(f"/api/v1/elections/{eid}/paper-ballots", json={"ballots": [{"kept": [a], "against": [b]}]})
    assert resp.status_code == 422
    cast = client.post(vote_url(link_for(session, roll[3]), eid), json={"kept": [a], "against": [b]})
    assert cast.status_code == 422
    session = fresh(session)
    assert session.scalar(select(PaperBallotEntry.id)) is None
