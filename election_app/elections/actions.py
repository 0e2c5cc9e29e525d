"""The elections' use cases as actions through the one door: set-up, the candidate list,
the round lifecycle (open, strike off, bare count, close, further round) and paper entry.
The elections pages, the run-sheet and the JSON API call these and nothing else."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator, ConfigDict, Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..door import Actor, Command, Count, DbId, OptCount, action, blank_is_none
from ..errors import Conflict
from . import services as el
from .inputs import MAX_TEAMS, CandidateIn, Nomination, PaperBallotIn
from .models import BODY_LABELS



class ElectionRef(Command):
    congress_id: DbId | None = None
    election_id: DbId


def _election(session: Session, cmd: ElectionRef):
    return el.get_election(session, cmd.election_id, cmd.congress_id)


Body = Literal[tuple(BODY_LABELS)]  # type: ignore[valid-type]
# "strike": gạch tên; "yes_no": đồng ý / không đồng ý per name (a list without surplus only).
BallotType = Literal["strike", "yes_no"]
Seats = Field(le=10000)   # below 1 is the law's to refuse (RULES §4.1: seats_invalid)
Teams = Field(ge=1, le=MAX_TEAMS)
Title = Field(default="", max_length=300)


class CreateElection(Command):
    congress_id: DbId
    title: str = Title
    body: Body = "executive_committee"
    seats: int = Seats
    candidates: list[CandidateIn] = Field(default_factory=list, max_length=2000)
    entry_teams: int = Field(default=1, ge=1, le=MAX_TEAMS)
    follows_election_id: DbId | None = None
    ballot_type: BallotType = "strike"


@action("elections.create", permission="elections.manage", input=CreateElection,
        summary=lambda r: f"cuộc bầu #{r[0].id}")
def create_election(session: Session, *, actor: Actor, cmd: CreateElection):
    congress = get_congress(session, cmd.congress_id)
    return el.create_election(session, congress=congress, title=cmd.title, body=cmd.body, seats=cmd.seats,
                              candidates=cmd.candidates, entry_teams=cmd.entry_teams,
                              follows_election_id=cmd.follows_election_id, ballot_type=cmd.ballot_type)


# --- a candidate list from a file, through the mapping step (issue 15 §3–4) -----------------

class KeepCandidateUpload(Command):
    congress_id: DbId
    filename: str = Field(default="", max_length=1000)
    data: bytes = Field(exclude=True, repr=False)      # the file itself never goes to the audit log


@action("elections.keep_candidate_upload", permission="elections.manage", input=KeepCandidateUpload,
        summary=lambda upload: f"{len(upload.data)} B")
def keep_candidate_upload(session: Session, *, actor: Actor, cmd: KeepCandidateUpload):
    """A candidate list not recognised for sure (or in an old font) waits for the mapping step."""
    from ..imports import services as imports_services
    return imports_services.keep_upload(session, congress_id=cmd.congress_id, user_id=actor.id,
                                        kind="candidates", filename=cmd.filename, data=cmd.data)


class ImportCandidateFile(CreateElection):
    upload_id: str = Field(max_length=32)
    encoding: str = Field(default="unicode", max_length=10)
    signature: str = Field(max_length=64)
    fields: list[str] = Field(max_length=200)


@action("elections.import_candidate_file", permission="elections.manage", input=ImportCandidateFile,
        summary=lambda r: f"cuộc bầu #{r[0].id}")
def import_candidate_file(session: Session, *, actor: Actor, cmd: ImportCandidateFile):
    """All or nothing: the election with its whole list, the columns remembered for this file
    shape, and the waiting upload deleted, in one transaction."""
    from ..imports import services as imports_services
    congress = get_congress(session, cmd.congress_id)
    upload = imports_services.get_upload(session, congress_id=cmd.congress_id, upload_id=cmd.upload_id,
                                         kind="candidates")
    result = el.create_election(session, congress=congress, title=cmd.title, body=cmd.body, seats=cmd.seats,
                                candidates=cmd.candidates, entry_teams=cmd.entry_teams,
                                ballot_type=cmd.ballot_type)
    imports_services.remember_mapping(session, kind="candidates", signature=cmd.signature, fields=cmd.fields)
    audit_note(session, filename=upload.filename, encoding=cmd.encoding)
    imports_services.drop_upload(session, upload=upload)
    return result


class UpdateElection(ElectionRef):
    title: str | None = Field(default=None, max_length=300)
    seats: int | None = Field(default=None, le=10000)
    entry_teams: int | None = Field(default=None, ge=1, le=MAX_TEAMS)
    ballot_type: BallotType | None = None


@action("elections.update", permission="elections.manage", input=UpdateElection)
def update_election(session: Session, *, actor: Actor, cmd: UpdateElection):
    election = _election(session, cmd)
    audit_note(session, previous={"title": election.title, "seats": election.seats,
                                  "entry_teams": election.entry_teams, "ballot_type": election.ballot_type})
    return el.update_election(session, election=election, title=cmd.title, seats=cmd.seats,
                              entry_teams=cmd.entry_teams, ballot_type=cmd.ballot_type)


@action("elections.delete", permission="elections.manage", input=ElectionRef)
def delete_election(session: Session, *, actor: Actor, cmd: ElectionRef):
    election = _election(session, cmd)
    audit_note(session, title=election.title)
    el.delete_election(session, election=election)


class AlternatesByRanking(ElectionRef):
    # 0 or empty: the congress's vote withdrawn
    alternate_seats: Annotated[Annotated[int, Field(ge=0, le=el.MAX_ALTERNATES)] | None,
                               BeforeValidator(blank_is_none)] = None


@action("elections.set_alternates_by_ranking", permission="elections.manage", input=AlternatesByRanking,
        summary=lambda e: f"{e.alternate_seats or 0} đại biểu dự khuyết theo kết quả bầu")
def set_alternates_by_ranking(session: Session, *, actor: Actor, cmd: AlternatesByRanking):
    """The congress voted to take the alternates to the upper congress from the ranking of
    the official delegates' election (RULES §4.4), or withdrew that vote (0 / empty)."""
    election = _election(session, cmd)
    audit_note(session, previous=election.alternate_seats)
    return el.set_alternates_by_ranking(session, election=election, seats=cmd.alternate_seats)


