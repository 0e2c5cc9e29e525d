"""API.md "Delegate voting", "voting-link" and "ballots": every answer (200, 201, 403,
409, 422) and what each writes — or, when refused, does not write."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from election_app.elections import services as elections
from election_app.elections.models import Ballot, Receipt, RoundParticipation, SealedBallot
from election_app.voting import services as voting
from election_app.voting.models import VotingSlip
from test_voting_support import fresh, link_for, open_election, vote_url


def _counts(session):
    session = fresh(session)
    return ((session.scalar(select(func.count()).select_from(Ballot)) + session.scalar(select(func.count()).select_from(SealedBallot))),
            (session.scalar(select(func.count()).select_from(Receipt)) + session.scalar(select(func.count()).select_from(SealedBallot))),
            session.scalar(select(func.count()).select_from(RoundParticipation)))


# --- the voting link -------------------------------------------------------------------

def test_voting_link_is_issued_and_reissuing_replaces_it(app, client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    admin = api("organizer")
    did = roll[4].id
    resp = admin.post(f"/api/v1/congresses/{congress.id}/delegates/{did}/voting-link")
    assert resp.status_code == 200
    url = resp.get_json()["url"]
    assert url.startswith("http://192.168.1.10:5000/v/")  # PUBLIC_BASE_URL of the tests
    first = url.rsplit("/v/", 1)[1]
    assert len(first) >= 32  # 24 random bytes, URL-safe base64

    # only a keyed hash is stored, never the token
    session = fresh(session)
    stored = session.get(type(roll[4]), did).voting_token_hash
    assert stored and len(stored) == 64 and first not in stored

    second = admin.post(f"/api/v1/congresses/{congress.id}/delegates/{did}/voting-link").get_json()["url"]
    second = second.rsplit("/v/", 1)[1]
    assert second != first
    old = client.post(vote_url(first, election.id), json={"kept": ids[:1]})
    unknown = client.post(vote_url("A" * 32, election.id), json={"kept": ids[:1]})
    assert old.status_code == unknown.status_code == 403
    assert old.get_json() == unknown.get_json()       # replaced and unknown: the same answer
    assert client.post(vote_url(second, election.id), json={"kept": ids[:1]}).status_code == 201


def test_voting_link_uses_public_base_url(app, api, session, congress, roll):
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.10:5000"
    resp = api("admin").post(f"/api/v1/congresses/{congress.id}/delegates/{roll[0].id}/voting-link")
    assert resp.get_json()["url"].startswith("http://192.168.1.10:5000/v/")


def test_voting_link_for_another_congress_delegate_is_404(api, session, congress, roll):
    resp = api("admin").post(f"/api/v1/congresses/{congress.id + 1}/delegates/{roll[0].id}/voting-link")
    assert resp.status_code == 404


def test_bulk_links_all_or_nothing(api, client, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    admin = api("organizer")
    bad = admin.post(f"/api/v1/congresses/{congress.id}/voting-links",
                     json={"delegate_ids": [roll[0].id, 99999]})
    assert bad.status_code == 422
    session = fresh(session)
    assert session.get(type(roll[0]), roll[0].id).voting_token_hash is None  # nothing issued
    resp = admin.post(f"/api/v1/congresses/{congress.id}/voting-links",
                      json={"delegate_ids": [d.id for d in roll[:3]]})
    assert resp.status_code == 200
    links = resp.get_json()["links"]
    assert [x["delegate_id"] for x in links] == [d.id for d in roll[:3]]
    for x in links:
        token = x["url"].rsplit("/v/", 1)[1]
        assert client.post(vote_url(token, election.id), json={"kept": []}).status_code == 201
    assert admin.post(f"/api/v1/congresses/{congress.id}/voting-links", json={}).status_code == 422


def test_issue_voting_links_service_for_cards(app, session, congress, roll):
    issued = voting.issue_voting_links(session, congress=congress, delegate_ids=[d.id for d in roll])
    session.commit()
    assert set(issued) == {d.id for d in roll}
    assert len(set(issued.values())) == len(roll)
    for did, token in issued.items():
        assert voting.resolve_voter(session, token=token).delegate.id == did


# --- casting: 201 ------------------------------------------------------------------------

def test_cast_writes_one_ballot_one_receipt_one_participation(client, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    token = link_for(session, roll[6])
    resp = client.post(vote_url(token, election.id), json={"kept": [ids[2], ids[0]]})
    assert resp.status_code == 201
    receipt = resp.get_json()["receipt"]
    assert len(receipt) == 14 and receipt.count("-") == 2
    session = fresh(session)
    # while the round is open: one sealed ballot, nothing in clear, no receipt row
    sealed = session.scalars(select(SealedBallot)).one()
    assert len(sealed.id) == 32                        # random hex, not a serial number
    assert str(ids[2]).encode() + b"," not in sealed.ciphertext and receipt.encode() not in sealed.ciphertext
    assert session.scalar(select(func.count()).select_from(Ballot)) == 0
    assert session.scalar(select(func.count()).select_from(Receipt)) == 0
    part = session.scalars(select(RoundParticipation)).one()
    assert (part.delegate_id, part.method) == (roll[6].id, "electronic")
    # the count sees it as a sealed ballot: issued and returned, content unknown until close
    headers = _bearer(client, session)
    result = client.get(f"/api/v1/elections/{election.id}/result", headers=headers).get_json()
    assert (result["issued"], result["returned"], result["valid"], result["sealed"]) == (1, 1, 0, 1)
    closed = client.post(f"/api/v1/elections/{election.id}/close", headers=headers)
    assert closed.status_code == 200, closed.get_json()
    assert (closed.get_json()["issued"], closed.get_json()["returned"], closed.get_json()["valid"]) == (1, 1, 1)
    session = fresh(session)
    ballot = session.scalars(select(Ballot)).one()
    assert json.loads(ballot.kept) == sorted([ids[2], ids[0]])
    assert ballot.is_valid and ballot.invalid_reason is None
    assert session.scalars(select(Receipt.code)).one() == receipt
    assert session.scalar(select(func.count()).select_from(SealedBallot)) == 0


def _bearer(client, session):
    from tests.conftest import make_user
    user = make_user("board")
    token = client.post("/api/v1/auth/token", json={"username": user.username, "password": "matkhau123"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("n_candidates,seats,kept_index,valid,reason", [
    (4, 2, [], False, "all_struck"),        # every name struck on a list of several: invalid
    (1, 1, [], True, None),                 # one-name list, name struck: a valid vote against
    (1, 1, [0], True, None),                # one-name list, name kept: a vote for
    (4, 2, [3], True, None),                # fewer names kept than seats: valid
])
def test_kept_empty_and_partial(client, session, congress, roll, n_candidates, seats, kept_index, valid, reason):
    election, ids = open_election(session, congress, roll, seats=seats, n_candidates=n_candidates)
    token = link_for(session, roll[0])
    resp = client.post(vote_url(token, election.id), json={"kept": [ids[i] for i in kept_index]})
    assert resp.status_code == 201
    elections.close_round(fresh(session), election=election)
    session.commit()
    ballot = fresh(session).scalars(select(Ballot)).one()
    assert (ballot.is_valid, ballot.invalid_reason) == (valid, reason)


# --- 403 -------------------------------------------------------------------------------

def test_403_not_checked_in_and_rejected_credentials(client, session, congress, roll):
    from election_app.delegates.services import check_in, decide_credentials
    election, ids = open_election(session, congress, roll, checked_in=False)
    for d in roll[:3]:
        check_in(session, delegate=d)
    decide_credentials(session, delegate=roll[1], status="rejected", reason="Đang bị kỷ luật khiển trách")
    session.commit()
    absent = link_for(session, roll[5])
    rejected = link_for(session, roll[1])
    for token in (absent, rejected):
        resp = client.post(vote_url(token, election.id), json={"kept": ids[:1]})
        assert resp.status_code == 403, resp.get_json()
        assert resp.get_json()["error"] in ("not_eligible", "forbidden")
        assert resp.get_json()["message"]
    assert _counts(session) == (0, 0, 0)


@pytest.mark.parametrize("token", ["A" * 32, "short", "has.dot" * 5, "x" * 200])
def test_403_unknown_or_malformed_token(client, session, congress, roll, token):
    election, ids = open_election(session, congress, roll)
    resp = client.post(vote_url(token, election.id), json={"kept": ids[:1]})
    assert resp.status_code == 403
    assert resp.get_json()["error"] == "invalid_token"
    assert resp.headers["Referrer-Policy"] == "no-referrer"


# --- 409 -------------------------------------------------------------------------------

def test_409_already_voted_electronically(client, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    token = link_for(session, roll[0])
    assert client.post(vote_url(token, election.id), json={"kept": ids[:1]}).status_code == 201
    again = client.post(vote_url(token, election.id), json={"kept": ids[1:2]})
    assert again.status_code == 409
    assert again.get_json()["error"] == "already_voted"
    assert _counts(session) == (1, 1, 1)


def test_409_after_paper_ballot_and_paper_refused_after_e_vote(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    board = api("admin")
    assert board.post(f"/api/v1/elections/{election.id}/issue-paper",
                      json={"delegate_ids": [roll[0].id]}).status_code == 200
    paper_token = link_for(session, roll[0])
    resp = client.post(vote_url(paper_token, election.id), json={"kept": ids[:1]})
    assert resp.status_code == 409
    assert "phiếu giấy" in resp.get_json()["message"]

    e_token = link_for(session, roll[1])
    assert client.post(vote_url(e_token, election.id), json={"kept": ids[:1]}).status_code == 201
    resp = board.post(f"/api/v1/elections/{election.id}/issue-paper", json={"delegate_ids": [roll[1].id]})
    assert resp.status_code == 409
    session = fresh(session)
    methods = dict(session.execute(select(RoundParticipation.delegate_id, RoundParticipation.method)).all())
    assert methods == {roll[0].id: "paper", roll[1].id: "electronic"}


def test_409_round_not_open(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll, opened=False)
    token = link_for(session, roll[0])
    resp = client.post(vote_url(token, election.id), json={"kept": []})
    assert resp.status_code == 409 and resp.get_json()["error"] == "round_not_open"
    board = api("admin")
    assert board.post(f"/api/v1/elections/{election.id}/open").status_code == 200
    ids = [c["id"] for c in board.get(f"/api/v1/elections/{election.id}/result").get_json()["candidates"]]
    assert board.post(f"/api/v1/elections/{election.id}/close").status_code == 200
    resp = client.post(vote_url(token, election.id), json={"kept": ids[:1]})
    assert resp.status_code == 409 and resp.get_json()["error"] == "round_not_open"
    assert _counts(session) == (0, 0, 0)


# --- 422 -------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "too_many", "unknown_id", "duplicate", {"kept": "1,2"}, {"kept": [True]}, {"kept": [1.5]},
    {"kept": ["x"]}, {}, ["not", "an", "object"],
])
def test_422_bad_kept(client, session, congress, roll, body):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    token = link_for(session, roll[0])
    if body == "too_many":
        body = {"kept": ids[:3]}
    elif body == "unknown_id":
        body = {"kept": [ids[0], 99999]}
    elif body == "duplicate":
        body = {"kept": [ids[0], ids[0]]}
    resp = client.post(vote_url(token, election.id), json=body)
    assert resp.status_code == 422, resp.get_json()
    payload = resp.get_json()
    assert payload["message"] and payload["details"]
    assert _counts(session) == (0, 0, 0)
    # still free to vote after a refused request
    assert client.post(vote_url(token, election.id), json={"kept": ids[:2]}).status_code == 201


def test_candidate_of_another_round_is_422(client, api, session, congress, roll):
    """Ids that were on round 1 but not on the further round's ballot are refused."""
    election, ids = open_election(session, congress, roll, seats=1, n_candidates=3)
    board = api("admin")
    tokens = [link_for(session, d) for d in roll]
    # a tie between ids[0] and ids[1]: 2 votes each, ids[2] 1 vote → tie for 1 seat
    for token, kept in zip(tokens, [[ids[0]], [ids[0]], [ids[1]], [ids[1]], [ids[2]]]):
        assert client.post(vote_url(token, election.id), json={"kept": kept}).status_code == 201
    assert board.post(f"/api/v1/elections/{election.id}/close").status_code == 200
    assert board.post(f"/api/v1/elections/{election.id}/rounds",
                      json={"candidate_ids": ids[:2], "seats": 1}).status_code == 201
    assert board.post(f"/api/v1/elections/{election.id}/open").status_code == 200
    resp = client.post(vote_url(tokens[0], election.id), json={"kept": [ids[2]]})
    assert resp.status_code == 422
    # a new round: the same delegate votes again, once
    assert client.post(vote_url(tokens[0], election.id), json={"kept": [ids[1]]}).status_code == 201
    assert client.post(vote_url(tokens[0], election.id), json={"kept": [ids[1]]}).status_code == 409


