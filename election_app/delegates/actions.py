"""The roll's use cases (add, edit, credentials, alternates, the door), one action each."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..door import Actor, Command, action
from . import services
from .services import CheckInResult

Id = Field(gt=0, le=2**63 - 1)


class AddDelegates(Command):
    congress_id: int = Id
    # One object per person ("delegates" in the API). A roll is judged row by row by the roll's
    # checker, which reads spreadsheet cells too ("Nữ", "có", "1985.0") and reports every
    # problem of every row at once, numbered as the file's lines: so the door checks the shape
    # (a list of objects) and the checker the cells.
    rows: list[dict[str, Any]] = Field(min_length=1, max_length=20000,
                                       validation_alias=AliasChoices("delegates", "rows"))
    row_offset: int = Field(default=1, ge=0, le=1000)
    source: Literal["form", "api", "file"] = "form"


@action("delegates.add", permission="delegates.manage", input=AddDelegates,
        summary=lambda made: f"{len(made)} người")
def add_delegates(session: Session, *, actor: Actor, cmd: AddDelegates):
    congress = get_congress(session, cmd.congress_id)
    rows = cmd.rows
    if cmd.source == "api":   # "_row"/"_problems" are the importer's own keys: a JSON row is numbered by its place
        rows = [{k: v for k, v in r.items() if not str(k).startswith("_")} for r in rows]
    made = services.add_delegates(session, congress=congress, rows=rows, row_offset=cmd.row_offset)
    audit_note(session, rows=len(cmd.rows), ids=[d.id for d in made][:50])
    return made


class UpdateDelegate(Command):
    congress_id: int = Id
    delegate_id: int = Id
    data: dict[str, Any]


@action("delegates.update", permission="delegates.manage", input=UpdateDelegate)
def update_delegate(session: Session, *, actor: Actor, cmd: UpdateDelegate):
    delegate = services.get_delegate(session, cmd.congress_id, cmd.delegate_id)
    before = services.delegate_json(delegate)
    services.update_delegate(session, delegate=delegate, data=cmd.data)
    audit_note(session, previous={k: before.get(k) for k in cmd.data if k in before})
    return delegate


class DecideCredentials(Command):
    congress_id: int = Id
    delegate_id: int = Id
    status: Literal["accepted", "rejected", "pending"]
    reason: str = Field(default="", max_length=500)


@action("credentials.decide", permission="credentials.decide", input=DecideCredentials,
        summary=lambda d: d.credential_status)
def decide_credentials(session: Session, *, actor: Actor, cmd: DecideCredentials):
    delegate = services.get_delegate(session, cmd.congress_id, cmd.delegate_id)
    audit_note(session, previous=delegate.credential_status, name=delegate.full_name)
    services.decide_credentials(session, delegate=delegate, status=cmd.status, reason=cmd.reason,
                                user_id=actor.id)
    return delegate


class AcceptPending(Command):
    congress_id: int = Id


@action("credentials.accept_pending", permission="credentials.decide", input=AcceptPending,
        summary=lambda n: f"{n} người được công nhận")
def accept_pending(session: Session, *, actor: Actor, cmd: AcceptPending) -> int:
    """The congress voted the credentials report: everyone still pending is accepted at once."""
    get_congress(session, cmd.congress_id)
    pending = [d for d in services.list_delegates(session, cmd.congress_id)
               if d.credential_status == "pending"]
    for d in pending:
        services.decide_credentials(session, delegate=d, status="accepted", user_id=actor.id)
    audit_note(session, accepted=len(pending))
    return len(pending)


class PromoteAlternate(Command):
    congress_id: int = Id
    alternate_id: int = Id
    replaces_id: int = Id
    reason: str = Field(default="", max_length=500)


@action("credentials.promote_alternate", permission="credentials.decide", input=PromoteAlternate)
def promote_alternate(session: Session, *, actor: Actor, cmd: PromoteAlternate):
    alternate = services.get_delegate(session, cmd.congress_id, cmd.alternate_id)
    replaces = services.get_delegate(session, cmd.congress_id, cmd.replaces_id)
    services.promote_alternate(session, alternate=alternate, replaces=replaces, reason=cmd.reason,
                               user_id=actor.id)
    audit_note(session, alternate=alternate.full_name, replaces=replaces.full_name)
    return alternate, replaces


class CheckIn(Command):
    congress_id: int = Id
    delegate_id: int = Id
    # How the delegate was found: a card's QR or number (scan) or by hand (search / API).
    # A hand check-in during an open round is what the board's monitor shows (issue 10).
    method: Literal["qr", "card", "manual", "api", "id_card"] = "manual"


def _checkin_summary(result: CheckInResult) -> str:
    return "đã điểm danh trước đó" if result.already else "có mặt"


@action("attendance.check_in", permission="checkin", input=CheckIn, summary=_checkin_summary)
def check_in(session: Session, *, actor: Actor, cmd: CheckIn) -> CheckInResult:
    delegate = services.get_delegate(session, cmd.congress_id, cmd.delegate_id)
    audit_note(session, name=delegate.full_name, code=delegate.code)
    return services.check_in(session, delegate=delegate, user_id=actor.id)


class UndoCheckIn(Command):
    congress_id: int = Id
    delegate_id: int = Id


@action("attendance.undo_check_in", permission="checkin", input=UndoCheckIn)
def undo_check_in(session: Session, *, actor: Actor, cmd: UndoCheckIn):
    delegate = services.get_delegate(session, cmd.congress_id, cmd.delegate_id)
    audit_note(session, name=delegate.full_name, code=delegate.code)
    return services.undo_check_in(session, delegate=delegate, user_id=actor.id)


# --- importing a file through the mapping step (issue 15) ------------------------------------

class KeepRollUpload(Command):
    congress_id: int = Id
    filename: str = Field(default="", max_length=1000)
    data: bytes = Field(exclude=True, repr=False)      # the file itself never goes to the audit log


@action("roll.keep_upload", permission="delegates.manage", input=KeepRollUpload,
        summary=lambda upload: f"{len(upload.data)} B")
def keep_roll_upload(session: Session, *, actor: Actor, cmd: KeepRollUpload):
    """A list not recognised for sure waits in the database for the organizer's mapping."""
    from ..imports import services as imports_services
    return imports_services.keep_upload(session, congress_id=cmd.congress_id, user_id=actor.id, kind="roll",
                                        filename=cmd.filename, data=cmd.data)


