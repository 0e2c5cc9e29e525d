"""Sessions of a congress (phiên trù bị, phiên chính thức ...): the use cases and the
attendance of each session.

The attendance model (README, "Sessions"): presence is the roll's (a delegate checked in is
present) and carries over from one session to the next: the congress continues and nobody
scans again. The door's undo of a check-in is how the board records that someone left;
checking in again brings them back. So the live count is always the open session's, and a
session's own figures are the counts taken when it opens and when it closes (the closing
ones go into the minutes). Every vote records the open session and the present count of
that moment (motions.congress_session_id, rounds.congress_session_id)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..congress.models import Congress, CongressSession
from ..congress.services import list_sessions as congress_list_sessions, open_session_of
from ..db import utcnow
from ..delegates.services import attendance
from ..errors import Conflict, NotFound, ValidationFailed
from ..rules import get_preset, normalize_text, quorum_met, quorum_needed

NAME_MAX = 200
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    """A planned start typed without a zone is Vietnam time (the hall's clock)."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(dt.timezone.utc)


def list_sessions(session: Session, congress_id: int) -> list[CongressSession]:
    return congress_list_sessions(session, congress_id)


def get_session(session: Session, congress_id: int, session_id: int) -> CongressSession:
    row = session.get(CongressSession, session_id)
    if row is None or row.congress_id != congress_id:
        raise NotFound("Không tìm thấy phiên họp.")
    return row


def _name(name: str | None) -> str:
    text = normalize_text(name or "")
    if not text:
        raise ValidationFailed("Tên phiên họp không được để trống.",
                               [{"field": "name", "message": "Nhập tên phiên họp, ví dụ «Phiên trù bị»."}])
    if len(text) > NAME_MAX:
        raise ValidationFailed(f"Tên phiên họp dài quá {NAME_MAX} ký tự.",
                               [{"field": "name", "message": f"Tối đa {NAME_MAX} ký tự."}])
    return text


def _clash(session: Session, congress_id: int, name: str, exclude: int | None = None) -> None:
    for other in list_sessions(session, congress_id):
        if other.id != exclude and other.name.casefold() == name.casefold():
            raise ValidationFailed(f"Đã có phiên họp «{other.name}».",
                                   [{"field": "name", "message": "Tên phiên họp bị trùng."}])


def add_session(session: Session, *, congress: Congress, name: str | None,
                starts_at: dt.datetime | None = None) -> CongressSession:
    text = _name(name)
    _clash(session, congress.id, text)
    last = session.scalar(select(func.max(CongressSession.position))
                          .where(CongressSession.congress_id == congress.id))
    row = CongressSession(congress_id=congress.id, name=text, starts_at=_utc(starts_at),
                          position=(last + 1) if last is not None else 0, state="not_started")
    session.add(row)
    session.flush()
    return row


def update_session(session: Session, *, row: CongressSession, name: str | None = None,
                   starts_at: dt.datetime | None = None, fields: set[str] = frozenset()) -> CongressSession:
    """Rename, or set the planned start; only the given ``fields`` change."""
    if "name" in fields:
        text = _name(name)
        _clash(session, row.congress_id, text, exclude=row.id)
        row.name = text
    if "starts_at" in fields:
        row.starts_at = _utc(starts_at)
    session.flush()
    return row


def move_session(session: Session, *, row: CongressSession, direction: str) -> CongressSession:
    """One place earlier (``up``) or later (``down``); the ends stay where they are."""
    rows = list_sessions(session, row.congress_id)
    i = next(n for n, r in enumerate(rows) if r.id == row.id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(rows):
        rows[i], rows[j] = rows[j], rows[i]
    for n, r in enumerate(rows):
        r.position = n
    session.flush()
    return row


def delete_session(session: Session, *, row: CongressSession) -> str:
    if row.state != "not_started":
        raise Conflict(f"Phiên «{row.name}» đã họp: không xoá được (số liệu của phiên đưa vào biên bản).")
    name = row.name
    session.delete(row)
    session.flush()
    for n, r in enumerate(list_sessions(session, row.congress_id)):
        r.position = n
    session.flush()
    return name


def open_session(session: Session, *, row: CongressSession) -> CongressSession:
    """Open a session: one at a time. Those present carry over (nobody scans again); the
    counts of this moment are kept."""
    if row.state == "open":
        raise Conflict(f"Phiên «{row.name}» đang họp.")
    if row.state == "closed":
        raise Conflict(f"Phiên «{row.name}» đã kết thúc; không mở lại được.")
    current = open_session_of(session, row.congress_id)
    if current is not None:
        raise Conflict(f"Phiên «{current.name}» đang họp: kết thúc phiên đó trước khi mở phiên «{row.name}».",
                       code="session_open")
    seen = attendance(session, session.get(Congress, row.congress_id))
    row.state, row.opened_at = "open", utcnow()
    row.summoned_at_open, row.present_at_open = seen["summoned"], seen["present"]
    session.flush()
    return row


def close_session(session: Session, *, row: CongressSession) -> CongressSession:
    if row.state != "open":
        raise Conflict(f"Phiên «{row.name}» không đang họp.")
    seen = attendance(session, session.get(Congress, row.congress_id))
    row.state, row.closed_at = "closed", utcnow()
    row.summoned_at_close, row.present_at_close = seen["summoned"], seen["present"]
    session.flush()
    return row


def session_json(row: CongressSession) -> dict:
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {"id": row.id, "congress_id": row.congress_id, "name": row.name, "position": row.position,
            "state": row.state, "starts_at": iso(row.starts_at), "opened_at": iso(row.opened_at),
            "closed_at": iso(row.closed_at), "summoned_at_open": row.summoned_at_open,
            "present_at_open": row.present_at_open, "summoned_at_close": row.summoned_at_close,
            "present_at_close": row.present_at_close}


def session_attendance(session: Session, congress: Congress) -> list[dict]:
    """Each session's attendance for the minutes, in order: summoned, present, absent and the
    quorum verdict under the congress's rulebook. A closed session gives its closing counts,
    the open one the live counts, one not held yet no counts."""
    preset = get_preset(congress.preset_code)
    live = None
    out = []
    for row in list_sessions(session, congress.id):
        if row.state == "closed":
            summoned, present = row.summoned_at_close or 0, row.present_at_close or 0
        elif row.state == "open":
            live = live or attendance(session, congress)
            summoned, present = live["summoned"], live["present"]
        else:
            out.append({"name": row.name, "state": row.state, "held": False, "starts_at": row.starts_at})
            continue
        out.append({"name": row.name, "state": row.state, "held": True, "starts_at": row.starts_at,
                    "opened_at": row.opened_at, "closed_at": row.closed_at,
                    "summoned": summoned, "present": present, "absent": summoned - present,
                    "quorum_met": quorum_met(present, summoned, preset),
                    "quorum_needed": quorum_needed(summoned, preset)})
    return out
