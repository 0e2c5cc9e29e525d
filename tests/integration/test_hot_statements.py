"""Issue 17 §1: the ballot's few statements run on the driver's cursor (db.HotStatement) give
what ``conn.execute`` gives — the same rows, converted to the same Python types (a time, a
boolean) — and what they write is what the ordinary path writes; a driver error is raised as
SQLAlchemy's (the unit of work's retry on "database is locked" sees it); while a listener
watches the engine's statements they go the ordinary way (no statement unseen); and the
voter's page compiles them before the first ballot."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import bindparam, event, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from election_app.db import HotStatement, db
from election_app.delegates.models import Delegate
from election_app.elections import services as elections
from election_app.elections.models import SealedBallot
from election_app.ratelimit import over_limit
from election_app.voting import services as voting
from test_voting_support import link_for, open_election

COLUMNS = (Delegate.id, Delegate.full_name, Delegate.checked_in_at, Delegate.is_replaced, Delegate.promoted_at)


def test_rows_and_types_are_those_of_conn_execute(session, congress, roll):
    open_election(session, congress, roll)            # everyone checked in: a time to convert
    stmt = select(*COLUMNS).where(Delegate.congress_id == bindparam("cid")).order_by(Delegate.id)
    hot = HotStatement(stmt)
    conn = session.connection()
    ordinary = [tuple(r) for r in conn.execute(stmt, {"cid": congress.id})]
    fast = hot.run(conn, {"cid": congress.id})
    assert [tuple(r) for r in fast] == ordinary and len(fast) == len(roll)
    assert isinstance(fast[0].checked_in_at, dt.datetime) and fast[0].is_replaced is False
    assert fast[0].full_name == roll[0].full_name and fast[0].promoted_at is None
    assert hot.run(conn, {"cid": congress.id + 99}) == []


def test_a_write_is_the_ordinary_write_and_errors_are_sqlalchemys(session, congress, roll):
    election, _ = open_election(session, congress, roll)
    rid = elections.current_round(session, election).id
    conn = session.connection()
    elections.add_sealed_ballot(session, round_id=rid, ciphertext=b"\x00\x01sealed")
    row = session.execute(select(SealedBallot.id, SealedBallot.round_id, SealedBallot.ciphertext)).one()
    assert row.round_id == rid and bytes(row.ciphertext) == b"\x00\x01sealed" and len(row.id) == 32
    insert = HotStatement(SealedBallot.__table__.insert().values(
        id=bindparam("id"), round_id=bindparam("round_id"), ciphertext=bindparam("ciphertext")))
    with pytest.raises(IntegrityError) as caught:                # the same random id twice
        with session.begin_nested():
            insert.run(session.connection(), {"id": row.id, "round_id": rid, "ciphertext": b"x"})
    assert isinstance(caught.value, DBAPIError) and conn.dialect.loaded_dbapi.Error in type(caught.value.orig).__mro__
    session.rollback()


def test_a_statement_listener_sees_every_statement(session, congress, roll):
    seen = []

    def take(conn, cursor, statement, *args):
        seen.append(statement)
    hot = HotStatement(select(Delegate.id).where(Delegate.id == bindparam("i")))
    event.listen(db.engine, "before_cursor_execute", take)
    try:
        rows = hot.run(session.connection(), {"i": roll[0].id})
    finally:
        event.remove(db.engine, "before_cursor_execute", take)
    assert [r[0] for r in rows] == [roll[0].id]
    assert any("FROM delegates" in s for s in seen)
    seen.clear()
    hot.run(db.session.connection(), {"i": roll[0].id})   # no listener: the driver's cursor
    assert seen == []


def test_the_voters_page_compiles_the_ballots_statements(app, client, session, congress, roll):
    open_election(session, congress, roll)
    token = link_for(session, roll[2])
    expr, _ = over_limit([("a", 1), ("b", 1)], window_seconds=300)    # the vote's two keys
    dialect = db.engine.dialect.name
    voting._GUARDED.clear()
    elections._ADD_IF_OPEN.clear()
    elections._ADD_SEALED._by_dialect.clear()
    assert client.get(f"/api/v1/vote/{token}").status_code == 200
    assert dialect in voting._guarded_statement(expr, True)._by_dialect
    assert dialect in elections._add_if_open_statement(dialect)._by_dialect
    assert dialect in elections._ADD_SEALED._by_dialect


def test_the_strike_off_and_its_sealed_ballot_are_written_together_or_not_at_all(session, congress, roll):
    """With its sealed ballot, the strike-off writes the sealed row too, only when the strike-off
    is written (PostgreSQL: one statement, a data-modifying CTE; SQLite: right after it)."""
    election, _ = open_election(session, congress, roll)
    rnd = elections.current_round(session, election)
    rid, key = rnd.id, rnd.box_public_key

    def sealed_rows():
        return session.scalar(select(func.count()).select_from(SealedBallot))
    assert elections.add_participation_if_open(session, round_id=rid, delegate_id=roll[1].id, method="electronic",
                                               box_public_key=key, sealed=b"first") is True
    assert sealed_rows() == 1
    # the same delegate again, another box key, another delegate without a ballot: nothing more
    assert elections.add_participation_if_open(session, round_id=rid, delegate_id=roll[1].id, method="electronic",
                                               box_public_key=key, sealed=b"again") is False
    assert elections.add_participation_if_open(session, round_id=rid, delegate_id=roll[2].id, method="electronic",
                                               box_public_key="another key", sealed=b"wrong box") is False
    assert sealed_rows() == 1
    assert elections.add_participation_if_open(session, round_id=rid, delegate_id=roll[3].id, method="electronic",
                                               box_public_key=key) is True
    assert sealed_rows() == 1
    session.rollback()


def test_the_scrub_after_a_close_leaves_no_lock_timeout_on_a_pooled_connection(app):
    """The storage scrub after a close gives its connection back to the pool waiting for locks
    as every connection does. PostgreSQL: it runs VACUUM with a 1 s lock timeout, which is reset,
    so a ballot that gets the connection later waits for the round's lock as long as a close
    takes (it was a 500 after 1 s: LockNotAvailable). SQLite: the checkpoint leaves the busy
    timeout of db.py (15 s) and the WAL cut to nothing."""
    import sqlalchemy as sa
    engine = sa.create_engine(db.engine.url, pool_size=1, max_overflow=0)
    try:
        done = elections.scrub_storage(engine)
        assert done["ok"], done
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "0"
            else:
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
                from pathlib import Path
                wal = Path(f"{engine.url.database}-wal")
                assert not wal.exists() or wal.stat().st_size == 0
    finally:
        engine.dispose()
