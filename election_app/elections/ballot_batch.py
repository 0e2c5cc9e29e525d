"""Group commit of electronic ballots (issue 17 §1).

SQLite has one writer. Under a burst of phone ballots the write lock, not the CPU, set the
pace: each ballot took the lock (the process's gate, the file lock between processes,
``BEGIN IMMEDIATE``), wrote its strike-off and its sealed row and committed, and every
statement under the lock gave up the GIL and waited to get it back from the process's other
threads (up to the 5 ms switch interval each time), so ballots queued behind the lock while
the workers' cores were not used up.

Here the ballots that arrive while one is being written wait for it and are then written
together, by one of them (the *leader*), in one transaction of four statements whatever
their number: ``BEGIN IMMEDIATE``; the strike-offs in one ``INSERT … SELECT`` that writes a
voter's row only while the round is open with the box the ballot was sealed to and has no
bare paper count (the same condition as ``add_participation_if_open``, under the same lock),
``ON CONFLICT DO NOTHING`` (one delegate, one ballot per round: the primary key),
``RETURNING`` the rows written; the sealed ballots of exactly those voters in one
``INSERT``, in random order; ``COMMIT``. Each waiting ballot is answered only after the
commit: written, or not written (the caller then takes its ordinary path under the lock,
which writes nothing more and reads why: round not open, already voted, a bare count). A
database error fails the whole group (nothing of it is written) and each ballot raises it,
so the unit of work's retry on "database is locked" works as before.

What is not changed: the rule and its order of answers (an ineligible voter, a slip, a round
opened before the sealed box, or a session that has written or taken a round's lock in its
transaction never comes here: the ordinary path decides those), the rows written (the same strike-off and sealed row, no time,
random ids, WITHOUT ROWID tables), and secrecy: a commit now holds several strike-offs and
several sealed rows in no particular pairing, where it held one of each.

PostgreSQL: the same grouping, with one statement per group (the strike-offs and the sealed rows
in two data-modifying CTEs, the round rows' ``FOR SHARE`` taken once per group) and one commit:
one WAL flush per group instead of one per ballot, and no new multixact on the round row per
ballot. There is no write gate there (row locks): each process writes its groups, side by side.

Not an in-memory SQLite database (one shared connection: the ordinary path)."""
from __future__ import annotations

import os
import random
import threading

from sqlalchemy.exc import DBAPIError

from ..db import random_id, writer_gate

MAX_GROUP = 64             # ballots written in one transaction (3 parameters each)
_rng = random.SystemRandom()


class _Ballot:
    __slots__ = ("round_id", "delegate_id", "public_key", "sealed", "done", "written", "error")

    def __init__(self, round_id: int, delegate_id: int, public_key: str, sealed: bytes):
        self.round_id, self.delegate_id, self.public_key, self.sealed = round_id, delegate_id, public_key, sealed
        self.done, self.written, self.error = False, False, None


def _strike_off_sql(n: int) -> str:
    values = ", ".join(["(?, ?, ?)"] * n)
    return ("INSERT INTO round_participations (round_id, delegate_id, method) "
            "SELECT v.column1, v.column2, 'electronic' "
            f"FROM (VALUES {values}) AS v JOIN rounds ON rounds.id = v.column1 "
            "WHERE rounds.status = 'open' AND rounds.box_public_key = v.column3 "
            "AND coalesce(rounds.paper_issued_count, 0) = 0 "
            "ON CONFLICT DO NOTHING RETURNING round_id, delegate_id")


def _sealed_sql(n: int) -> str:
    return "INSERT INTO sealed_ballots (id, round_id, ciphertext) VALUES " + ", ".join(["(?, ?, ?)"] * n)


def _pg_sql(n: int) -> str:
    """PostgreSQL: the whole group in one statement. The strike-offs under the round rows'
    shared lock (``FOR SHARE``, as ``add_participation_if_open`` takes it, once per group),
    and, in a second data-modifying CTE, the sealed ballots of exactly the voters written, in
    random order; the statement answers the strike-offs written."""
    values = ", ".join(["(%s::integer, %s::integer, %s::varchar, %s::varchar, %s::bytea)"] * n)
    return ("WITH v (round_id, delegate_id, pk, sid, ct) AS (VALUES " + values + "), "
            "struck AS (INSERT INTO round_participations (round_id, delegate_id, method) "
            "SELECT v.round_id, v.delegate_id, 'electronic' FROM v JOIN rounds ON rounds.id = v.round_id "
            "WHERE rounds.status = 'open' AND rounds.box_public_key = v.pk "
            "AND coalesce(rounds.paper_issued_count, 0) = 0 FOR SHARE OF rounds "
            "ON CONFLICT DO NOTHING RETURNING round_id, delegate_id), "
            "sealed AS (INSERT INTO sealed_ballots (id, round_id, ciphertext) "
            "SELECT v.sid, v.round_id, v.ct FROM v JOIN struck "
            "ON struck.round_id = v.round_id AND struck.delegate_id = v.delegate_id ORDER BY random()) "
            "SELECT round_id, delegate_id FROM struck")


