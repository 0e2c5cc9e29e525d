"""Electronic voting support: anonymous one-time voting slips (the shared rate limiter's
table lives with it in ``election_app.ratelimit``; the credential trail and the link policy,
which the hall display also reads, live with the round's lifecycle in elections.models)."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class VotingSlip(Base):
    """A printed one-time voting QR slip (phiếu QR ẩn danh) for one round. Only the keyed
    hash of its token is kept; the system never learns who drew which slip."""
    __tablename__ = "voting_slips"
    __table_args__ = ({"sqlite_with_rowid": False},)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    is_used: Mapped[bool] = mapped_column(default=False)
