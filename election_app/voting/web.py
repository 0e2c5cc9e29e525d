"""Request helpers of phone voting shared by its pages and the JSON API (the API never
imports a views module): resolving a voter's token behind the failed-attempt limit, and the
retry of a vote's commit on a stale SQLite writer."""
from __future__ import annotations

from flask import current_app, request
from sqlalchemy.exc import OperationalError

from .. import ratelimit
from ..db import db
from . import services


VOTE_LIMITED_MESSAGE = ("Bạn đã thử quá nhiều liên kết bỏ phiếu không hợp lệ. "
                        "Vui lòng chờ vài phút rồi thử lại, hoặc liên hệ Ban bầu cử.")


def _fail_keys() -> list[tuple[str, str]]:
    """(key, config name of its limit): the device — address and browser — has the tight limit
    (VOTE_FAIL_LIMIT, 20 per 5 minutes); the address alone a high one (VOTE_FAIL_LIMIT_ADDRESS,
    500), because every phone of the hall shares the Wi-Fi's address and one phone's mistakes
    must not lock the others out (issue 11)."""
    return ratelimit.client_keys("vote-fail", request, device_limit="VOTE_FAIL_LIMIT",
                                 address_limit="VOTE_FAIL_LIMIT_ADDRESS")


def voter_for_request(token: str, kind: str | None = None) -> services.Voter:
    """Resolve a token from a request, with the per-client limit on failed attempts:
    429 once the client has too many failures in the window (checked before any lookup),
    403 ``InvalidCredential`` (one message for unknown and replaced tokens) otherwise.
    A failure is committed on its own, before the error answer."""
    cfg = current_app.config
    window = int(cfg.get("VOTE_FAIL_WINDOW", 300))
    for key, limit_name in _fail_keys():
        ratelimit.check_limit(db.session, key=key, limit=int(cfg.get(limit_name)), window_seconds=window,
                              message=VOTE_LIMITED_MESSAGE)
    try:
        return services.resolve_voter(db.session, token=token, kind=kind)
    except services.InvalidCredential:
        db.session.rollback()
        for key, _ in _fail_keys():
            ratelimit.record_hit(db.session, key=key, window_seconds=window)
        db.session.commit()
        raise


def commit_with_retry(action, attempts: int = 4):
    """Run ``action()`` and commit; on SQLite "database is locked" roll back and run it
    again (the write lock is normally taken up front, so this is the rare fallback)."""
    for attempt in range(attempts):
        try:
            result = action()
            db.session.commit()
            return result
        except OperationalError as err:
            db.session.rollback()
            if "locked" not in str(err).lower() or attempt == attempts - 1:
                raise
