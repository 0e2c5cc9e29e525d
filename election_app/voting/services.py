"""Secret electronic voting (RULES §4.2, §4.5, §5): personal voting links, anonymous
one-time slips, casting a ballot, live turnout, and the publication of receipts and
ballots after a round closes.

The contract with the counting code (elections.services): while the round is open an
electronic ballot is one ``SealedBallot`` row (random id, the round, the sorted kept
candidate ids and the receipt code, padded and encrypted to the round's public key: see
box.py), written in the same transaction as the voter's strike-off: a
``RoundParticipation`` row (method ``electronic``) for a personal link, or the slip marked
used for an anonymous slip (the delegate was struck off at the ballot desk with method
``slip``). The participation primary key is the rule "one delegate, one ballot per
round", across paper and phone. At close the box is opened and the ``Ballot`` and
``Receipt`` rows are written in random order (elections.services.close_round).

The receipt code is derived from the voter's token and the round (tokens.receipt_for):
the voter's page shows it again after a lost answer, and nothing stored links the voter
to it. Nothing here links a ballot to its voter: the sealed row has no delegate, time,
serial number or address and its content is unreadable without the round's key; reads
are ordered by content."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..db import HotStatement
from ..delegates.models import Delegate
from ..elections import services as elections
from ..elections.models import (CredentialEvent, Election, Receipt, Round, RoundParticipation, SealedBallot,
                                VotingPolicy)
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..rules import BallotError, judge_ballot, judge_yes_no_ballot
from ..elections import ballot_batch, box
from . import tokens
from .models import VotingSlip

INVALID_TOKEN_MESSAGE = ("Liên kết bỏ phiếu không hợp lệ hoặc đã được thay thế bằng liên kết mới. "
                         "Vui lòng liên hệ Ban bầu cử.")
MAX_SLIPS_PER_BATCH = 2000

METHOD_STATUS = {
    "electronic": "Đã bỏ phiếu",
    "paper": "Đã nhận phiếu giấy",
    "slip": "Đã nhận phiếu QR ẩn danh",
}


class InvalidCredential(Forbidden):
    """Unknown, malformed or replaced token. One message for all: the answer must not
    tell a guesser whether a token ever existed."""
    code = "invalid_token"

    def __init__(self):
        super().__init__(INVALID_TOKEN_MESSAGE)


# --- personal voting links -------------------------------------------------------------

def issue_voting_link(session: Session, *, delegate: Delegate, secret: str | None = None,
                      actor_id: int | None = None, confirmed_by: int | None = None) -> str:
    """A new personal token for ``delegate``; any earlier link stops working. Returns the
    token (shown once: only its keyed hash is stored). Leaves a ``CredentialEvent`` (who,
    when, a first link or a reissue, during an open round or not)."""
    reissue = delegate.voting_token_hash is not None
    token = tokens.new_token()
    delegate.voting_token_hash = tokens.hash_token(token, purpose=tokens.PURPOSE_LINK, secret=secret)
    delegate.voting_token_box = tokens.seal_link(token, delegate_id=delegate.id, secret=secret)
    session.add(CredentialEvent(congress_id=delegate.congress_id, delegate_id=delegate.id,
                                kind="link_reissued" if reissue else "link_issued",
                                in_open_round=round_open_in(session, congress_id=delegate.congress_id),
                                user_id=actor_id, confirmed_by=confirmed_by))
    session.flush()
    return token


def round_open_in(session: Session, *, congress_id: int) -> bool:
    return session.scalar(select(func.count()).select_from(Round).join(Election, Election.id == Round.election_id)
                          .where(Election.congress_id == congress_id, Round.status == "open")) > 0


def two_person_reissue(session: Session, *, congress_id: int) -> bool:
    policy = session.get(VotingPolicy, congress_id)
    return bool(policy and policy.two_person_reissue)


def set_two_person_reissue(session: Session, *, congress: Congress, enabled: bool) -> bool:
    policy = session.get(VotingPolicy, congress.id)
    if policy is None:
        policy = VotingPolicy(congress_id=congress.id)
        session.add(policy)
    policy.two_person_reissue = enabled
    session.flush()
    return enabled


def _needs_second_account(session: Session, delegate: Delegate) -> bool:
    return (delegate.voting_token_hash is not None
            and two_person_reissue(session, congress_id=delegate.congress_id)
            and round_open_in(session, congress_id=delegate.congress_id))


def request_voting_link(session: Session, *, delegate: Delegate, actor_id: int | None,
                        secret: str | None = None) -> tuple[str | None, CredentialEvent | None]:
    """Issue one delegate's link (the pages' and the API's door), or, when the two-person
    rule is on, a round is open and the delegate already has a link, record a pending
    request that another account must confirm: (None, the request)."""
    if _needs_second_account(session, delegate):
        pending = session.scalar(select(CredentialEvent).where(
            CredentialEvent.delegate_id == delegate.id, CredentialEvent.status == "pending"))
        if pending is None:
            pending = CredentialEvent(congress_id=delegate.congress_id, delegate_id=delegate.id,
                                      kind="link_reissued", status="pending", in_open_round=True,
                                      user_id=actor_id)
            session.add(pending)
            session.flush()
        return None, pending
    return issue_voting_link(session, delegate=delegate, secret=secret, actor_id=actor_id), None


def confirm_link_request(session: Session, *, congress: Congress, request_id, actor_id: int | None,
                         secret: str | None = None) -> tuple[Delegate, str]:
    """A second account confirms a pending reissue: the link is issued now and shown to the
    confirming account only. The account that asked cannot confirm its own request."""
    try:
        rid = int(request_id)
    except (TypeError, ValueError):
        raise NotFound("Không tìm thấy yêu cầu cấp lại liên kết.")
    req = session.get(CredentialEvent, rid)
    if req is None or req.congress_id != congress.id or req.kind != "link_reissued":
        raise NotFound("Không tìm thấy yêu cầu cấp lại liên kết.")
    if req.status != "pending":
        raise Conflict("Yêu cầu này đã được xử lý.", code="not_pending")
    if actor_id is None or actor_id == req.user_id:
        raise Forbidden("Quy tắc hai người: tài khoản đã đề nghị cấp lại liên kết không tự xác nhận được; "
                        "cần một tài khoản khác xác nhận.", code="same_account")
    claimed = session.execute(update(CredentialEvent).where(CredentialEvent.id == req.id,
                                                            CredentialEvent.status == "pending")
                              .values(status="cancelled").execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Conflict("Yêu cầu này đã được xử lý.", code="not_pending")
    delegate = session.get(Delegate, req.delegate_id)
    token = issue_voting_link(session, delegate=delegate, secret=secret, actor_id=req.user_id,
                              confirmed_by=actor_id)
    return delegate, token


def pending_link_requests(session: Session, *, congress: Congress) -> list[CredentialEvent]:
    return list(session.scalars(select(CredentialEvent).where(
        CredentialEvent.congress_id == congress.id, CredentialEvent.status == "pending")
        .order_by(CredentialEvent.at)))


def issue_voting_links(session: Session, *, congress: Congress, delegate_ids: list[int], secret: str | None = None,
                       actor_id: int | None = None) -> dict[int, str]:
    """Issue (or re-issue) the links of several delegates of ``congress`` at once, e.g. for
    printing delegate cards. All or nothing: an id not on this congress's roll → 422; a
    reissue while a round is open under the two-person rule → 409 (one by one, confirmed)."""
    ids = list(dict.fromkeys(delegate_ids))
    found = {d.id: d for d in session.scalars(
        select(Delegate).where(Delegate.congress_id == congress.id, Delegate.id.in_(ids)))} if ids else {}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(
            "Có mã đại biểu không thuộc đại hội này; chưa cấp liên kết nào.",
            [{"field": "delegate_ids", "message": f"Không có đại biểu mã {i} trong đại hội."} for i in missing])
    if any(_needs_second_account(session, found[i]) for i in ids):
        raise Conflict("Đang có lần bầu mở và đại hội áp dụng quy tắc hai người: liên kết đã cấp chỉ được cấp lại "
                       "từng người một, có tài khoản thứ hai xác nhận. Chưa cấp liên kết nào.",
                       code="two_person_rule")
    secret = secret if secret is not None else tokens.current_secret()
    return {i: issue_voting_link(session, delegate=found[i], secret=secret, actor_id=actor_id) for i in ids}


def revoke_voting_link(session: Session, *, delegate: Delegate) -> None:
    delegate.voting_token_hash = None
    delegate.voting_token_box = None
    session.flush()


def card_voting_links(session: Session, *, congress: Congress, delegate_ids, reissue: bool = False,
                      secret: str | None = None, actor_id: int | None = None) -> tuple[dict[int, str], int]:
    """The links to print on delegate cards (issue 13 §5): by default each delegate's current
    link, recovered from its sealed copy, so printing cards again kills nothing handed out;
    a new link only for those who have none (or whose link cannot be recovered: issued
    before links were kept, or under another SECRET_KEY). ``reissue`` (the organizer's
    explicit, confirmed choice) gives everyone a new link. Returns ({id: token}, how many
    were newly issued)."""
    secret = secret if secret is not None else tokens.current_secret()
    ids = list(dict.fromkeys(int(i) for i in delegate_ids))
    people = {d.id: d for d in session.scalars(
        select(Delegate).where(Delegate.congress_id == congress.id, Delegate.id.in_(ids)))} if ids else {}
    kept: dict[int, str] = {}
    if not reissue:
        for i in ids:
            d = people.get(i)
            token = d and tokens.open_link(d.voting_token_box, delegate_id=d.id,
                                           expected_hash=d.voting_token_hash, secret=secret)
            if token:
                kept[i] = token
    fresh = issue_voting_links(session, congress=congress, delegate_ids=[i for i in ids if i not in kept],
                               secret=secret, actor_id=actor_id) if len(kept) < len(ids) else {}
    return {i: kept.get(i) or fresh[i] for i in ids}, len(fresh)


# --- who is voting ---------------------------------------------------------------------

@dataclass
class Voter:
    """The holder of a valid token: a delegate (personal link) or an anonymous slip.
    ``person``: what casting needs of the delegate (id, name, what makes them eligible), read
    with the token; the delegate and congress rows are loaded only when asked for."""
    kind: str                       # "link" | "slip"
    congress_id: int
    session: Session
    person: object | None = None    # a row: id, full_name, category, promoted_at, credential_status, ...
    slip: VotingSlip | None = None
    slip_round: Round | None = None
    # (election id, elections.BallotTarget or None) read with the token when the request names
    # the election it casts into (the API's ballot): one query less per ballot
    target: tuple | None = None

    @property
    def congress(self) -> Congress:
        return self.session.get(Congress, self.congress_id)

    @property
    def delegate(self) -> Delegate | None:
        return self.session.get(Delegate, self.person.id) if self.person is not None else None


_PERSON = (Delegate.id, Delegate.congress_id, Delegate.full_name, Delegate.code, Delegate.category,
           Delegate.promoted_at, Delegate.credential_status, Delegate.is_replaced, Delegate.checked_in_at)
_BY_LINK = select(*_PERSON).where(Delegate.voting_token_hash == bindparam("digest"))
_GUARDED: dict[tuple, object] = {}


def _guarded_statement(guard_expr, with_target: bool) -> HotStatement:
    """The token's lookup with the guard (and the ballot's target), built once per guard."""
    stmt = _GUARDED.get((id(guard_expr), with_target))
    if stmt is None:
        stmt = (select(*_PERSON, guard_expr.label("limited"))
                .select_from(select(literal(1).label("one")).subquery())
                .outerjoin(Delegate, Delegate.voting_token_hash == bindparam("digest")))
        if with_target:
            stmt = elections.with_ballot_target(stmt)
        stmt = _GUARDED[(id(guard_expr), with_target)] = HotStatement(stmt)
    return stmt


def prepare_ballot(session: Session, *, guard_expr) -> None:
    """Compile, once per process, the statements of a ballot cast behind ``guard_expr``
    (nothing is executed): the first ballots of a burst then do not each pay ~10 ms of
    SQL compiling while the others wait (issue 17 §1). Called when a voter's token is read
    for their page, before they vote."""
    dialect = session.get_bind().dialect
    for stmt in (_guarded_statement(guard_expr, True), *elections.ballot_write_statements(dialect.name)):
        stmt.prepare(dialect)


def _check_guard(session: Session, guard) -> None:
    if session.execute(select(guard[0]), guard[1]).scalar():
        raise guard[2]


def resolve_voter(session: Session, *, token: str, kind: str | None = None, secret: str | None = None,
                  guard=None, election_id: int | None = None) -> Voter:
    """The voter a token stands for. ``kind`` "link" or "slip" restricts the lookup
    (pages ``/v/`` and ``/s/``); None tries both (the API). Raises ``InvalidCredential``
    (403, one message) for anything that is not a current token.

    ``guard``: (a SQL truth value, its parameters, the error to raise when it is true), e.g.
    the failed-attempt limit. It is read before any answer, whatever the token: in the same
    query as a personal link (one query per ballot, not two), else on its own. With
    ``election_id`` (and a guard), the election a ballot is cast into is read in that query
    too (``Voter.target``)."""
    if guard is not None and not tokens.looks_like_token(token):
        _check_guard(session, guard)
    if not tokens.looks_like_token(token):
        raise InvalidCredential()
    secret = secret if secret is not None else tokens.current_secret()
    if kind in (None, "link"):
        digest = tokens.hash_token(token, purpose=tokens.PURPOSE_LINK, secret=secret)
        conn = session.connection()
        if guard is None:
            row = conn.execute(_BY_LINK, {"digest": digest}).first()
        else:
            with_target = election_id is not None
            stmt = _guarded_statement(guard[0], with_target)
            params = {"digest": digest, **guard[1]}
            if with_target:
                params["eid"] = election_id
            row = stmt.run(conn, params)[0]      # one row, whatever the token (outer joined)
            if row.limited:
                raise guard[2]
            if row.id is not None and with_target:
                return Voter(kind="link", congress_id=row.congress_id, session=session, person=row,
                             target=(election_id, elections.ballot_target_of(row)))
            row = None if row.id is None else row
        if row is not None:
            return Voter(kind="link", congress_id=row.congress_id, session=session, person=row)
    elif guard is not None:
        _check_guard(session, guard)
    if kind in (None, "slip"):
        digest = tokens.hash_token(token, purpose=tokens.PURPOSE_SLIP, secret=secret)
        slip = session.get(VotingSlip, digest)
        if slip is not None:
            rnd = session.get(Round, slip.round_id)
            election = session.get(Election, rnd.election_id)
            return Voter(kind="slip", congress_id=election.congress_id, session=session, slip=slip,
                         slip_round=rnd)
    raise InvalidCredential()


def participation_method(session: Session, *, round_id: int, delegate_id: int) -> str | None:
    return session.scalar(select(RoundParticipation.method).where(
        RoundParticipation.round_id == round_id, RoundParticipation.delegate_id == delegate_id))


@dataclass
class BallotChoice:
    """One open round as the voter's page shows it."""
    election: Election
    round: Round
    candidates: list        # [{"id", "number", "full_name", "position", "unit"}] in ballot order
    status: str | None      # None: may vote; else a status text (Đã bỏ phiếu, ...)
    method: str | None      # participation method, or "slip_used"
    refusal: str | None = None   # why this voter may not vote (not checked in, ...)
    receipt: str | None = None   # the receipt of the ballot this voter cast in the round (derived)

    @property
    def can_vote(self) -> bool:
        return self.status is None and self.refusal is None


