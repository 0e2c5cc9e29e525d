"""What the import pages keep between the upload and the organizer's confirmation: the
uploaded file itself (so any app process can finish the import) and, per file shape, the
column meanings the organizer chose last time."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class ImportMapping(Base):
    """Column meanings chosen for a file shape (its header labels, folded), reused for the
    next file of the same shape. Holds header words and field names only, no personal data."""
    __tablename__ = "import_mappings"
    __table_args__ = (UniqueConstraint("kind", "signature", name="uq_import_mappings_kind_signature"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))          # roll | candidates
    signature: Mapped[str] = mapped_column(String(64))     # sha-256 of the folded header labels
    mapping: Mapped[dict] = mapped_column(JSON)            # {"columns": [field, ...]}
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportUpload(Base):
    """An uploaded list waiting for the mapping step; deleted when imported, and any older
    than a day is deleted at the next upload."""
    __tablename__ = "import_uploads"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)   # random, unguessable
    congress_id: Mapped[int] = mapped_column(ForeignKey("congresses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
