"""Request helpers of phone voting shared by its pages and the JSON API (the API never
imports a views module): resolving a voter's token behind the failed-attempt limit, and a
ballot's unit of work."""
from __future__ import annotations

from flask import current_app, request

from .. import ratelimit
from ..db import db
from ..door import unit
from ..errors import TooManyRequests
from . import services


VOTE_LIMITED_MESSAGE = ("Bạn đã thử quá nhiều liên kết bỏ phiếu không hợp lệ. "
                        "Vui lòng chờ vài phút rồi thử lại, hoặc liên hệ Ban bầu cử.")


def _fail_keys(address: str | None, agent: str | None) -> list[tuple[str, str]]:
    """(key, config name of its limit): the device — address and browser — has the tight limit
    (VOTE_FAIL_LIMIT, 20 per 5 minutes); the address alone a high one (VOTE_FAIL_LIMIT_ADDRESS,
    500), because every phone of the hall shares the Wi-Fi's address and one phone's mistakes
    must not lock the others out (issue 11)."""
    return ratelimit.client_keys_of("vote-fail", address, agent, device_limit="VOTE_FAIL_LIMIT",
                                    address_limit="VOTE_FAIL_LIMIT_ADDRESS")


def voter_for_request(token: str, kind: str | None = None, election_id: int | None = None) -> services.Voter:
    """Resolve a token from a request, with the per-client limit on failed attempts
    (``voter_for_client`` with the request's address and browser)."""
    return voter_for_client(token, address=request.remote_addr, agent=request.headers.get("User-Agent"),
                            kind=kind, election_id=election_id)


def voter_for_client(token: str, *, address: str | None, agent: str | None, kind: str | None = None,
                     election_id: int | None = None) -> services.Voter:
    """Resolve a token sent by a client (its address and User-Agent), with the per-client limit
    on failed attempts:
    429 once the client has too many failures in the window (whatever the token: read in
    the token's own lookup query, before any answer),
    403 ``InvalidCredential`` (one message for unknown and replaced tokens) otherwise.
    A failure is counted in a unit of work of its own, before the error answer. A ballot's
    ``election_id`` is read with the token (``Voter.target``). Needs an app context only."""
    cfg = current_app.config
    window = int(cfg.get("VOTE_FAIL_WINDOW", 300))
    keys = _fail_keys(address, agent)
    expr, params = ratelimit.over_limit([(key, int(cfg.get(limit_name))) for key, limit_name in keys],
                                        window_seconds=window)
    try:
        voter = services.resolve_voter(db.session, token=token, kind=kind, election_id=election_id,
                                       guard=(expr, params, TooManyRequests(VOTE_LIMITED_MESSAGE)))
        if election_id is None:          # the voter's page: their ballot's statements made ready
            services.prepare_ballot(db.session, guard_expr=expr)
        return voter
    except services.InvalidCredential:
        db.session.rollback()
        unit(lambda: [ratelimit.record_hit(db.session, key=key, window_seconds=window) for key, _ in keys])
        raise


def api_ballot(token: str, election_id: int, data, *, address: str | None, agent: str | None) -> str:
    """The JSON API's ballot (``POST /api/v1/vote/<token>/elections/<eid>``) from its JSON body
    (already type-checked at the door): the voter behind the failure limit, the ballot parsed
    (``CastBallot``), cast in its unit of work; returns the receipt. The one code of that
    operation, for the Flask view and for the path in front of Flask (voting/fast.py)."""
    from ..door import parse
    from .inputs import CastBallot
    voter = voter_for_client(token, address=address, agent=agent, election_id=election_id)
    ballot = parse(CastBallot, data() if callable(data) else data)
    return cast_in_unit(lambda: services.cast_ballot(db.session, voter=voter, election_id=election_id,
                                                     kept=ballot.kept, token=token, against=ballot.against))


def cast_in_unit(cast):
    """A delegate's ballot (``cast()`` → the receipt) as one unit of work: committed, or
    rolled back on any error, run again on SQLite "database is locked" (the write lock is
    normally taken up front, so this is the rare fallback). Not a staff action: no actor and
    no audit entry, so nothing links the voter and the ballot (SECURITY.md, RULES §5)."""
    return unit(cast, retries=3)
