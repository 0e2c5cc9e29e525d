"""Show-of-hands votes (biểu quyết giơ tay, RULES §3): the standard motions of a congress,
custom ones, and recording a result against the number present at that moment.

The rule (agree + disagree + other ≤ present; passed iff 2 × agree > present under the
default preset) lives in ``election_app.rules.motions``; this module loads and stores."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..congress.services import session_for_vote
from ..db import utcnow
from ..delegates.services import attendance
from ..errors import NotFound, ValidationFailed
from ..rules import get_preset, motion_passed, normalize_text, percent, validate_motion
from .models import Motion


@dataclass(frozen=True)
class StandardMotion:
    code: str
    title: str
    only_kind: str | None = None   # "delegates" | "all_members"


# In the order of the standard programme (RULES §3, §7). The codes are shared with the
# agenda presets (TemplateItem.motion).
STANDARD_MOTIONS: tuple[StandardMotion, ...] = (
    StandardMotion("presidium", "Bầu Đoàn Chủ tịch đại hội"),
    StandardMotion("secretariat", "Bầu Đoàn Thư ký đại hội"),
    StandardMotion("credentials_committee", "Bầu Ban Thẩm tra tư cách đại biểu", only_kind="delegates"),
    StandardMotion("programme", "Thông qua chương trình và quy chế làm việc của đại hội"),
    StandardMotion("credentials", "Công nhận tư cách đại biểu dự đại hội", only_kind="delegates"),
    StandardMotion("credentials", "Thông qua báo cáo số lượng và tư cách đoàn viên dự đại hội",
                   only_kind="all_members"),
    StandardMotion("bch_seats", "Biểu quyết số lượng Ban Chấp hành nhiệm kỳ mới"),
    StandardMotion("candidate_list", "Biểu quyết danh sách bầu cử Ban Chấp hành"),
    StandardMotion("election_board", "Bầu Ban bầu cử"),
    StandardMotion("voting_rules", "Thông qua thể lệ bầu cử"),
    StandardMotion("resolution", "Thông qua nghị quyết đại hội"),
)


def standard_motions_for(kind: str) -> list[StandardMotion]:
    return [m for m in STANDARD_MOTIONS if m.only_kind in (None, kind)]


def get_motion(session: Session, mid: int, congress_id: int | None = None) -> Motion:
    motion = session.get(Motion, mid)
    if motion is None or (congress_id is not None and motion.congress_id != congress_id):
        raise NotFound("Không tìm thấy nội dung biểu quyết.")
    return motion


def list_motions(session: Session, congress_id: int) -> list[Motion]:
    return list(session.scalars(select(Motion).where(Motion.congress_id == congress_id)
                                .order_by(Motion.position, Motion.id)))


def _next_position(session: Session, congress_id: int) -> int:
    return int(session.scalar(select(func.coalesce(func.max(Motion.position), 0))
                              .where(Motion.congress_id == congress_id))) + 1


def create_motion(session: Session, *, congress: Congress, title: str, kind: str = "custom") -> Motion:
    title = normalize_text(title)
    if not title:
        raise ValidationFailed("Nội dung biểu quyết không được để trống.",
                               [{"field": "title", "message": "Nội dung biểu quyết không được để trống."}])
    if len(title) > 400:
        raise ValidationFailed("Nội dung biểu quyết quá dài (tối đa 400 ký tự).",
                               [{"field": "title", "message": "Tối đa 400 ký tự."}])
    kind = normalize_text(kind) or "custom"
    motion = Motion(congress_id=congress.id, title=title, kind=kind,
                    position=_next_position(session, congress.id),
                    # Told in the minutes under the agenda item running now (issue 12).
                    agenda_item_id=congress.current_agenda_item_id)
    session.add(motion)
    session.flush()
    return motion


def ensure_standard_motions(session: Session, *, congress: Congress) -> list[Motion]:
    """Create the standard motions this congress does not have yet (by code); returns the
    ones created. Idempotent."""
    have = set(session.scalars(select(Motion.kind).where(Motion.congress_id == congress.id)))
    made = []
    for std in standard_motions_for(congress.kind):
        if std.code in have:
            continue
        made.append(create_motion(session, congress=congress, title=std.title, kind=std.code))
        have.add(std.code)
    return made


def standard_motion(session: Session, *, congress: Congress, code: str) -> Motion:
    """The congress's standard motion ``code``, created (in programme order) if missing."""
    existing = session.scalar(select(Motion).where(Motion.congress_id == congress.id, Motion.kind == code)
                              .order_by(Motion.id).limit(1))
    if existing is not None:
        return existing
    std = next((m for m in standard_motions_for(congress.kind) if m.code == code), None)
    if std is None:
        raise NotFound("Không có nội dung biểu quyết chuẩn này.")
    return create_motion(session, congress=congress, title=std.title, kind=std.code)




def record_motion_result(session: Session, *, motion: Motion, agree: int | None, disagree: int | None,
                         other: int | None = None, user_id: int | None = None) -> Motion:
    """Record the show of hands (counts typed at the door) against the number present now;
    refused (nothing written) when more hands than present. Recording again replaces the
    earlier result."""
    problems: list[dict] = []
    a, d, o = agree, disagree, other
    if a is None:
        problems.append({"field": "agree", "message": "Cần nhập số tán thành."})
    if d is None:
        problems.append({"field": "disagree", "message": "Cần nhập số không tán thành."})
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    o = o or 0
    congress = session.get(Congress, motion.congress_id)
    session_id = session_for_vote(session, congress.id)   # a vote is taken in the open session
    seen = attendance(session, congress)
    found = validate_motion(a, d, o, seen["present"])
    if found:
        raise ValidationFailed(
            f"Không ghi được kết quả: {found[0].message}",
            [{"field": "agree", "message": p.message, "code": p.code} for p in found])
    preset = get_preset(congress.preset_code)
    motion.agree, motion.disagree, motion.other = a, d, o
    motion.congress_session_id = session_id
    motion.present_at_vote, motion.summoned_at_vote = seen["present"], seen["summoned"]
    motion.passed = motion_passed(a, seen["present"], preset, summoned=seen["summoned"])
    motion.recorded_at = utcnow()
    motion.recorded_by = user_id
    session.flush()
    return motion


def motion_json(motion: Motion) -> dict:
    """API.md: agree, disagree, abstain (= ý kiến khác), passed; plus the present count and
    percentages of those present (2 decimals) for pages and minutes."""
    recorded = motion.recorded_at is not None
    present = motion.present_at_vote or 0

    def pct(n):
        return float(percent(n, present)) if recorded and present and n is not None else None

    return {
        "id": motion.id, "congress_id": motion.congress_id, "title": motion.title, "kind": motion.kind,
        "position": motion.position, "recorded": recorded,
        "agree": motion.agree, "disagree": motion.disagree, "abstain": motion.other,
        "present": motion.present_at_vote, "summoned": motion.summoned_at_vote,
        "session_id": motion.congress_session_id,
        "passed": motion.passed,
        "agree_percent": pct(motion.agree), "disagree_percent": pct(motion.disagree),
        "abstain_percent": pct(motion.other),
        "recorded_at": motion.recorded_at.isoformat() if motion.recorded_at else None,
    }
