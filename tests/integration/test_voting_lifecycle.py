"""The round's lifecycle around the sealed ballot box (issue 10): one voter one ballot at
every instant (the bare paper count and electronic ballots exclude each other, 409 both
ways; nothing is issued or recorded once a round is closed, even racing with the close);
the passphrase-sealed box; the receipt shown again after a lost answer."""
from __future__ import annotations

import re

from sqlalchemy import func, select

import pytest

from election_app.elections import services as elections
from election_app.elections.models import Ballot, Receipt, RoundParticipation, SealedBallot
from election_app.errors import Conflict, ValidationFailed
from election_app.voting import services as voting
from test_voting_concurrency import _run_threads
from test_voting_support import SECRET, fresh, link_for, open_election, vote_url

PASSPHRASE = "mười bốn ký tự trở lên"


def _rows(session):
    s = fresh(session)
    return tuple(s.scalar(select(func.count()).select_from(m))
                 for m in (SealedBallot, Ballot, Receipt, RoundParticipation))


# --- the bare count and electronic ballots (RULES §4.5) --------------------------------------

def test_bare_count_then_phone_vote_is_409_and_writes_nothing(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    board = api("board")
    resp = board.post(f"/api/v1/elections/{election.id}/paper-ballots", json={"issued": 5, "ballots": []})
    assert resp.status_code == 201, resp.get_json()
    before = _rows(session)
    resp = client.post(vote_url(link_for(session, roll[0]), election.id), json={"kept": ids[:1]})
    assert resp.status_code == 409 and resp.get_json()["error"] == "bare_count_recorded"
    assert "phiếu giấy" in resp.get_json()["message"]
    assert _rows(session) == before
    # a slip strike-off is refused too
    rnd = elections.current_round(fresh(session), election)
    assert board.post(f"/api/v1/elections/{election.id}/issue-paper",
                      json={"delegate_ids": [roll[1].id]}).status_code == 200   # naming strike-off is fine
    with pytest.raises(Conflict) as refused:
        voting.issue_slip(fresh(session), round=rnd, delegate=roll[2])
    assert refused.value.code == "bare_count_recorded"
    fresh(session)


def test_phone_vote_then_bare_count_is_409_and_changes_nothing(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    assert client.post(vote_url(link_for(session, roll[0]), election.id), json={"kept": ids[:1]}).status_code == 201
    board = api("board")
    for body in ({"issued": 3, "ballots": [{"kept": ids[:1]}]}, {"issued": 0, "ballots": []}):
        resp = board.post(f"/api/v1/elections/{election.id}/paper-ballots", json=body)
        assert resp.status_code == 409 and resp.get_json()["error"] == "bare_count_with_electronic"
    rnd = elections.current_round(fresh(session), election)
    assert rnd.paper_issued_count is None
    assert elections.paper_entries(fresh(session), rnd) == []


def test_nothing_is_issued_or_recorded_after_close(client, api, session, congress, roll):
    election, ids = open_election(session, congress, roll)
    token = link_for(session, roll[0])
    board = api("board")
    assert board.post(f"/api/v1/elections/{election.id}/close").status_code == 200
    before = _rows(session)
    assert client.post(vote_url(token, election.id), json={"kept": ids[:1]}).status_code == 409
    for path, body in (("issue-paper", {"delegate_ids": [roll[1].id]}),
                       ("paper-ballots", {"issued": 2, "ballots": []}),
                       ("paper-ballots", {"ballots": [{"kept": ids[:1]}]})):
        resp = board.post(f"/api/v1/elections/{election.id}/{path}", json=body)
        assert resp.status_code == 409, (path, resp.get_json())
    rnd = elections.current_round(fresh(session), election)
    with pytest.raises(Conflict):
        voting.issue_slip(fresh(session), round=rnd, delegate=roll[2])
    fresh(session)
    with pytest.raises(Conflict):
        elections.enter_paper_ballot(fresh(session), round=rnd, kept=ids[:1])
    fresh(session)
    assert _rows(session) == before


def test_close_racing_with_strike_offs_and_votes(app, api, session, congress, roll):
    """The close and a burst of strike-offs and phone votes released together, three times:
    whatever was accepted before the close is in its snapshot, nothing is accepted after it
    (the participation rows equal the sealed count of issued, the ballots its returned)."""
    for attempt in range(3):
        election, ids = open_election(session, congress, roll, title=f"Bầu lần thử {attempt + 1}",
                                      checked_in=attempt == 0)
        board = api("board")
        tokens = [link_for(session, d) for d in roll]
        jobs = []
        for i, (d, t) in enumerate(zip(roll, tokens)):
            if i % 2:
                jobs.append((vote_url(t, election.id), {"kept": ids[:1]}))
            else:
                jobs.append((f"/api/v1/elections/{election.id}/issue-paper",
                             {"delegate_ids": [d.id], "_headers": board.headers}))
        jobs.insert(len(jobs) // 2, (f"/api/v1/elections/{election.id}/close", {"_headers": board.headers}))
        codes = _run_threads(app, jobs)
        assert set(codes) <= {200, 201, 409}, codes
        s = fresh(session)
        rnd = elections.current_round(s, election)
        assert rnd.status == "closed"
        parts = s.scalar(select(func.count()).select_from(RoundParticipation)
                         .where(RoundParticipation.round_id == rnd.id))
        ballots = s.scalar(select(func.count()).select_from(Ballot).where(Ballot.round_id == rnd.id))
        accepted = sum(1 for c in codes if c in (200, 201)) - 1      # the close itself answered 200
        assert rnd.issued == parts == accepted
        assert rnd.returned == ballots == codes.count(201)
        assert s.scalar(select(func.count()).select_from(SealedBallot)) == 0


# --- the passphrase-sealed box --------------------------------------------------------------

def test_passphrase_sealed_round(client, api, session, congress, roll):
    from election_app.delegates.services import check_in
    for d in roll:
        check_in(session, delegate=d)
    election, _ = elections.create_election(session, congress=congress, title="Bầu Chủ tịch", body="chair",
                                            seats=1, candidates=[{"delegate_id": roll[0].id}])
    session.commit()
    board = api("board")
    short = board.post(f"/api/v1/elections/{election.id}/open", json={"passphrase": "ngắn"})
    assert short.status_code == 422 and "ít nhất" in short.get_json()["message"]
    assert elections.current_round(fresh(session), election) is None        # nothing opened
    resp = board.post(f"/api/v1/elections/{election.id}/open", json={"passphrase": PASSPHRASE})
    assert resp.status_code == 200, resp.get_json()
    rnd = elections.current_round(fresh(session), election)
    assert rnd.box_mode == "passphrase" and rnd.box_wrapped_key and rnd.box_salt
    cid = [c.id for _, c in elections.round_candidates(fresh(session), rnd)]
    for d in roll[:4]:
        assert client.post(vote_url(link_for(session, d), election.id), json={"kept": cid}).status_code == 201
    # without the passphrase, with a wrong one: refused, the round stays open, nothing changes
    for body, code in ((None, "passphrase_required"), ({"passphrase": "không phải mật khẩu này"}, "wrong_passphrase")):
        resp = board.post(f"/api/v1/elections/{election.id}/close", json=body)
        assert resp.status_code == 422 and resp.get_json()["error"] == code, resp.get_json()
        assert elections.current_round(fresh(session), election).status == "open"
        assert _rows(session)[0] == 4
    # neither the server's key alone opens it
    s = fresh(session)
    with pytest.raises(ValidationFailed):
        elections.open_ballot_box(s, round=elections.current_round(s, election), secret=SECRET)
    resp = board.post(f"/api/v1/elections/{election.id}/close", json={"passphrase": PASSPHRASE})
    assert resp.status_code == 200, resp.get_json()
    assert (resp.get_json()["returned"], resp.get_json()["valid"]) == (4, 4)
    rnd = elections.current_round(fresh(session), election)
    assert rnd.box_wrapped_key is None and _rows(session)[:3] == (0, 4, 4)
    # open and close are in the audit log, the passphrase never is
    from election_app.audit.models import AuditEntry
    entries = fresh(session).scalars(select(AuditEntry).where(AuditEntry.action.in_(("rounds.open",
                                                                                     "rounds.close")))).all()
    assert {e.action for e in entries} == {"rounds.open", "rounds.close"}
    assert not any(PASSPHRASE in (e.data or "") or '"passphrase":' in (e.data or "") for e in entries)
    assert any('"sealed_with": "passphrase"' in e.data or '"sealed_with":"passphrase"' in e.data for e in entries)


def test_passphrase_fields_on_the_election_page(client, login, session, congress, roll):
    election, _ = open_election(session, congress, roll, opened=False)
    login("board")
    page = client.get(f"/congresses/{congress.id}/elections/{election.id}").get_data(as_text=True)
    assert 'name="passphrase"' in page and "niêm phong" in page


# --- the receipt survives a lost answer -----------------------------------------------------

def test_receipt_survives_a_lost_answer(client, api, session, congress, roll):
    """The ballot was committed but the answer never reached the phone: reopening the page
    (or the API status) shows the same receipt, which is then published after close."""
    election, ids = open_election(session, congress, roll)
    token = link_for(session, roll[3])
    s = fresh(session)
    voter = voting.resolve_voter(s, token=token, secret=SECRET)
    lost = voting.cast_ballot(s, voter=voter, election_id=election.id, kept=ids[:1], token=token, secret=SECRET)
    s.commit()                                     # committed; the answer is "lost"
    page = client.get(f"/v/{token}").get_data(as_text=True)
    assert re.search(r'data-receipt>([^<]+)</p>', page).group(1) == lost
    status = client.get(f"/api/v1/vote/{token}").get_json()["elections"][0]
    assert status["receipt"] == lost and status["may_vote"] is False
    # another voter's page shows their own, different receipt; nothing stored links either
    other = link_for(session, roll[4])
    assert client.post(vote_url(other, election.id), json={"kept": ids[:1]}).get_json()["receipt"] != lost
    assert api("board").post(f"/api/v1/elections/{election.id}/close").status_code == 200
    assert lost in client.get(f"/api/v1/elections/{election.id}/ballots",
                              headers=api("board").headers).get_json()["receipts"]
