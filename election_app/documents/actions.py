"""The documents feature's staff actions through the one door (STYLE §10)."""
from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..delegates.absence import REASON_MAX, set_absence_reasons
from ..door import Actor, Command, action


class RecordAbsenceReasons(Command):
    congress_id: int = Field(gt=0, le=2**63 - 1)
    # {delegate id: reason}; each reason is checked by the service (length, congress)
    reasons: dict[str, str] = Field(max_length=20000)


@action("delegates.absence_reasons", permission="checkin", input=RecordAbsenceReasons,
        summary=lambda changed: f"{changed} thay đổi")
def record_absence_reasons(session: Session, *, actor: Actor, cmd: RecordAbsenceReasons) -> int:
    """Lý do vắng mặt (RULES §2), as the secretary or the organizer records them."""
    congress = get_congress(session, cmd.congress_id)
    changed = set_absence_reasons(session, congress=congress, reasons=cmd.reasons)
    audit_note(session, delegates=sorted(cmd.reasons)[:100], limit=REASON_MAX)
    return changed
