"""Electronic voting support: anonymous one-time voting slips and the shared,
database-backed rate limiter (so several app processes enforce one limit)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class VotingSlip(Base):
    """A printed one-time voting QR slip (phiếu QR ẩn danh) for one round. Only the keyed
    hash of its token is kept; the system never learns who drew which slip."""
    __tablename__ = "voting_slips"
    __table_args__ = ({"sqlite_with_rowid": False},)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    is_used: Mapped[bool] = mapped_column(default=False)


class RateLimitBucket(Base):
    """Fixed-window counters keyed by e.g. ``vote-fail:<client>``."""
    __tablename__ = "rate_limit_buckets"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer, default=0)


class VotingPolicy(Base):
    """A congress's rules for its voting credentials. ``two_person_reissue``: while a round is
    open, reissuing a delegate's voting link needs a second staff account to confirm."""
    __tablename__ = "voting_policies"

    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), primary_key=True)
    two_person_reissue: Mapped[bool] = mapped_column(default=False)


class CredentialEvent(Base):
    """Who handed out a voting credential, and when (issue 10: one insider must not add a
    ballot unseen): a link issued or reissued (and who confirmed it under the two-person
    rule, or a request still waiting), slips printed, a delegate struck off for a slip.
    Shown on the board's monitor while a round is open; the hall display counts the links
    reissued during the round. Never a token, never anything about a ballot."""
    __tablename__ = "credential_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))      # link_issued | link_reissued | slips_printed | slip_issued
    status: Mapped[str] = mapped_column(String(10), default="done")   # done | pending | cancelled
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegates.id", ondelete="CASCADE"), nullable=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), nullable=True)
    count: Mapped[int] = mapped_column(Integer, default=1)
    in_open_round: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