def ballot_candidates(session: Session, *, round: Round) -> list[dict]:
    """The round's list in ballot order, as plain data (from the elections service)."""
    return [{"id": c.id, "number": rc.ballot_number, "full_name": c.full_name,
             "position": c.position or "", "unit": c.unit or ""}
            for rc, c in elections.round_candidates(session, round)]


def open_rounds(session: Session, *, congress: Congress) -> list[tuple[Election, Round]]:
    """Every election of the congress whose current round is open, in the elections' order."""
    rows = session.execute(
        select(Election, Round).join(Round, Round.election_id == Election.id)
        .where(Election.congress_id == congress.id, Round.status == "open")
        .order_by(Election.position, Election.id, Round.number)).all()
    return [(e, r) for e, r in rows]


def voter_ballots(session: Session, *, voter: Voter, token: str | None = None,
                  secret: str | None = None) -> list[BallotChoice]:
    """What the voter's page shows: each open round they may see, with their status, and
    (given the voter's ``token``) the receipt of a ballot they already cast electronically
    in it, derived again: an answer lost after the commit costs the voter nothing."""
    if voter.kind == "slip":
        rnd = voter.slip_round
        if rnd.status != "open":
            return []
        election = session.get(Election, rnd.election_id)
        status = "Phiếu QR này đã được sử dụng" if voter.slip.is_used else None
        receipt = voter_receipt(voter, rnd, token=token, secret=secret) if voter.slip.is_used and token else None
        # A surplus slip is refused before the ballot is filled, not after (issue 13 §6).
        refusal = None if voter.slip.is_used else slip_surplus(session, round=rnd)
        return [BallotChoice(election, rnd, ballot_candidates(session, round=rnd), status,
                             "slip_used" if voter.slip.is_used else None, refusal=refusal, receipt=receipt)]
    refusal = elections.voter_may_receive_ballot(voter.person)
    out = []
    for election, rnd in open_rounds(session, congress=voter.congress):
        method = participation_method(session, round_id=rnd.id, delegate_id=voter.person.id)
        receipt = voter_receipt(voter, rnd, token=token, secret=secret) \
            if method == "electronic" and token else None
        out.append(BallotChoice(election, rnd, ballot_candidates(session, round=rnd),
                                METHOD_STATUS.get(method) if method else None, method,
                                refusal if not method else None, receipt=receipt))
    return out


