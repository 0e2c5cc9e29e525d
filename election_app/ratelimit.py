"""A fixed-window rate limiter kept in the database (``rate_limit_buckets``), so that every
app process (gunicorn workers, several machines on one PostgreSQL) enforces one limit.

Used to slow down guessing (voting tokens, staff passwords): each failed attempt counts
under a key; past the limit the client gets 429 until the window ends. Counting is one atomic
INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24 and PostgreSQL), so concurrent failures
never lose a count."""
from __future__ import annotations

import time

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .errors import TooManyRequests

class RateLimitBucket(Base):
    """Fixed-window counters keyed by e.g. ``vote-fail:<client>``."""
    __tablename__ = "rate_limit_buckets"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)


RATE_LIMITED_MESSAGE = "Quá nhiều lần thử không thành công. Vui lòng chờ vài phút rồi thử lại."


def _window(now: float | None, window_seconds: int) -> int:
    now = time.time() if now is None else now
    return int(now) // window_seconds * window_seconds


def _insert(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - we ship SQLite and PostgreSQL only
        raise RuntimeError(f"Cơ sở dữ liệu không được hỗ trợ: {dialect}")
    return insert


def record_hit(session: Session, *, key: str, window_seconds: int, now: float | None = None) -> int:
    """Count one event for ``key`` in the current window; returns the count so far."""
    start = _window(now, window_seconds)
    insert = _insert(session)
    stmt = insert(RateLimitBucket).values(key=key, window_start=start, count=1)
    table = RateLimitBucket.__table__
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "count": case((table.c.window_start == start, table.c.count + 1), else_=1),
            "window_start": start,
        },
    )
    session.execute(stmt)
    return hits(session, key=key, window_seconds=window_seconds, now=now)


def hits(session: Session, *, key: str, window_seconds: int, now: float | None = None) -> int:
    """Events counted for ``key`` in the current window (0 when the window has moved on)."""
    row = session.execute(select(RateLimitBucket.window_start, RateLimitBucket.count)
                          .where(RateLimitBucket.key == key)).first()
    if row is None or row.window_start != _window(now, window_seconds):
        return 0
    return int(row.count)


def check_limit(session: Session, *, key: str, limit: int, window_seconds: int,
                now: float | None = None, message: str = RATE_LIMITED_MESSAGE) -> None:
    """Raise ``TooManyRequests`` once ``key`` has ``limit`` events in the current window."""
    if hits(session, key=key, window_seconds=window_seconds, now=now) >= limit:
        raise TooManyRequests(message)


def purge_old(session: Session, *, prefix: str, window_seconds: int, now: float | None = None) -> int:
    """Drop this limiter's buckets of past windows (housekeeping; safe to run any time)."""
    from sqlalchemy import delete
    result = session.execute(delete(RateLimitBucket).where(
        RateLimitBucket.key.startswith(prefix, autoescape=True),
        RateLimitBucket.window_start < _window(now, window_seconds)))
    return result.rowcount or 0
