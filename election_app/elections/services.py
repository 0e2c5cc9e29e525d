"""Secret-ballot elections (RULES §4): the election and its candidate list, its rounds,
who is handed a paper ballot, the board's entry of the paper stack (by one, two or three
independent teams), the count of a round, closing it with a sealed snapshot, further
rounds, the result and the data of the count minutes.

Every rule comes from ``election_app.rules``; this module loads rows, calls the rules and
stores what they return. Services flush, never commit.

Counting definition (shared with the e-voting feature, which writes ``Ballot`` rows):
- electronic ballots (personal link or anonymous slip) are ``Ballot`` rows, judged at cast
  time; their participation rows have method ``electronic`` or ``slip``;
- paper ballots are ``PaperBallotEntry`` rows. With one entry team the team-1 entries are
  the counted paper ballots; with 2 or 3 teams the paper ballots count only when every team
  entered the same stack numbers with identical content, otherwise the disagreements are
  listed by ballot number. A void entry (``is_void``: huỷ phiếu nhập nhầm) counts nowhere —
  for the comparison its number is missing in that team — but is kept, with its trace, and
  its number is never given again;
- paper issued = participations with method ``paper`` if any, else the board's count
  (``Round.paper_issued_count``) or 0; issued = paper issued + ``electronic`` + ``slip``
  participations; returned = paper ballots counted + ``Ballot`` rows of the round.
"""
from __future__ import annotations

import hashlib
import json
import logging
import random
import secrets
import time
from collections.abc import Iterable
from typing import Literal, NamedTuple
from decimal import Decimal

from sqlalchemy import Integer, String, bindparam, delete, event, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from ..congress.models import KIND_LABELS, Congress
from ..congress.services import session_for_vote
from .. import hooks
from ..db import GATE_KEY, HotStatement, utcnow, writer_gate
from ..delegates.models import Delegate
from ..delegates.services import attendance, is_citizen, is_summoned
from ..errors import Conflict, NotFound, ValidationFailed
from ..rules import (DEFECT_REASONS, INVALID_REASONS, OTHER_DEFECT, BallotError, BallotVerdict, YesNoJudge,
                     check_candidate_list, control_characters, count_votes, count_yes_no, decide_round,
                     elect_base_count, judge_yes_no_ballot, yes_no_allowed,
                     format_percent_vi, get_preset, judge_ballot, name_sort_key, normalize_text,
                     percent, reconcile, split_full_name, upper_delegate_alternates, votes_needed)
from .inputs import MAX_TEAMS, NOMINATION_ALIASES, CandidateIn, PaperBallotIn, ballots_in, candidates_in  # noqa: F401
from .models import (BALLOT_TYPE_LABELS, BODY_LABELS, NOMINATION_LABELS, Ballot, Candidate, DocumentNumber, Election,
                     CredentialEvent, PaperBallotCorrection, PaperBallotEntry, Receipt, Round,
                     RoundCandidate, RoundParticipation, SealedBallot)

log = logging.getLogger(__name__)

OUTCOME_LABELS = {
    "pending": "Đang bỏ phiếu / kiểm phiếu",
    "complete": "Đã bầu đủ số lượng",
    "tie": "Có người bằng phiếu ở vị trí cuối: cần bầu lần tiếp theo",
    "insufficient": "Chưa bầu đủ số lượng",
}
STATUS_LABELS = {"draft": "Chưa mở", "open": "Đang bỏ phiếu / kiểm phiếu", "closed": "Đã kết thúc"}
METHOD_LABELS = {"paper": "Phiếu giấy", "electronic": "Bỏ phiếu điện tử", "slip": "Phiếu QR ẩn danh"}

# Aliases accepted for the API's {"spoiled": "<reason>"} besides the codes themselves.
DEFECT_ALIASES = {
    "no_stamp": "no_seal", "unstamped": "no_seal", "no_seal": "no_seal", "seal": "no_seal",
    "not_official": "not_issued", "not_official_form": "not_issued", "not_the_official_form": "not_issued",
    "unofficial": "not_issued", "not_issued": "not_issued",
    "extra_marks": "distinguishing_mark", "extra_mark": "distinguishing_mark", "marked": "distinguishing_mark",
    "mark": "distinguishing_mark", "distinguishing_mark": "distinguishing_mark",
    "name_added": "name_added", "added_name": "name_added", "write_in": "name_added",
    "unclear": "unclear_strike", "unclear_strike": "unclear_strike", "unclear_strikes": "unclear_strike",
}
CANDIDATE_TEXT_FIELDS = ("position", "unit", "ethnicity", "education", "qualification", "political_theory")


# --- loading ---------------------------------------------------------------------------

def get_election(session: Session, eid: int, congress_id: int | None = None) -> Election:
    election = session.get(Election, eid)
    if election is None or (congress_id is not None and election.congress_id != congress_id):
        raise NotFound("Không tìm thấy cuộc bầu cử.")
    return election


def list_elections(session: Session, congress_id: int) -> list[Election]:
    return list(session.scalars(select(Election).where(Election.congress_id == congress_id)
                                .order_by(Election.position, Election.id)))


def _congress(session: Session, election: Election) -> Congress:
    return session.get(Congress, election.congress_id)


def _congress_preset(session: Session, congress_id: int):
    return get_preset(session.get(Congress, congress_id).preset_code)


def _preset(session: Session, election: Election):
    return get_preset(_congress(session, election).preset_code)


def _sort_key(order: str):
    """The ballot order of the rulebook (RULES §4.1: tên, họ, tên đệm, birth year)."""
    return lambda c: (name_sort_key(c.ho, c.ten_dem, c.ten, c.birth_year, order=order), c.id or 0)


def list_candidates(session: Session, election: Election, *, include_withdrawn: bool = False
                    ) -> list[Candidate]:
    """The candidates in ballot order (RULES §4.1: tên, họ, tên đệm, birth year)."""
    stmt = select(Candidate).where(Candidate.election_id == election.id)
    if not include_withdrawn:
        stmt = stmt.where(Candidate.is_withdrawn.is_(False))
    return sorted(session.scalars(stmt), key=_sort_key(_preset(session, election).name_order))


def get_candidate(session: Session, election: Election, candidate_id: int) -> Candidate:
    c = session.get(Candidate, candidate_id)
    if c is None or c.election_id != election.id:
        raise NotFound("Không tìm thấy người trong danh sách bầu cử.")
    return c


def list_rounds(session: Session, election: Election) -> list[Round]:
    return list(session.scalars(select(Round).where(Round.election_id == election.id)
                                .order_by(Round.number)))


def current_round(session: Session, election: Election) -> Round | None:
    """The round with the highest number (draft, open or closed), or None before round 1."""
    return session.scalar(select(Round).where(Round.election_id == election.id)
                          .order_by(Round.number.desc()).limit(1))


def get_round(session: Session, election: Election, number: int) -> Round:
    r = session.scalar(select(Round).where(Round.election_id == election.id, Round.number == number))
    if r is None:
        raise NotFound(f"Không có lần bầu thứ {number}.")
    return r


def round_candidates(session: Session, round: Round) -> list[tuple[RoundCandidate, Candidate]]:
    """The round's list in ballot order (the numbers printed on the ballot)."""
    rows = session.execute(select(RoundCandidate, Candidate)
                           .join(Candidate, Candidate.id == RoundCandidate.candidate_id)
                           .where(RoundCandidate.round_id == round.id)
                           .order_by(RoundCandidate.ballot_number)).all()
    return [(rc, c) for rc, c in rows]


def ballot_list(session: Session, election: Election) -> dict:
    """What the next printed ballot shows: the draft/open round's list, or (before round 1)
    the candidates not withdrawn. Plain data for the documents feature."""
    r = current_round(session, election)
    if r is not None and r.status != "closed":
        people = [c for _, c in round_candidates(session, r)]
        number, seats = r.number, r.seats
    else:
        people = list_candidates(session, election)
        number = (r.number + 1) if r is not None else 1
        seats = election.seats if r is None else seats_left(session, election)
    return {"election_id": election.id, "title": election.title, "body_label": election.body_label,
            "round": number, "seats": seats,
            "candidates": [{"number": i, **_person(c)} for i, c in enumerate(people, start=1)]}


# --- the candidate list ------------------------------------------------------------------

def _problem(problems: list[dict], field: str, message: str, row: int | None = None) -> None:
    item: dict = {"field": field, "message": message}
    if row is not None:
        item["row"] = row
    problems.append(item)


def _candidate_values(session: Session, election_or_congress_id: int, body: str, person: CandidateIn,
                      row: int | None, problems: list[dict]) -> dict | None:
    """One person of a candidate list (typed and checked at the door): from the roll
    (``delegate_id``) or from outside (``full_name``); what the law says about them is judged here."""
    if person.delegate_id is not None:
        did = person.delegate_id
        d = session.get(Delegate, did)
        if d is None or d.congress_id != election_or_congress_id:
            _problem(problems, "delegate_id", f"Không có đại biểu mã {did} trong đại hội này.", row)
            return None
        if body in ("upper_delegates", "upper_alternates") and not is_summoned(d) and \
                _congress_preset(session, election_or_congress_id).upper_delegates_summoned_only:
            _problem(problems, "delegate_id",
                     f"{d.full_name} không phải đại biểu chính thức của đại hội: chỉ đại biểu "
                     "chính thức mới được ứng cử, đề cử đi dự đại hội cấp trên.", row)
        if body not in ("upper_delegates", "upper_alternates") and not is_citizen(d.nationality) and \
                _congress_preset(session, election_or_congress_id).posts_citizens_only:
            _problem(problems, "delegate_id",
                     f"{d.full_name} có quốc tịch {d.nationality}: bộ quy tắc của đại hội chỉ cho công dân "
                     "Việt Nam ứng cử, đề cử vào chức danh.", row)
        values = {"delegate_id": d.id, "ho": d.ho, "ten_dem": d.ten_dem, "ten": d.ten,
                  "full_name": d.full_name, "birth_year": d.birth_year, "gender": d.gender,
                  "is_party_member": d.is_party_member}
        for key in CANDIDATE_TEXT_FIELDS:
            values[key] = getattr(d, key) or ("Kinh" if key == "ethnicity" else "")
    else:
        if body in ("upper_delegates", "upper_alternates") and \
                _congress_preset(session, election_or_congress_id).upper_delegates_summoned_only:
            _problem(problems, "delegate_id",
                     "Bầu đại biểu đi dự đại hội cấp trên: chỉ đại biểu chính thức của đại hội "
                     "được ứng cử, đề cử; hãy chọn người trong danh sách đại biểu.", row)
            return None
        full = normalize_text(person.full_name)
        ho, dem, ten = (normalize_text(getattr(person, k)) for k in ("ho", "ten_dem", "ten"))
        if ten:
            full = " ".join(p for p in (ho, dem, ten) if p)
        elif full:
            ho, dem, ten = split_full_name(full)
        else:
            _problem(problems, "full_name", "Họ và tên không được để trống.", row)
            return None
        if any(ch.isdigit() for ch in full):
            _problem(problems, "full_name", f"Họ và tên không được chứa chữ số: «{full}».", row)
        birth_year = person.birth_year
        if birth_year is not None and not 1900 <= birth_year <= 2015:
            _problem(problems, "birth_year", f"Năm sinh {birth_year} nằm ngoài khoảng hợp lý (1900–2015).", row)
        values = {"delegate_id": None, "ho": ho, "ten_dem": dem, "ten": ten, "full_name": full,
                  "birth_year": birth_year, "gender": person.gender, "is_party_member": person.is_party_member}
        for key in CANDIDATE_TEXT_FIELDS:
            values[key] = normalize_text(getattr(person, key))
        values["ethnicity"] = values["ethnicity"] or "Kinh"
    values["nomination"] = person.nomination
    return values


def _list_problems(people: list[dict], seats, preset, *, offset: int = 1) -> tuple[list[dict], list[str]]:
    """Hard errors (as API details) and warnings (Vietnamese sentences) of RULES §4.1."""
    check = check_candidate_list([(p["full_name"], p["birth_year"]) for p in people], seats, preset)
    errors: list[dict] = []
    for problem in check.errors:
        item = {"field": "seats" if problem.code == "seats_invalid" else "candidates",
                "message": problem.message, "code": problem.code}
        if problem.rows:
            item["row"] = problem.rows[-1] + offset
        errors.append(item)
    seen_delegates: dict[int, int] = {}
    for i, p in enumerate(people):
        did = p.get("delegate_id")
        if did is None:
            continue
        if did in seen_delegates:
            already = any(e.get("code") == "duplicate_person" and e.get("row") == i + offset for e in errors)
            if not already:
                errors.append({"row": i + offset, "field": "candidates", "code": "duplicate_person",
                               "message": f"Đồng chí {p['full_name']} có tên hai lần trong danh sách "
                                          f"(dòng {seen_delegates[did]} và dòng {i + offset})."})
        else:
            seen_delegates[did] = i + offset
    return errors, [w.message for w in check.warnings]


