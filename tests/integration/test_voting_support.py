"""Shared set-up for the voting tests (no tests here): an election with an open round
built through the elections service, personal links, slips."""
from __future__ import annotations

from election_app.db import db
from election_app.delegates.services import check_in
from election_app.elections import services as elections
from election_app.voting import services as voting

SECRET = "test-secret-key-0123456789abcdef"   # tests/conftest.py TEST_SECRET


def open_election(session, congress, roll, *, seats=2, n_candidates=4, checked_in=True, opened=True,
                  title="Bầu Ban Chấp hành khóa mới"):
    """An election over the first ``n_candidates`` delegates of the roll; every delegate
    checked in (unless told otherwise); round 1 open. Returns (election, candidate ids in
    ballot order)."""
    if checked_in:
        for d in roll:
            check_in(session, delegate=d)
    election, _ = elections.create_election(
        session, congress=congress, title=title, body="executive_committee", seats=seats,
        candidates=[{"delegate_id": d.id} for d in roll[:n_candidates]])
    if opened:
        elections.open_round(session, election=election)
    session.commit()
    rnd = elections.current_round(session, election)
    ids = [c.id for _, c in elections.round_candidates(session, rnd)] if rnd else \
        [c.id for c in elections.list_candidates(session, election)]
    return election, ids


def link_for(session, delegate) -> str:
    token = voting.issue_voting_link(session, delegate=delegate, secret=SECRET)
    session.commit()
    return token


def links_for(session, delegates) -> list[str]:
    return [link_for(session, d) for d in delegates]


def vote_url(token, eid) -> str:
    return f"/api/v1/vote/{token}/elections/{eid}"


def fresh(session):
    """Forget what the test's session holds (requests ran in their own sessions)."""
    session.rollback()
    session.expire_all()
    return db.session
