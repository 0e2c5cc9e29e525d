"""The reason each absent delegate gives (RULES §2: the credentials report and the minutes
state the absent "with reasons"). Recorded by the secretary or the organizer; printed as
is, and a blank to fill in (with a warning on the documents page) while it is missing."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..errors import ValidationFailed
from ..rules import normalize_text
from .models import Delegate

REASON_MAX = 300


def set_absence_reasons(session: Session, *, congress: Congress, reasons: dict) -> int:
    """{delegate id: reason} → stored (empty clears). All-or-nothing: a delegate of another
    congress or a reason too long → ValidationFailed naming each, nothing written.
    Returns how many changed. Flushes only."""
    problems = []
    cleaned: list[tuple[Delegate, str]] = []
    for raw_id, raw_reason in reasons.items():
        try:
            did = int(raw_id)
        except (TypeError, ValueError):
            problems.append({"field": "delegate_id", "message": f"Mã đại biểu không hợp lệ: {raw_id}."})
            continue
        d = session.get(Delegate, did)
        if d is None or d.congress_id != congress.id:
            problems.append({"field": "delegate_id", "message": f"Không có đại biểu số {did} trong đại hội này."})
            continue
        reason = normalize_text(raw_reason if isinstance(raw_reason, str) else "")
        if len(reason) > REASON_MAX:
            problems.append({"field": f"reason_{did}",
                             "message": f"Lý do vắng mặt của {d.full_name} quá dài (tối đa {REASON_MAX} ký tự)."})
            continue
        cleaned.append((d, reason))
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    changed = 0
    for d, reason in cleaned:
        if (d.absence_reason or "") != reason:
            d.absence_reason = reason
            changed += 1
    session.flush()
    return changed