def _check_body(body: str, seats: int, problems: list[dict]) -> None:
    """Seats below 1 are the candidate-list check's (seats_invalid); a chair is one person."""
    if body == "chair" and seats > 1:
        _problem(problems, "seats", "Bầu Chủ tịch: số lượng bầu là 1.")


def _yes_no_message(n: int, seats: int) -> str:
    return (f"Phiếu đồng ý / không đồng ý chỉ dùng khi danh sách không có số dư (số người bằng số lượng "
            f"bầu, như bỏ phiếu tín nhiệm một người): danh sách có {n} người, số lượng bầu là {seats}. "
            "Hãy dùng phiếu gạch tên, hoặc sửa danh sách.")


def _check_ballot_type(ballot_type: str, n: int, seats: int, problems: list[dict]) -> None:
    """An agree/disagree ballot only on a list without surplus (rules.yes_no_allowed); fewer
    names than seats is the candidate-list check's own error."""
    if ballot_type not in BALLOT_TYPE_LABELS:
        _problem(problems, "ballot_type", f"Loại phiếu bầu không xác định: «{ballot_type}».")
    elif ballot_type == "yes_no" and n >= seats and not yes_no_allowed(n, seats):
        _problem(problems, "ballot_type", _yes_no_message(n, seats))


def _require_yes_no_fits(election: Election, n: int, seats: int) -> None:
    if election.ballot_type == "yes_no" and n > seats:
        message = _yes_no_message(n, seats)
        raise ValidationFailed(message, [{"field": "ballot_type", "message": message}], code="yes_no_surplus")


def create_election(session: Session, *, congress: Congress, title: str, body: str, seats: int,
                    candidates: list[CandidateIn], entry_teams: int = 1,
                    follows_election_id: int | None = None,
                    ballot_type: str = "strike") -> tuple[Election, list[str]]:
    """A new election with its candidate list. All-or-nothing: any hard error of RULES §4.1
    (fewer candidates than seats, seats < 1, one person twice) or bad row → ValidationFailed
    listing every problem; soft problems come back as warnings."""
    problems: list[dict] = []
    title = normalize_text(title)
    candidates = candidates_in(candidates)
    if not title:
        _problem(problems, "title", "Tên cuộc bầu cử không được để trống.")
    _check_body(body, seats, problems)
    follows = None
    if follows_election_id is not None:
        follows = session.get(Election, follows_election_id)
        if follows is None or follows.congress_id != congress.id:
            _problem(problems, "follows_election_id", "Cuộc bầu cử liên quan không thuộc đại hội này.")
        elif body == "upper_alternates" and follows.alternate_seats:
            _problem(problems, "follows_election_id",
                     f"Đại hội đã biểu quyết lấy {follows.alternate_seats} đại biểu dự khuyết theo kết quả bầu "
                     f"«{follows.title}»: không bầu riêng đại biểu dự khuyết nữa (bỏ biểu quyết đó trước).")
    people: list[dict] = []
    for i, person in enumerate(candidates, start=1):
        values = _candidate_values(session, congress.id, body, person, i, problems)
        if values is not None:
            people.append(values)
    warnings: list[str] = []
    if len(people) == len(candidates):
        errors, warnings = _list_problems(people, seats, get_preset(congress.preset_code))
        problems.extend(errors)
        if isinstance(seats, int) and seats >= 1:
            _check_ballot_type(ballot_type, len(people), seats, problems)
    if problems:
        raise ValidationFailed(
            f"Chưa tạo được cuộc bầu cử: có {len(problems)} lỗi. {problems[0]['message']}", problems)
    position = session.scalar(select(func.coalesce(func.max(Election.position), 0))
                              .where(Election.congress_id == congress.id)) + 1
    election = Election(congress_id=congress.id, title=title, body=body, seats=seats,
                        entry_teams=entry_teams, ballot_type=ballot_type, follows_election_id=follows.id if follows else None,
                        position=position,
                        # Told in the minutes under the agenda item running now (issue 12).
                        agenda_item_id=congress.current_agenda_item_id)
    session.add(election)
    session.flush()
    for values in people:
        session.add(Candidate(election_id=election.id, **values))
    session.flush()
    return election, warnings


def _require_not_started(session: Session, election: Election, action: str) -> None:
    if current_round(session, election) is not None:
        raise Conflict(f"Không thể {action}: lần bầu thứ nhất đã mở.")


def _require_no_open_round(session: Session, election: Election, action: str) -> None:
    r = current_round(session, election)
    if r is not None and r.status == "open":
        raise Conflict(f"Không thể {action} khi lần bầu thứ {r.number} đang mở.")


def update_election(session: Session, *, election: Election, title: str | None = None,
                    seats: int | None = None, entry_teams: int | None = None,
                    ballot_type: str | None = None) -> list[str]:
    """Change the title (any time), the seats, the entry teams or the ballot type (before
    round 1 opens)."""
    problems: list[dict] = []
    if title is not None:
        title = normalize_text(title)
        if not title:
            _problem(problems, "title", "Tên cuộc bầu cử không được để trống.")
    new_seats = election.seats if seats is None else seats
    new_teams = election.entry_teams if entry_teams is None else entry_teams
    new_type = election.ballot_type if ballot_type is None else ballot_type
    changing = (new_seats != election.seats or new_teams != election.entry_teams
                or new_type != election.ballot_type)
    if changing:
        _require_not_started(session, election, "đổi số lượng bầu, số tổ nhập phiếu hoặc loại phiếu bầu")
    _check_body(election.body, new_seats, problems)
    warnings: list[str] = []
    if not problems:
        people = [_person(c) for c in list_candidates(session, election)]
        errors, warnings = _list_problems(people, new_seats, _preset(session, election))
        problems.extend(errors)
        if not errors:
            _check_ballot_type(new_type, len(people), new_seats, problems)
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    if title is not None:
        election.title = title
    election.seats, election.entry_teams, election.ballot_type = new_seats, new_teams, new_type
    session.flush()
    return warnings


def candidate_warnings(session: Session, election: Election) -> list[str]:
    people = [_person(c) for c in list_candidates(session, election)]
    _, warnings = _list_problems(people, election.seats, _preset(session, election))
    return warnings


def add_candidate(session: Session, *, election: Election, person: CandidateIn
                  ) -> tuple[Candidate, list[str]]:
    """Add one person (from the roll or outside) while no round is open; refuses a person
    already on the list (withdrawn people included: reinstate instead)."""
    _require_no_open_round(session, election, "thêm người vào danh sách")
    if election_status(session, election) == "complete":
        raise Conflict("Cuộc bầu cử đã đủ số lượng trúng cử: không thêm người vào danh sách được nữa.",
                       code="election_complete")
    problems: list[dict] = []
    (person,) = candidates_in([person])
    values = _candidate_values(session, election.congress_id, election.body, person, None, problems)
    if problems or values is None:
        raise ValidationFailed(problems[0]["message"] if problems else "Dữ liệu không hợp lệ.", problems)
    everyone = list_candidates(session, election, include_withdrawn=True)
    people = [_person(c) for c in everyone] + [values]
    errors, _ = _list_problems(people, 1, _preset(session, election))
    dup = [e for e in errors if e.get("code") == "duplicate_person"]
    if dup:
        raise ValidationFailed(f"{values['full_name']} đã có trong danh sách bầu cử.",
                               [{"field": "full_name", "message": dup[0]["message"]}])
    _require_yes_no_fits(election, len(list_candidates(session, election)) + 1, election.seats)
    candidate = Candidate(election_id=election.id, **values)
    session.add(candidate)
    try:
        session.flush()
    except IntegrityError as exc:  # the (election, delegate) unique key, if two clerks raced
        raise Conflict(f"{values['full_name']} đã có trong danh sách bầu cử.") from exc
    return candidate, candidate_warnings(session, election)


def withdraw_candidate(session: Session, *, election: Election, candidate: Candidate, reason: str
                       ) -> list[str]:
    """Rút tên (the congress agreed), with its reason; only before round 1 opens."""
    _require_not_started(session, election, "rút tên khỏi danh sách")
    if candidate.election_id != election.id:
        raise NotFound("Không tìm thấy người trong danh sách bầu cử.")
    reason = normalize_text(reason)
    if not reason:
        raise ValidationFailed("Cần ghi lý do rút tên.", [{"field": "reason", "message": "Lý do không được để trống."}])
    if candidate.is_withdrawn:
        raise Conflict(f"{candidate.full_name} đã rút tên trước đó.")
    candidate.is_withdrawn = True
    candidate.withdrawal_reason = reason
    session.flush()
    return candidate_warnings(session, election)


def reinstate_candidate(session: Session, *, election: Election, candidate: Candidate) -> list[str]:
    _require_not_started(session, election, "khôi phục tên vào danh sách")
    if candidate.is_withdrawn:
        _require_yes_no_fits(election, len(list_candidates(session, election)) + 1, election.seats)
    candidate.is_withdrawn = False
    candidate.withdrawal_reason = ""
    session.flush()
    return candidate_warnings(session, election)


def set_nomination(session: Session, *, election: Election, candidate: Candidate,
                   nomination: Literal["self", "nominated"]) -> None:
    """Ứng cử / đề cử (before round 1 opens: the minutes count them)."""
    _require_not_started(session, election, "đổi hình thức ứng cử, đề cử")
    candidate.nomination = nomination
    session.flush()


def remove_candidate(session: Session, *, election: Election, candidate: Candidate) -> None:
    """Delete a wrongly entered row (before round 1 opens); a real rút tên is a withdrawal."""
    _require_not_started(session, election, "xoá người khỏi danh sách")
    session.delete(candidate)
    session.flush()


# --- rounds ------------------------------------------------------------------------------

def elected_so_far(session: Session, election: Election) -> list[int]:
    """Candidate ids elected in the election's closed rounds, round by round, in vote order."""
    rows = session.execute(select(RoundCandidate.candidate_id, RoundCandidate.votes, Round.number)
                           .join(Round, Round.id == RoundCandidate.round_id)
                           .where(Round.election_id == election.id, Round.status == "closed",
                                  RoundCandidate.is_elected.is_(True))).all()
    return [cid for cid, votes, number in sorted(rows, key=lambda r: (r[2], -(r[1] or 0), r[0]))]


def seats_left(session: Session, election: Election) -> int:
    return election.seats - len(elected_so_far(session, election))


def _attendance(session: Session, election: Election) -> dict:
    return attendance(session, _congress(session, election))


def open_round(session: Session, *, election: Election, passphrase: str | None = None,
               secret: str | None = None) -> Round:
    """Open voting. The first call builds round 1 from the list not withdrawn; a further
    round created by ``create_further_round`` is opened as it is. The round gets its sealed
    ballot box (voting/box.py): its private key wrapped with a SECRET_KEY-derived key, or
    with ``passphrase`` (the board's, typed again at close) when one is given."""
    from . import box
    if passphrase is not None and not isinstance(passphrase, str):
        raise ValidationFailed("Mật khẩu niêm phong không hợp lệ.",
                               [{"field": "passphrase", "message": "Mật khẩu phải là một chuỗi ký tự."}])
    passphrase = (passphrase or "").strip() or None
    if passphrase is not None and len(passphrase) < box.MIN_PASSPHRASE:
        raise ValidationFailed(
            f"Mật khẩu niêm phong hòm phiếu cần ít nhất {box.MIN_PASSPHRASE} ký tự.",
            [{"field": "passphrase", "message": f"Ít nhất {box.MIN_PASSPHRASE} ký tự."}])
    r = current_round(session, election)
    if r is not None and r.status == "open":
        raise Conflict(f"Lần bầu thứ {r.number} đang mở.")
    session_id = session_for_vote(session, election.congress_id)
    if r is not None and r.status == "closed":
        raise Conflict(f"Lần bầu thứ {r.number} đã kết thúc; muốn bầu tiếp, hãy tạo lần bầu mới "
                       "(theo quyết định của đại hội).")
    if r is None:
        people = list_candidates(session, election)
        errors, _ = _list_problems([_person(c) for c in people], election.seats, _preset(session, election))
        if errors:
            raise ValidationFailed(f"Chưa mở được lần bầu: {errors[0]['message']}", errors)
        _require_yes_no_fits(election, len(people), election.seats)
        r = Round(election_id=election.id, number=1, seats=election.seats, status="draft")
        session.add(r)
        session.flush()
        for number, c in enumerate(people, start=1):
            session.add(RoundCandidate(round_id=r.id, candidate_id=c.id, ballot_number=number))
    seen = _attendance(session, election)
    sealed = box.new_box(round_id=r.id, secret=secret if secret is not None else _current_secret(),
                         passphrase=passphrase)
    r.box_mode, r.box_public_key = sealed["mode"], sealed["public_key"]
    r.box_wrapped_key, r.box_salt = sealed["wrapped_key"], sealed["salt"]
    r.status = "open"
    r.opened_at = utcnow()
    r.summoned_at_open = seen["summoned"]
    r.present_at_open = seen["present"]
    r.congress_session_id = session_id
    session.flush()
    return r


