"""The documents feature's staff actions through the one door (STYLE §10)."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..delegates.absence import REASON_MAX, set_absence_reasons
from ..door import Actor, Command, OptDbId, action, blank_is_none
from .jobs import KINDS, MAX_COPIES


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




class JobParams(BaseModel):
    """What a document needs besides its kind (an election's, a ballot's copies, which cards)."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True,
                              title="DocumentJobParams")
    election_id: OptDbId = None
    round: Annotated[Annotated[int, Field(ge=1, le=1000)] | None, BeforeValidator(blank_is_none)] = None
    copies: Annotated[Annotated[int, Field(ge=1, le=MAX_COPIES)] | None, BeforeValidator(blank_is_none)] = None
    voting_links: Annotated[bool, BeforeValidator(lambda v: False if v in (None, "") else v)] = False
    # cards printed again keep the links handed out, unless the organizer chooses, and
    # confirms, new links for everyone on them (issue 13 §5)
    reissue_links: Annotated[bool, BeforeValidator(lambda v: False if v in (None, "") else v)] = False
    confirm_reissue: Annotated[bool, BeforeValidator(lambda v: False if v in (None, "") else v)] = False
    # card numbers: a list, or one text "001, 002; 003"
    codes: list[Annotated[str, Field(max_length=40)]] | Annotated[str, Field(max_length=100000)] | None = \
        Field(default=None, max_length=20000)


class CreateJob(Command):
    congress_id: int = Field(gt=0, le=2**63 - 1)
    kind: Literal[tuple(KINDS)]  # type: ignore[valid-type]
    params: JobParams = Field(default_factory=JobParams)
    # the address printed in voting QRs: the server's, never the client's
    base_url: SkipJsonSchema[str] = Field(default="", max_length=2000, exclude=True)


def _job_summary(job) -> str:
    return f"tài liệu {job.kind} #{job.id[:8]}"


@action("documents.create_job", permission="documents.print", input=CreateJob, summary=_job_summary)
def create_job(session: Session, *, actor: Actor, cmd: CreateJob):
    """Queue a document. Cards with personal voting QRs print each delegate's current link
    (a new one only for those who have none); ``reissue_links`` with ``confirm_reissue``
    gives everyone on them a new link (the old ones stop working). Only those who manage
    the roll may, and the log says so."""
    from ..auth.permissions import PERMISSIONS
    from ..errors import Forbidden, ValidationFailed
    from . import jobs
    links = cmd.params.voting_links
    if links and actor.role not in PERMISSIONS["delegates.manage"]:
        raise Forbidden("Chỉ người quản lý danh sách đại biểu được cấp liên kết bỏ phiếu.")
    if links and cmd.params.reissue_links and not cmd.params.confirm_reissue:
        raise ValidationFailed(
            "Cấp lại liên kết làm mọi liên kết bỏ phiếu đã phát của những người này hết hiệu lực: hãy đánh dấu ô "
            "xác nhận nếu đúng là muốn cấp lại. Chưa tạo thẻ.",
            [{"field": "confirm_reissue", "message": "Cần xác nhận cấp lại liên kết."}])
    audit_note(session, voting_links=links, reissue_links=bool(links and cmd.params.reissue_links))
    return jobs.create_job(session, congress=get_congress(session, cmd.congress_id), kind=cmd.kind,
                           params={**cmd.params.model_dump(exclude_none=True), "base_url": cmd.base_url})


class ResolutionText(Command):
    congress_id: int = Field(gt=0, le=2**63 - 1)
    text: str = Field(default="", max_length=200000)


@action("documents.save_resolution", permission="documents.edit", input=ResolutionText)
def save_resolution(session: Session, *, actor: Actor, cmd: ResolutionText):
    from . import services
    congress = get_congress(session, cmd.congress_id)
    audit_note(session, chars=len(cmd.text), text=None, was_edited=congress.resolution_text is not None)
    services.save_resolution_text(session, congress=congress, text=cmd.text)


class CongressOnly(Command):
    congress_id: int = Field(gt=0, le=2**63 - 1)


@action("documents.reset_resolution", permission="documents.edit", input=CongressOnly)
def reset_resolution(session: Session, *, actor: Actor, cmd: CongressOnly):
    from . import services
    services.reset_resolution_text(session, congress=get_congress(session, cmd.congress_id))


class TakeResult(Command):
    congress_id: int = Field(gt=0, le=2**63 - 1)
    job_id: str = Field(max_length=64)


@action("documents.download", permission="documents.print", input=TakeResult,
        summary=lambda produced: produced.filename)
def take_result(session: Session, *, actor: Actor, cmd: TakeResult):
    """Hand out a finished document. Cards with personal voting QRs stay (sealed) and can be
    downloaded again, by those who manage the roll only; every download is in the log."""
    import json

    from ..auth.permissions import PERMISSIONS
    from ..errors import Forbidden
    from . import jobs
    job = jobs.get_job(session, cmd.congress_id, cmd.job_id)
    links = bool(json.loads(job.params or "{}").get("voting_links"))
    if links and actor.role not in PERMISSIONS["delegates.manage"]:
        raise Forbidden("Thẻ có mã QR bỏ phiếu cá nhân chỉ người quản lý danh sách đại biểu được tải.")
    audit_note(session, kind=job.kind, voting_links=links)
    return jobs.take_result(session, job)
