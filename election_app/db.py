"""Database plumbing: the declarative Base with a naming convention, the Flask-SQLAlchemy
handle, and small helpers shared by every feature's models.

One transaction per request: services only ``flush``; views and API handlers commit at the
boundary (see ``commit_or_rollback``)."""
from __future__ import annotations

import datetime as dt
import secrets

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

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
