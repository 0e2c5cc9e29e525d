"""Sessions as actions through the one door: the page and the API call these."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..door import Actor, Command, DbId, action, blank_is_none
from . import services

OptDateTime = Annotated[dt.datetime | None, BeforeValidator(blank_is_none)]


class AddSession(Command):
    congress_id: DbId
    name: str = Field(default="", max_length=200, description="ví dụ «Phiên trù bị», «Phiên chính thức»")
    starts_at: OptDateTime = Field(default=None, description="giờ dự kiến bắt đầu (ISO 8601)")


@action("sessions.add", permission="sessions.manage", input=AddSession, summary=lambda r: f"phiên #{r.id}")
def add_session(session: Session, *, actor: Actor, cmd: AddSession):
    return services.add_session(session, congress=get_congress(session, cmd.congress_id), name=cmd.name,
                                starts_at=cmd.starts_at)


class UpdateSession(Command):
    congress_id: DbId
    session_id: DbId
    name: str | None = Field(default=None, max_length=200)
    starts_at: OptDateTime = None


@action("sessions.update", permission="sessions.manage", input=UpdateSession)
def update_session(session: Session, *, actor: Actor, cmd: UpdateSession):
    row = services.get_session(session, cmd.congress_id, cmd.session_id)
    audit_note(session, previous={"name": row.name})
    fields = {k for k in ("name", "starts_at") if k in cmd.model_fields_set}
    return services.update_session(session, row=row, name=cmd.name, starts_at=cmd.starts_at, fields=fields)


class MoveSession(Command):
    congress_id: DbId
    session_id: DbId
    direction: Literal["up", "down"]


@action("sessions.move", permission="sessions.manage", input=MoveSession)
def move_session(session: Session, *, actor: Actor, cmd: MoveSession):
    return services.move_session(session, row=services.get_session(session, cmd.congress_id, cmd.session_id),
                                 direction=cmd.direction)


class SessionRef(Command):
    congress_id: DbId
    session_id: DbId


@action("sessions.delete", permission="sessions.manage", input=SessionRef)
def delete_session(session: Session, *, actor: Actor, cmd: SessionRef) -> str:
    return services.delete_session(session, row=services.get_session(session, cmd.congress_id, cmd.session_id))


def _counts(row) -> str:
    return f"phiên #{row.id} {row.state}"


@action("sessions.open", permission="sessions.run", input=SessionRef, summary=_counts)
def open_session(session: Session, *, actor: Actor, cmd: SessionRef):
    row = services.open_session(session, row=services.get_session(session, cmd.congress_id, cmd.session_id))
    audit_note(session, name=row.name, summoned=row.summoned_at_open, present=row.present_at_open)
    return row


@action("sessions.close", permission="sessions.run", input=SessionRef, summary=_counts)
def close_session(session: Session, *, actor: Actor, cmd: SessionRef):
    row = services.close_session(session, row=services.get_session(session, cmd.congress_id, cmd.session_id))
    audit_note(session, name=row.name, summoned=row.summoned_at_close, present=row.present_at_close)
    return row