def test_unknown_election_is_404(client, session, congress, roll):
    open_election(session, congress, roll)
    token = link_for(session, roll[0])
    assert client.post(vote_url(token, 424242), json={"kept": []}).status_code == 404


def test_vote_status_endpoint(client, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    token = link_for(session, roll[0])
    data = client.get(f"/api/v1/vote/{token}").get_json()
    assert data["congress"]["id"] == congress.id and data["kind"] == "link"
    (e,) = data["elections"]
    assert e["id"] == election.id and e["may_vote"] is True and e["seats"] == 2
    assert [c["id"] for c in e["candidates"]] == ids
    client.post(vote_url(token, election.id), json={"kept": []})
    (e,) = client.get(f"/api/v1/vote/{token}").get_json()["elections"]
    assert e["may_vote"] is False and e["status"] == "Đã bỏ phiếu"
    assert client.get("/api/v1/vote/" + "B" * 32).status_code == 403


# --- turnout ---------------------------------------------------------------------------

def test_turnout_counts_only(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    board = api("admin")
    board.post(f"/api/v1/elections/{election.id}/issue-paper", json={"delegate_ids": [roll[0].id, roll[1].id]})
    for d in roll[2:5]:
        client.post(vote_url(link_for(session, d), election.id), json={"kept": ids[:1]})
    board.post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[5].id]})
    resp = api("secretary").get(f"/api/v1/elections/{election.id}/turnout")
    assert resp.status_code == 200
    assert resp.headers["Cache-Control"] == "private, max-age=1"
    data = resp.get_json()
    assert {k: data[k] for k in ("issued_paper", "voted_electronic", "slips", "slips_issued", "total", "present")} == \
        {"issued_paper": 2, "voted_electronic": 3, "slips": 0, "slips_issued": 1, "total": 6, "present": 9}
    assert not any(isinstance(v, list) for v in data.values())  # never who
    elections_turnout = voting.turnout(fresh(session), elections.current_round(session, election))
    assert elections_turnout["total"] == 6


