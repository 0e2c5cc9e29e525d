"""Demo content of the elections and motions features for the seeded congress: the
standard show-of-hands motions and a BCH election (5 seats, 6 candidates from the roll),
ready for the board to open round 1."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..delegates.models import Delegate
from ..motions.services import ensure_standard_motions
from .models import Election
from .services import create_election

BCH_CANDIDATES = ["Lê Thị Minh Phương", "Phạm Thị Hồng Nhung", "Ngô Thị Thuỷ", "Nguyễn Văn Đức",
                  "Kiều Thị Thu", "Trần Thị Bích Ngọc"]


def seed(session: Session, congress: Congress) -> None:
    ensure_standard_motions(session, congress=congress)
    if session.scalar(select(Election.id).where(Election.congress_id == congress.id)) is not None:
        return
    by_name = {d.full_name: d for d in session.scalars(select(Delegate).where(Delegate.congress_id == congress.id))}
    people = [by_name[n] for n in BCH_CANDIDATES if n in by_name]
    if len(people) < 5:  # a roll without the demo names: take the first six summoned people
        people = [d for d in by_name.values() if d.category != "guest"][:6]
    if len(people) < 5:
        return
    create_election(session, congress=congress,
                    title=f"Bầu Ban Chấp hành {congress.organization} nhiệm kỳ {congress.term}",
                    body="executive_committee", seats=5,
                    candidates=[{"delegate_id": d.id, "nomination": "self" if i == 5 else "nominated"}
                                for i, d in enumerate(people)])