def create_further_round(session: Session, *, election: Election, candidate_ids: list, seats) -> Round:
    """A further round (RULES §4.3) after the previous one closed: its seats ≤ seats still
    empty, its list the tied candidates or a list the congress approved. It is created
    closed to voting ("draft"); ``open_round`` opens it."""
    r = current_round(session, election)
    if r is None:
        raise Conflict("Chưa có lần bầu nào: hãy mở lần bầu thứ nhất.")
    if r.status != "closed":
        raise Conflict(f"Lần bầu thứ {r.number} chưa kết thúc: chỉ tạo lần bầu tiếp theo sau khi đã "
                       "kết thúc lần bầu trước.")
    left = seats_left(session, election)
    if left < 1:
        raise Conflict("Đã bầu đủ số lượng: không còn chỗ trống để bầu tiếp.")
    preset = _preset(session, election)
    if preset.max_rounds is not None and r.number >= preset.max_rounds:
        raise Conflict(f"Bộ quy tắc «{preset.title}» cho bầu nhiều nhất {preset.max_rounds} lần: không tạo "
                       f"lần bầu thứ {r.number + 1}. Số chỗ còn trống để trống.", code="max_rounds")
    problems: list[dict] = []
    if seats < 1:
        _problem(problems, "seats", f"Số lượng bầu phải ít nhất là 1 (đang là {seats}).")
    elif seats > left:
        _problem(problems, "seats", f"Số lượng bầu ({seats}) lớn hơn số chỗ còn trống ({left}).")
    if not candidate_ids:
        _problem(problems, "candidate_ids", "Cần danh sách người được bầu ở lần này.")
    elected = set(elected_so_far(session, election))
    chosen: list[Candidate] = []
    seen: set[int] = set()
    for i, cid in enumerate(candidate_ids, start=1):
        c = session.get(Candidate, cid)
        if c is None or c.election_id != election.id:
            _problem(problems, "candidate_ids", f"Mã {cid} không phải người trong danh sách bầu cử này.", i)
        elif c.id in seen:
            _problem(problems, "candidate_ids", f"{c.full_name} có tên hai lần trong danh sách.", i)
        elif c.is_withdrawn:
            _problem(problems, "candidate_ids", f"{c.full_name} đã rút tên.", i)
        elif c.id in elected:
            _problem(problems, "candidate_ids", f"{c.full_name} đã trúng cử ở lần bầu trước.", i)
        else:
            seen.add(c.id)
            chosen.append(c)
    if not problems and len(chosen) < seats:
        _problem(problems, "candidate_ids",
                 f"Danh sách có {len(chosen)} người, ít hơn số lượng bầu ({seats}).")
    elif not problems and election.ballot_type == "yes_no" and len(chosen) > seats:
        _problem(problems, "candidate_ids", _yes_no_message(len(chosen), seats))
    if problems:
        raise ValidationFailed(f"Chưa tạo được lần bầu mới: {problems[0]['message']}", problems)
    new = Round(election_id=election.id, number=r.number + 1, seats=seats, status="draft")
    session.add(new)
    session.flush()
    for number, c in enumerate(sorted(chosen, key=_sort_key(_preset(session, election).name_order)), start=1):
        session.add(RoundCandidate(round_id=new.id, candidate_id=c.id, ballot_number=number))
    session.flush()
    return new


def _current_secret() -> str:
    """SECRET_KEY of the running app (pages, API, CLI and jobs all run inside one)."""
    from flask import current_app  # lazy: services stay importable without an app
    return current_app.config["SECRET_KEY"]


WRITER_GATE_TIMEOUT = 10.0    # seconds; then SQLite's own busy timeout (15 s) takes over


def _take_write_lock(session: Session, conn=None) -> None:
    """SQLite: take the database write lock before reading what a decision depends on
    (BEGIN IMMEDIATE), so concurrent writers queue on the busy timeout instead of failing
    with "database is locked" when a deferred transaction tries to upgrade. PostgreSQL
    needs nothing here (row locks)."""
    conn = conn if conn is not None else session.connection()
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if not raw.in_transaction:
        gate = None if GATE_KEY in session.info else writer_gate(conn.engine.url.database)
        if gate is not None and gate.acquire(timeout=WRITER_GATE_TIMEOUT):
            session.info[GATE_KEY] = gate
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            held = session.info.pop(GATE_KEY, None)
            if held is not None:
                held.release()
            raise


def lock_round(session: Session, *, round: Round, exclusive: bool = True) -> Round:
    """Take the round's lock and re-read it: on SQLite the database write lock (BEGIN
    IMMEDIATE), on PostgreSQL the round row (FOR UPDATE, or FOR SHARE when not
    ``exclusive``). Everything that issues or records a ballot takes it (shared) and
    closing takes it exclusive, so the close waits for whatever is in flight and anything
    arriving after the close finds the round closed."""
    _take_write_lock(session)
    return session.scalars(select(Round).where(Round.id == round.id)
                           .with_for_update(read=not exclusive)
                           .execution_options(populate_existing=True)).one()


# --- the ballot's hot path (issue 17 §1) ------------------------------------------------------
# A few statements built once and run on the session's connection: no ORM entity loaded, no
# statement rebuilt per ballot. Each is the plain SQL of the step it names.

_TARGET = (select(Election.congress_id, (Election.ballot_type == "yes_no").label("is_yes_no"),
                  Round.id.label("round_id"), Round.number, Round.seats, Round.status, Round.box_public_key)
           .select_from(Election).outerjoin(Round, Round.election_id == Election.id)
           .where(Election.id == bindparam("eid")).order_by(Round.number.desc()).limit(1))
_STATE = {exclusive: select(Round.status, Round.box_public_key, Round.paper_issued_count)
          .where(Round.id == bindparam("rid")).with_for_update(read=not exclusive)
          for exclusive in (False, True)}
_ADD_SEALED = HotStatement(SealedBallot.__table__.insert().values(
    id=bindparam("id"), round_id=bindparam("round_id"), ciphertext=bindparam("ciphertext")))
_ADD_PARTICIPATION: dict[str, object] = {}


class BallotTarget(NamedTuple):
    """What a ballot is cast into: the election's congress and type, its current round."""
    congress_id: int
    is_yes_no: bool
    round_id: int | None       # None before round 1
    number: int | None
    seats: int | None
    status: str | None
    box_public_key: str | None


def ballot_target(session: Session, *, election_id: int) -> BallotTarget | None:
    """The election's congress and its current round, in one row (round columns None before
    round 1), or None when there is no such election."""
    row = session.connection().execute(_TARGET, {"eid": election_id}).first()
    return None if row is None else BallotTarget(*row)


_LATEST = (select(Round.id).where(Round.election_id == bindparam("eid")).order_by(Round.number.desc()).limit(1)
           .scalar_subquery())


def with_ballot_target(stmt):
    """``stmt`` (a one-row query) with ``ballot_target`` of election ``:eid`` as more columns
    (outer joined, so the row stays when there is no such election): the ballot's token
    lookup reads it in the same query (issue 17 §1). ``ballot_target_of`` reads them back."""
    return (stmt.add_columns(Election.congress_id.label("t_congress_id"),
                             (Election.ballot_type == "yes_no").label("t_is_yes_no"),
                             Round.id.label("t_round_id"), Round.number.label("t_number"),
                             Round.seats.label("t_seats"), Round.status.label("t_status"),
                             Round.box_public_key.label("t_box_public_key"))
            .outerjoin(Election, Election.id == bindparam("eid"))
            .outerjoin(Round, Round.id == _LATEST))


def ballot_target_of(row) -> BallotTarget | None:
    if row.t_congress_id is None:
        return None
    return BallotTarget(row.t_congress_id, bool(row.t_is_yes_no), row.t_round_id, row.t_number, row.t_seats,
                        row.t_status, row.t_box_public_key)


def lock_round_state(session: Session, *, round_id: int, exclusive: bool = False):
    """``lock_round`` for the ballot's hot path: the same lock, and only what a ballot is
    checked against under it (status, the box's public key, a bare paper count), as a row."""
    _take_write_lock(session)
    return session.connection().execute(_STATE[exclusive], {"rid": round_id}).one()


def add_participation(session: Session, *, round_id: int, delegate_id: int, method: str) -> bool:
    """Strike a delegate off for one round: False when a row is already there (the primary
    key is the rule "one delegate, one ballot per round"), without failing the transaction."""
    conn = session.connection()
    stmt = _ADD_PARTICIPATION.get(conn.dialect.name)
    if stmt is None:
        if conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = _ADD_PARTICIPATION[conn.dialect.name] = insert(RoundParticipation).values(
            round_id=bindparam("r"), delegate_id=bindparam("d"), method=bindparam("m")
        ).on_conflict_do_nothing().returning(RoundParticipation.round_id)
    # RETURNING, not rowcount: psycopg reports no row count for this statement on PostgreSQL
    # (every phone ballot was answered "already voted" there).
    return conn.execute(stmt, {"r": round_id, "d": delegate_id, "m": method}).first() is not None


_ADD_IF_OPEN: dict[str, object] = {}


def _add_if_open_statement(dialect_name: str) -> HotStatement:
    stmt = _ADD_IF_OPEN.get(dialect_name)
    if stmt is None:
        if dialect_name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        source = (select(bindparam("r", type_=Integer), bindparam("d", type_=Integer), bindparam("m", type_=String))
                  .where(Round.id == bindparam("r", type_=Integer), Round.status == "open",
                         Round.box_public_key == bindparam("pk"), func.coalesce(Round.paper_issued_count, 0) == 0)
                  .with_for_update(read=True))
        stmt = _ADD_IF_OPEN[dialect_name] = HotStatement(
            insert(RoundParticipation).from_select(["round_id", "delegate_id", "method"], source)
            .on_conflict_do_nothing().returning(RoundParticipation.round_id))
    return stmt


_ADD_IF_OPEN_SEALED: dict[str, HotStatement] = {}


def _add_if_open_sealed_statement() -> HotStatement:
    """PostgreSQL: the strike-off and, only when it was written, the sealed ballot, in one
    statement (a data-modifying CTE): one round trip less per ballot (issue 17 §1)."""
    stmt = _ADD_IF_OPEN_SEALED.get("postgresql")
    if stmt is None:
        from sqlalchemy import LargeBinary
        from sqlalchemy.dialects.postgresql import insert
        struck = _add_if_open_statement("postgresql").stmt.cte("struck")
        stmt = _ADD_IF_OPEN_SEALED["postgresql"] = HotStatement(
            insert(SealedBallot).from_select(["id", "round_id", "ciphertext"], select(
                bindparam("sid", type_=String), struck.c.round_id, bindparam("ct", type_=LargeBinary)))
            .returning(SealedBallot.round_id))
    return stmt


def ballot_write_statements(dialect_name: str) -> tuple:
    """The statements an electronic ballot writes with (for ``HotStatement.prepare``)."""
    if dialect_name == "postgresql":
        return _add_if_open_statement(dialect_name), _add_if_open_sealed_statement(), _ADD_SEALED
    return _add_if_open_statement(dialect_name), _ADD_SEALED


