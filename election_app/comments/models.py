"""Written comments on draft documents (góp ý dự thảo văn kiện, issue 16.8)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class DraftComment(Base):
    """One delegate's written comment on the drafts discussed at an agenda item of kind
    ``comments``. It names its delegate (a comment is signed, not secret) and nothing of
    voting: no round, ballot, receipt or participation, so it never links to a ballot."""
    __tablename__ = "draft_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegates.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    # The secretary's grouping: a topic label per comment ("" = not grouped yet).
    topic: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