# --- the phone page's live version (issue 13 §4) -----------------------------------------

_LIVE_TTL = 0.3            # seconds a process keeps a congress's version (well under the 2 s promise)


def phone_live_version(session: Session, *, congress_id: int, ttl: float = _LIVE_TTL,
                       cache: dict | None = None) -> str:
    """What the delegate's phone page depends on, as one short opaque string: the open rounds
    of the congress (id and number) and the agenda item on the floor. Two indexed queries;
    with ``cache`` (a dict the caller keeps per app) the value is kept ``ttl`` seconds, so a
    thousand phones polling cost a few queries a second. Nothing about any delegate or
    ballot: the same value for every phone of the congress."""
    import hashlib
    import time
    now = time.monotonic()
    hit = cache.get(congress_id) if cache is not None else None
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    row = session.execute(select(Congress.current_agenda_item_id).where(Congress.id == congress_id)).first()
    if row is None:
        raise NotFound("Không tìm thấy đại hội.")
    current = row[0]
    rounds = session.execute(
        select(Round.id, Round.number).join(Election, Election.id == Round.election_id)
        .where(Election.congress_id == congress_id, Round.status == "open")
        .order_by(Round.id)).all()
    raw = f"{current}|" + ",".join(f"{r}:{n}" for r, n in rounds)
    version = hashlib.sha256(raw.encode()).hexdigest()[:12]
    if cache is not None:
        if len(cache) > 1000:
            cache.clear()
        cache[congress_id] = (now, version)
    return version