class BallotGroups:
    """The group commit of one database file in one process."""

    def __init__(self, database: str | None, postgresql: bool = False):
        self.database, self.postgresql = database, postgresql
        self.cond = threading.Condition()
        self.pending: list[_Ballot] = []
        self.writing = False
        self.groups = 0            # transactions written (for the tests and the bench)
        self.ballots = 0

    def write(self, conn, *, round_id: int, delegate_id: int, public_key: str, sealed: bytes) -> bool:
        """Write this ballot's strike-off and sealed row, grouped with the ballots arriving
        meanwhile; True once committed, False when the strike-off was not written (the
        caller reads why on its ordinary path). ``conn``: the caller's session connection,
        outside any write transaction (``ballot_groups``); the leader writes the group on its
        own, so a group never needs a connection more than its ballots hold."""
        me = _Ballot(round_id, delegate_id, public_key, sealed)
        with self.cond:
            self.pending.append(me)
            while not me.done:
                if self.writing:
                    self.cond.wait()
                    continue
                self.writing = True          # this thread leads the next group
                self.cond.release()
                try:
                    # the write lock first: the ballots arriving while it is awaited (another
                    # process holds it) join this group
                    gate = None if self.postgresql else writer_gate(self.database)
                    held = gate is not None and gate.acquire(timeout=_gate_timeout())
                    try:
                        with self.cond:
                            group, self.pending = self.pending[:MAX_GROUP], self.pending[MAX_GROUP:]
                        self._write(conn, group)
                    finally:
                        if held:
                            gate.release()
                except BaseException:          # the gate itself failed: this ballot is not written
                    self.cond.acquire()
                    self.writing = False
                    if not me.done and me in self.pending:
                        self.pending.remove(me)
                    self.cond.notify_all()
                    raise
                self.cond.acquire()
                self.writing = False
                self.cond.notify_all()
        if me.error is not None:
            err = me.error
            if isinstance(err, DBAPIError):          # each thread raises its own instance
                raise type(err)(err.statement, err.params, err.orig)
            raise err
        return me.written

    def _write(self, conn, group: list[_Ballot]) -> None:
        try:
            seen: set[tuple[int, int]] = set()
            unique = []
            for b in group:                       # the same voter twice in a group: the first
                key = (b.round_id, b.delegate_id)
                if key not in seen:
                    seen.add(key)
                    unique.append(b)
            raw = conn.connection.dbapi_connection
            try:
                if self.postgresql:
                    _rng.shuffle(unique)
                    args = tuple(x for b in unique for x in (b.round_id, b.delegate_id, b.public_key, random_id(),
                                                             b.sealed))
                    written = {tuple(r) for r in conn.exec_driver_sql(_pg_sql(len(unique)), args).all()}
                    raw.commit()
                else:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                    args = tuple(x for b in unique for x in (b.round_id, b.delegate_id, b.public_key))
                    written = {tuple(r) for r in conn.exec_driver_sql(_strike_off_sql(len(unique)), args).all()}
                    sealed = [b for b in unique if (b.round_id, b.delegate_id) in written]
                    if sealed:
                        _rng.shuffle(sealed)
                        conn.exec_driver_sql(_sealed_sql(len(sealed)), tuple(
                            x for b in sealed for x in (random_id(), b.round_id, b.sealed)))
                    conn.exec_driver_sql("COMMIT")
            except BaseException:
                if self.postgresql or raw.in_transaction:
                    raw.rollback()
                raise
            for b in unique:
                b.written = (b.round_id, b.delegate_id) in written
            self.groups += 1
            self.ballots += len(written)
        except BaseException as err:
            for b in group:
                b.error = err
                b.written = False
        finally:
            for b in group:
                b.done = True


def _gate_timeout() -> float:
    from .services import WRITER_GATE_TIMEOUT
    return WRITER_GATE_TIMEOUT


_GROUPS: dict[tuple[int, str], BallotGroups] = {}
_GROUPS_LOCK = threading.Lock()


def ballot_groups(session) -> BallotGroups | None:
    """The group commit for the session's database, or None where it does not apply: an
    in-memory SQLite database (one shared connection), or a session that has written in its
    transaction already (on SQLite: holds the write lock; on PostgreSQL: anything flushed or
    pending) — its ballot is written on the ordinary path, in that transaction."""
    from ..db import GATE_KEY, WROTE_KEY
    bind = session.get_bind()
    name = bind.dialect.name
    if name == "postgresql":
        if session.new or session.dirty or session.deleted or session.info.get(WROTE_KEY):
            return None
        key = (os.getpid(), bind.url.render_as_string(hide_password=True))
        make = lambda: BallotGroups(None, postgresql=True)          # noqa: E731
    elif name == "sqlite":
        if GATE_KEY in session.info or session.info.get(WROTE_KEY):
            return None
        database = bind.url.database
        if writer_gate(database) is None:
            return None
        if session.connection().connection.dbapi_connection.in_transaction:
            return None
        key = (os.getpid(), database)
        make = lambda: BallotGroups(database)                       # noqa: E731
    else:
        return None
    groups = _GROUPS.get(key)
    if groups is None:
        with _GROUPS_LOCK:
            groups = _GROUPS.get(key) or _GROUPS.setdefault(key, make())
    return groups