def add_participation_if_open(session: Session, *, round_id: int, delegate_id: int, method: str,
                              box_public_key: str, sealed: bytes | None = None) -> bool:
    """``add_participation`` in one statement with the round's lock (``lock_round_state``):
    the row is written only while the round is open with this box and has no bare paper
    count (PostgreSQL: the round row FOR SHARE, as ``lock_round`` takes it; SQLite: the write
    lock first). False when nothing was written; the caller reads why.

    With ``sealed`` (the voter's sealed ballot), the sealed row (``add_sealed_ballot``) is
    written too, and only if the strike-off was: on PostgreSQL in the same statement, on
    SQLite right after it (SQLite has no data-modifying CTE). Either way one transaction."""
    conn = session.connection()
    _take_write_lock(session, conn)
    params = {"r": round_id, "d": delegate_id, "m": method, "pk": box_public_key}
    if sealed is not None and conn.dialect.name == "postgresql":
        from ..db import random_id
        return bool(_add_if_open_sealed_statement().run(conn, {**params, "sid": random_id(), "ct": sealed}))
    if not _add_if_open_statement(conn.dialect.name).run(conn, params):
        return False
    if sealed is not None:
        add_sealed_ballot(session, round_id=round_id, ciphertext=sealed, conn=conn)
    return True


def add_sealed_ballot(session: Session, *, round_id: int, ciphertext: bytes, conn=None) -> None:
    """One sealed ballot (random id, the round, the ciphertext: nothing else)."""
    from ..db import random_id
    _ADD_SEALED.run(conn if conn is not None else session.connection(),
                    {"id": random_id(), "round_id": round_id, "ciphertext": ciphertext})


# The candidate ids of an open round, by (round id, the round's box public key): the list is
# fixed when the round is created and the public key is drawn at random when it opens, so
# a key names one opening of one round in one database; another process, a restored copy or
# a reopened round has another key and reads the list itself.
_ROUND_IDS: dict[tuple[int, str], list[int]] = {}


def round_candidate_ids(session: Session, round) -> list[int]:
    """The round's candidate ids in ballot order (``round``: a Round or a row with ``round_id``,
    ``status`` and ``box_public_key``)."""
    rid = getattr(round, "round_id", None) or round.id
    key = (rid, round.box_public_key) if round.status == "open" and round.box_public_key else None
    hit = _ROUND_IDS.get(key) if key else None
    if hit is not None:
        return list(hit)
    ids = list(session.scalars(select(RoundCandidate.candidate_id).where(RoundCandidate.round_id == rid)
                               .order_by(RoundCandidate.ballot_number)))
    if key:
        if len(_ROUND_IDS) > 256:
            _ROUND_IDS.clear()
        _ROUND_IDS[key] = ids
    return list(ids)


def _require_open(session: Session, election: Election, *, exclusive: bool = False) -> Round:
    """The election's open round, re-read under the round lock (see ``lock_round``)."""
    r = current_round(session, election)
    if r is None or r.status != "open":
        raise Conflict("Không có lần bầu nào đang mở cho cuộc bầu cử này.", code="round_not_open")
    r = lock_round(session, round=r, exclusive=exclusive)
    if r.status != "open":
        raise Conflict(f"Lần bầu thứ {r.number} không còn mở.", code="round_not_open")
    return r


def sealed_count(session: Session, round: Round) -> int:
    return int(session.scalar(select(func.count()).select_from(SealedBallot)
                              .where(SealedBallot.round_id == round.id)) or 0)


def open_ballot_box(session: Session, *, round: Round, passphrase: str | None = None,
                    secret: str | None = None) -> list[dict]:
    """Decrypt, in memory, every sealed ballot of the round: [{"kept", "receipt"}]. Refused
    (422, nothing changes) without the right passphrase for a passphrase-sealed round."""
    from . import box
    if round.box_public_key is None:
        return []
    if round.box_wrapped_key is None:
        # Already opened (e.g. a round restored from the backup written just before its close:
        # its ballots are in clear, in random order); nothing sealed may remain.
        if sealed_count(session, round):
            raise Conflict("Hòm phiếu của lần bầu này đã được mở và khoá huỷ, nhưng vẫn còn phiếu niêm phong.",
                           code="box_opened")
        return []
    if round.box_mode == box.MODE_PASSPHRASE and not (passphrase or "").strip():
        raise ValidationFailed(
            "Lần bầu này được niêm phong bằng mật khẩu của Ban bầu cử: hãy nhập mật khẩu để mở hòm phiếu.",
            [{"field": "passphrase", "message": "Cần mật khẩu niêm phong."}], code="passphrase_required")
    try:
        key = box.unwrap(round_id=round.id, wrapped_key=round.box_wrapped_key, salt=round.box_salt or "",
                         mode=round.box_mode or box.MODE_SERVER,
                         secret=secret if secret is not None else _current_secret(),
                         passphrase=(passphrase or "").strip() or None)
    except box.BoxError:
        if round.box_mode == box.MODE_PASSPHRASE:
            raise ValidationFailed("Mật khẩu niêm phong không đúng: hòm phiếu chưa được mở, lần bầu vẫn đang mở.",
                                   [{"field": "passphrase", "message": "Mật khẩu không đúng."}],
                                   code="wrong_passphrase")
        raise Conflict("Không mở được hòm phiếu: khoá bí mật của máy chủ (SECRET_KEY) đã thay đổi từ khi "
                       "mở lần bầu.", code="box_key_changed")
    cts = session.scalars(select(SealedBallot.ciphertext).where(SealedBallot.round_id == round.id)).all()
    try:
        return box.open_all(key, cts)
    except box.BoxError:
        raise Conflict("Có phiếu trong hòm không giải mã được (dữ liệu bị sửa hoặc hỏng): "
                       "chưa kết thúc lần bầu. Hãy báo quản trị viên.", code="box_damaged")


def close_round(session: Session, *, election: Election, passphrase: str | None = None,
                secret: str | None = None) -> Round:
    """Close the open round and write its official snapshot. Refused (Conflict with every
    reason) when the double entry disagrees or the numbers do not reconcile (RULES §4.3).

    Under the round lock taken exclusive (a ballot in flight is waited for; one arriving
    later finds the round closed) the sealed box is opened in memory and counted; then, in
    this one transaction, the round's ballots and receipts are written in clear in random
    order, the ciphertexts deleted, the participation rows rewritten in random order and the
    wrapped private key erased. After the commit the engine's leftovers are wiped
    (``scrub_storage``)."""
    r = _require_open(session, election, exclusive=True)
    opened = open_ballot_box(session, round=r, passphrase=passphrase, secret=secret)
    tally = round_tally(session, r, opened=opened)
    if tally["disagreements"]:
        details = [{"field": "paper_ballots", "row": d["number"], "message": d["message"]}
                   for d in tally["disagreements"]]
        # The sentence itself names every ballot (issue 13, 11): a page that shows only the
        # message, or a reader who stops at it, still sees them all.
        which = ", ".join(str(d["number"]) for d in tally["disagreements"])
        raise Conflict(f"Chưa kết thúc được lần bầu: các tổ nhập phiếu chưa khớp nhau ở {len(details)} phiếu "
                       f"(phiếu số {which}). Hãy đối chiếu và sửa.", details, code="entries_disagree")
    if tally["problems"]:
        details = [{"field": p["code"], "message": p["message"]} for p in tally["problems"]]
        raise Conflict("Chưa kết thúc được lần bầu: số liệu chưa khớp. " +
                       " ".join(p["message"] for p in tally["problems"]), details, code="unreconciled")
    decision = tally["decision"]
    r.present_at_open = tally["present"]  # raised to those present at close if more came in
    r.issued, r.returned = tally["issued"], tally["returned"]
    r.valid, r.invalid = tally["valid"], tally["invalid"]
    r.invalid_by_reason = json.dumps(tally["invalid_by_reason"])
    r.invalid_by_text = json.dumps(tally["invalid_by_text"], ensure_ascii=False)
    r.outcome = decision.outcome
    r.seal_sha256 = seal(election.id, r.number, tally["ballots"])
    elected, tied = set(decision.elected), set(decision.tied)
    for rc, c in round_candidates(session, r):
        rc.votes = tally["votes"][c.id]
        rc.against = tally["against"][c.id] if tally["against"] is not None else None
        rc.is_elected = c.id in elected
        rc.is_tied = c.id in tied
    electronic = [b for b in tally["ballots"] if b["source"] == "electronic"]
    write_counted_ballots(session, round=r, ballots=electronic,
                          receipts=[o["receipt"] for o in opened])
    r.box_wrapped_key = None
    r.box_salt = None
    hooks.fire("round_closing", session=session, election=election, round=r)  # the backup before close
    r.status = "closed"
    r.closed_at = utcnow()
    # The count minutes' number is fixed now, once (issue 12): the next free number of the
    # congress, never recomputed, so a reprint after other rounds close reads the same.
    r.minutes_number = assign_minutes_number(session, congress_id=election.congress_id, round=r)
    session.flush()
    session.info["ballot_box_closed"] = True
    return r


MINUTES_SERIES = "BB-BBC"
NUMBER_ATTEMPTS = 5


def _next_free_number(session: Session, congress_id: int, series: str) -> int:
    return (session.scalar(select(func.max(DocumentNumber.number)).where(
        DocumentNumber.congress_id == congress_id, DocumentNumber.series == series)) or 0) + 1


def assign_minutes_number(session: Session, *, congress_id: int, round: Round) -> int:
    """The count minutes' number of a closing round: the congress's next free number in the
    "BB-BBC" series, written to ``document_numbers`` whose unique key (congress, series,
    number) refuses a number given twice. Two rounds closing at once (PostgreSQL, READ
    COMMITTED) may read the same "next free" number: the second insert then fails on the key,
    inside a savepoint, and the number is read again (the other close's is now visible)."""
    given = session.scalar(select(DocumentNumber.number).where(DocumentNumber.round_id == round.id))
    if given:
        return given
    for _attempt in range(NUMBER_ATTEMPTS):
        number = _next_free_number(session, congress_id, MINUTES_SERIES)
        try:
            with session.begin_nested():
                session.add(DocumentNumber(congress_id=congress_id, series=MINUTES_SERIES, number=number,
                                           round_id=round.id))
        except IntegrityError:
            continue
        return number
    raise Conflict("Chưa cấp được số biên bản kiểm phiếu vì nhiều lần bầu kết thúc cùng lúc; vui lòng thử lại.",
                   code="number_busy")


def write_counted_ballots(session: Session, *, round: Round, ballots: list[dict], receipts: list[str]) -> int:
    """Secrecy (RULES §5), in the caller's transaction: the round's electronic ballots
    (``ballots``: {"kept", "valid", "reason"}) and receipt codes (those given plus any
    already stored) are written in one random order under new random ids, the sealed rows
    deleted, and the participation rows rewritten in random order. Afterwards no row of the
    round keeps a physical position (SQLite cell offsets, PostgreSQL ctid) or a transaction
    id (PostgreSQL xmin) from the time of casting."""
    rng = random.SystemRandom()
    rows = [(json.dumps(sorted(b["kept"])), bool(b["valid"]), None if b["valid"] else b["reason"],
             json.dumps(sorted(b["against"])) if b.get("against") is not None else None)
            for b in ballots]
    codes = list(dict.fromkeys([*session.scalars(select(Receipt.code).where(Receipt.round_id == round.id)),
                                *receipts]))
    parts = list(session.execute(select(RoundParticipation.delegate_id, RoundParticipation.method)
                                 .where(RoundParticipation.round_id == round.id)).all())
    for seq in (rows, codes, parts):
        rng.shuffle(seq)
    for table in (Ballot, Receipt, RoundParticipation):
        session.execute(delete(table).where(table.round_id == round.id)
                        .execution_options(synchronize_session=False))
    _drop_sealed(session, round=round, rng=rng)
    if rows:
        session.execute(Ballot.__table__.insert(), [
            {"id": secrets.token_hex(16), "round_id": round.id, "kept": kept, "is_valid": valid,
             "invalid_reason": reason, "against": against} for kept, valid, reason, against in rows])
    if codes:
        session.execute(Receipt.__table__.insert(), [{"code": c, "round_id": round.id} for c in codes])
    if parts:
        session.execute(RoundParticipation.__table__.insert(),
                        [{"round_id": round.id, "delegate_id": d, "method": m} for d, m in parts])
    session.flush()
    session.expire_all()
    return len(rows)


def _drop_sealed(session: Session, *, round: Round, rng) -> None:
    """Delete the round's ciphertexts. SQLite: a DELETE (``secure_delete`` zeroes the cells).
    PostgreSQL: a DELETE leaves dead tuples in the heap until a vacuum that no open snapshot
    holds back, so the table is TRUNCATEd instead (a new, empty file at commit; the old one
    is unlinked) and the other open rounds' ciphertexts are written back in random order
    (which also gives them all this transaction's xmin)."""
    if session.connection().dialect.name != "postgresql":
        session.execute(delete(SealedBallot).where(SealedBallot.round_id == round.id)
                        .execution_options(synchronize_session=False))
        return
    others = [dict(r._mapping) for r in session.execute(
        select(SealedBallot.id, SealedBallot.round_id, SealedBallot.ciphertext)
        .where(SealedBallot.round_id != round.id))]
    # A writer in another open round holds the table only for its short transaction; a
    # session left idle in a transaction could hold it for ever: wait at most 10 s.
    session.execute(text("SET LOCAL lock_timeout = '10s'"))
    try:
        session.execute(text("TRUNCATE sealed_ballots"))
    except OperationalError:
        raise Conflict("Hòm phiếu đang bị một kết nối khác giữ; chưa kết thúc lần bầu. Vui lòng thử lại sau "
                       "ít giây.", code="box_busy") from None
    session.execute(text("SET LOCAL lock_timeout = 0"))
    rng.shuffle(others)
    if others:
        session.execute(SealedBallot.__table__.insert(), others)