def test_turnout_before_any_round_is_409(api, session, congress, roll):
    election, _ = open_election(session, congress, roll, opened=False)
    assert api("admin").get(f"/api/v1/elections/{election.id}/turnout").status_code == 409


# --- publication after close -----------------------------------------------------------

def test_ballots_409_before_close_then_published(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll, seats=2, n_candidates=4)
    board = api("board")
    tokens = [link_for(session, d) for d in roll[:4]]
    kept_sets = [[ids[0], ids[1]], [ids[3]], [], [ids[1], ids[0]]]
    receipts = [client.post(vote_url(t, election.id), json={"kept": k}).get_json()["receipt"]
                for t, k in zip(tokens, kept_sets)]
    early = board.get(f"/api/v1/elections/{election.id}/ballots")
    assert early.status_code == 409
    assert "sau khi kết thúc" in early.get_json()["message"]
    admin = api("admin")
    admin.post(f"/api/v1/elections/{election.id}/issue-paper", json={"delegate_ids": [roll[5].id]})
    assert admin.post(f"/api/v1/elections/{election.id}/paper-ballots",
                      json={"ballots": [{"kept": [ids[2]]}]}).status_code == 201
    assert admin.post(f"/api/v1/elections/{election.id}/close").status_code == 200
    resp = api("secretary").get(f"/api/v1/elections/{election.id}/ballots")
    assert resp.status_code == 200
    data = resp.get_json()
    assert data["receipts"] == sorted(receipts)
    published = data["ballots"]
    assert len(published) == 5                          # 4 electronic + 1 paper
    valid = sorted(json.dumps(b["kept"]) for b in published if not b.get("invalid"))
    assert valid == sorted(json.dumps(k) for k in ([ids[0], ids[1]], [ids[3]], [ids[0], ids[1]], [ids[2]]))
    assert [b for b in published if b.get("invalid")] == [{"invalid": True, "reason": "all_struck", "kept": []}]
    # anyone can recompute the seal of the count minutes from the published ballots
    lines = [{"kept": b["kept"], "reason": b.get("reason")} for b in published]
    assert elections.seal(election.id, 1, lines) == data["seal_sha256"]
    # ?round= for an earlier round; unknown round → 404
    assert api("secretary").get(f"/api/v1/elections/{election.id}/ballots?round=7").status_code == 404


