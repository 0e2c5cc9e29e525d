"""A count minutes' number is given once and never twice (issue 12 §1): the unique key
(congress, series, number) of ``document_numbers``, and a close that retries when another
close took the number it read as free."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from election_app.errors import Conflict
from election_app.db import db
from election_app.door import Actor, run
from election_app.elections import services as elections
from election_app.elections.models import DocumentNumber, Round
from test_voting_support import fresh, open_election

BOARD = Actor(id=None, name="bbc", role="admin", via="cli")


def _two_open_elections(session, congress, roll):
    a, _ = open_election(session, congress, roll, title="Bầu Ban Chấp hành")
    b, _ = open_election(session, congress, roll, title="Bầu Ủy ban Kiểm tra", checked_in=False)
    return a.id, b.id


def _numbers(session):
    s = fresh(session)
    return sorted((r.election_id, r.minutes_number) for r in s.scalars(select(Round)))


def test_the_same_number_twice_in_a_congress_is_refused_by_the_database(session, congress, roll):
    a, b = _two_open_elections(session, congress, roll)
    ra, rb = (elections.current_round(session, session.get(elections.Election, e)) for e in (a, b))
    session.add(DocumentNumber(congress_id=congress.id, series="BB-BBC", number=1, round_id=ra.id))
    session.flush()
    session.add(DocumentNumber(congress_id=congress.id, series="BB-BBC", number=1, round_id=rb.id))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_a_close_that_read_a_stale_free_number_takes_the_next(session, congress, roll, monkeypatch):
    """Two closes at once (PostgreSQL, READ COMMITTED): both read "next free = 2"; the one
    that inserts second hits the key and must read again, not fail the close."""
    a, b = _two_open_elections(session, congress, roll)
    run("rounds.close", actor=BOARD, cmd={"congress_id": congress.id, "election_id": a})
    real = elections._next_free_number
    calls = []

    def stale_then_real(s, cid, series):
        calls.append(1)
        return 1 if len(calls) == 1 else real(s, cid, series)   # as read before the other close committed
    monkeypatch.setattr(elections, "_next_free_number", stale_then_real)
    scrubbed = []
    monkeypatch.setattr(elections, "scrub_storage", lambda bind: scrubbed.append(1))
    run("rounds.close", actor=BOARD, cmd={"congress_id": congress.id, "election_id": b})
    assert len(calls) == 2
    # the savepoint's rollback and release are not the close's commit: the storage is
    # scrubbed once, after the real commit (RULES §5)
    assert scrubbed == [1]
    assert _numbers(session) == [(a, 1), (b, 2)]
    assert sorted(fresh(session).scalars(select(DocumentNumber.number))) == [1, 2]


def test_two_rounds_closing_at_the_same_moment_get_two_numbers(app, session, congress, roll):
    a, b = _two_open_elections(session, congress, roll)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def close(eid):
        try:
            with app.app_context():
                try:
                    barrier.wait(timeout=10)
                    for attempt in range(3):
                        try:
                            run("rounds.close", actor=BOARD, cmd={"congress_id": congress.id, "election_id": eid})
                            break
                        except Conflict as err:
                            # PostgreSQL: the two closes queue for the ballot-box table; one may be
                            # told "Hòm phiếu đang bị một kết nối khác giữ … thử lại", as the board
                            # would be, with nothing changed: it tries again, as the board would.
                            if err.code != "box_busy" or attempt == 2:
                                raise
                            time.sleep(0.5)
                finally:
                    db.session.remove()       # the thread's connection goes back to the pool
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=close, args=(e,)) for e in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(n for _, n in _numbers(session)) == [1, 2]


def test_reprint_keeps_the_number(session, congress, roll):
    a, b = _two_open_elections(session, congress, roll)
    run("rounds.close", actor=BOARD, cmd={"congress_id": congress.id, "election_id": a})
    s = fresh(session)
    rnd = s.scalars(select(Round).where(Round.election_id == a)).one()
    assert elections.assign_minutes_number(s, congress_id=congress.id, round=rnd) == 1