class ImportRollFile(Command):
    congress_id: int = Id
    upload_id: str = Field(max_length=32)
    rows: list[dict[str, Any]] = Field(max_length=20000, exclude=True)   # the people: their ids are noted instead
    encoding: str = Field(default="unicode", max_length=10)
    signature: str = Field(max_length=64)
    fields: list[str] = Field(max_length=200)


@action("roll.import_file", permission="delegates.manage", input=ImportRollFile,
        summary=lambda made: f"{len(made)} người")
def import_roll_file(session: Session, *, actor: Actor, cmd: ImportRollFile):
    """All or nothing: the people, the column choices remembered for this file shape, and the
    waiting upload deleted, in one transaction."""
    from ..imports import services as imports_services
    congress = get_congress(session, cmd.congress_id)
    upload = imports_services.get_upload(session, congress_id=cmd.congress_id, upload_id=cmd.upload_id, kind="roll")
    made = services.add_delegates(session, congress=congress, rows=cmd.rows, row_offset=2)
    imports_services.remember_mapping(session, kind="roll", signature=cmd.signature, fields=cmd.fields)
    audit_note(session, filename=upload.filename, rows=len(cmd.rows), ids=[d.id for d in made][:50])
    imports_services.drop_upload(session, upload=upload)
    return made
