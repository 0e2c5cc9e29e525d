"""Appointments announced at the congress (công bố quyết định chỉ định, issue 16.5).

In the 2025–2030 cycle a congress may hear a decision of the upper union appointing its
executive committee, standing committee, chair, inspection committee or its delegates to
the upper congress instead of electing them (RESEARCH §9). Owns: the decision (number,
date, issuer) and the people it appoints, recorded on an agenda item of kind
``appointment``; nothing here creates an election. The documents read ``appointed_bodies``
to print the body's composition in the minutes, the resolution and the dossier."""
from __future__ import annotations

import json
import unicodedata

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..db import utcnow
from ..errors import ValidationFailed
from ..rules import control_characters, normalize_text
from .inputs import APPOINTED_BODY_LABELS, AppointmentFields
from .models import AgendaItem, Appointment

PEOPLE_MAX = 200
# Bodies of one person: the decision appoints exactly one.
SINGLE_BODIES = {"chair", "vice_chair"}


def _clean(text: str | None) -> str:
    return normalize_text(unicodedata.normalize("NFC", text or "")).strip()


def parse_people_lines(text: str) -> list[dict]:
    """The page's box: one person a line, "Họ và tên; chức vụ; đơn vị" (a tab or a "|"
    also separates; chức vụ and đơn vị may be left out). Blank lines are skipped."""
    people = []
    for raw in (text or "").replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        for sep in ("\t", "|"):
            line = line.replace(sep, ";")
        parts = [p.strip() for p in line.split(";")]
        people.append({"full_name": parts[0], "position": parts[1] if len(parts) > 1 else "",
                       "unit": "; ".join(p for p in parts[2:] if p)})
    return people


def people_lines(people: list[dict]) -> str:
    """The people as the page's box shows them again (the inverse of ``parse_people_lines``)."""
    return "\n".join("; ".join((p["full_name"], p.get("position") or "", p.get("unit") or "")).rstrip("; ")
                     for p in people)


def _bad(field: str, message: str, row: int | None = None) -> ValidationFailed:
    detail = {"field": field, "message": message}
    if row is not None:
        detail["row"] = row
    return ValidationFailed(message, [detail])


def _refuse_control(data: AppointmentFields) -> None:
    """NUL and the like are refused, never stored (PostgreSQL cannot keep them in text)."""
    fields = [("decision_number", data.decision_number, None), ("issuer", data.issuer, None)]
    for n, p in enumerate(data.people, start=1):
        fields += [("full_name", p.full_name, n), ("position", p.position, n), ("unit", p.unit, n)]
    for field, value, row in fields:
        if control_characters(value or ""):
            raise _bad(field, "Có ký tự điều khiển không hợp lệ; hãy gõ lại." if row is None
                       else f"Dòng {row}: có ký tự điều khiển không hợp lệ; hãy gõ lại.", row=row)


def _clean_fields(congress: Congress, data: AppointmentFields) -> dict:
    _refuse_control(data)
    number = _clean(data.decision_number)
    if not number:
        raise _bad("decision_number", "Hãy nhập số quyết định chỉ định (ví dụ: 125/QĐ-LĐLĐ).")
    if data.decision_date is None:
        raise _bad("decision_date", "Hãy nhập ngày ký quyết định chỉ định.")
    if congress.date is not None and data.decision_date > congress.date:
        raise _bad("decision_date", "Ngày quyết định không được sau ngày đại hội.")
    issuer = _clean(data.issuer) or _clean(congress.parent_organization)
    if not issuer:
        raise _bad("issuer", "Hãy nhập cơ quan ban hành quyết định (công đoàn cấp trên).")
    people, seen = [], set()
    for n, p in enumerate(data.people, start=1):
        name = _clean(p.full_name)
        if not name:
            raise _bad("full_name", f"Dòng {n}: thiếu họ và tên người được chỉ định.", row=n)
        key = name.casefold()
        if key in seen:
            raise _bad("full_name", f"Dòng {n}: «{name}» đã có trong danh sách.", row=n)
        seen.add(key)
        people.append({"full_name": name, "position": _clean(p.position), "unit": _clean(p.unit),
                       "gender": p.gender or "", "birth_year": p.birth_year})
    if not people:
        raise _bad("people", "Hãy nhập ít nhất một người được chỉ định.")
    if data.body in SINGLE_BODIES and len(people) != 1:
        raise _bad("people", f"Quyết định chỉ định {APPOINTED_BODY_LABELS[data.body]} chỉ ghi một người "
                             f"(đang có {len(people)}).")
    return {"body": data.body, "decision_number": number, "decision_date": data.decision_date,
            "issuer": issuer, "people": json.dumps(people, ensure_ascii=False)}


def get_appointment(session: Session, item: AgendaItem) -> Appointment | None:
    return session.scalar(select(Appointment).where(Appointment.agenda_item_id == item.id))


def record_appointment(session: Session, *, congress: Congress, item: AgendaItem,
                       data: AppointmentFields) -> Appointment:
    """Records (or corrects) the decision announced at this item; the item becomes an
    appointment item. No election is made."""
    values = _clean_fields(congress, data)
    row = get_appointment(session, item)
    if row is None:
        row = Appointment(congress_id=congress.id, agenda_item_id=item.id, **values)
        session.add(row)
    else:
        for k, v in values.items():
            setattr(row, k, v)
        row.recorded_at = utcnow()
    item.kind = "appointment"
    session.flush()
    return row


def delete_appointment(session: Session, *, item: AgendaItem) -> bool:
    row = get_appointment(session, item)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def people_of(row: Appointment) -> list[dict]:
    try:
        people = json.loads(row.people or "[]")
    except ValueError:  # pragma: no cover - written only by record_appointment
        return []
    return people if isinstance(people, list) else []


def appointment_json(row: Appointment) -> dict:
    return {"id": row.id, "item_id": row.agenda_item_id, "body": row.body,
            "body_label": APPOINTED_BODY_LABELS.get(row.body, row.body),
            "decision_number": row.decision_number,
            "decision_date": row.decision_date.isoformat() if row.decision_date else None,
            "issuer": row.issuer, "people": people_of(row),
            "recorded_at": row.recorded_at.isoformat() if row.recorded_at else None}


def list_appointments(session: Session, congress_id: int) -> list[Appointment]:
    """In agenda order (the order the decisions were announced)."""
    return list(session.scalars(
        select(Appointment).join(AgendaItem, AgendaItem.id == Appointment.agenda_item_id)
        .where(Appointment.congress_id == congress_id)
        .order_by(AgendaItem.position, AgendaItem.id)))
