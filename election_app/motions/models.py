"""Show-of-hands votes (biểu quyết giơ tay), RULES §3."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class Motion(Base):
    __tablename__ = "motions"
    __table_args__ = (
        CheckConstraint("agree IS NULL OR agree >= 0", name="agree_nonnegative"),
        CheckConstraint("disagree IS NULL OR disagree >= 0", name="disagree_nonnegative"),
        CheckConstraint("other IS NULL OR other >= 0", name="other_nonnegative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(40), default="custom")  # standard code, e.g. "programme"
    position: Mapped[int] = mapped_column(default=0)
    # The agenda item it belongs to (see migration 0005; no FK on purpose).
    agenda_item_id: Mapped[int | None] = mapped_column(nullable=True)
    agree: Mapped[int | None] = mapped_column(nullable=True)
    disagree: Mapped[int | None] = mapped_column(nullable=True)
    other: Mapped[int | None] = mapped_column(nullable=True)
    present_at_vote: Mapped[int | None] = mapped_column(nullable=True)
    summoned_at_vote: Mapped[int | None] = mapped_column(nullable=True)
    # The session (congress_sessions) open when the result was recorded; None when the
    # congress has no sessions. A real FK, so a backup carries it
    # (backup/services.py remaps ids along FKs); a session with votes is never deleted.
    congress_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("congress_sessions.id", ondelete="SET NULL"), nullable=True)
    passed: Mapped[bool | None] = mapped_column(nullable=True)
    recorded_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