SCRUB_TABLES = ("sealed_ballots", "round_participations", "ballots", "receipts", "rounds")


def scrub_storage(engine) -> dict:
    """After a round's close has committed, wipe what the engine keeps of the deleted rows.
    SQLite: ``wal_checkpoint(TRUNCATE)`` (the WAL file, which still holds the pages as they
    were while the round was open, is copied into the database, whose deleted cells
    ``secure_delete`` zeroed, and cut to 0 bytes); retried while another connection reads.
    PostgreSQL: ``VACUUM FULL`` of the voting tables (a rewrite into new files that keeps only
    live rows, so raw pages hold no old participation row or old round key; the ciphertexts
    were already TRUNCATEd at close; a tuple that a still-open snapshot can see survives
    until the next scrub). Best effort:
    returns what was done; a failure is logged, never raised (the close is committed)."""
    done: dict = {"engine": engine.dialect.name, "ok": False}
    try:
        if engine.dialect.name == "sqlite":
            for attempt in range(20):
                with engine.connect() as conn:
                    busy, frames, moved = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
                    conn.rollback()
                done.update(busy=busy, frames=frames, attempts=attempt + 1)
                if not busy:
                    done["ok"] = True
                    break
                time.sleep(0.05)
        elif engine.dialect.name == "postgresql":
            failed = []
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                # short: while VACUUM waits for its lock, newer queries on the table queue behind it
                conn.exec_driver_sql("SET lock_timeout = '1s'")
                try:
                    for table in SCRUB_TABLES:   # one at a time: a busy table does not hold up the others
                        try:
                            conn.exec_driver_sql(f"VACUUM (FULL) {table}")
                        except OperationalError as exc:
                            failed.append(f"{table}: {exc.orig}")
                finally:
                    # the connection goes back to the pool: a ballot that later gets it must wait
                    # for a round's lock as long as it takes, not 1 s (then a 500)
                    conn.exec_driver_sql("RESET lock_timeout")
            done["ok"] = not failed
            if failed:
                done["error"] = "; ".join(failed)
    except OperationalError as exc:  # pragma: no cover - logged, the close stands
        done["error"] = str(exc)
    if not done["ok"]:
        log.warning("ballot box: storage scrub after close incomplete: %s", done)
    return done