# --- slips over the API ------------------------------------------------------------------

def test_slips_api(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    board = api("board")
    resp = board.post(f"/api/v1/elections/{election.id}/slips", json={"count": 3})
    assert resp.status_code == 201
    urls = resp.get_json()["urls"]
    assert len(urls) == 3 and all("/s/" in u for u in urls)
    slip_tokens = [u.rsplit("/s/", 1)[1] for u in urls]
    assert board.post(f"/api/v1/elections/{election.id}/slips", json={"count": 0}).status_code == 422
    assert board.post(f"/api/v1/elections/{election.id}/slips", json={"count": "x"}).status_code == 422

    # nobody struck off for a slip yet: a slip cannot vote
    resp = client.post(vote_url(slip_tokens[0], election.id), json={"kept": ids[:1]})
    assert resp.status_code == 409 and resp.get_json()["error"] == "slip_not_issued"
    assert _counts(session)[:2] == (0, 0)

    assert board.post(f"/api/v1/elections/{election.id}/issue-slip",
                      json={"delegate_ids": [roll[0].id]}).status_code == 200
    assert client.post(vote_url(slip_tokens[0], election.id), json={"kept": ids[:1]}).status_code == 201
    again = client.post(vote_url(slip_tokens[0], election.id), json={"kept": ids[:1]})
    assert again.status_code == 409 and again.get_json()["error"] == "already_voted"
    # one struck off, one slip used: the next slip is refused until someone else is struck off
    assert client.post(vote_url(slip_tokens[1], election.id), json={"kept": []}).status_code == 409
    # struck off for a slip: that delegate's personal link and paper are refused
    personal = link_for(session, roll[0])
    assert client.post(vote_url(personal, election.id), json={"kept": []}).status_code == 409
    assert api("admin").post(f"/api/v1/elections/{election.id}/issue-paper",
                             json={"delegate_ids": [roll[0].id]}).status_code == 409
    # striking off twice, or someone who voted with their link → 409, nothing written
    board.post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[0].id]})
    voted = link_for(session, roll[3])
    client.post(vote_url(voted, election.id), json={"kept": []})
    resp = board.post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[4].id, roll[3].id]})
    assert resp.status_code == 409
    session = fresh(session)
    assert session.scalar(select(func.count()).select_from(RoundParticipation)
                          .where(RoundParticipation.method == "slip")) == 1
    assert session.scalar(select(func.count()).select_from(VotingSlip).where(VotingSlip.is_used.is_(True))) == 1


def test_issue_slip_refuses_absent_delegate(api, session, congress, roll):
    election, _ = open_election(session, congress, roll, checked_in=False)
    resp = api("board").post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": [roll[0].id]})
    assert resp.status_code == 403
    resp = api("board").post(f"/api/v1/elections/{election.id}/issue-slip", json={"delegate_ids": ["x"]})
    assert resp.status_code == 422


def test_slip_of_another_election_is_refused(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    other, other_ids = open_election(session, congress, roll, title="Bầu Ủy ban Kiểm tra", checked_in=False)
    board = api("board")
    url = board.post(f"/api/v1/elections/{election.id}/slips", json={"count": 1}).get_json()["urls"][0]
    token = url.rsplit("/s/", 1)[1]
    board.post(f"/api/v1/elections/{other.id}/issue-slip", json={"delegate_ids": [roll[0].id]})
    resp = client.post(vote_url(token, other.id), json={"kept": other_ids[:1]})
    assert resp.status_code == 403