# --- casting ---------------------------------------------------------------------------

_take_write_lock = elections._take_write_lock
lock_round = elections.lock_round


def _clean_ids(values, *, candidate_ids: list[int], field: str) -> list[int]:
    if not isinstance(values, (list, tuple)):
        raise ValidationFailed(f"Trường «{field}» phải là danh sách mã ứng cử viên.",
                               [{"field": field, "message": "Cần một danh sách (có thể rỗng)."}])
    ids: list[int] = []
    for raw in values:
        if isinstance(raw, bool):
            raise ValidationFailed("Mã ứng cử viên không hợp lệ.",
                                   [{"field": field, "message": f"«{raw}» không phải mã ứng cử viên."}])
        try:
            value = int(raw)
            if isinstance(raw, float) or str(value) != str(raw):
                raise ValueError
        except (TypeError, ValueError):
            raise ValidationFailed("Mã ứng cử viên không hợp lệ.",
                                   [{"field": field, "message": f"«{raw}» không phải mã ứng cử viên."}])
        ids.append(value)
    unknown = [i for i in ids if i not in candidate_ids]
    if unknown:
        raise ValidationFailed(
            "Phiếu có tên không nằm trong danh sách bầu cử của lần bầu này.",
            [{"field": field, "message": f"Mã {i} không có trong danh sách bầu cử."} for i in unknown])
    if len(set(ids)) != len(ids):
        raise ValidationFailed("Mỗi tên chỉ được ghi một lần.",
                               [{"field": field, "message": "Có tên bị ghi lặp."}])
    return ids


