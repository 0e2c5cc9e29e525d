"""The audit log's tables. One hash chain per congress (chain 0 holds actions that belong to
no congress, such as account care); ``audit_heads`` keeps each chain's last link and is the
row every writer of that chain locks, so appends are serialised on both engines."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("chain", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, index=True)      # congress id, or 0
    seq: Mapped[int] = mapped_column(Integer)                    # 1, 2, 3 … within the chain
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # No foreign keys: the log outlives the rows it speaks of and is never rewritten.
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(80), default="")
    congress_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(80), index=True)
    data: Mapped[str] = mapped_column(Text, default="{}")        # canonical JSON
    outcome: Mapped[str] = mapped_column(String(500), default="ok")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_heads"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))