class AddCandidate(ElectionRef, CandidateIn):
    model_config = ConfigDict(**Command.model_config, title="AddCandidate")


@action("elections.add_candidate", permission="elections.manage", input=AddCandidate,
        summary=lambda r: f"người #{r[0].id}")
def add_candidate(session: Session, *, actor: Actor, cmd: AddCandidate):
    person = CandidateIn.model_validate(cmd.model_dump(include=set(CandidateIn.model_fields)))
    return el.add_candidate(session, election=_election(session, cmd), person=person)


class CandidateChange(ElectionRef):
    candidate_id: DbId
    change: Literal["withdraw", "reinstate", "remove", "nomination"]
    reason: str = Field(default="", max_length=500)
    nomination: Nomination = "nominated"


@action("elections.change_candidate", permission="elections.manage", input=CandidateChange,
        summary=lambda r: r[0])
def change_candidate(session: Session, *, actor: Actor, cmd: CandidateChange):
    """Withdraw (rút tên, with its reason), reinstate, remove a mistyped row, or set ứng cử/đề cử."""
    election = _election(session, cmd)
    candidate = el.get_candidate(session, election, cmd.candidate_id)
    name = candidate.full_name
    audit_note(session, name=name)
    if cmd.change == "withdraw":
        return name, el.withdraw_candidate(session, election=election, candidate=candidate, reason=cmd.reason)
    if cmd.change == "reinstate":
        return name, el.reinstate_candidate(session, election=election, candidate=candidate)
    if cmd.change == "remove":
        el.remove_candidate(session, election=election, candidate=candidate)
        return name, el.candidate_warnings(session, election)
    audit_note(session, previous=candidate.nomination)
    el.set_nomination(session, election=election, candidate=candidate, nomination=cmd.nomination)
    return name, []


# --- the round's lifecycle -------------------------------------------------------------------

def _round_summary(r) -> str:
    return f"lần {r.number}: {r.status}" + (f", {r.outcome}" if getattr(r, "outcome", None) else "")


class SealedRoundRef(ElectionRef):
    # The board's passphrase for the sealed ballot box (issue 10): excluded from every dump,
    # so it never reaches the audit log.
    passphrase: str | None = Field(default=None, max_length=200, exclude=True)


@action("rounds.open", permission="elections.count", input=SealedRoundRef, summary=_round_summary)
def open_round(session: Session, *, actor: Actor, cmd: SealedRoundRef):
    audit_note(session, sealed_with="passphrase" if cmd.passphrase else "server key")
    return el.open_round(session, election=_election(session, cmd), passphrase=cmd.passphrase)


@action("rounds.close", permission="elections.count", input=SealedRoundRef, summary=_round_summary)
def close_round(session: Session, *, actor: Actor, cmd: SealedRoundRef):
    return el.close_round(session, election=_election(session, cmd), passphrase=cmd.passphrase)


class FurtherRound(ElectionRef):
    candidate_ids: list[DbId] = Field(default_factory=list, max_length=2000)
    seats: int = Seats


@action("rounds.create_further", permission="elections.count", input=FurtherRound, summary=_round_summary)
def create_further_round(session: Session, *, actor: Actor, cmd: FurtherRound):
    return el.create_further_round(session, election=_election(session, cmd), candidate_ids=cmd.candidate_ids,
                                   seats=cmd.seats)


class IssuePaper(ElectionRef):
    delegate_ids: list[DbId] = Field(min_length=1, max_length=5000)


@action("rounds.issue_paper", permission="elections.count", input=IssuePaper,
        summary=lambda ids: f"{len(ids)} phiếu giấy")
