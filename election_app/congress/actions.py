"""The congress's own use cases, each one action through the one door (``election_app.door``)."""
from __future__ import annotations

import unicodedata

from pydantic import Field
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..auth.services import grant_congress
from ..door import Actor, Command, DbId, action
from ..errors import ValidationFailed
from . import services
from .inputs import CongressFields
from .models import OFFICIAL_ROLES, Congress

class CreateCongress(CongressFields):
    pass


class UpdateCongress(CongressFields):
    congress_id: DbId


def _created_summary(c: Congress) -> str:
    return f"đại hội #{c.id}"


@action("congress.create", permission="congress.manage", input=CreateCongress,
        congress=lambda s, cmd: None, summary=_created_summary)
def create_congress(session: Session, *, actor: Actor, cmd: CreateCongress) -> Congress:
    """An organizer who creates a congress is scoped to it (admin sees every congress)."""
    congress = services.create_congress(session, data=cmd)
    if actor.role != "admin" and actor.user is not None:
        grant_congress(session, user=actor.user, congress_id=congress.id)
    return congress


@action("congress.update", permission="congress.manage", input=UpdateCongress)
def update_congress(session: Session, *, actor: Actor, cmd: UpdateCongress) -> Congress:
    congress = services.get_congress(session, cmd.congress_id)
    before = {k: getattr(congress, k) for k in cmd.data()}
    services.update_congress(session, congress=congress, data=cmd)
    audit_note(session, previous=before)
    return congress


class SetOfficials(Command):
    congress_id: int
    bodies: dict[str, list[str]]


@action("congress.set_officials", permission="congress.manage", input=SetOfficials)
def set_officials(session: Session, *, actor: Actor, cmd: SetOfficials) -> Congress:
    congress = services.get_congress(session, cmd.congress_id)
    for role in OFFICIAL_ROLES:
        if role in cmd.bodies:
            services.set_officials(session, congress=congress, role=role, names=cmd.bodies[role])
    return congress


class DeleteCongress(Command):
    congress_id: int
    confirm_name: str = Field(default="", max_length=300)


@action("congress.delete", permission="congress.manage", input=DeleteCongress)
def delete_congress(session: Session, *, actor: Actor, cmd: DeleteCongress) -> str:
    """Delete a congress and everything in it (a test congress, a mistake). The organizer types
    its exact name to confirm; its audit chain stays, ending with this deletion."""
    congress = services.get_congress(session, cmd.congress_id)
    if unicodedata.normalize("NFC", cmd.confirm_name.strip()) != congress.name:
        raise ValidationFailed("Gõ đúng tên đại hội để xác nhận xoá.",
                               [{"field": "confirm_name", "message": "Tên gõ vào không khớp tên đại hội."}])
    audit_note(session, name=congress.name)
    name = congress.name
    session.execute(delete(Congress).where(Congress.id == congress.id))
    session.flush()
    return name
