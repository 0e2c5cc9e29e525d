"""Database plumbing: the declarative Base with a naming convention, the Flask-SQLAlchemy
handle, and small helpers shared by every feature's models.

One transaction per request: services only ``flush``; views and API handlers commit at the
boundary (see ``commit_or_rollback``)."""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import secrets
import threading
import time

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> dt.datetime:
    """Timezone-aware UTC now (callable default for ``*_at`` columns)."""
    return dt.datetime.now(dt.timezone.utc)


def random_id(nbytes: int = 16) -> str:
    """A random hex identifier: used where an id must say nothing about order."""
    return secrets.token_hex(nbytes)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # pragma: no cover - driver hook
    """SQLite: enforce foreign keys, WAL for concurrent readers, and a busy timeout so a
    burst of voters waits for the write lock instead of failing. Secrecy (RULES §5):
    ``secure_delete`` overwrites deleted content with zeros (the sealed ballots deleted at a
    round's close leave no bytes behind), and ``journal_size_limit`` makes SQLite truncate
    the WAL file when it is reset, so old frames do not linger past a checkpoint."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA journal_size_limit=0")
    cur.close()


# --- SQLite's one writer, queued without polling ---------------------------------------------

class _WriterGate:
    """The queue in front of SQLite's single write lock, for one database file in one process.

    SQLite makes a writer that finds the lock taken sleep and retry (its busy handler: 1, 2,
    5 … up to 100 ms), so under a burst of ballots writers sleep far longer than the lock is
    held (issue 17 §1: median 20 ms, p99 1.3 s waiting for a lock held ~1 ms). Here the threads
    of a process queue on a lock of their own, and the processes on an advisory file lock
    (``<database>-writer.lock``) tried every 0.1–2 ms, so the lock passes on as soon as it is
    free. Only ``BEGIN IMMEDIATE`` goes through the gate; it is held until the transaction
    ends (commit, rollback or close: ``after_transaction_end``). After ``timeout`` seconds the
    gate gives up and the writer falls back to SQLite's own busy timeout."""

    def __init__(self, path: str):
        self.path = path
        self.lock = threading.Lock()
        self.fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self.lock.acquire(timeout=timeout):
            return False
        try:
            if self.fd is None:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            delay = 0.0001
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return True
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        self.lock.release()
                        return False
                    time.sleep(delay)
                    delay = min(delay * 2, 0.002)
        except BaseException:
            self.lock.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.lock.release()


_GATES: dict[tuple[int, str], _WriterGate] = {}
_GATES_LOCK = threading.Lock()
GATE_KEY = "sqlite_writer_gate"


def writer_gate(database: str | None) -> _WriterGate | None:
    """The gate of a SQLite database file in this process (None for an in-memory database).
    Keyed by the process id too: a gate inherited through a fork is never shared."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    key = (os.getpid(), database)
    gate = _GATES.get(key)
    if gate is None:
        with _GATES_LOCK:
            gate = _GATES.get(key)
            if gate is None:
                gate = _GATES[key] = _WriterGate(os.path.abspath(database) + "-writer.lock")
    return gate


@event.listens_for(Session, "after_transaction_end")
def _release_writer_gate(session, transaction):  # pragma: no cover - exercised by every write
    if transaction.parent is None:
        gate = session.info.pop(GATE_KEY, None)
        if gate is not None:
            gate.release()


# --- the ballot's few statements, run on the driver's cursor (issue 17 §1) ---------------------

class HotStatement:
    """A Core statement of the ballot's hot path, compiled once per dialect and then run on the
    driver's own cursor: the same SQL, parameters and result types as ``conn.execute(stmt)``
    (SQLAlchemy's bind and result processors are applied), without its per-execution machinery
    (about 0.1 ms of Python a statement, a third of a ballot's CPU). Rows are named tuples
    (``row.id`` as on a Row). While anything listens to the engine's statement events
    (``before_cursor_execute``: tests that watch the SQL, a debugging hook), the statement goes
    through ``conn.execute`` as before, so nothing ever runs unseen by a listener (the same for
    ``before_execute``, ``after_*`` and ``handle_error``)."""

    def __init__(self, stmt):
        self.stmt = stmt
        self._by_dialect: dict[str, tuple] = {}

    def prepare(self, dialect) -> None:
        """Compile for ``dialect`` now (once; nothing is executed)."""
        if dialect.name not in self._by_dialect:
            self._prepare(dialect)

    def _prepare(self, dialect):
        from collections import namedtuple
        compiled = self.stmt.compile(dialect=dialect)
        if (compiled.literal_execute_params or compiled.post_compile_params
                or getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None)):
            # rendered per execution, or Python-side defaults to compute: the ordinary path
            self._by_dialect[dialect.name] = None
            return None
        binds = {name: b for name, b in compiled.binds.items()}
        defaults = {name: b.effective_value for name, b in binds.items() if not b.required}
        processors = dict(compiled._bind_processors)
        order = compiled.positiontup          # qmark / format: the parameters' order; None: named
        columns = compiled._result_columns
        row = None
        if columns:
            row = namedtuple("HotRow", [c.keyname for c in columns], rename=True)
            results = [c.type._cached_result_processor(dialect, None) for c in columns]
        else:
            results = []
        prepared = (compiled.string, defaults, processors, order, row, results)
        self._by_dialect[dialect.name] = prepared
        return prepared

    def _ordinary(self, conn, params: dict) -> list:
        result = conn.execute(self.stmt, params)
        return list(result) if result.returns_rows else []

    def run(self, conn, params: dict) -> list:
        """Execute on ``conn`` (a Connection in the session's transaction); all rows."""
        if conn._has_events or conn.engine._has_events:
            d = conn.dispatch
            if d.before_execute or d.after_execute or d.before_cursor_execute or d.after_cursor_execute:
                return self._ordinary(conn, params)
        if conn.dialect.dispatch.handle_error:
            return self._ordinary(conn, params)
        name = conn.dialect.name
        prepared = self._by_dialect[name] if name in self._by_dialect else self._prepare(conn.dialect)
        if prepared is None:
            return self._ordinary(conn, params)
        sql, defaults, processors, order, row, results = prepared
        values = {**defaults, **params}
        for name, proc in processors.items():
            if name in values and values[name] is not None:
                values[name] = proc(values[name])
        args = tuple(values[name] for name in order) if order is not None else values
        cursor = conn.connection.dbapi_connection.cursor()
        try:
            cursor.execute(sql, args)
            raw = cursor.fetchall() if row is not None else []
        except conn.dialect.loaded_dbapi.Error as err:
            # as SQLAlchemy raises it (OperationalError "database is locked": the unit's retry)
            from sqlalchemy.exc import DBAPIError
            raise DBAPIError.instance(sql, args, err, conn.dialect.loaded_dbapi.Error,
                                      dialect=conn.dialect) from err
        finally:
            cursor.close()
        if not raw:
            return []
        if any(results):
            return [row(*[p(v) if p else v for p, v in zip(results, r)]) for r in raw]
        return [row(*r) for r in raw]