def issue_paper(session: Session, *, actor: Actor, cmd: IssuePaper):
    """Strike delegates off at the ballot desk (who received a paper ballot; never what they voted)."""
    return el.issue_paper(session, election=_election(session, cmd), delegate_ids=cmd.delegate_ids)


class BareCount(ElectionRef):
    issued: Count


@action("rounds.set_paper_issued", permission="elections.count", input=BareCount,
        summary=lambda r: f"{r.paper_issued} phiếu phát ra" if hasattr(r, "paper_issued") else "ok")
def set_paper_issued(session: Session, *, actor: Actor, cmd: BareCount):
    election = _election(session, cmd)
    current = el.current_round(session, election)
    audit_note(session, previous=getattr(current, "paper_issued", None))
    return el.set_paper_issued(session, election=election, issued=cmd.issued)


# --- paper ballot entry (what a ballot says is never written to the audit log) -------------

class EnterBallot(ElectionRef):
    team: int = Field(default=1, ge=1, le=3)
    number: Annotated[Annotated[int, Field(ge=1, le=100000)] | None, BeforeValidator(blank_is_none)] = None
    kept: list[DbId] = Field(default_factory=list, max_length=2000)
    # Agree/disagree ballots: the names whose "Không đồng ý" box is marked (``kept``: "Đồng ý").
    against: list[DbId] = Field(default_factory=list, max_length=2000)
    defect: str | None = Field(default=None, max_length=300)
    # The board's own words for a defect ("rách làm đôi"): kept with the entry, never in the
    # audit log (the log keeps the code "other"); the service checks length and characters.
    defect_text: str | None = Field(default=None, max_length=2000, exclude=True)


def _entry_summary(e) -> str:
    return f"tổ {e.team}, phiếu số {e.number}"


@action("paper.enter", permission="elections.count", input=EnterBallot, summary=_entry_summary)
def enter_paper_ballot(session: Session, *, actor: Actor, cmd: EnterBallot):
    r = el.current_round(session, _election(session, cmd))
    if r is None:
        raise Conflict("Chưa có lần bầu nào đang mở.")
    return el.enter_paper_ballot(session, round=r, team=cmd.team, number=cmd.number, kept=cmd.kept,
                                 defect=cmd.defect, defect_text=cmd.defect_text, user_id=actor.id,
                                 against=cmd.against)


class CorrectBallot(ElectionRef):
    team: int = Field(default=1, ge=1, le=3)
    number: int = Field(ge=1, le=100000)
    kept: list[DbId] = Field(default_factory=list, max_length=2000)
    # Agree/disagree ballots: the names whose "Không đồng ý" box is marked (``kept``: "Đồng ý").
    against: list[DbId] = Field(default_factory=list, max_length=2000)
    defect: str | None = Field(default=None, max_length=300)
    # The board's own words for a defect ("rách làm đôi"): kept with the entry, never in the
    # audit log (the log keeps the code "other"); the service checks length and characters.
    defect_text: str | None = Field(default=None, max_length=2000, exclude=True)
    reason: str = Field(default="", max_length=500)


@action("paper.correct", permission="elections.count", input=CorrectBallot, summary=_entry_summary)
def correct_paper_ballot(session: Session, *, actor: Actor, cmd: CorrectBallot):
    r = el.current_round(session, _election(session, cmd))
    if r is None:
        raise Conflict("Chưa có lần bầu nào đang mở.")
    return el.correct_paper_ballot(session, round=r, team=cmd.team, number=cmd.number, kept=cmd.kept,
                                   defect=cmd.defect, defect_text=cmd.defect_text, reason=cmd.reason,
                                   user_id=actor.id, against=cmd.against)


class VoidBallot(ElectionRef):
    team: int = Field(default=1, ge=1, le=3)
    number: int = Field(ge=1, le=100000)
    reason: str = Field(default="", max_length=500)


@action("paper.void", permission="elections.count", input=VoidBallot, summary=_entry_summary)
def void_paper_ballot(session: Session, *, actor: Actor, cmd: VoidBallot):
    r = el.current_round(session, _election(session, cmd))
    if r is None:
        raise Conflict("Chưa có lần bầu nào đang mở.")
    return el.void_paper_ballot(session, round=r, team=cmd.team, number=cmd.number, reason=cmd.reason,
                                user_id=actor.id)


class RecordBallots(ElectionRef):
    ballots: list[PaperBallotIn] = Field(max_length=5000)
    issued: OptCount = None
    team: int = Field(default=1, ge=1, le=MAX_TEAMS)


@action("paper.record_batch", permission="elections.count", input=RecordBallots,
        summary=lambda n: f"{n} phiếu giấy")
def record_paper_ballots(session: Session, *, actor: Actor, cmd: RecordBallots):
    """A batch of paper ballots from the API (contents never reach the audit log)."""
    return el.record_paper_ballots(session, election=_election(session, cmd), ballots=cmd.ballots,
                                   issued=cmd.issued, team=cmd.team, user_id=actor.id)
