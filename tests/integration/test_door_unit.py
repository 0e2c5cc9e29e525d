"""``door.unit``: the unit of work for what is not a staff action (a ballot, signing in, a
render, the demo seed): committed when it returns, rolled back on any error, run again on
SQLite "database is locked", and never an audit entry."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from election_app.audit.models import AuditEntry
from election_app.congress.models import Congress
from election_app.db import db
from election_app.door import unit
from election_app.errors import Conflict


def _rename(congress_id: int, name: str):
    db.session.get(Congress, congress_id).venue = name


def _venue(session, congress_id: int) -> str:
    session.expire_all()
    return session.get(Congress, congress_id).venue


def test_unit_commits_what_it_wrote_and_audits_nothing(app, session, congress):
    before = session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert unit(lambda: _rename(congress.id, "Hội trường B") or "ok") == "ok"
    db.session.rollback()              # nothing left to roll back: it was committed
    assert _venue(session, congress.id) == "Hội trường B"
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == before


def test_unit_rolls_back_on_any_error(app, session, congress):
    def fails():
        _rename(congress.id, "Không được ghi")
        raise ValueError("boom")
    with pytest.raises(ValueError):
        unit(fails)
    assert _venue(session, congress.id) != "Không được ghi"


def test_unit_runs_again_on_a_locked_database_then_answers_409(app, session, congress):
    calls = []

    def locked_once():
        calls.append(1)
        _rename(congress.id, f"lần {len(calls)}")
        if len(calls) == 1:
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
    unit(locked_once)
    assert len(calls) == 2 and _venue(session, congress.id) == "lần 2"

    def always_locked():
        raise OperationalError("UPDATE", {}, Exception("database is locked"))
    with pytest.raises(Conflict):
        unit(always_locked, retries=1)
