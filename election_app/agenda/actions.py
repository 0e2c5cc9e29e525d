"""The agenda's use cases as actions: the programme, the presidium's run-sheet (moving the
floor), the secretary's notes, the hall display link and the delegates' documents."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..door import Actor, Command, action
from ..motions.services import create_motion
from . import appointments as appointment_services
from . import display as display_services
from . import services
from .inputs import AppointmentFields, ItemFields

Id = Field(gt=0, le=2**63 - 1)
OptId = Field(default=None, gt=0, le=2**63 - 1)


class CongressRef(Command):
    congress_id: int = Id


class FromTemplate(CongressRef):
    replace: bool = False
    start: str = Field(default="07:30", max_length=5)


@action("agenda.from_template", permission="agenda.manage", input=FromTemplate,
        summary=lambda made: f"{len(made)} mục")
def from_template(session: Session, *, actor: Actor, cmd: FromTemplate):
    return services.create_agenda_from_template(session, congress=get_congress(session, cmd.congress_id),
                                                replace=cmd.replace, start=cmd.start or "07:30")


@action("agenda.link_standard", permission="agenda.manage", input=CongressRef,
        summary=lambda n: f"{n} liên kết")
def link_standard(session: Session, *, actor: Actor, cmd: CongressRef) -> int:
    return services.link_standard_items(session, congress=get_congress(session, cmd.congress_id))


class AddItem(CongressRef):
    data: ItemFields
    after_id: int | None = OptId


@action("agenda.add_item", permission="agenda.manage", input=AddItem, summary=lambda i: f"mục #{i.id}")
def add_item(session: Session, *, actor: Actor, cmd: AddItem):
    congress = get_congress(session, cmd.congress_id)
    after = services.get_item(session, cmd.congress_id, cmd.after_id) if cmd.after_id else None
    return services.add_item(session, congress=congress, data=cmd.data, after=after)


class ItemRef(CongressRef):
    item_id: int = Id


class UpdateItem(ItemRef):
    data: ItemFields


@action("agenda.update_item", permission="agenda.manage", input=UpdateItem)
def update_item(session: Session, *, actor: Actor, cmd: UpdateItem):
    item = services.get_item(session, cmd.congress_id, cmd.item_id)
    audit_note(session, previous={k: getattr(item, k, None) for k in cmd.data.model_fields_set})
    return services.update_item(session, item=item, data=cmd.data)


class MoveItem(ItemRef):
    direction: Literal["up", "down"]


@action("agenda.move_item", permission="agenda.manage", input=MoveItem)
def move_item(session: Session, *, actor: Actor, cmd: MoveItem):
    return services.move_item(session, item=services.get_item(session, cmd.congress_id, cmd.item_id),
                              direction=cmd.direction)


@action("agenda.delete_item", permission="agenda.manage", input=ItemRef)
def delete_item(session: Session, *, actor: Actor, cmd: ItemRef):
    item = services.get_item(session, cmd.congress_id, cmd.item_id)
    audit_note(session, title=item.title)
    services.delete_item(session, item=item)
    return item.title


@action("agenda.create_item_motion", permission="agenda.manage", input=ItemRef,
        summary=lambda m: f"biểu quyết #{m.id}")
def create_item_motion(session: Session, *, actor: Actor, cmd: ItemRef):
    """A show-of-hands vote for this item, made by the motions service and linked."""
    congress = get_congress(session, cmd.congress_id)
    item = services.get_item(session, cmd.congress_id, cmd.item_id)
    motion = create_motion(session, congress=congress, title=item.title)
    services.update_item(session, item=item, data={"motion_id": motion.id, "kind": "motion"})
    return motion


# --- appointments announced at the congress (issue 16.5) -------------------------------------

class RecordAppointment(AppointmentFields, ItemRef):
    """The decision of the upper union announced at this item, and the people it appoints."""
    model_config = ItemRef.model_config


@action("agenda.record_appointment", permission="agenda.manage", input=RecordAppointment,
        summary=lambda row: f"quyết định {row.decision_number}")
def record_appointment(session: Session, *, actor: Actor, cmd: RecordAppointment):
    item = services.get_item(session, cmd.congress_id, cmd.item_id)
    before = appointment_services.get_appointment(session, item)
    if before is not None:
        audit_note(session, previous=appointment_services.appointment_json(before))
    return appointment_services.record_appointment(session, congress=get_congress(session, cmd.congress_id),
                                                   item=item, data=cmd)


@action("agenda.delete_appointment", permission="agenda.manage", input=ItemRef)
def delete_appointment(session: Session, *, actor: Actor, cmd: ItemRef) -> bool:
    item = services.get_item(session, cmd.congress_id, cmd.item_id)
    before = appointment_services.get_appointment(session, item)
    if before is not None:
        audit_note(session, previous=appointment_services.appointment_json(before))
    return appointment_services.delete_appointment(session, item=item)


# --- the run-sheet ---------------------------------------------------------------------------

@action("agenda.set_current", permission="agenda.run", input=ItemRef, summary=lambda i: f"mục #{i.id}")
def set_current(session: Session, *, actor: Actor, cmd: ItemRef):
    congress = get_congress(session, cmd.congress_id)
    item = services.get_item(session, cmd.congress_id, cmd.item_id)
    return services.set_current_item(session, congress=congress, item=item)


class Advance(CongressRef):
    expected_current_id: int | None = OptId


@action("agenda.advance", permission="agenda.run", input=Advance,
        summary=lambda i: f"mục #{i.id}" if i else "hết chương trình")
def advance(session: Session, *, actor: Actor, cmd: Advance):
    return services.advance_item(session, congress=get_congress(session, cmd.congress_id),
                                 expected_current_id=cmd.expected_current_id)


class SaveNotes(ItemRef):
    notes: str = Field(default="", max_length=200000)


@action("agenda.save_notes", permission="notes.write", input=SaveNotes)
def save_notes(session: Session, *, actor: Actor, cmd: SaveNotes):
    item = services.get_item(session, cmd.congress_id, cmd.item_id)
    audit_note(session, chars=len(cmd.notes), notes=None)
    return services.save_notes(session, item=item, notes=cmd.notes, user_id=actor.id)


# --- the hall display link -------------------------------------------------------------------

class IssueDisplay(CongressRef):
    secret: str = Field(exclude=True, repr=False)


@action("display.issue_link", permission="agenda.run", input=IssueDisplay)
def issue_display(session: Session, *, actor: Actor, cmd: IssueDisplay) -> str:
    return display_services.issue_display_token(session, congress=get_congress(session, cmd.congress_id),
                                                secret=cmd.secret)


@action("display.revoke_link", permission="agenda.run", input=CongressRef)
def revoke_display(session: Session, *, actor: Actor, cmd: CongressRef):
    display_services.revoke_display_token(session, congress=get_congress(session, cmd.congress_id))


# --- documents for delegates -----------------------------------------------------------------

class UploadFile(CongressRef):
    title: str = Field(default="", max_length=300)
    filename: str = Field(default="", max_length=300)
    content: bytes = Field(exclude=True, repr=False)
    content_type: str = Field(default="", max_length=200)


@action("files.upload", permission="agenda.manage", input=UploadFile,
        summary=lambda row: f"tệp #{row.id}")
def upload_file(session: Session, *, actor: Actor, cmd: UploadFile):
    audit_note(session, size=len(cmd.content))
    return services.upload_file(session, congress=get_congress(session, cmd.congress_id), title=cmd.title,
                                filename=cmd.filename, content=cmd.content, content_type=cmd.content_type)


class FileRef(CongressRef):
    file_id: int = Id


@action("files.delete", permission="agenda.manage", input=FileRef)
def delete_file(session: Session, *, actor: Actor, cmd: FileRef):
    services.delete_file(session, congress=get_congress(session, cmd.congress_id), file_id=cmd.file_id)
