"""The federation (issue 17): a tree of unions on one server, the accounts of an upper union
scoped to a subtree, the grassroots congresses attached to their union, and the
recognition dossiers sent up and decided.

- ``Organization``: one union (Liên đoàn Lao động tỉnh, quận/huyện, công đoàn ngành, công
  đoàn cơ sở …) with its parent; the tree is small (a province has a few thousand unions).
- ``UserOrganization``: an account of an upper union sees the district dashboard of every
  congress in the subtree of the unions it is granted. It does NOT give access to the
  inside of those congresses (tenancy stays per congress: ``user_congresses``); the
  dashboard shows a read-only summary and the papers.
- ``CongressOrganization``: which union holds a congress (one per congress). Not carried in
  a congress export: a congress uploaded from a laptop is attached on the server.
- ``Dossier``: the recognition dossier a grassroots union sends (the PDF fixed when sent,
  with its SHA-256), and the upper union's decision (number, date, what is recognised).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

LEVEL_LABELS = {
    "tong_ldld": "Tổng Liên đoàn Lao động Việt Nam",
    "ldld_tinh": "Liên đoàn Lao động tỉnh, thành phố",
    "cd_nganh_tw": "Công đoàn ngành trung ương",
    "cd_nganh": "Công đoàn ngành địa phương",
    "ldld_huyen": "Liên đoàn Lao động quận, huyện",
    "cd_cap_tren_co_so": "Công đoàn cấp trên trực tiếp cơ sở khác",
    "cdcs": "Công đoàn cơ sở",
}

STATUS_LABELS = {
    "sent": "Đã gửi, chờ công nhận",
    "recognised": "Đã công nhận",
    "returned": "Trả lại để bổ sung",
}


class Organization(Base):
    __tablename__ = "organizations"
    __table_args__ = (
        CheckConstraint("level IN ('tong_ldld','ldld_tinh','cd_nganh_tw','cd_nganh','ldld_huyen',"
                        "'cd_cap_tren_co_so','cdcs')", name="org_level_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.level, self.level)


class UserOrganization(Base):
    __tablename__ = "user_organizations"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True, index=True)
    granted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CongressOrganization(Base):
    __tablename__ = "congress_organizations"

    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"), index=True)


class Dossier(Base):
    """One sending of a recognition dossier (a congress may send again after a return)."""
    __tablename__ = "dossiers"
    __table_args__ = (
        CheckConstraint("status IN ('sent','recognised','returned')", name="dossier_status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    # The union it was sent to (the parent of the congress's union when sent). Left empty when
    # the congress is restored on another installation (organizations are not exported).
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), nullable=True, index=True)
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="sent")
    decision_number: Mapped[str] = mapped_column(String(60), default="")
    decision_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    decision_scope: Mapped[str] = mapped_column(Text, default="")   # what is recognised, in the officer's words
    decided_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)