@event.listens_for(Session, "after_commit")
def _scrub_after_close(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released (e.g. the count minutes' number): the close is not committed yet
    if session.info.pop("ballot_box_closed", False):
        scrub_storage(session.get_bind())


@event.listens_for(Session, "after_rollback")
def _forget_close(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint rolled back: the close goes on
    session.info.pop("ballot_box_closed", None)


def canonical_ballot(kept: Iterable[int], reason: str | None, against: Iterable[int] | None = None) -> str:
    """One counted ballot as a line of the seal: {"kept": sorted ids, "invalid": reason|null};
    an agree/disagree ballot adds "against": sorted ids (``kept`` are then the names agreed)."""
    data: dict = {"kept": sorted(kept), "invalid": reason}
    if against is not None:
        data["against"] = sorted(against)
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def seal(election_id: int, round_number: int, ballots: list[dict]) -> str:
    """SHA-256 (hex) of "election:<id>;round:<n>" followed by the sorted canonical lines of
    every counted ballot, joined by newlines. Anyone holding the published ballots can
    recompute it; it does not depend on the order of casting or entry."""
    lines = sorted(canonical_ballot(b["kept"], b["reason"], b.get("against")) for b in ballots)
    text = "\n".join([f"election:{election_id};round:{round_number}", *lines])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- strike-off and paper entry ---------------------------------------------------------

def voter_may_receive_ballot(delegate: Delegate) -> str | None:
    """Why this delegate may not receive a ballot (RULES §4.5), or None if they may."""
    if not is_summoned(delegate):
        return f"{delegate.full_name} không thuộc danh sách đại biểu được triệu tập."
    if delegate.credential_status != "accepted":
        return f"{delegate.full_name} chưa được công nhận tư cách đại biểu."
    if delegate.checked_in_at is None:
        return f"{delegate.full_name} chưa điểm danh (không có mặt)."
    return None


def issue_paper(session: Session, *, election: Election, delegate_ids: list) -> list[int]:
    """Hand a paper ballot to these delegates (strike them off). All-or-nothing: a delegate
    who already has a ballot this round (paper or electronic) → Conflict; one who may not
    receive a ballot → ValidationFailed; nothing is written in either case."""
    r = _require_open(session, election)
    if not delegate_ids:
        raise ValidationFailed("Cần danh sách đại biểu nhận phiếu.",
                               [{"field": "delegate_ids", "message": "Danh sách trống."}])
    problems: list[dict] = []
    delegates: list[Delegate] = []
    seen: set[int] = set()
    for i, did in enumerate(delegate_ids, start=1):
        d = session.get(Delegate, did)
        if d is None or d.congress_id != election.congress_id:
            _problem(problems, "delegate_ids", f"Không có đại biểu mã {did} trong đại hội này.", i)
            continue
        if d.id in seen:
            _problem(problems, "delegate_ids", f"{d.full_name} có tên hai lần trong yêu cầu.", i)
            continue
        seen.add(d.id)
        reason = voter_may_receive_ballot(d)
        if reason:
            _problem(problems, "delegate_ids", reason, i)
        delegates.append(d)
    if problems:
        raise ValidationFailed(f"Chưa phát phiếu cho ai: {problems[0]['message']}", problems)
    already = session.execute(select(RoundParticipation.delegate_id, RoundParticipation.method)
                              .where(RoundParticipation.round_id == r.id,
                                     RoundParticipation.delegate_id.in_(seen))).all()
    if already:
        names = {d.id: d.full_name for d in delegates}
        details = [{"field": "delegate_ids",
                    "message": f"{names[did]} đã {'nhận phiếu' if m == 'paper' else 'bỏ phiếu'} ở lần bầu này."}
                   for did, m in already]
        raise Conflict(f"Chưa phát phiếu cho ai: {details[0]['message']}", details, code="already_voted")
    for d in delegates:
        session.add(RoundParticipation(round_id=r.id, delegate_id=d.id, method="paper"))
    try:
        session.flush()
    except IntegrityError as exc:  # another desk or the delegate's phone was quicker
        raise Conflict("Đại biểu đã nhận phiếu / đã bỏ phiếu ở lần bầu này.", code="already_voted") from exc
    return [d.id for d in delegates]


def participation(session: Session, round: Round) -> dict[str, int]:
    rows = session.execute(select(RoundParticipation.method, func.count())
                           .where(RoundParticipation.round_id == round.id)
                           .group_by(RoundParticipation.method)).all()
    out = {"paper": 0, "electronic": 0, "slip": 0}
    out.update({m: int(n) for m, n in rows})
    return out


def struck_off_ids(session: Session, round: Round) -> set[int]:
    return set(session.scalars(select(RoundParticipation.delegate_id)
                               .where(RoundParticipation.round_id == round.id)))


def set_paper_issued(session: Session, *, election: Election, issued: int) -> Round:
    """The board's count of paper ballots handed out (used when nobody was struck off)."""
    r = _require_open(session, election)
    if issued < 0:
        raise ValidationFailed("Số phiếu phát ra phải là số nguyên không âm.",
                               [{"field": "issued", "message": "Số phiếu phát ra phải là số nguyên không âm."}])
    methods = participation(session, r)
    if methods["electronic"] or methods["slip"] or sealed_count(session, r):
        raise Conflict("Lần bầu này đã có phiếu điện tử (hoặc đại biểu nhận phiếu QR): không ghi được số phiếu "
                       "giấy phát ra theo cách đếm tổng, vì cách đó không gạch tên ai (Điều 4.5). Hãy phát phiếu "
                       "giấy bằng cách gạch tên từng đại biểu.", code="bare_count_with_electronic")
    r.paper_issued_count = issued
    session.flush()
    return r


MAX_DEFECT_TEXT = 200   # the board's own words for a defect, in characters (after NFC)


def _bad_defect(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": "spoiled", "message": message}])


def clean_defect_text(value) -> str:
    """The board's own words for a defect (RULES §4.2, 3), as kept and printed: NFC, single
    spaces, at most ``MAX_DEFECT_TEXT`` characters, no control character. Refused
    (ValidationFailed) when empty, too long or holding a control character."""
    if not isinstance(value, str):
        raise _bad_defect("Lý do phiếu không hợp lệ phải là một câu chữ.")
    text = normalize_text(value)
    if not text:
        raise _bad_defect("Ghi rõ lỗi của phiếu (ví dụ: «rách làm đôi»).")
    bad = control_characters(text)
    if bad:
        raise _bad_defect("Lý do phiếu không hợp lệ chứa ký tự điều khiển "
                          f"({', '.join(f'U+{ord(ch):04X}' for ch in dict.fromkeys(bad))}): hãy gõ lại.")
    if len(text) > MAX_DEFECT_TEXT:
        raise _bad_defect(f"Lý do phiếu không hợp lệ dài {len(text)} ký tự, quá {MAX_DEFECT_TEXT} ký tự: "
                          "hãy ghi gọn lại.")
    return text


def _normalize_defect(value, text=None) -> tuple[str | None, str | None]:
    """(code, the board's words): a code of DEFECT_REASONS, its Vietnamese label or a known
    alias is that code; any other words are the board's own (code ``other``), kept as
    written (``clean_defect_text``). ``text`` (the page's "lỗi khác" box) is always the
    board's words unless it names a code."""
    if text not in (None, ""):
        if value not in (None, "", False, OTHER_DEFECT):
            raise _bad_defect("Mỗi phiếu chỉ ghi một lý do không hợp lệ: chọn một phím lỗi "
                              "hoặc ghi lỗi khác, không cả hai.")
        value = text
    if value in (None, "", False):
        return None, None
    words = clean_defect_text(value)
    if words in DEFECT_REASONS:
        return words, None
    if words == OTHER_DEFECT:
        raise _bad_defect("Ghi rõ lỗi của phiếu (ví dụ: «rách làm đôi»).")
    for code, label in DEFECT_REASONS.items():
        if words.casefold() == label.casefold():
            return code, None
    key = words.casefold().replace("-", "_").replace(" ", "_")
    if key in DEFECT_ALIASES:
        return DEFECT_ALIASES[key], None
    return OTHER_DEFECT, words


def defect_label(defect: str | None, text: str | None) -> str:
    """How a recorded defect reads: the board's words, or the code's label."""
    if defect == OTHER_DEFECT and text:
        return text
    return INVALID_REASONS.get(defect, defect or "")


def _check_team(election: Election, team: int) -> None:
    if not 1 <= team <= election.entry_teams:
        raise ValidationFailed(f"Tổ nhập phiếu phải từ 1 đến {election.entry_teams}.",
                               [{"field": "team", "message": "Tổ nhập phiếu không hợp lệ."}])


def _check_entry(session: Session, round: Round, team: int, kept: Iterable[int], defect, defect_text=None,
                 against: Iterable[int] = ()) -> tuple[int, list[int], str | None, str | None, list[int]]:
    """Judge one paper entry (typed at the door) against the round's list; returns (team,
    sorted kept, defect code, the board's words for an ``other`` defect, sorted against).
    On an agree/disagree ballot ``kept`` are the names whose "Đồng ý" box is marked and
    ``against`` those whose "Không đồng ý" box is (both: a name in both); a strike-out
    ballot has no ``against``."""
    election = session.get(Election, round.election_id)
    _check_team(election, team)
    kept_ids = list(kept)
    against_ids = list(against or ())
    defect, words = _normalize_defect(defect, defect_text)
    listed = [c.id for _, c in round_candidates(session, round)]
    if against_ids and not election.is_yes_no:
        message = "Phiếu gạch tên không có ô «Không đồng ý»: chỉ ghi các tên được giữ lại."
        raise ValidationFailed(message, [{"field": "against", "message": message}])
    try:
        if election.is_yes_no:
            judge_yes_no_ballot(kept_ids, against_ids, listed, round.seats, defect)
        else:
            judge_ballot(kept_ids, listed, round.seats, defect)
    except BallotError as exc:
        message = str(exc)
        unknown = [k for k in kept_ids + against_ids if k not in listed]
        if unknown:
            message = f"Phiếu ghi mã không có trên phiếu bầu lần này: {', '.join(map(str, unknown))}."
        field = "against" if set(against_ids) - set(listed) or len(set(against_ids)) != len(against_ids) else "kept"
        raise ValidationFailed(message, [{"field": field, "message": message}]) from exc
    return team, sorted(kept_ids), defect, words, sorted(against_ids)


def _next_number(session: Session, round: Round, team: int) -> int:
    # Void entries included: a stack number is never given twice.
    return int(session.scalar(select(func.coalesce(func.max(PaperBallotEntry.number), 0))
                              .where(PaperBallotEntry.round_id == round.id,
                                     PaperBallotEntry.team == team))) + 1


def _round_open(session: Session, round: Round) -> None:
    round = lock_round(session, round=round, exclusive=False)
    if round.status != "open":
        raise Conflict(f"Lần bầu thứ {round.number} không mở: không nhập, sửa hay huỷ phiếu được.",
                       code="round_not_open")


def enter_paper_ballot(session: Session, *, round: Round, team: int = 1, number: int | None = None,
                       kept: list, defect: str | None = None, defect_text: str | None = None,
                       user_id: int | None = None, against: list | None = None) -> PaperBallotEntry:
    """One paper ballot as read by one team: the ids of the names NOT struck, and a physical
    defect if the board found one: a code, or the board's own words (``defect_text``, or
    words in ``defect`` that name no code). ``number`` defaults to the team's next number."""
    _round_open(session, round)
    team, kept_ids, defect, words, against_ids = _check_entry(session, round, team, kept, defect, defect_text,
                                                              against or ())
    if number is None:
        number = _next_number(session, round, team)
    if number < 1:
        raise ValidationFailed("Số thứ tự phiếu phải là số nguyên dương.",
                               [{"field": "number", "message": "Số thứ tự phiếu không hợp lệ."}])
    exists = session.scalar(select(PaperBallotEntry).where(
        PaperBallotEntry.round_id == round.id, PaperBallotEntry.team == team, PaperBallotEntry.number == number))
    if exists is not None and exists.is_void:
        raise Conflict(f"Phiếu số {number} của tổ {team} đã bị huỷ (nhập nhầm) và số thứ tự không được dùng "
                       f"lại. Nếu đây là một phiếu thật, hãy nhập nó với số tiếp theo "
                       f"({_next_number(session, round, team)}); muốn đổi nội dung một phiếu đã nhập, hãy "
                       "dùng «Sửa phiếu» thay vì huỷ rồi nhập lại.", code="number_voided")
    if exists is not None:
        raise Conflict(f"Tổ {team} đã nhập phiếu số {number}; muốn đổi, hãy dùng «Sửa phiếu».",
                       code="duplicate_number")
    entry = PaperBallotEntry(round_id=round.id, team=team, number=number, kept=json.dumps(kept_ids),
                             against=json.dumps(against_ids), defect=defect, defect_text=words,
                             entered_by=user_id)
    session.add(entry)
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict(f"Tổ {team} đã nhập phiếu số {number}.", code="duplicate_number") from exc
    return entry


def get_paper_entry(session: Session, *, round: Round, team: int, number: int) -> PaperBallotEntry:
    entry = session.scalar(select(PaperBallotEntry).where(
        PaperBallotEntry.round_id == round.id, PaperBallotEntry.team == team, PaperBallotEntry.number == number))
    if entry is None:
        raise NotFound(f"Tổ {team} chưa nhập phiếu số {number}.")
    return entry


def correct_paper_ballot(session: Session, *, round: Round, team: int = 1, number: int, kept: list,
                         defect: str | None = None, defect_text: str | None = None, reason: str,
                         user_id: int | None = None, against: list | None = None) -> PaperBallotEntry:
    """Correct an earlier entry; the old reading, who, when and why are kept."""
    _round_open(session, round)
    team, kept_ids, defect, words, against_ids = _check_entry(session, round, team, kept, defect, defect_text,
                                                              against or ())
    reason = normalize_text(reason)
    if not reason:
        raise ValidationFailed("Cần ghi lý do sửa phiếu.", [{"field": "reason", "message": "Lý do không được để trống."}])
    entry = get_paper_entry(session, round=round, team=team, number=number)
    if entry.is_void:
        raise Conflict(f"Phiếu số {entry.number} của tổ {team} đã bị huỷ: không sửa được. Nếu đây là một "
                       "phiếu thật, hãy nhập nó với số mới.", code="entry_void")
    new_kept = json.dumps(kept_ids)
    new_against = json.dumps(against_ids)
    if (entry.kept == new_kept and (entry.against or "[]") == new_against and entry.defect == defect
            and (entry.defect_text or None) == words):
        raise ValidationFailed(f"Phiếu số {number} không thay đổi gì.",
                               [{"field": "kept", "message": "Nội dung sửa giống nội dung đã nhập."}])
    session.add(PaperBallotCorrection(entry_id=entry.id, old_kept=entry.kept, old_defect=entry.defect,
                                      old_defect_text=entry.defect_text, new_kept=new_kept, new_defect=defect,
                                      new_defect_text=words, reason=reason, corrected_by=user_id,
                                      old_against=entry.against, new_against=new_against))
    entry.kept, entry.defect, entry.defect_text, entry.against = new_kept, defect, words, new_against
    session.flush()
    return entry


VOID = "void"   # new_defect of the correction that voids an entry


def void_paper_ballot(session: Session, *, round: Round, team: int = 1, number: int, reason: str,
                      user_id: int | None = None) -> PaperBallotEntry:
    """Void an entry typed by mistake (huỷ phiếu nhập nhầm: Enter pressed twice, a ballot
    typed that is not in the stack), only while the round is open. The entry stays, marked
    void, and counts nowhere; the trace is a correction (old = the entry's reading, new_kept
    "[]", new_defect "void", the reason, who, when). Its number is never reused. Voiding a
    void entry → Conflict."""
    _check_team(session.get(Election, round.election_id), team)
    if number < 1:
        raise ValidationFailed("Số thứ tự phiếu cần huỷ phải là số nguyên dương.",
                               [{"field": "number", "message": "Số thứ tự phiếu không hợp lệ."}])
    reason = normalize_text(reason)
    if not reason:
        raise ValidationFailed("Cần ghi lý do huỷ phiếu (ví dụ: bấm Enter hai lần).",
                               [{"field": "reason", "message": "Lý do không được để trống."}])
    entry = get_paper_entry(session, round=round, team=team, number=number)
    _round_open(session, round)
    # A conditional UPDATE, not check-then-write: of two clerks voiding the same entry at
    # once, one wins and the other is told it is already void (one trace only).
    claimed = session.execute(update(PaperBallotEntry)
                              .where(PaperBallotEntry.id == entry.id, PaperBallotEntry.is_void.is_(False))
                              .values(is_void=True)).rowcount
    if claimed != 1:
        raise Conflict(f"Phiếu số {number} của tổ {team} đã bị huỷ trước đó.", code="already_void")
    session.add(PaperBallotCorrection(entry_id=entry.id, old_kept=entry.kept, old_defect=entry.defect,
                                      old_defect_text=entry.defect_text, new_kept="[]", new_defect=VOID,
                                      old_against=entry.against, new_against="[]",
                                      reason=reason, corrected_by=user_id))
    session.flush()
    return entry


def void_reasons(session: Session, round: Round) -> dict[int, PaperBallotCorrection]:
    """entry id → the correction that voided it, for the round's void entries."""
    return {e.id: c for c, e in corrections(session, round) if c.new_defect == VOID}


def record_paper_ballots(session: Session, *, election: Election, ballots: list[PaperBallotIn],
                         issued: int | None = None, team: int = 1, user_id: int | None = None) -> int:
    """The API's batch entry: [{"kept": [ids]} | {"spoiled": reason}], numbered after the
    team's last ballot. All-or-nothing: any bad ballot → ValidationFailed with its row."""
    r = _require_open(session, election)
    ballots = ballots_in(ballots)
    if issued is not None:
        set_paper_issued(session, election=election, issued=issued)
    checked = []
    problems: list[dict] = []
    for i, ballot in enumerate(ballots, start=1):
        try:
            checked.append(_check_entry(session, r, team, ballot.kept, ballot.defect, None, ballot.against))
        except ValidationFailed as exc:
            _problem(problems, (exc.details[0]["field"] if exc.details else "ballots"), exc.message, i)
    if problems:
        raise ValidationFailed(f"Chưa ghi phiếu nào: {len(problems)} phiếu có lỗi. {problems[0]['message']}",
                               problems)
    number = _next_number(session, r, team) if checked else 0
    for team_no, kept_ids, defect, words, against_ids in checked:
        session.add(PaperBallotEntry(round_id=r.id, team=team_no, number=number, kept=json.dumps(kept_ids),
                                     against=json.dumps(against_ids), defect=defect, defect_text=words,
                                     entered_by=user_id))
        number += 1
    try:
        session.flush()
    except IntegrityError as exc:
        raise Conflict("Một tổ khác vừa nhập cùng số phiếu; hãy thử lại.", code="duplicate_number") from exc
    return len(checked)


def paper_entries(session: Session, round: Round, team: int | None = None, *, include_void: bool = True
                  ) -> list[PaperBallotEntry]:
    """The round's entries (a team's, if given) by team and number; void ones included
    unless ``include_void`` is False (what is counted)."""
    stmt = select(PaperBallotEntry).where(PaperBallotEntry.round_id == round.id)
    if team is not None:
        stmt = stmt.where(PaperBallotEntry.team == team)
    if not include_void:
        stmt = stmt.where(PaperBallotEntry.is_void.is_(False))
    return list(session.scalars(stmt.order_by(PaperBallotEntry.team, PaperBallotEntry.number)))


def corrections(session: Session, round: Round) -> list[tuple[PaperBallotCorrection, PaperBallotEntry]]:
    return [(c, e) for c, e in session.execute(
        select(PaperBallotCorrection, PaperBallotEntry)
        .join(PaperBallotEntry, PaperBallotEntry.id == PaperBallotCorrection.entry_id)
        .where(PaperBallotEntry.round_id == round.id)
        .order_by(PaperBallotCorrection.corrected_at, PaperBallotCorrection.id)).all()]


def _words_key(text: str | None) -> str | None:
    """The board's words as compared between teams and grouped in the minutes: the same
    words in another case or spacing are the same reason."""
    return normalize_text(text).casefold() if text else None


def _entry_content(e: PaperBallotEntry) -> tuple:
    """What two teams must agree on: (kept ids, defect code, the board's words compared
    case-insensitively, the words as typed, the ids disagreed on an agree/disagree ballot).
    Equality looks at all but the words as typed."""
    return _Content(tuple(sorted(json.loads(e.kept))), e.defect, _words_key(e.defect_text), e.defect_text,
                    tuple(sorted(json.loads(e.against or "[]"))))


class _Content(tuple):
    """(kept, defect, words key, words, against): equal and hashed on all but the words."""
    def __new__(cls, kept, defect, key, words, against=()):
        return super().__new__(cls, (kept, defect, key, words, against))

    def _key(self):
        return (self[0], self[1], self[2], self[4])

    def __eq__(self, other):
        return isinstance(other, _Content) and self._key() == other._key()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._key())


def describe_content(kept: Iterable[int], defect: str | None, numbers: dict[int, int],
                     text: str | None = None, against: Iterable[int] | None = None) -> str:
    """A reading as people say it: "giữ 1, 3, 4", "gạch hết", "không hợp lệ: …"; on an
    agree/disagree ballot (``against`` given) "đồng ý 1, 3; không đồng ý 2; cả hai ô 4"."""
    if defect:
        return f"không hợp lệ: {defect_label(defect, text)}"
    if against is not None:
        agree, nay = set(kept), set(against)
        parts = []
        for label, ids in (("đồng ý", agree - nay), ("không đồng ý", nay - agree), ("đánh cả hai ô", agree & nay)):
            if ids:
                parts.append(f"{label} số " + ", ".join(str(n) for n in sorted(numbers.get(k, k) for k in ids)))
        return "; ".join(parts) if parts else "không đánh dấu ô nào"
    nums = sorted(numbers.get(k, k) for k in kept)
    if not nums:
        return "gạch hết tên"
    if len(nums) == len(numbers):
        return "giữ tất cả"
    return "giữ số " + ", ".join(map(str, nums))


def compare_teams(session: Session, round: Round) -> dict:
    """Independent entry by 2 or 3 teams: per team its entries; the disagreements by ballot
    number (missing in a team, or different content). A void entry counts as missing; the
    disagreement then names it (``voided``: {team: reason}) so the other teams can void it too."""
    election = session.get(Election, round.election_id)
    teams = election.entry_teams
    numbers = {c.id: rc.ballot_number for rc, c in round_candidates(session, round)}
    by_team: dict[int, dict[int, tuple]] = {t: {} for t in range(1, teams + 1)}
    voided: dict[tuple[int, int], str] = {}
    reasons = void_reasons(session, round)
    for e in paper_entries(session, round):
        if e.team not in by_team:
            continue
        if e.is_void:
            voided[(e.team, e.number)] = reasons[e.id].reason if e.id in reasons else ""
        else:
            by_team[e.team][e.number] = _entry_content(e)
    disagreements = []
    if teams > 1:
        all_numbers = sorted(set().union(*(set(d) for d in by_team.values())))
        for n in all_numbers:
            readings = {t: by_team[t].get(n) for t in by_team}
            if len({v for v in readings.values()}) == 1:
                continue
            parts = []
            for t, v in readings.items():
                missing = "đã huỷ" if (t, n) in voided else "chưa nhập"
                parts.append(f"tổ {t}: " + (missing if v is None else describe_content(
                    v[0], v[1], numbers, v[3], v[4] if election.is_yes_no else None)))
            disagreements.append({"number": n, "readings": {t: (None if v is None else
                                                               {"kept": list(v[0]), "defect": v[1],
                                                                "defect_text": v[3],
                                                                **({"against": list(v[4])}
                                                                   if election.is_yes_no else {})})
                                                            for t, v in readings.items()},
                                  "voided": {t: voided[(t, n)] for t in by_team if (t, n) in voided},
                                  "message": f"Phiếu số {n}: " + "; ".join(parts) + "."})
    return {"teams": teams, "counts": {t: len(d) for t, d in by_team.items()},
            "entries": by_team, "disagreements": disagreements}


# --- counting ----------------------------------------------------------------------------

def round_tally(session: Session, round: Round, *, opened: list[dict] | None = None) -> dict:
    """The live count of a round (see the module docstring for what counts).

    While a round is open its electronic ballots are sealed: they count in issued and
    returned but their content is unknown (``sealed``: how many; valid, invalid and votes
    are those of the paper ballots). ``opened`` (the box opened at close: [{"kept"}]) counts
    them in full.

    Returns issued, returned, valid, invalid, invalid_by_reason {code: n}, votes {cid: n},
    decision (rules.RoundDecision), ballots (every counted ballot as {"kept", "valid",
    "reason", "source"}), participation by method, paper_issued, paper counted, the
    double-entry disagreements, present/summoned used for reconciliation, and the
    reconciliation problems ([] when the numbers hold)."""
    election = session.get(Election, round.election_id)
    preset = _preset(session, election)
    listed = [c.id for _, c in round_candidates(session, round)]
    names = {c.id: c.full_name for _, c in round_candidates(session, round)}
    yes_no = election.is_yes_no
    yes_no_judge = YesNoJudge(listed, round.seats) if yes_no else None

    def judge(kept, against, defect=None) -> BallotVerdict:
        if yes_no:
            return yes_no_judge(kept, against, defect)
        return judge_ballot(kept, listed, round.seats, defect)

    def ballot(kept, verdict, source, against) -> dict:
        out = {"kept": sorted(kept), "valid": verdict.valid, "reason": verdict.reason, "source": source}
        if yes_no:       # the marks as on the ballot: names agreed, names disagreed
            out["against"] = sorted(against)
        return out

    counted: list[dict] = []
    verdicts: list[BallotVerdict] = []
    for b in session.scalars(select(Ballot).where(Ballot.round_id == round.id)):
        kept = sorted(json.loads(b.kept))
        against = sorted(json.loads(b.against or "[]"))
        reason = None if b.is_valid else b.invalid_reason
        verdict = BallotVerdict(valid=bool(b.is_valid), reason=reason,
                                kept=frozenset(kept) - frozenset(against),
                                against=frozenset(against) - frozenset(kept))
        verdicts.append(verdict)
        counted.append(ballot(kept, verdict, "electronic", against))
    sealed = 0
    if opened is not None:
        for o in opened:
            try:
                verdict = judge(o["kept"], o.get("against", []))
            except BallotError:
                raise Conflict("Có phiếu trong hòm mang tên không thuộc danh sách lần bầu này: chưa kết thúc "
                               "lần bầu. Hãy báo quản trị viên.", code="box_damaged")
            verdicts.append(verdict)
            counted.append(ballot(o["kept"], verdict, "electronic", o.get("against", [])))
    elif round.status != "closed":
        sealed = sealed_count(session, round)
    comparison = compare_teams(session, round)
    paper_counted = 0
    words: list[str] = []
    if not comparison["disagreements"]:
        for number in sorted(comparison["entries"][1]):
            kept, defect, _key, text, against = comparison["entries"][1][number]
            verdict = judge(kept, against, defect)
            verdicts.append(verdict)
            # The board's words stay on the board's side: the counted ballot (published, sealed)
            # carries only the code "other"; the words are counted, never listed per ballot.
            counted.append(ballot(kept, verdict, "paper", against))
            if verdict.reason == OTHER_DEFECT and text:
                words.append(text)
            paper_counted += 1
    count = count_yes_no(verdicts, listed) if yes_no else count_votes(verdicts, listed)
    methods = participation(session, round)
    paper_issued = methods["paper"] if methods["paper"] else (round.paper_issued_count or 0)
    issued = paper_issued + methods["electronic"] + methods["slip"]
    if round.status == "closed":
        present, summoned = round.present_at_open, round.summoned_at_open
    else:
        seen = _attendance(session, election)
        present = max(seen["present"], round.present_at_open or 0)
        summoned = max(seen["summoned"], round.summoned_at_open or 0)
    returned = count.returned + sealed
    # Sealed ballots are of unknown content: under a rulebook that counts on valid ballots
    # they count as valid (no vote) until the close opens them.
    decision = decide_round(count.votes, round.seats, returned, preset, valid=count.valid + sealed)
    # Sealed ballots take part in the live reconciliation as ballots of unknown content
    # (counted as valid with no vote); the close recounts them opened.
    problems = reconcile(issued=issued, returned=returned, valid=count.valid + sealed, invalid=count.invalid,
                         votes=count.votes, seats=round.seats, voted=issued, present=present,
                         summoned=summoned, names=names)
    return {
        "round": round.number, "status": round.status, "seats": round.seats, "sealed": sealed,
        "issued": issued, "returned": returned, "valid": count.valid, "invalid": count.invalid,
        "invalid_by_reason": dict(count.invalid_by_reason), "votes": dict(count.votes),
        # agree/disagree rounds: the votes against (không đồng ý) per candidate; else None
        "against": dict(count.against) if count.against is not None else None,
        "ballot_type": election.ballot_type,
        "invalid_by_text": group_words(words),
        "decision": decision, "ballots": counted, "participation": methods,
        "paper_issued": paper_issued, "paper_counted": paper_counted,
        "electronic_counted": len(counted) - paper_counted + sealed,
        "team_counts": comparison["counts"], "disagreements": comparison["disagreements"],
        "present": present, "summoned": summoned,
        "problems": [{"code": p.code, "message": p.message} for p in problems],
    }


def group_words(texts: Iterable[str]) -> list[list]:
    """The board's words for "other" defects, counted: [[text, n], ...], most frequent first.
    The same words in another case or spacing are one reason, printed as most often typed."""
    groups: dict[str, dict[str, int]] = {}
    for text in texts:
        spellings = groups.setdefault(_words_key(text), {})
        spellings[text] = spellings.get(text, 0) + 1
    out = []
    for spellings in groups.values():
        shown = sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        out.append([shown, sum(spellings.values())])
    return sorted(out, key=lambda pair: (-pair[1], pair[0]))


def _percent_number(votes: int, base: int) -> float:
    """% of the rulebook's base (ballots returned, or valid), for display only."""
    return float(percent(votes, base)) if base else 0.0


def round_result(session: Session, election: Election, round: Round | None = None) -> dict:
    """The result of the current (or given) round in the shape of API.md."""
    r = round if round is not None else current_round(session, election)
    so_far = elected_so_far(session, election)
    if r is None:
        return {"round": None, "status": "draft", "seats": election.seats, "issued": 0, "returned": 0,
                "valid": 0, "invalid": 0,
                "candidates": [{"id": c.id, "full_name": c.full_name, "votes": 0, "percent": 0.0,
                                "elected": False} for c in list_candidates(session, election)],
                "outcome": "pending", "elected": [], "tied": [], "elected_so_far": so_far,
                "seats_left": election.seats, "invalid_by_reason": {}, "invalid_by_text": []}
    rows = round_candidates(session, r)
    if r.status == "closed":
        returned = r.returned or 0
        ranked = sorted(rows, key=lambda x: (-(x[0].votes or 0), x[1].id))
        result = {"issued": r.issued, "returned": returned, "valid": r.valid, "invalid": r.invalid,
                  "outcome": r.outcome,
                  "elected": [c.id for rc, c in ranked if rc.is_elected],
                  "tied": [c.id for rc, c in ranked if rc.is_tied],
                  "invalid_by_reason": json.loads(r.invalid_by_reason or "{}"),
                  "invalid_by_text": json.loads(r.invalid_by_text or "[]")}
        votes = {c.id: rc.votes or 0 for rc, c in rows}
        against = {c.id: rc.against or 0 for rc, c in rows} if election.is_yes_no else None
        elected = set(result["elected"])
    else:
        tally = round_tally(session, r)
        returned = tally["returned"]
        result = {"issued": tally["issued"], "returned": returned, "valid": tally["valid"],
                  "invalid": tally["invalid"], "outcome": "pending", "elected": [], "tied": [],
                  "invalid_by_reason": tally["invalid_by_reason"], "sealed": tally["sealed"],
                  "invalid_by_text": tally["invalid_by_text"]}
        votes = tally["votes"]
        against = tally["against"]
        elected = set()
    preset = _preset(session, election)
    base = elect_base_count(returned, min(result["valid"] or 0, returned), preset)

    def person(c: Candidate) -> dict:
        out = {"id": c.id, "full_name": c.full_name, "votes": votes[c.id],
               "percent": _percent_number(votes[c.id], base), "elected": c.id in elected}
        if against is not None:    # agree/disagree: "votes" agree, "against" disagree
            out["against"] = against[c.id]
        return out

    return {
        "round": r.number, "status": r.status, "seats": r.seats, "ballot_type": election.ballot_type,
        # the fewest votes (agree votes on an agree/disagree ballot) that pass the rulebook's threshold
        "votes_needed": votes_needed(returned, preset, min(result["valid"] or 0, returned)),
        "issued": result["issued"], "returned": returned, "valid": result["valid"], "invalid": result["invalid"],
        "candidates": [person(c) for _, c in rows],
        "outcome": result["outcome"], "elected": result["elected"], "tied": result["tied"],
        "elected_so_far": so_far, "seats_left": election.seats - len(so_far),
        "invalid_by_reason": result["invalid_by_reason"],
        # the board's own words for "other" defects, counted (never per ballot)
        "invalid_by_text": [{"reason": text, "count": n} for text, n in result["invalid_by_text"]],
        # electronic ballots still sealed in the box (content unknown until close)
        "sealed": result.get("sealed", 0),
    }


def election_status(session: Session, election: Election) -> str:
    """draft (no round yet or a further round not opened), open, closed (a round closed and
    seats still empty) or complete (every seat filled)."""
    r = current_round(session, election)
    if r is None:
        return "draft"
    if r.status == "open":
        return "open"
    if r.status == "draft":
        return "draft"
    return "complete" if seats_left(session, election) <= 0 else "closed"


def _person(c: Candidate) -> dict:
    return {"id": c.id, "full_name": c.full_name, "ho": c.ho, "ten_dem": c.ten_dem, "ten": c.ten,
            "birth_year": c.birth_year, "gender": c.gender, "position": c.position, "unit": c.unit,
            "ethnicity": c.ethnicity, "education": c.education, "qualification": c.qualification,
            "political_theory": c.political_theory, "is_party_member": c.is_party_member,
            "nomination": c.nomination, "nomination_label": NOMINATION_LABELS.get(c.nomination, c.nomination),
            "delegate_id": c.delegate_id}


def candidate_json(c: Candidate) -> dict:
    return {**_person(c), "withdrawn": c.is_withdrawn, "withdrawal_reason": c.withdrawal_reason}


def election_json(session: Session, election: Election, warnings: list[str] | None = None) -> dict:
    people = list_candidates(session, election)
    withdrawn = [c for c in list_candidates(session, election, include_withdrawn=True) if c.is_withdrawn]
    check = check_candidate_list([(c.full_name, c.birth_year) for c in people], election.seats,
                                 _preset(session, election))
    return {
        "id": election.id, "congress_id": election.congress_id, "title": election.title,
        "body": election.body, "body_label": election.body_label, "seats": election.seats,
        "entry_teams": election.entry_teams, "follows_election_id": election.follows_election_id,
        "ballot_type": election.ballot_type, "ballot_type_label": election.ballot_type_label,
        "status": election_status(session, election),
        "candidates": [candidate_json(c) for c in people],
        "withdrawn": [candidate_json(c) for c in withdrawn],
        "surplus_percent": float(check.surplus_percent),
        "warnings": warnings if warnings is not None else [w.message for w in check.warnings],
        "rounds": [{"number": r.number, "seats": r.seats, "status": r.status, "outcome": r.outcome}
                   for r in list_rounds(session, election)],
        "elected_so_far": elected_so_far(session, election),
        "alternate_seats": election.alternate_seats,
        "ranked_alternates": ranked_alternates(session, election),
    }


# --- the count minutes --------------------------------------------------------------------

def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def count_minutes_data(session: Session, round: Round) -> dict:
    """Everything the biên bản kiểm phiếu (RULES §6) prints, as plain data (no ORM objects).
    ``final`` is False while the round is not closed (a draft print)."""
    from ..congress.services import officials
    election = session.get(Election, round.election_id)
    congress = _congress(session, election)
    preset = get_preset(congress.preset_code)
    rows = round_candidates(session, round)
    if round.status == "closed":
        returned, valid, invalid, issued = round.returned or 0, round.valid or 0, round.invalid or 0, round.issued or 0
        by_reason = json.loads(round.invalid_by_reason or "{}")
        by_text = json.loads(round.invalid_by_text or "[]")
        votes = {c.id: rc.votes or 0 for rc, c in rows}
        against = {c.id: rc.against or 0 for rc, c in rows} if election.is_yes_no else None
        decision = decide_round(votes, round.seats, returned, preset, valid=valid)
        present, summoned = round.present_at_open, round.summoned_at_open
        seal_hash = round.seal_sha256
    else:
        tally = round_tally(session, round)
        returned, valid, invalid, issued = tally["returned"], tally["valid"], tally["invalid"], tally["issued"]
        by_reason, votes, decision = tally["invalid_by_reason"], tally["votes"], tally["decision"]
        against = tally["against"]
        by_text = tally["invalid_by_text"]
        present, summoned = tally["present"], tally["summoned"]
        seal_hash = None
    voted = issued
    base = elect_base_count(returned, valid, preset)     # what the votes are measured against
    people = []
    passed = set(decision.passed)
    elected, tied = set(decision.elected), set(decision.tied)
    for rc, c in rows:
        v = votes.get(c.id, 0)
        pct = percent(v, base) if base else Decimal("0.00")
        person = {**_person(c), "ballot_number": rc.ballot_number, "votes": v,
                  "votes_text": f"{v}/{base}", "percent": str(pct), "percent_text": format_percent_vi(pct),
                  "passed": c.id in passed, "elected": c.id in elected, "tied": c.id in tied}
        if against is not None:   # agree/disagree: the votes against, and the rest (neither box)
            n = against.get(c.id, 0)
            a_pct = percent(n, base) if base else Decimal("0.00")
            person.update(against=n, against_text=f"{n}/{base}", against_percent_text=format_percent_vi(a_pct),
                          neither=max(valid - v - n, 0))
        people.append(person)
    by_id = {p["id"]: p for p in people}
    all_so_far = elected_so_far(session, election)
    if round.status != "closed":
        all_so_far = all_so_far + list(decision.elected)
    everyone = {c.id: c for c in list_candidates(session, election, include_withdrawn=True)}
    return {
        "final": round.status == "closed",
        "congress": {"id": congress.id, "name": congress.name, "organization": congress.organization,
                     "parent_organization": congress.parent_organization, "term": congress.term,
                     "ordinal": congress.ordinal, "kind": congress.kind,
                     "kind_label": KIND_LABELS.get(congress.kind, congress.kind),
                     "date": _iso(congress.date), "venue": congress.venue, "place": congress.place,
                     "preset_code": congress.preset_code, "preset_title": preset.title},
        "election": {"id": election.id, "title": election.title, "body": election.body,
                     "body_label": election.body_label, "seats": election.seats,
                     "ballot_type": election.ballot_type, "ballot_type_label": election.ballot_type_label},
        "yes_no": election.is_yes_no,
        "round": {"id": round.id, "number": round.number, "seats": round.seats, "status": round.status,
                  "opened_at": _iso(round.opened_at), "closed_at": _iso(round.closed_at)},
        "board": [{"full_name": o.full_name, "title": o.title} for o in officials(session, congress.id, "board")],
        "summoned": summoned, "present": present, "voted": voted,
        "seats": round.seats,
        "candidates_count": len(people),
        "self_nominated": sum(1 for p in people if p["nomination"] == "self"),
        "nominated": sum(1 for p in people if p["nomination"] != "self"),
        "issued": issued, "returned": returned, "valid": valid, "invalid": invalid,
        "invalid_by_reason": _reasons_for_minutes(by_reason, by_text),
        "candidates": people,
        "votes_needed": decision.votes_needed,
        "base": base, "base_is_valid": preset.elect_base == "valid",
        "elected": [by_id[cid] for cid in decision.elected],
        "tied": [by_id[cid] for cid in decision.tied],
        "outcome": decision.outcome if round.status == "closed" else "pending",
        "outcome_label": OUTCOME_LABELS[decision.outcome if round.status == "closed" else "pending"],
        "decided_outcome": decision.outcome,
        "seats_left": decision.seats_left,
        "elected_so_far": [{"id": cid, "full_name": everyone[cid].full_name} for cid in all_so_far if cid in everyone],
        "election_seats_left": election.seats - len(all_so_far),
        "seal_sha256": seal_hash,
        # Alternates taken from this round's ranking, when the congress so voted (RULES §4.4).
        "ranked_alternates": _alternates_of_round(session, election, round),
    }


def _alternates_of_round(session: Session, election: Election, round: Round) -> dict | None:
    if round.status != "closed":
        return None
    ranked = ranked_alternates(session, election)
    return ranked if ranked and ranked["ready"] and ranked["round"] == round.number else None


def _reasons_for_minutes(by_reason: dict, by_text: list) -> list[dict]:
    """Invalid ballots by reason as the minutes print them: every code (0 when none), the
    "other" defects under the board's own words, each with its count."""
    rows = [{"code": code, "label": label, "count": int(by_reason.get(code, 0))}
            for code, label in INVALID_REASONS.items() if code != OTHER_DEFECT]
    rows += [{"code": OTHER_DEFECT, "label": text, "count": int(n)} for text, n in by_text]
    worded = sum(int(n) for _, n in by_text)
    unworded = int(by_reason.get(OTHER_DEFECT, 0)) - worded
    if unworded > 0:   # never expected: an "other" defect always has its words
        rows.append({"code": OTHER_DEFECT, "label": INVALID_REASONS[OTHER_DEFECT], "count": unworded})
    return rows


# --- upper-congress alternates taken from the ranking (RULES §4.4) ------------------------------

MAX_ALTERNATES = 100


def set_alternates_by_ranking(session: Session, *, election: Election, seats) -> Election:
    """The congress voted to take ``seats`` alternates to the upper congress from this
    official-delegate election's ranking (those who passed, just below the last official
    delegate elected); ``None`` / 0 withdraws that decision. Refused for any other body,
    and when a separate alternates election already follows this one."""
    if election.body != "upper_delegates":
        raise ValidationFailed("Chỉ cuộc bầu đại biểu chính thức đi dự đại hội cấp trên mới lấy đại biểu dự "
                               "khuyết theo kết quả bầu.", [{"field": "alternate_seats", "message": "Không áp dụng."}])
    if isinstance(seats, str) and seats.strip().isdigit():
        seats = int(seats.strip())
    if seats in (None, "", 0):
        election.alternate_seats = None
        session.flush()
        return election
    if isinstance(seats, bool) or not isinstance(seats, int) or not 1 <= seats <= MAX_ALTERNATES:
        raise ValidationFailed(f"Số đại biểu dự khuyết phải là số nguyên từ 1 đến {MAX_ALTERNATES}.",
                               [{"field": "alternate_seats", "message": "Số không hợp lệ."}])
    separate = session.scalar(select(Election).where(Election.follows_election_id == election.id,
                                                     Election.body == "upper_alternates").limit(1))
    if separate is not None:
        raise Conflict(f"Đã có cuộc bầu riêng đại biểu dự khuyết («{separate.title}»): không lấy theo kết quả "
                       "bầu được nữa.", code="separate_alternates")
    election.alternate_seats = seats
    session.flush()
    return election


def ranked_alternates(session: Session, election: Election) -> dict | None:
    """The alternates taken from the ranking, when the congress so voted (``alternate_seats``):
    among the candidates of the round that filled the last official seat, those who passed the
    threshold and were not elected, from the highest vote down; a tie at the last alternate
    seat is reported, never broken (RULES §4.3, §4.4). ``ready`` is False until every official
    seat is filled. None when the congress did not so vote."""
    if election.body != "upper_delegates" or not election.alternate_seats:
        return None
    out = {"seats": election.alternate_seats, "ready": False, "round": None, "alternates": [], "tied": [],
           "outcome": "pending", "seats_left": election.alternate_seats}
    if election_status(session, election) != "complete":
        return out
    r = latest_closed_round(session, election)
    rows = round_candidates(session, r)
    returned, valid = r.returned or 0, min(r.valid or 0, r.returned or 0)
    preset = _preset(session, election)
    votes = {c.id: rc.votes or 0 for rc, c in rows}
    decision = upper_delegate_alternates(votes, returned, elected_so_far(session, election),
                                         election.alternate_seats, preset, valid=valid)
    base = elect_base_count(returned, valid, preset)     # as the count minutes print it
    people = {c.id: c for _, c in rows}

    def person(cid: int) -> dict:
        v = votes[cid]
        return {"id": cid, "full_name": people[cid].full_name, "votes": v, "votes_text": f"{v}/{base}",
                "percent_text": format_percent_vi(percent(v, base) if base else Decimal("0.00"))}

    out.update(ready=True, round=r.number, alternates=[person(c) for c in decision.elected],
               tied=[person(c) for c in decision.tied], outcome=decision.outcome, seats_left=decision.seats_left)
    return out


def latest_closed_round(session: Session, election: Election) -> Round | None:
    return session.scalar(select(Round).where(Round.election_id == election.id, Round.status == "closed")
                          .order_by(Round.number.desc()).limit(1))


def delete_election(session: Session, *, election: Election) -> None:
    """Delete an election that never opened a round (a mistake in set-up)."""
    _require_not_started(session, election, "xoá cuộc bầu cử")
    session.execute(delete(Candidate).where(Candidate.election_id == election.id))
    session.delete(election)
    session.flush()


# --- what the hall sees of an open round (issue 10) ---------------------------------------------

def hall_counts(session: Session, *, round: Round) -> tuple[int, int]:
    """What the hall display shows of an open round, in two queries: how many have received
    a ballot (never who), and how many voting links were reissued during the round."""
    received = int(session.scalar(select(func.count()).select_from(RoundParticipation)
                                  .where(RoundParticipation.round_id == round.id)) or 0)
    return received, links_reissued(session, round=round)


def links_reissued(session: Session, *, round: Round) -> int:
    """Voting links reissued in the round's congress since the round opened (until it
    closed): the number the hall display shows."""
    if round.opened_at is None:
        return 0
    election = session.get(Election, round.election_id)
    stmt = select(func.count()).select_from(CredentialEvent).where(
        CredentialEvent.congress_id == election.congress_id, CredentialEvent.kind == "link_reissued",
        CredentialEvent.status == "done", CredentialEvent.at >= round.opened_at)
    if round.closed_at is not None:
        stmt = stmt.where(CredentialEvent.at <= round.closed_at)
    return int(session.scalar(stmt) or 0)
