"""Staff accounts (ban tổ chức, ban bầu cử, thư ký, quản trị) and API bearer tokens."""
from __future__ import annotations

import datetime as dt
import enum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class Role(str, enum.Enum):
    admin = "admin"
    organizer = "organizer"
    board = "board"
    secretary = "secretary"


ROLE_LABELS = {
    "admin": "Quản trị hệ thống",
    "organizer": "Ban tổ chức",
    "board": "Ban bầu cử (Ban kiểm phiếu)",
    "secretary": "Thư ký đại hội",
}


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin','organizer','board','secretary')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Bumped by a password change, a disable and a logout: every session cookie and API token
    # carries the epoch it was issued under and stops working when it no longer matches (the
    # check reads the database on each request, so it holds in every app process at once).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


class UserCongress(Base):
    """Tenancy: the congresses a staff account may touch. ``admin`` needs none (it sees every
    congress of the installation); every other account sees only the congresses listed here.
    An organization tree (a district union over its grassroots unions) can later grant a whole
    subtree by adding a second scope table; the one door asks ``can_access_congress`` only."""
    __tablename__ = "user_congresses"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored, with the account's
    session epoch at issue time (a token of an older epoch is refused)."""
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