def clean_against(kept: list[int], against, *, candidate_ids: list[int]) -> list[int]:
    """An agree/disagree ballot: the names disagreed, distinct, on this ballot, none also
    agreed (on the phone a name is agreed, disagreed or left blank). Sorted ids."""
    ids = _clean_ids(against, candidate_ids=candidate_ids, field="against")
    both = sorted(set(ids) & set(kept))
    if both:
        raise ValidationFailed("Mỗi tên chỉ chọn một trong hai: «Đồng ý» hoặc «Không đồng ý» (hoặc để trống).",
                               [{"field": "against", "message": f"Mã {i} vừa đồng ý vừa không đồng ý."}
                                for i in both])
    return sorted(ids)


def clean_kept(kept, *, candidate_ids: list[int], seats: int) -> list[int]:
    """Validate what the voter kept: a list of distinct candidate ids on this ballot, no
    more than the seats. Returns the sorted ids. Raises ValidationFailed (422)."""
    if not isinstance(kept, (list, tuple)):
        raise ValidationFailed("Trường «kept» phải là danh sách mã ứng cử viên được giữ lại.",
                               [{"field": "kept", "message": "Cần một danh sách (có thể rỗng)."}])
    ids = _clean_ids(kept, candidate_ids=candidate_ids, field="kept")
    if len(ids) > seats:
        raise ValidationFailed(
            f"Chỉ được giữ lại tối đa {seats} người; phiếu đang giữ lại {len(ids)} người. "
            f"Hãy gạch bớt {len(ids) - seats} tên.",
            [{"field": "kept", "message": f"Giữ lại {len(ids)} / tối đa {seats}."}],
            code="too_many_kept")
    return sorted(ids)


def voter_receipt(voter: Voter, round: Round | int, *, token: str, secret: str | None = None) -> str:
    """The receipt code of ``voter``'s ballot in ``round`` (a Round or its id; derived from the token)."""
    purpose = tokens.PURPOSE_SLIP if voter.kind == "slip" else tokens.PURPOSE_LINK
    rid = round if isinstance(round, int) else round.id
    return tokens.receipt_for(token, purpose=purpose, round_id=rid, secret=secret)


