"""E-voting staff actions through the one door (issue 9's unit of work, audited): issuing
and reissuing personal voting links (with the two-person rule), the congress's link policy,
printing anonymous slips and striking a delegate off for a slip. The audit entry names the
account, the congress, the delegate or the election, never a token. Casting a ballot is not
a staff action and is never audited (RULES §5)."""
from __future__ import annotations

from pydantic import Field
from sqlalchemy.orm import Session

from ..audit import audit_note
from ..congress.services import get_congress
from ..delegates.services import get_delegate
from ..door import Actor, Command, DbId, action
from ..elections import services as elections
from ..errors import Conflict
from . import services

class IssueLink(Command):
    congress_id: DbId
    delegate_id: DbId


def _link_summary(result) -> str:
    token, pending = result[1], result[2]
    return f"chờ tài khoản thứ hai xác nhận (đề nghị #{pending.id})" if token is None else "đã cấp"


@action("voting.issue_link", permission="delegates.manage", input=IssueLink, summary=_link_summary)
def issue_link(session: Session, *, actor: Actor, cmd: IssueLink):
    """One delegate's link, or a pending request under the two-person rule: (delegate,
    token or None, request or None)."""
    delegate = get_delegate(session, cmd.congress_id, cmd.delegate_id)
    audit_note(session, name=delegate.full_name, code=delegate.code,
               reissue=delegate.voting_token_hash is not None)
    token, pending = services.request_voting_link(session, delegate=delegate, actor_id=actor.id)
    return delegate, token, pending


class IssueLinks(Command):
    congress_id: DbId
    delegate_ids: list[DbId] = Field(min_length=1, max_length=20000)


@action("voting.issue_links", permission="delegates.manage", input=IssueLinks,
        summary=lambda issued: f"{len(issued)} liên kết")
def issue_links(session: Session, *, actor: Actor, cmd: IssueLinks) -> dict[int, str]:
    congress = get_congress(session, cmd.congress_id)
    return services.issue_voting_links(session, congress=congress, delegate_ids=cmd.delegate_ids,
                                       actor_id=actor.id)


class ConfirmLink(Command):
    congress_id: DbId
    request_id: DbId


@action("voting.confirm_link", permission="delegates.manage", input=ConfirmLink,
        summary=lambda r: f"đã cấp lại cho {r[0].full_name}")
def confirm_link(session: Session, *, actor: Actor, cmd: ConfirmLink):
    congress = get_congress(session, cmd.congress_id)
    return services.confirm_link_request(session, congress=congress, request_id=cmd.request_id,
                                         actor_id=actor.id)


class SetPolicy(Command):
    congress_id: DbId
    two_person_reissue: bool


@action("voting.set_policy", permission="delegates.manage", input=SetPolicy,
        summary=lambda on: "quy tắc hai người: bật" if on else "quy tắc hai người: tắt")
def set_policy(session: Session, *, actor: Actor, cmd: SetPolicy) -> bool:
    congress = get_congress(session, cmd.congress_id)
    return services.set_two_person_reissue(session, congress=congress, enabled=cmd.two_person_reissue)


class GenerateSlips(Command):
    congress_id: DbId | None = None
    election_id: DbId
    count: int = Field(ge=1, le=services.MAX_SLIPS_PER_BATCH)


@action("voting.generate_slips", permission="elections.count", input=GenerateSlips,
        summary=lambda out: f"{len(out[1])} phiếu QR")
def generate_slips(session: Session, *, actor: Actor, cmd: GenerateSlips):
    """(round, tokens): the tokens go to the printer only, never to the log."""
    election = elections.get_election(session, cmd.election_id, cmd.congress_id)
    rnd = elections.current_round(session, election)
    if rnd is None:
        raise Conflict("Cuộc bầu cử chưa có lần bầu nào: hãy mở lần bầu trước khi in phiếu QR.")
    return rnd, services.generate_slips(session, round=rnd, count=cmd.count, actor_id=actor.id)


class IssueSlips(Command):
    congress_id: DbId | None = None
    election_id: DbId
    delegate_ids: list[DbId] = Field(min_length=1, max_length=5000)


@action("voting.issue_slips", permission="elections.count", input=IssueSlips,
        summary=lambda people: ", ".join(d.full_name for d in people) + " nhận phiếu QR")
def issue_slips(session: Session, *, actor: Actor, cmd: IssueSlips):
    """Strike delegates off at the ballot desk for an anonymous slip (all or nothing)."""
    election = elections.get_election(session, cmd.election_id, cmd.congress_id)
    rnd = elections.current_round(session, election)
    if rnd is None:
        raise Conflict("Cuộc bầu cử chưa có lần bầu nào đang mở.", code="round_not_open")
    people = []
    for did in cmd.delegate_ids:
        delegate = get_delegate(session, election.congress_id, did)
        services.issue_slip(session, round=rnd, delegate=delegate, actor_id=actor.id)
        people.append(delegate)
    return people
