"""The roll: adding people (one by one or all-or-nothing in bulk), credentials, the
alternate who replaces an official delegate, check-in at the door, and attendance."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..db import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..rules import (duplicate_key, get_preset, name_sort_key, normalize_text,
                     quorum_met, quorum_needed, split_full_name)
from .models import CATEGORY_LABELS, AttendanceEvent, Delegate

GENDERS = ("nam", "nữ")
TEXT_FIELDS = ("unit", "position", "ethnicity", "education", "qualification", "political_theory")


def _summoned_clause(congress_id: int):
    """RULES §1: everyone on the roll but guests, alternates not promoted, rejected
    credentials, and official delegates replaced by an alternate."""
    return (
        (Delegate.congress_id == congress_id)
        & (Delegate.category != "guest")
        & ((Delegate.category != "alternate") | (Delegate.promoted_at.is_not(None)))
        & (Delegate.credential_status != "rejected")
        & (Delegate.is_replaced.is_(False))
    )


def is_summoned(d: Delegate) -> bool:
    return (d.category != "guest"
            and (d.category != "alternate" or d.promoted_at is not None)
            and d.credential_status != "rejected"
            and not d.is_replaced)


def clean_delegate_row(raw: dict, *, row: int | None = None) -> tuple[dict, list[dict]]:
    """Validate one roll row; returns (values, problems). Every string goes through NFC."""
    problems: list[dict] = []

    def bad(field: str, message: str):
        item = {"field": field, "message": message}
        if row is not None:
            item["row"] = row
        problems.append(item)

    values: dict = {}
    full = normalize_text(raw.get("full_name"))
    ho, dem, ten = (normalize_text(raw.get(k)) for k in ("ho", "ten_dem", "ten"))
    if full and not ten:
        try:
            ho, dem, ten = split_full_name(full)
        except ValueError as exc:
            bad("full_name", str(exc))
    elif ten:
        full = " ".join(p for p in (ho, dem, ten) if p)
    if not ten:
        bad("full_name", "Thiếu họ và tên.")
    for part, label in ((ho, "Họ"), (dem, "Tên đệm"), (ten, "Tên")):
        if part and any(ch.isdigit() for ch in part):
            bad("full_name", f"{label} không được chứa chữ số: «{part}».")
    values.update(full_name=full, ho=ho, ten_dem=dem, ten=ten)

    gender = normalize_text(raw.get("gender")).lower() or None
    if gender in ("nu", "female", "f", "nữ"):
        gender = "nữ"
    elif gender in ("male", "m", "nam"):
        gender = "nam"
    if gender is not None and gender not in GENDERS:
        bad("gender", f"Giới tính phải là «Nam» hoặc «Nữ», không phải «{raw.get('gender')}».")
    values["gender"] = gender

    by = raw.get("birth_year")
    if by in (None, ""):
        values["birth_year"] = None
    else:
        try:
            by_int = int(str(by).strip().split(".")[0]) if not isinstance(by, int) else by
            if isinstance(by, float) and by != int(by):
                raise ValueError
        except (TypeError, ValueError):
            bad("birth_year", f"Năm sinh không hợp lệ: «{by}».")
            by_int = None
        if by_int is not None and not 1900 <= by_int <= 2015:
            bad("birth_year", f"Năm sinh {by_int} nằm ngoài khoảng hợp lý (1900–2015).")
        values["birth_year"] = by_int

    category = normalize_text(raw.get("category")) or "official"
    if category not in CATEGORY_LABELS:
        bad("category", f"Loại đại biểu không hợp lệ: «{category}».")
    values["category"] = category

    for key in TEXT_FIELDS:
        if key in raw and raw[key] is not None:
            values[key] = normalize_text(str(raw[key]))
    if values.get("ethnicity") == "":
        values["ethnicity"] = "Kinh"
    if "is_party_member" in raw:
        values["is_party_member"] = bool(raw["is_party_member"])
    return values, problems


def _next_code_number(session: Session, congress_id: int) -> int:
    codes = session.scalars(select(Delegate.code).where(Delegate.congress_id == congress_id))
    best = 0
    for code in codes:
        if code.isdigit():
            best = max(best, int(code))
    return best + 1


def add_delegates(session: Session, *, congress: Congress, rows: list[dict],
                  row_offset: int = 1) -> list[Delegate]:
    """All-or-nothing: validate every row (and duplicates among them and against the roll)
    before writing any. Raises ValidationFailed naming every bad row and field."""
    if not rows:
        raise ValidationFailed("Danh sách trống: không có đại biểu nào để thêm.",
                               [{"field": "delegates", "message": "Không có dòng dữ liệu nào."}])
    cleaned: list[dict] = []
    problems: list[dict] = []
    existing_names: dict[str, list[Delegate]] = {}
    for d in session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)):
        existing_names.setdefault(duplicate_key(d.full_name), []).append(d)
    seen: dict[str, int] = {}
    for i, raw in enumerate(rows):
        row_no = raw.get("_row", i + row_offset) if isinstance(raw, dict) else i + row_offset
        if not isinstance(raw, dict):
            problems.append({"row": row_no, "field": "", "message": "Dòng không đúng định dạng."})
            continue
        values, row_problems = clean_delegate_row(raw, row=row_no)
        problems.extend(row_problems)
        if values.get("ten"):
            name_key = duplicate_key(values["full_name"])
            same = existing_names.get(name_key, [])
            clash = [d for d in same if d.birth_year is None or values.get("birth_year") is None
                     or d.birth_year == values.get("birth_year")]
            if clash:
                problems.append({"row": row_no, "field": "full_name",
                                 "message": f"Trùng với đại biểu đã có: {clash[0].full_name}"
                                            f"{' (' + str(clash[0].birth_year) + ')' if clash[0].birth_year else ''}, số thẻ {clash[0].code}."})
            dup_row = _find_batch_duplicate(seen, values["full_name"], values.get("birth_year"))
            if dup_row is not None:
                problems.append({"row": row_no, "field": "full_name",
                                 "message": f"Trùng tên với dòng {dup_row}: {values['full_name']}."})
            seen[f"{name_key}|{values.get('birth_year') or ''}"] = row_no
        cleaned.append(values)
    if problems:
        raise ValidationFailed(
            f"Có {len(problems)} lỗi trong danh sách; chưa thêm đại biểu nào. Hãy sửa và thử lại.",
            problems)
    next_no = _next_code_number(session, congress.id)
    width = max(3, len(str(next_no + len(cleaned))))
    created = []
    for values in cleaned:
        d = Delegate(congress_id=congress.id, code=str(next_no).zfill(width), **values)
        next_no += 1
        session.add(d)
        created.append(d)
    session.flush()
    return created


def _find_batch_duplicate(seen: dict[str, int], full_name: str, birth_year: int | None) -> int | None:
    name_key = duplicate_key(full_name)
    for key, row_no in seen.items():
        other_name, _, other_by = key.rpartition("|")
        if other_name != name_key:
            continue
        if not other_by or birth_year is None or int(other_by) == birth_year:
            return row_no
    return None


def update_delegate(session: Session, *, delegate: Delegate, data: dict) -> Delegate:
    merged = {k: getattr(delegate, k) for k in ("full_name", "gender", "birth_year", "category",
                                                 "is_party_member", *TEXT_FIELDS)}
    merged.update(data)
    if "full_name" in data:
        merged.pop("ho", None)
    values, problems = clean_delegate_row(merged)
    if not problems:
        name_key = duplicate_key(values["full_name"])
        for other in session.scalars(select(Delegate).where(
                Delegate.congress_id == delegate.congress_id, Delegate.id != delegate.id)):
            if duplicate_key(other.full_name) == name_key and (
                    other.birth_year is None or values["birth_year"] is None
                    or other.birth_year == values["birth_year"]):
                problems.append({"field": "full_name",
                                 "message": f"Trùng với đại biểu đã có: {other.full_name}, số thẻ {other.code}."})
                break
    if problems:
        raise ValidationFailed("Thông tin đại biểu chưa hợp lệ.", problems)
    for key, value in values.items():
        setattr(delegate, key, value)
    session.flush()
    return delegate


def get_delegate(session: Session, congress_id: int, did: int) -> Delegate:
    d = session.get(Delegate, did)
    if d is None or d.congress_id != congress_id:
        raise NotFound("Không tìm thấy đại biểu.")
    return d


def find_by_code(session: Session, congress_id: int, code: str) -> Delegate:
    code = normalize_text(code)
    d = session.scalar(select(Delegate).where(Delegate.congress_id == congress_id, Delegate.code == code))
    if d is None and code.isdigit():
        d = session.scalar(select(Delegate).where(Delegate.congress_id == congress_id,
                                                  Delegate.code == code.zfill(3)))
    if d is None:
        raise NotFound(f"Không có đại biểu số thẻ «{code}» trong đại hội này.")
    return d


def sort_delegates(delegates) -> list[Delegate]:
    return sorted(delegates, key=lambda d: (name_sort_key(d.ho, d.ten_dem, d.ten, d.birth_year), d.id))


def list_delegates(session: Session, congress_id: int, *, query: str = "") -> list[Delegate]:
    rows = session.scalars(select(Delegate).where(Delegate.congress_id == congress_id))
    items = sort_delegates(rows)
    query = normalize_text(query).casefold()
    if query:
        qkey = duplicate_key(query)
        items = [d for d in items if query in d.full_name.casefold() or query == d.code
                 or qkey in duplicate_key(d.full_name) or query in d.unit.casefold()]
    return items


def delegate_json(d: Delegate) -> dict:
    return {
        "id": d.id, "code": d.code, "full_name": d.full_name, "ho": d.ho, "ten_dem": d.ten_dem,
        "ten": d.ten, "gender": d.gender, "birth_year": d.birth_year, "unit": d.unit,
        "position": d.position, "category": d.category, "is_party_member": d.is_party_member,
        "ethnicity": d.ethnicity, "credential_status": d.credential_status,
        "credential_reason": d.credential_reason, "checked_in": d.checked_in_at is not None,
        "summoned": is_summoned(d),
    }


# --- credentials ---------------------------------------------------------------------

def decide_credentials(session: Session, *, delegate: Delegate, status: str, reason: str = "",
                       user_id: int | None = None) -> Delegate:
    reason = normalize_text(reason)
    if status not in ("accepted", "rejected", "pending"):
        raise ValidationFailed("Kết quả thẩm tra không hợp lệ.")
    if status == "rejected" and not reason:
        raise ValidationFailed("Cần ghi rõ lý do không công nhận tư cách đại biểu.",
                               [{"field": "reason", "message": "Lý do không được để trống."}])
    delegate.credential_status = status
    delegate.credential_reason = reason if status == "rejected" else ""
    session.add(AttendanceEvent(congress_id=delegate.congress_id, delegate_id=delegate.id,
                                action="credential", detail=f"{status}: {reason}", user_id=user_id))
    session.flush()
    return delegate


def promote_alternate(session: Session, *, alternate: Delegate, replaces: Delegate, reason: str,
                      user_id: int | None = None) -> Delegate:
    reason = normalize_text(reason)
    if alternate.congress_id != replaces.congress_id:
        raise ValidationFailed("Hai đại biểu không cùng đại hội.")
    if alternate.category != "alternate" or alternate.promoted_at is not None:
        raise Conflict(f"{alternate.full_name} không phải đại biểu dự khuyết chưa được thay thế.")
    if replaces.category not in ("official", "ex_officio", "appointed") or replaces.is_replaced:
        raise Conflict(f"{replaces.full_name} không phải đại biểu chính thức còn hiệu lực.")
    if replaces.checked_in_at is not None:
        raise Conflict(f"{replaces.full_name} đang có mặt tại đại hội; không thể thay thế.")
    if not reason:
        raise ValidationFailed("Cần ghi rõ lý do thay thế.",
                               [{"field": "reason", "message": "Lý do không được để trống."}])
    alternate.promoted_at = utcnow()
    alternate.replaces_delegate_id = replaces.id
    alternate.replacement_reason = reason
    replaces.is_replaced = True
    replaces.absence_reason = replaces.absence_reason or f"Được thay bằng đại biểu dự khuyết {alternate.full_name}"
    session.add(AttendanceEvent(congress_id=alternate.congress_id, delegate_id=alternate.id,
                                action="promote", detail=f"thay {replaces.code}: {reason}", user_id=user_id))
    session.flush()
    return alternate


# --- the door ------------------------------------------------------------------------

@dataclass
class CheckInResult:
    delegate: Delegate
    already: bool
    warning: str = ""


def check_in(session: Session, *, delegate: Delegate, user_id: int | None = None) -> CheckInResult:
    """Idempotent: a second scan is reported (``already``) and changes nothing.
    The UPDATE ... WHERE checked_in_at IS NULL makes two doors scanning at once safe."""
    warning = ""
    if delegate.category == "guest":
        warning = "Khách mời: không tính vào số đại biểu triệu tập."
    elif delegate.credential_status == "rejected":
        warning = "Đại biểu không được công nhận tư cách: không tính vào số có mặt."
    elif delegate.category == "alternate" and delegate.promoted_at is None:
        warning = "Đại biểu dự khuyết chưa được thay thế: không tính vào số triệu tập."
    elif delegate.is_replaced:
        warning = "Đại biểu đã được thay thế bằng đại biểu dự khuyết."
    result = session.execute(
        update(Delegate).where(Delegate.id == delegate.id, Delegate.checked_in_at.is_(None))
        .values(checked_in_at=utcnow()).execution_options(synchronize_session=False))
    session.refresh(delegate)
    if result.rowcount == 0:
        return CheckInResult(delegate, True,
                             f"{delegate.full_name} đã điểm danh lúc trước đó; không ghi lại lần nữa.")
    session.add(AttendanceEvent(congress_id=delegate.congress_id, delegate_id=delegate.id,
                                action="check_in", user_id=user_id))
    session.flush()
    return CheckInResult(delegate, False, warning)


def undo_check_in(session: Session, *, delegate: Delegate, user_id: int | None = None) -> Delegate:
    if delegate.checked_in_at is None:
        raise Conflict(f"{delegate.full_name} chưa điểm danh.")
    delegate.checked_in_at = None
    session.add(AttendanceEvent(congress_id=delegate.congress_id, delegate_id=delegate.id,
                                action="undo", user_id=user_id))
    session.flush()
    return delegate


def attendance(session: Session, congress: Congress) -> dict:
    """One aggregate query; cheap enough to poll a few times a second from many screens."""
    summoned_clause = _summoned_clause(congress.id)
    summoned, present = session.execute(
        select(func.count(Delegate.id),
               func.count(Delegate.checked_in_at)).where(summoned_clause)).one()
    preset = get_preset(congress.preset_code)
    return {
        "summoned": int(summoned),
        "present": int(present),
        "absent": int(summoned) - int(present),
        "quorum_met": quorum_met(int(present), int(summoned), preset),
        "quorum_needed": quorum_needed(int(summoned), preset),
    }


def summoned_delegates(session: Session, congress_id: int) -> list[Delegate]:
    return list(session.scalars(select(Delegate).where(_summoned_clause(congress_id))))
