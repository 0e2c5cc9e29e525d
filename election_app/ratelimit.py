"""A fixed-window rate limiter kept in the database (``rate_limit_buckets``), so that every
app process (gunicorn workers, several machines on one PostgreSQL) enforces one limit.

Used to slow down guessing (voting tokens, staff passwords): each failed attempt counts
under a key; past the limit the client gets 429 until the window ends. Counting is one atomic
INSERT … ON CONFLICT DO UPDATE (SQLite ≥ 3.24 and PostgreSQL), so concurrent failures
never lose a count.

``reserve`` is the race-free form for guarded actions (a password check): it counts the
attempt *before* the action, in its own transaction committed at once, and refuses when the
count is past the limit, so N parallel attempts against a limit of L get at most L through
(a plain check-then-record lets every parallel request pass the check before any records).
A success gives its slot back with ``Reservation.refund``."""
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


def check_limits(session: Session, *, keys: list[tuple[str, int]], window_seconds: int,
                 now: float | None = None, message: str = RATE_LIMITED_MESSAGE) -> None:
    """``check_limit`` for several ``(key, limit)`` pairs in one query (the voting path checks
    the device's and the address's counts on every ballot)."""
    start = _window(now, window_seconds)
    limits = dict(keys)
    rows = session.execute(select(RateLimitBucket.key, RateLimitBucket.count)
                           .where(RateLimitBucket.key.in_(list(limits)), RateLimitBucket.window_start == start))
    for key, count in rows:
        if int(count) >= limits[key]:
            raise TooManyRequests(message)


_GUARDS: dict[int, object] = {}


def over_limit(keys: list[tuple[str, int]], *, window_seconds: int, now: float | None = None):
    """``check_limits`` as a SQL truth value to read inside another query: (the expression,
    its parameters). True when any ``(key, limit)`` has reached its limit in the current
    window. The expression is built once per number of keys."""
    expr = _GUARDS.get(len(keys))
    if expr is None:
        from sqlalchemy import and_, bindparam, exists, or_
        t = RateLimitBucket
        expr = _GUARDS[len(keys)] = exists().where(
            t.window_start == bindparam("rl_w"),
            or_(*[and_(t.key == bindparam(f"rl_k{i}"), t.count >= bindparam(f"rl_l{i}")) for i in range(len(keys))]))
    params = {"rl_w": _window(now, window_seconds)}
    for i, (key, limit) in enumerate(keys):
        params[f"rl_k{i}"], params[f"rl_l{i}"] = key, limit
    return expr, params


def purge_old(session: Session, *, prefix: str, window_seconds: int, now: float | None = None) -> int:
    """Drop this limiter's buckets of past windows (housekeeping; safe to run any time)."""
    from sqlalchemy import delete
    result = session.execute(delete(RateLimitBucket).where(
        RateLimitBucket.key.startswith(prefix, autoescape=True),
        RateLimitBucket.window_start < _window(now, window_seconds)))
    return result.rowcount or 0


class Reservation:
    """Attempts counted up front by ``reserve``; ``refund`` gives them back (a success)."""

    def __init__(self, bind, keys: list[str], start: int):
        self._bind, self.keys, self._start = bind, keys, start

    def refund(self) -> None:
        table = RateLimitBucket.__table__
        from sqlalchemy import update
        with self._bind.begin() as conn:
            for key in self.keys:
                conn.execute(update(table).where(table.c.key == key, table.c.window_start == self._start,
                                                 table.c.count > 0)
                             .values(count=table.c.count - 1))


def _engine_of(session: Session):
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def reserve(session: Session, *, keys: list[tuple[str, int]], window_seconds: int,
            now: float | None = None, message: str = RATE_LIMITED_MESSAGE) -> Reservation:
    """Count one attempt under every ``(key, limit)`` atomically, committed at once on a
    connection of its own (so the count holds even when the caller's transaction rolls back,
    and no lock is held during the guarded action). Raises ``TooManyRequests`` when any key
    is past its limit; the refused attempt stays counted."""
    start = _window(now, window_seconds)
    insert = _insert(session)
    table = RateLimitBucket.__table__
    engine = _engine_of(session)
    over = False
    with engine.begin() as conn:
        for key, limit in keys:
            stmt = insert(table).values(key=key, window_start=start, count=1)
            stmt = stmt.on_conflict_do_update(
                index_elements=[table.c.key],
                set_={"count": case((table.c.window_start == start, table.c.count + 1), else_=1),
                      "window_start": start},
            ).returning(table.c.count)
            count = conn.execute(stmt).scalar_one()
            if count > limit:
                over = True
    if over:
        raise TooManyRequests(message)
    return Reservation(engine, [k for k, _ in keys], start)


def client_keys(prefix: str, request, *, device_limit: str, address_limit: str) -> list[tuple[str, str]]:
    """Keys for counting one client's failures twice: per device (address and a digest of the
    browser's User-Agent; a tight limit) and per address (a high limit). A hall's phones
    all come from the Wi-Fi's one address: one device's mistakes reach its own tight limit
    long before the address's, so the rest of the hall keeps working; only a deliberate
    flood of the high limit from that address blocks it, for one window."""
    return client_keys_of(prefix, request.remote_addr, request.headers.get("User-Agent"),
                          device_limit=device_limit, address_limit=address_limit)


def client_keys_of(prefix: str, address: str | None, agent: str | None, *, device_limit: str,
                   address_limit: str) -> list[tuple[str, str]]:
    """``client_keys`` from the client's address and User-Agent themselves (a path that runs
    before Flask has no request object)."""
    import hashlib
    address = address or "unknown"
    agent = hashlib.sha256((agent or "").encode("utf-8", "replace")).hexdigest()[:12]
    return [(f"{prefix}-dev:{address}:{agent}", device_limit), (f"{prefix}:{address}", address_limit)]