def cast_ballot(session: Session, *, voter: Voter, election_id: int, kept, token: str,
                secret: str | None = None, against=None) -> str:
    """Record one electronic ballot in the election's open round; returns the receipt code.

    Personal link: participation row (method electronic) + sealed ballot. Slip: the slip
    marked used + sealed ballot, refused if the round would then have more slips used than
    delegates struck off for a slip. The sealed ballot is the kept ids and the receipt code
    (derived from ``token``), encrypted to the round's public key (box.py). All in the
    caller's transaction; the caller commits. 404 no such election in the voter's congress,
    403 not eligible, 409 round not open / already voted / a bare paper count recorded, 422
    bad ``kept`` (or ``against``: on an agree/disagree ballot the names disagreed).

    The work that needs no lock comes first (issue 17 §1: SQLite has one writer): the round
    and its list are read, the ballot checked, the receipt derived and the ballot sealed;
    then, under the round's lock, the round is read again (still open, the same box, no bare
    paper count) and the rows are written. The answers and their order are those of a check
    made wholly under the lock: round not open, already voted, not eligible, bare count, then
    a bad ballot."""
    if voter.target is not None and voter.target[0] == election_id:
        target = voter.target[1]            # read with the token, before any lock (as below)
    else:
        target = elections.ballot_target(session, election_id=election_id)
    if target is None or target.congress_id != voter.congress_id:
        raise NotFound("Không tìm thấy cuộc bầu cử.")
    if target.round_id is None:
        raise Conflict("Cuộc bầu cử chưa có lần bầu nào đang mở.", code="round_not_open")
    secret = secret if secret is not None else tokens.current_secret()
    rid, public_key = target.round_id, target.box_public_key
    if target.status == "open" and public_key is None:  # a round opened before the sealed box existed
        rnd = lock_round(session, round=session.get(Round, rid), exclusive=voter.kind == "slip")
        if rnd.status == "open" and rnd.box_public_key is None:
            fresh = box.new_box(round_id=rnd.id, secret=secret)
            rnd.box_mode, rnd.box_public_key = fresh["mode"], fresh["public_key"]
            rnd.box_wrapped_key, rnd.box_salt = fresh["wrapped_key"], fresh["salt"]
            session.flush()
        public_key = rnd.box_public_key
    sealed = None
    refused: ValidationFailed | None = None
    if target.status == "open":
        candidate_ids = elections.round_candidate_ids(session, target)
        try:
            kept_ids = clean_kept(kept, candidate_ids=candidate_ids, seats=target.seats)
            against_ids = None
            if target.is_yes_no:
                against_ids = clean_against(kept_ids, against if against is not None else [],
                                            candidate_ids=candidate_ids)
            elif against:
                raise ValidationFailed("Phiếu gạch tên không có ô «Không đồng ý»: chỉ gửi «kept».",
                                       [{"field": "against", "message": "Cuộc bầu cử này dùng phiếu gạch tên."}])
            try:  # the verdict is given again at close, from the opened box
                if against_ids is not None:
                    judge_yes_no_ballot(kept_ids, against_ids, candidate_ids, target.seats)
                else:
                    judge_ballot(kept_ids, candidate_ids, target.seats)
            except BallotError as err:  # clean_kept already refuses these; belt and braces
                raise ValidationFailed(str(err), [{"field": "kept", "message": str(err)}])
        except ValidationFailed as err:
            refused = err       # answered only if nothing that comes first under the lock refuses
        else:
            code = voter_receipt(voter, rid, token=token, secret=secret)
            sealed = box.seal(public_key, kept=kept_ids, receipt=code, against=against_ids,
                              size=box.padded_size(len(candidate_ids), target.is_yes_no))

    not_open = Conflict(f"Lần bầu thứ {target.number} hiện không mở để bỏ phiếu.", code="round_not_open")
    if voter.kind == "slip":
        state = elections.lock_round_state(session, round_id=rid, exclusive=True)
        if state.status != "open" or state.box_public_key != public_key:
            raise not_open
        if voter.slip.round_id != rid:
            if voter.slip_round.election_id == election_id:
                raise Conflict("Phiếu QR này dùng cho một lần bầu khác, hiện không mở.", code="round_not_open")
            raise Forbidden("Phiếu QR này không dùng cho cuộc bầu cử này.")
        if voter.slip.is_used:
            raise Conflict("Phiếu QR này đã được sử dụng.", code="already_voted")
    else:
        # One statement under the round's lock: the strike-off, written only while the round
        # is open with this box and no bare paper count. The primary key is the rule (one
        # delegate, one ballot per round). When nothing was written, the reason is read in
        # the order of the answers: round not open, already voted (its method says which
        # words), then not eligible or a bare count (below).
        # The sealed ballot is written with the strike-off (PostgreSQL: in the same statement).
        delegate = voter.person
        state = None
        # SQLite: a well-formed ballot of an eligible voter is written with the ballots that
        # arrive meanwhile, in one transaction (ballot_batch.py); when it is not written, the
        # ordinary path below runs under the lock, writes nothing more and reads why.
        groups = (ballot_batch.ballot_groups(session)
                  if sealed is not None and refused is None and not elections.voter_may_receive_ballot(delegate)
                  else None)
        if groups is not None and groups.write(session.connection(), round_id=rid, delegate_id=delegate.id,
                                               public_key=public_key, sealed=sealed):
            return code
        if not elections.add_participation_if_open(session, round_id=rid, delegate_id=delegate.id,
                                                   method="electronic", box_public_key=public_key,
                                                   sealed=sealed):
            state = elections.lock_round_state(session, round_id=rid)
            if state.status != "open" or state.box_public_key != public_key:
                raise not_open
            method = participation_method(session, round_id=rid, delegate_id=delegate.id)
            if method is not None:
                raise Conflict(already_message(method), code="already_voted")
        reason = elections.voter_may_receive_ballot(delegate)
        if reason:
            raise Forbidden(reason, code="not_eligible")
        if state is not None and not state.paper_issued_count:   # cannot be: written unless one of these
            raise not_open

    if state is not None and state.paper_issued_count:
        raise Conflict("Ban bầu cử đã ghi số phiếu giấy phát ra theo cách đếm tổng (không gạch tên) trong lần "
                       "bầu này, nên không nhận phiếu điện tử (Điều 4.5: mỗi đại biểu một phiếu). Đề nghị "
                       "đồng chí bỏ phiếu giấy.", code="bare_count_recorded")
    if refused is not None:
        raise refused
    if sealed is None:      # cannot be: an open round's good ballot is always sealed (belt and braces)
        raise not_open

    if voter.kind == "slip":
        used = session.execute(update(VotingSlip)
                               .where(VotingSlip.token_hash == voter.slip.token_hash,
                                      VotingSlip.is_used.is_(False))
                               .values(is_used=True).execution_options(synchronize_session=False))
        if used.rowcount != 1:
            raise Conflict("Phiếu QR này đã được sử dụng.", code="already_voted")
        slips_used = session.scalar(select(func.count()).select_from(VotingSlip).where(
            VotingSlip.round_id == rid, VotingSlip.is_used.is_(True)))
        struck = session.scalar(select(func.count()).select_from(RoundParticipation).where(
            RoundParticipation.round_id == rid, RoundParticipation.method == "slip"))
        if slips_used > struck:
            raise Conflict("Số phiếu QR đã dùng sẽ vượt số đại biểu được gạch tên nhận phiếu QR. "
                           "Đề nghị đại biểu đến bàn phát phiếu để được gạch tên trước khi bỏ phiếu.",
                           code="slip_not_issued")
        elections.add_sealed_ballot(session, round_id=rid, ciphertext=sealed)
    return code


