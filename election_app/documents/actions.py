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


class CreateJob(Command):
    congress_id: int = Field(gt=0, le=2**63 - 1)
    kind: str = Field(max_length=40)
    params: dict = Field(default_factory=dict)


def _job_summary(job) -> str:
    return f"tài liệu {job.kind} #{job.id[:8]}"


@action("documents.create_job", permission="documents.print", input=CreateJob, summary=_job_summary)
def create_job(session: Session, *, actor: Actor, cmd: CreateJob):
    """Queue a document. Cards with personal voting QRs issue new links to everyone on them
    (the old ones stop working): only those who manage the roll may, and the log says so."""
    from ..auth.permissions import PERMISSIONS
    from ..errors import Forbidden
    from . import jobs
    links = str(cmd.params.get("voting_links", "")).lower() in ("1", "true", "on", "yes")
    if links and actor.role not in PERMISSIONS["delegates.manage"]:
        raise Forbidden("Chỉ người quản lý danh sách đại biểu được cấp liên kết bỏ phiếu.")
    audit_note(session, voting_links=links, params={k: v for k, v in cmd.params.items() if k != "base_url"})
    return jobs.create_job(session, congress=get_congress(session, cmd.congress_id), kind=cmd.kind,
                           params=cmd.params)


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
    """Hand out a finished document; cards with personal voting QRs are handed out once and
    then deleted, so who collected them is in the log."""
    from . import jobs
    job = jobs.get_job(session, cmd.congress_id, cmd.job_id)
    audit_note(session, kind=job.kind)
    return jobs.take_result(session, job)
