"""The roll (danh sách đại biểu / đoàn viên triệu tập): people, credentials and attendance."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

CATEGORY_LABELS = {
    "official": "Đại biểu chính thức",
    "ex_officio": "Đại biểu đương nhiên",
    "appointed": "Đại biểu chỉ định",
    "alternate": "Đại biểu dự khuyết",
    "guest": "Khách mời",
}
CREDENTIAL_LABELS = {
    "pending": "Chưa thẩm tra",
    "accepted": "Đủ tư cách",
    "rejected": "Không đủ tư cách",
}


class Delegate(Base):
    __tablename__ = "delegates"
    __table_args__ = (
        CheckConstraint(
            "category IN ('official','ex_officio','appointed','alternate','guest')",
            name="category_known"),
        CheckConstraint("credential_status IN ('pending','accepted','rejected')",
                        name="credential_known"),
        CheckConstraint("gender IS NULL OR gender IN ('nam','nữ')", name="gender_known"),
        UniqueConstraint("congress_id", "code", name="uq_delegates_congress_code"),
        Index("ix_delegates_congress_checked_in", "congress_id", "checked_in_at"),
        # One ID card per person on a roll; also the door's lookup.
        Index("ix_delegates_congress_id_hash", "congress_id", "id_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))  # số thẻ đại biểu, "001"
    ho: Mapped[str] = mapped_column(String(80), default="")
    ten_dem: Mapped[str] = mapped_column(String(120), default="")
    ten: Mapped[str] = mapped_column(String(80))
    full_name: Mapped[str] = mapped_column(String(300))
    gender: Mapped[str | None] = mapped_column(String(5), nullable=True)
    birth_year: Mapped[int | None] = mapped_column(nullable=True)
    # The full date when the imported list gave one (the rules use the year only).
    birth_date: Mapped[dt.date | None] = mapped_column(nullable=True)
    # Columns of an imported list that are not ours ("Ghi chú", "Số điện thoại" ...), kept as
    # {header: text} so nothing the office wrote is lost.
    extra: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    unit: Mapped[str] = mapped_column(String(300), default="")       # đơn vị
    position: Mapped[str] = mapped_column(String(300), default="")   # chức vụ
    category: Mapped[str] = mapped_column(String(20), default="official")
    is_party_member: Mapped[bool] = mapped_column(default=False)
    ethnicity: Mapped[str] = mapped_column(String(50), default="Kinh")
    # Quốc tịch: the 2024 union law (from 01/7/2025) admits workers who are not Vietnamese
    # citizens; whether they may hold a post is the rulebook's ``posts_citizens_only``.
    nationality: Mapped[str] = mapped_column(String(100), default="Việt Nam", server_default="Việt Nam")
    education: Mapped[str] = mapped_column(String(100), default="")          # trình độ học vấn (12/12)
    qualification: Mapped[str] = mapped_column(String(200), default="")      # chuyên môn (Cử nhân ...)
    political_theory: Mapped[str] = mapped_column(String(100), default="")   # lý luận chính trị
    credential_status: Mapped[str] = mapped_column(String(10), default="pending")
    credential_reason: Mapped[str] = mapped_column(Text, default="")
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    absence_reason: Mapped[str] = mapped_column(String(300), default="")
    # Alternate promoted to replace an official delegate during the congress (§2).
    replaces_delegate_id: Mapped[int | None] = mapped_column(
        ForeignKey("delegates.id", ondelete="SET NULL"), nullable=True)
    replacement_reason: Mapped[str] = mapped_column(Text, default="")
    promoted_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    is_replaced: Mapped[bool] = mapped_column(default=False)
    # Personal voting link: keyed hash (HMAC-SHA-256) of the token; the token itself is never stored.
    voting_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # The same token sealed (SecretBox, a key derived from SECRET_KEY: voting.tokens.seal_link),
    # so that delegate cards can be printed again without killing the links handed out (issue 13 §5).
    voting_token_box: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Citizen ID card (CCCD, or the old CMND): keyed hash only (delegates/idcard.py), for the
    # check-in by the card's QR; the number itself is never stored.
    id_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def category_label(self) -> str:
        return CATEGORY_LABELS.get(self.category, self.category)

    @property
    def credential_label(self) -> str:
        return CREDENTIAL_LABELS.get(self.credential_status, self.credential_status)


class AttendanceEvent(Base):
    """Audit trail of the door: check-in, undo, promotion. Attendance itself lives on the
    delegate row (``checked_in_at``) so counting the quorum is one indexed query."""
    __tablename__ = "attendance_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("delegates.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))   # check_in | undo | promote | credential
    # The session open at that moment (None: no session open or none defined).
    congress_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("congress_sessions.id", ondelete="SET NULL"), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