def already_message(method: str) -> str:
    if method == "paper":
        return "Đồng chí đã nhận phiếu giấy trong lần bầu này; không thể bỏ phiếu điện tử."
    if method == "slip":
        return "Đồng chí đã được gạch tên nhận phiếu QR ẩn danh trong lần bầu này; hãy bỏ phiếu bằng phiếu QR đó."
    return "Đồng chí đã bỏ phiếu trong lần bầu này. Mỗi đại biểu chỉ được bỏ một phiếu."


# --- anonymous slips -------------------------------------------------------------------

def generate_slips(session: Session, *, round: Round, count: int, secret: str | None = None,
                   actor_id: int | None = None) -> list[str]:
    """``count`` new one-time slip tokens for ``round`` (shown once, to be printed)."""
    if round.status == "closed":
        raise Conflict("Lần bầu đã kết thúc; không thể in thêm phiếu QR.")
    if not 1 <= count <= MAX_SLIPS_PER_BATCH:
        raise ValidationFailed(f"Số phiếu QR phải từ 1 đến {MAX_SLIPS_PER_BATCH}.",
                               [{"field": "count", "message": f"Nhập số từ 1 đến {MAX_SLIPS_PER_BATCH}."}])
    secret = secret if secret is not None else tokens.current_secret()
    out = []
    for _ in range(count):
        token = tokens.new_token()
        session.add(VotingSlip(token_hash=tokens.hash_token(token, purpose=tokens.PURPOSE_SLIP, secret=secret),
                               round_id=round.id))
        out.append(token)
    election = session.get(Election, round.election_id)
    session.add(CredentialEvent(congress_id=election.congress_id, kind="slips_printed", round_id=round.id,
                                count=count, in_open_round=round.status == "open", user_id=actor_id))
    session.flush()
    return out


def issue_slip(session: Session, *, round: Round, delegate: Delegate, actor_id: int | None = None) -> None:
    """The ballot desk strikes ``delegate`` off for this round; they then draw a printed
    slip at random. Nothing records which slip they drew."""
    rnd = lock_round(session, round=round, exclusive=False)
    if rnd.status != "open":
        raise Conflict(f"Lần bầu thứ {rnd.number} hiện không mở.", code="round_not_open")
    election = session.get(Election, rnd.election_id)
    if delegate.congress_id != election.congress_id:
        raise NotFound("Không tìm thấy đại biểu.")
    method = participation_method(session, round_id=rnd.id, delegate_id=delegate.id)
    if method is not None:
        said = METHOD_STATUS[method]
        raise Conflict(f"KHÔNG phát phiếu: {delegate.full_name} {said[0].lower()}{said[1:]} trong lần bầu này "
                       "(mỗi đại biểu một phiếu).", code="already_voted")
    reason = elections.voter_may_receive_ballot(delegate)
    if reason:
        raise Forbidden(f"KHÔNG phát phiếu: {reason}", code="not_eligible")
    if rnd.paper_issued_count:
        raise Conflict("Ban bầu cử đã ghi số phiếu giấy phát ra theo cách đếm tổng trong lần bầu này: không "
                       "phát phiếu QR được (Điều 4.5).", code="bare_count_recorded")
    session.add(RoundParticipation(round_id=rnd.id, delegate_id=delegate.id, method="slip"))
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"{delegate.full_name} đã nhận phiếu trong lần bầu này.", code="already_voted")
    session.add(CredentialEvent(congress_id=election.congress_id, kind="slip_issued", round_id=rnd.id,
                                delegate_id=delegate.id, in_open_round=True, user_id=actor_id))
    session.flush()


SLIP_SURPLUS_MESSAGE = ("Phiếu QR này chưa dùng được: mọi đại biểu đã được gạch tên tại bàn phát phiếu đều đã bỏ "
                        "phiếu QR. Mời đồng chí đến bàn phát phiếu để Ban bầu cử gạch tên trước, rồi tải lại trang.")


def slip_surplus(session: Session, *, round: Round) -> str | None:
    """Why one more slip may not vote now (as many slips used as delegates struck off for a
    slip), or None. Casting checks it again under the round's lock."""
    counts = slip_counts(session, round=round)
    return SLIP_SURPLUS_MESSAGE if counts["used"] >= counts["struck_off"] else None


def slip_counts(session: Session, *, round: Round) -> dict:
    """Slips printed and used in the round, and delegates struck off for a slip."""
    def count(model, *where):
        return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)
    return {"generated": count(VotingSlip, VotingSlip.round_id == round.id),
            "used": count(VotingSlip, VotingSlip.round_id == round.id, VotingSlip.is_used.is_(True)),
            "struck_off": count(RoundParticipation, RoundParticipation.round_id == round.id,
                                RoundParticipation.method == "slip")}


# --- live turnout ----------------------------------------------------------------------

