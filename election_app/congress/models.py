"""The congress (đại hội) itself and the people who run it (đoàn chủ tịch, đoàn thư ký,
ban thẩm tra tư cách, ban bầu cử)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

KIND_LABELS = {
    "delegates": "Đại hội đại biểu",
    "all_members": "Đại hội toàn thể",
}

# The level of the union holding the congress: the same codes and words as the federation's
# union tree (federation.models.LEVEL_LABELS; a test keeps the two equal, and the congress
# package does not import the federation, which imports it). Only a grassroots union (CĐCS)
# may hold an all-members congress; the upper levels always hold a delegates' congress
# (RESEARCH §1.1, §6 item 10).
LEVEL_LABELS = {
    "tong_ldld": "Tổng Liên đoàn Lao động Việt Nam",
    "ldld_tinh": "Liên đoàn Lao động tỉnh, thành phố",
    "cd_nganh_tw": "Công đoàn ngành trung ương",
    "cd_nganh": "Công đoàn ngành địa phương",
    "ldld_huyen": "Liên đoàn Lao động quận, huyện",
    "cd_cap_tren_co_so": "Công đoàn cấp trên trực tiếp cơ sở khác",
    "cdcs": "Công đoàn cơ sở",
}
GRASSROOTS = "cdcs"


class Congress(Base):
    __tablename__ = "congresses"
    __table_args__ = (
        CheckConstraint("kind IN ('delegates','all_members')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    organization: Mapped[str] = mapped_column(String(300))          # e.g. Công đoàn cơ sở Trường Tiểu học Thủ Lệ
    parent_organization: Mapped[str] = mapped_column(String(300), default="")  # e.g. Công đoàn Giáo dục quận Ba Đình
    term: Mapped[str] = mapped_column(String(20))                   # "2023–2028"
    ordinal: Mapped[str] = mapped_column(String(20), default="")    # lần thứ: "XV" or "15"
    kind: Mapped[str] = mapped_column(String(20))
    # LEVEL_LABELS; checked by the service (no CHECK: adding one would rebuild the table).
    level: Mapped[str] = mapped_column(String(20), default=GRASSROOTS, server_default=GRASSROOTS)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    venue: Mapped[str] = mapped_column(String(300), default="")
    place: Mapped[str] = mapped_column(String(100), default="")     # địa danh on the date line, e.g. "Ba Đình"
    preset_code: Mapped[str] = mapped_column(String(40), default="dieu_le_2020")
    chair_mode: Mapped[str] = mapped_column(String(20), default="by_bch")  # or "direct"
    # The hall display link (no staff login): only a keyed hash of its token is kept.
    display_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    # The agenda item the presidium has on the floor (no FK: agenda rows point back here).
    current_agenda_item_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    resolution_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)


OFFICIAL_ROLES = {
    "presidium": "Đoàn Chủ tịch",
    "secretariat": "Đoàn Thư ký",
    "credentials_committee": "Ban Thẩm tra tư cách đại biểu",
    "board": "Ban bầu cử",
}


class CongressOfficial(Base):
    """A member of one of the congress's working bodies, as elected by show of hands."""
    __tablename__ = "congress_officials"
    __table_args__ = (
        CheckConstraint(
            "role IN ('presidium','secretariat','credentials_committee','board')",
            name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    full_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")     # e.g. Trưởng ban, Ủy viên
    position: Mapped[int] = mapped_column(default=0)


SESSION_STATES = {
    "not_started": "Chưa họp",
    "open": "Đang họp",
    "closed": "Đã kết thúc",
}


class CongressSession(Base):
    """One session (phiên họp) of a congress, e.g. "Phiên trù bị" then "Phiên chính thức"
    (RESEARCH §9). A congress with none behaves as one implicit session. Attendance is the
    roll's (``delegates.checked_in_at``) and carries over from one session to the next; the
    counts at opening and closing are kept here for the minutes. At most one session of a
    congress is open (a partial unique index, not a check in code)."""
    __tablename__ = "congress_sessions"
    __table_args__ = (
        CheckConstraint("state IN ('not_started','open','closed')", name="state_known"),
        Index("uq_congress_sessions_one_open", "congress_id", unique=True,
              sqlite_where=text("state = 'open'"), postgresql_where=text("state = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)   # planned start (UTC)
    state: Mapped[str] = mapped_column(String(12), default="not_started")
    opened_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    summoned_at_open: Mapped[int | None] = mapped_column(nullable=True)
    present_at_open: Mapped[int | None] = mapped_column(nullable=True)
    summoned_at_close: Mapped[int | None] = mapped_column(nullable=True)
    present_at_close: Mapped[int | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def state_label(self) -> str:
        return SESSION_STATES.get(self.state, self.state)
