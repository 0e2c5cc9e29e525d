"""The congress programme (chương trình đại hội): items in order, what each decides, and
the secretary's notes that flow into the minutes."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class AgendaItem(Base):
    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint("status IN ('pending','current','done')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    section: Mapped[str] = mapped_column(String(2), default="B")   # A nghi thức, B nội dung, C bầu cử, D bế mạc
    title: Mapped[str] = mapped_column(String(400))
    presenter: Mapped[str] = mapped_column(String(200), default="")
    planned_time: Mapped[str] = mapped_column(String(10), default="")  # "07:30"
    duration_min: Mapped[int | None] = mapped_column(nullable=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")  # ceremony|report|motion|election|discussion|other
    code: Mapped[str] = mapped_column(String(40), default="")       # template code, e.g. "credentials_report"
    motion_id: Mapped[int | None] = mapped_column(ForeignKey("motions.id", ondelete="SET NULL"), nullable=True)
    election_id: Mapped[int | None] = mapped_column(ForeignKey("elections.id", ondelete="SET NULL"), nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Who saved the secretary's notes last, and when (shown on the notes page).
    notes_updated_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    notes_updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)


class CongressFile(Base):
    """A PDF the organizers upload for delegates (báo cáo, dự thảo), listed on the phone page."""
    __tablename__ = "congress_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Appointment(Base):
    """A decision of the upper union announced at the congress (công bố quyết định chỉ
    định, issue 16.5): who it appoints to which body, instead of an election. One per
    agenda item; the people are kept as written in the decision (JSON list of
    {full_name, position, unit, gender, birth_year}), in the decision's order."""
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(String(30))
    decision_number: Mapped[str] = mapped_column(String(60))
    decision_date: Mapped[dt.date] = mapped_column(Date)
    issuer: Mapped[str] = mapped_column(String(300))
    people: Mapped[str] = mapped_column(Text, default="[]")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