def turnout(session: Session, round: Round) -> dict:
    """Counts only, never who: delegates struck off for paper, for a slip, e-ballots cast
    by link and by slip, and the present count. Two aggregate queries."""
    by_method = elections.participation(session, round)
    slips_used = session.scalar(select(func.count()).select_from(VotingSlip).where(
        VotingSlip.round_id == round.id, VotingSlip.is_used.is_(True))) or 0
    election = session.get(Election, round.election_id)
    from ..delegates.services import attendance
    present = attendance(session, session.get(Congress, election.congress_id))["present"]
    paper = int(by_method.get("paper", 0))
    electronic = int(by_method.get("electronic", 0))
    slip_issued = int(by_method.get("slip", 0))
    return {
        "round": round.number, "status": round.status,
        "issued_paper": paper,
        "voted_electronic": electronic,
        "slips": int(slips_used),
        "slips_issued": slip_issued,
        "total": paper + electronic + slip_issued,
        "present": int(present),
        "links_reissued": links_reissued(session, round=round),
    }



hall_counts = elections.hall_counts
links_reissued = elections.links_reissued


def insider_watch(session: Session, *, congress: Congress) -> dict:
    """What the board's monitor shows while a round is open (issue 10): since the earliest
    open round opened, every link issued or reissued (by whom, confirmed by whom), pending
    reissue requests, slips printed, delegates struck off for a slip, and every check-in
    made by a staff account (a delegate checked in during the vote can be handed a link)."""
    from ..auth.models import User
    from ..delegates.models import AttendanceEvent
    rounds = [r for _, r in open_rounds(session, congress=congress)]
    if not rounds:
        return {"open": False, "since": None, "events": [], "checkins": [], "pending": []}
    since = min(r.opened_at for r in rounds if r.opened_at is not None)
    names = {u.id: u.username for u in session.scalars(select(User))}
    people = {d.id: d for d in session.scalars(select(Delegate).where(Delegate.congress_id == congress.id))}

    def who(uid):
        return names.get(uid, "—") if uid is not None else "—"
    events = []
    for e in session.scalars(select(CredentialEvent).where(CredentialEvent.congress_id == congress.id,
                                                           CredentialEvent.at >= since)
                             .order_by(CredentialEvent.at.desc())):
        d = people.get(e.delegate_id)
        events.append({"id": e.id, "kind": e.kind, "status": e.status, "at": e.at, "count": e.count,
                       "delegate": d.full_name if d else None, "code": d.code if d else None,
                       "by": who(e.user_id), "confirmed_by": who(e.confirmed_by) if e.confirmed_by else None})
    checkins = []
    for a in session.scalars(select(AttendanceEvent).where(AttendanceEvent.congress_id == congress.id,
                                                           AttendanceEvent.action == "check_in",
                                                           AttendanceEvent.at >= since)
                             .order_by(AttendanceEvent.at.desc())):
        d = people.get(a.delegate_id)
        checkins.append({"at": a.at, "delegate": d.full_name if d else "—", "code": d.code if d else None,
                         "by": who(a.user_id)})
    return {"open": True, "since": since, "events": events, "checkins": checkins,
            "pending": [e for e in events if e["status"] == "pending"],
            "reissued": sum(1 for e in events if e["kind"] == "link_reissued" and e["status"] == "done")}


# --- publication after close -----------------------------------------------------------

def content_order(entry: dict) -> tuple:
    """Published order: valid ballots first, then by the ids kept (numerically), the ids
    disagreed, then the reason. A function of the content alone."""
    return (1 if entry.get("invalid") else 0, entry.get("kept", []), entry.get("against", []),
            entry.get("reason") or "")


def published_round(session: Session, *, election: Election, number: int | None = None) -> Round:
    """The round whose receipts and ballots may be published: the given one, or the
    election's latest. 409 while it is open (or not yet opened)."""
    stmt = select(Round).where(Round.election_id == election.id)
    stmt = stmt.where(Round.number == number) if number is not None else stmt.order_by(Round.number.desc())
    rnd = session.scalars(stmt.limit(1)).first()
    if rnd is None:
        raise NotFound("Cuộc bầu cử chưa có lần bầu nào.")
    if rnd.status != "closed":
        raise Conflict("Danh sách phiếu và mã biên nhận chỉ được công bố sau khi kết thúc lần bầu.",
                       code="round_not_closed")
    return rnd


def round_receipts(session: Session, *, round: Round) -> list[str]:
    return sorted(session.scalars(select(Receipt.code).where(Receipt.round_id == round.id)))


def _entry(kept, is_valid: bool, reason: str | None, against=None) -> dict:
    out = {"kept": sorted(kept)} if is_valid else {"invalid": True, "reason": reason, "kept": sorted(kept)}
    if against is not None:      # agree/disagree: "kept" agreed, "against" disagreed
        out["against"] = sorted(against)
    return out


def published_ballots(session: Session, *, round: Round) -> dict:
    """Every counted ballot of a closed round (electronic and paper, exactly as the
    elections service counts them) with the sorted receipt codes. Ballots are ordered by
    their content, which says nothing of who cast them or when; ``seal_sha256`` is the
    round's seal, which anyone can recompute from these ballots."""
    if round.status != "closed":
        raise Conflict("Danh sách phiếu và mã biên nhận chỉ được công bố sau khi kết thúc lần bầu.",
                       code="round_not_closed")
    counted = elections.round_tally(session, round)["ballots"]
    entries = sorted((_entry(b["kept"], b["valid"], b["reason"], b.get("against")) for b in counted),
                     key=content_order)
    return {"round": round.number, "receipts": round_receipts(session, round=round),
            "ballots": entries, "seal_sha256": round.seal_sha256}
