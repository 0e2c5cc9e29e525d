"""Show-of-hands votes (biểu quyết) as actions: the motions page, the run-sheet and the API
all record a result through ``record_result``; re-recording keeps the old numbers in the log."""
from __future__ import annotations

from pydantic import AliasChoices, Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..door import Actor, Command, DbId, OptCount, action
from . import services as mo

class CreateMotion(Command):
    congress_id: DbId
    title: str = Field(default="", max_length=400)


@action("motions.create", permission="motions.record", input=CreateMotion,
        summary=lambda m: f"biểu quyết #{m.id}")
def create_motion(session: Session, *, actor: Actor, cmd: CreateMotion):
    return mo.create_motion(session, congress=get_congress(session, cmd.congress_id), title=cmd.title)


class EnsureStandard(Command):
    congress_id: DbId


@action("motions.ensure_standard", permission="motions.record", input=EnsureStandard,
        summary=lambda made: f"{len(made)} nội dung")
def ensure_standard_motions(session: Session, *, actor: Actor, cmd: EnsureStandard):
    return mo.ensure_standard_motions(session, congress=get_congress(session, cmd.congress_id))


class RecordResult(Command):
    congress_id: DbId | None = None
    motion_id: DbId | None = None
    standard_code: str | None = Field(default=None, max_length=40)   # a standard motion, made on first record
    agree: OptCount = None
    disagree: OptCount = None
    # "abstain" in the API is our "other" (ý kiến khác)
    other: OptCount = Field(default=None, validation_alias=AliasChoices("abstain", "other"))


def _result_summary(m) -> str:
    return f"{m.agree}/{m.present_at_vote} tán thành: " + ("thông qua" if m.passed else "không thông qua")


@action("motions.record_result", permission="motions.record", input=RecordResult, summary=_result_summary)
def record_result(session: Session, *, actor: Actor, cmd: RecordResult):
    if cmd.standard_code:
        motion = mo.standard_motion(session, congress=get_congress(session, cmd.congress_id),
                                    code=cmd.standard_code)
    else:
        motion = mo.get_motion(session, cmd.motion_id or 0, cmd.congress_id)
    if motion.agree is not None:
        audit_note(session, previous={"agree": motion.agree, "disagree": motion.disagree,
                                      "other": motion.other, "present": motion.present_at_vote})
    audit_note(session, title=motion.title)
    return mo.record_motion_result(session, motion=motion, agree=cmd.agree, disagree=cmd.disagree,
                                   other=cmd.other, user_id=actor.id)
