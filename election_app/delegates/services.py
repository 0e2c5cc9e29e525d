"""The roll: adding people (one by one or all-or-nothing in bulk), credentials, the
alternate who replaces an official delegate, check-in at the door, and attendance."""
from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, true, update
from sqlalchemy.orm import Session, object_session

from ..congress.models import Congress, CongressSession
from ..congress.services import open_session_of
from ..db import utcnow
from ..errors import Conflict, NotFound, ValidationFailed
from ..rules import (DEFAULT_NAME_ORDER, control_characters, duplicate_key, foreign_letters, get_preset, join_name,
                     name_sort_key, normalize_text, quorum_met, quorum_needed, split_full_name)
from . import idcard
from .models import CATEGORY_LABELS, AttendanceEvent, Delegate

GENDERS = ("nam", "nữ")
TEXT_FIELDS = ("unit", "position", "ethnicity", "nationality", "education", "qualification", "political_theory")
CITIZEN = "Việt Nam"
"""The nationality of a Vietnamese citizen, the default on the roll."""


def is_citizen(nationality: str | None) -> bool:
    """True for Vietnamese nationality however it is written ("Việt Nam", "Viet Nam", "VN")."""
    key = duplicate_key(nationality or CITIZEN).replace(" ", "")
    return key in {duplicate_key(w).replace(" ", "") for w in (CITIZEN, "Viet Nam", "VN", "Vietnam")}


def _summoned_clause(congress_id: int | None):
    """RULES §1: everyone on the roll but guests, alternates not promoted, rejected
    credentials, and official delegates replaced by an alternate (of one congress, or of
    any when ``congress_id`` is None: the caller restricts and groups)."""
    return (
        ((Delegate.congress_id == congress_id) if congress_id is not None else true())
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


FIELD_LABELS = {
    "full_name": "Họ và tên", "ho": "Họ", "ten_dem": "Tên đệm", "ten": "Tên",
    "gender": "Giới tính", "birth_year": "Năm sinh", "unit": "Đơn vị", "position": "Chức vụ",
    "category": "Loại đại biểu", "is_party_member": "Đảng viên", "ethnicity": "Dân tộc",
    "nationality": "Quốc tịch", "education": "Trình độ học vấn", "qualification": "Chuyên môn nghiệp vụ",
    "political_theory": "Lý luận chính trị", "file": "Tệp", "delegates": "Danh sách",
    "reason": "Lý do", "id_number": "Số CCCD",
}
"""Vietnamese name of each field, for messages and the import error table."""

# Column widths in the schema: a longer value is refused here (PostgreSQL would refuse it
# later, and SQLite would silently keep it).
MAX_LENGTHS = {"full_name": 300, "ho": 80, "ten_dem": 120, "ten": 80, "unit": 300, "position": 300,
               "ethnicity": 50, "nationality": 100, "education": 100, "qualification": 200, "political_theory": 100}
TRUE_WORDS = {"true", "1", "x", "yes", "có", "co"}
FALSE_WORDS = {"false", "0", "", "no", "không", "khong"}


def _text(value) -> str:
    """Any cell or JSON value as NFC text (numbers typed into a text column included)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(value if isinstance(value, str) else str(value))


def _plain(text: str) -> str:
    """Lower case without tone or letter marks (đ → d): for searching typed without accents."""
    text = normalize_text(text).casefold().replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def clean_delegate_row(raw: dict, *, row: int | None = None) -> tuple[dict, list[dict]]:
    """Validate one roll row; returns (values, problems). Every string goes through NFC.

    The name comes as a full name (split into họ, tên đệm, tên) or as the three parts;
    given both, they must agree (the parts win for where the split falls, e.g. a double
    family name "Tôn Thất")."""
    problems: list[dict] = []

    def bad(field: str, message: str):
        item = {"field": field, "message": message}
        if row is not None:
            item["row"] = row
        problems.append(item)

    values: dict = {}
    full = _text(raw.get("full_name"))
    ho, dem, ten = (_text(raw.get(k)) for k in ("ho", "ten_dem", "ten"))
    if ten:
        joined = join_name(ho, dem, ten)
        if full and full.casefold() != joined.casefold():
            bad("full_name", f"Họ, tên đệm, tên («{joined}») không khớp với họ và tên «{full}».")
        full = joined
    elif full:
        ho, dem, ten = split_full_name(full)
    if not ten:
        bad("full_name", "Thiếu họ và tên.")
    for part, label in ((ho, "Họ"), (dem, "Tên đệm"), (ten, "Tên")):
        if part and any(ch.isdigit() for ch in part):
            bad("full_name", f"{label} không được chứa chữ số: «{part}».")
    values.update(full_name=full, ho=ho, ten_dem=dem, ten=ten)

    gender = _text(raw.get("gender")).lower() or None
    if gender in ("nu", "female", "f", "nữ"):
        gender = "nữ"
    elif gender in ("male", "m", "nam"):
        gender = "nam"
    if gender is not None and gender not in GENDERS:
        bad("gender", f"Giới tính phải là «Nam» hoặc «Nữ», không phải «{_text(raw.get('gender'))}».")
    values["gender"] = gender

    by = raw.get("birth_year")
    if by is None or (isinstance(by, str) and not by.strip()):
        values["birth_year"] = None
    else:
        by_int = None
        if isinstance(by, bool):
            pass
        elif isinstance(by, int):
            by_int = by
        elif isinstance(by, float) and by.is_integer():
            by_int = int(by)
        elif isinstance(by, str):
            text = by.strip()
            if text.endswith(".0"):
                text = text[:-2]
            if text.isdigit():
                by_int = int(text)
        if by_int is None:
            bad("birth_year", f"Năm sinh không hợp lệ: «{_text(by)}» (cần 4 chữ số, ví dụ 1985).")
        elif not 1900 <= by_int <= 2015:
            bad("birth_year", f"Năm sinh {by_int} nằm ngoài khoảng hợp lý (1900–2015).")
        values["birth_year"] = by_int

    category = _text(raw.get("category")) or "official"
    if category not in CATEGORY_LABELS:
        bad("category", f"Loại đại biểu không hợp lệ: «{category}» "
                        f"(một trong: {', '.join(CATEGORY_LABELS)}).")
    values["category"] = category

    for key in TEXT_FIELDS:
        if key in raw and raw[key] is not None:
            values[key] = _text(raw[key])
    if values.get("ethnicity") == "":
        values["ethnicity"] = "Kinh"
    if values.get("nationality") == "":
        values["nationality"] = CITIZEN
    if "is_party_member" in raw:
        flag = raw["is_party_member"]
        if flag is None or isinstance(flag, bool):
            values["is_party_member"] = bool(flag)
        elif _text(flag).lower() in TRUE_WORDS:
            values["is_party_member"] = True
        elif _text(flag).lower() in FALSE_WORDS:
            values["is_party_member"] = False
        else:
            bad("is_party_member", f"Đảng viên: ghi «có» hoặc «không», không phải «{_text(flag)}».")

    # Identity (issue 11 §4): invisible characters are already gone (normalize_text); control
    # characters (NUL ...) anywhere and non-Latin look-alike letters in a name are refused.
    for key in ("full_name", *TEXT_FIELDS):
        bad_chars = control_characters(values.get(key) or "")
        if bad_chars:
            codes = ", ".join(sorted({f"U+{ord(c):04X}" for c in bad_chars}))
            bad(key, f"{FIELD_LABELS[key]} chứa ký tự điều khiển ({codes}); hãy gõ lại ô này.")
    look_alike = foreign_letters(values.get("full_name") or "")
    if look_alike:
        shown = ", ".join(sorted({f"«{c}» ({unicodedata.name(c, 'U+%04X' % ord(c)).title()})" for c in look_alike}))
        bad("full_name", f"Họ và tên «{values['full_name']}» có chữ không phải chữ Việt {shown}: "
                         "chữ này trông giống chữ Latinh nhưng là chữ khác; hãy gõ lại họ tên.")
    if raw.get("birth_date") not in (None, ""):
        bd = raw["birth_date"]
        if isinstance(bd, str):
            try:
                bd = dt.date.fromisoformat(bd)
            except ValueError:
                bd = None
        if isinstance(bd, dt.date) and not isinstance(bd, dt.datetime):
            values["birth_date"] = bd
            if values.get("birth_year") is None:
                values["birth_year"] = bd.year
                if not 1900 <= bd.year <= 2015:
                    bad("birth_year", f"Năm sinh {bd.year} nằm ngoài khoảng hợp lý (1900–2015).")
            elif values["birth_year"] != bd.year:
                bad("birth_year", f"Ngày sinh {bd:%d/%m/%Y} không khớp năm sinh {values['birth_year']}.")
        else:
            bad("birth_year", f"Ngày sinh không hợp lệ: «{_text(raw['birth_date'])}» (dd/mm/yyyy).")
    if raw.get("id_number") not in (None, ""):
        # The citizen ID number: only its keyed hash is kept; a message never repeats it.
        try:
            values["id_hash"] = idcard.id_hash(idcard.normalize_id_number(raw["id_number"]))
        except idcard.BadIdNumber as err:
            bad("id_number", str(err))
    if isinstance(raw.get("extra"), dict) and raw["extra"]:
        values["extra"] = {normalize_text(str(k))[:100]: _text(v)[:1000] for k, v in raw["extra"].items()}

    for key, limit in MAX_LENGTHS.items():
        value = values.get(key)
        if isinstance(value, str):
            if len(value) > limit:
                bad(key, f"{FIELD_LABELS[key]} dài quá {limit} ký tự.")
            if value.startswith("="):
                # Would become a live formula in the exported spreadsheet.
                bad(key, f"{FIELD_LABELS[key]} không được bắt đầu bằng dấu «=» (công thức): «{value[:40]}».")
    return values, problems


def _next_code_number(session: Session, congress_id: int) -> int:
    codes = session.scalars(select(Delegate.code).where(Delegate.congress_id == congress_id))
    best = 0
    for code in codes:
        if code.isdigit():
            best = max(best, int(code))
    return best + 1


class _NameIndex:
    """People by duplicate key (Hòa = Hoà, Thủy = Thuỷ, case and spacing ignored), so each
    new row is checked against the roll and the batch in O(1). Same name with two known,
    different birth years: two people. Same name with a year missing on either side:
    probably one person, refused."""

    def __init__(self):
        self._by_key: dict[str, list[tuple[int | None, object]]] = {}

    def add(self, key: str, birth_year: int | None, who) -> None:
        self._by_key.setdefault(key, []).append((birth_year, who))

    def clash(self, key: str, birth_year: int | None):
        for other_year, who in self._by_key.get(key, ()):
            if other_year is None or birth_year is None or other_year == birth_year:
                return who
        return None


def _roll_index(session: Session, congress_id: int, *, exclude_id: int | None = None) -> _NameIndex:
    index = _NameIndex()
    stmt = select(Delegate.id, Delegate.full_name, Delegate.birth_year, Delegate.code).where(
        Delegate.congress_id == congress_id)
    for did, full_name, birth_year, code in session.execute(stmt):
        if did != exclude_id:
            index.add(duplicate_key(full_name), birth_year, (full_name, birth_year, code))
    return index


def _roll_clash_message(who: tuple) -> str:
    full_name, birth_year, code = who
    year = f" ({birth_year})" if birth_year else ""
    return f"Trùng với người đã có trong danh sách: {full_name}{year}, số thẻ {code}."


def _id_hashes(session: Session, congress_id: int, *, exclude_id: int | None = None) -> dict[str, tuple]:
    stmt = select(Delegate.id, Delegate.id_hash, Delegate.full_name, Delegate.code).where(
        Delegate.congress_id == congress_id, Delegate.id_hash.is_not(None))
    return {h: (name, code) for did, h, name, code in session.execute(stmt) if did != exclude_id}


def add_delegates(session: Session, *, congress: Congress, rows: list[dict],
                  row_offset: int = 1) -> list[Delegate]:
    """All-or-nothing: validate every row (and duplicates among them and against the roll)
    before writing any. Raises ValidationFailed naming every bad row and field.

    A row's number is its ``_row`` (the spreadsheet line, set by the importer) or its
    position counted from ``row_offset``."""
    if not rows:
        raise ValidationFailed("Danh sách trống: không có đại biểu nào để thêm.",
                               [{"field": "delegates", "message": "Không có dòng dữ liệu nào."}])
    cleaned: list[dict] = []
    problems: list[dict] = []
    on_roll = _roll_index(session, congress.id)
    in_batch = _NameIndex()
    ids_on_roll = _id_hashes(session, congress.id)
    ids_in_batch: dict[str, int] = {}
    for i, raw in enumerate(rows):
        row_no = raw.get("_row", i + row_offset) if isinstance(raw, dict) else i + row_offset
        if not isinstance(raw, dict):
            problems.append({"row": row_no, "field": "", "message": "Dòng không đúng định dạng."})
            continue
        unreadable = list(raw.get("_problems") or ())   # cells the importer could not read
        problems.extend(unreadable)
        values, row_problems = clean_delegate_row(raw, row=row_no)
        reported = {p.get("field") for p in unreadable}
        problems.extend(p for p in row_problems if p["field"] not in reported)
        if values.get("ten"):
            year = values.get("birth_year")
            key = duplicate_key(values["full_name"])
            clash = on_roll.clash(key, year)
            if clash is not None:
                problems.append({"row": row_no, "field": "full_name", "message": _roll_clash_message(clash)})
            dup_row = in_batch.clash(key, year)
            if dup_row is not None:
                problems.append({"row": row_no, "field": "full_name",
                                 "message": f"Trùng tên với dòng {dup_row}: {values['full_name']}."})
            in_batch.add(key, year, row_no)
        if values.get("id_hash"):
            who = ids_on_roll.get(values["id_hash"])
            if who is not None:
                problems.append({"row": row_no, "field": "id_number",
                                 "message": f"Số CCCD trùng với {who[0]} (số thẻ {who[1]}) đã có trong danh sách."})
            elif values["id_hash"] in ids_in_batch:
                problems.append({"row": row_no, "field": "id_number",
                                 "message": f"Số CCCD trùng với dòng {ids_in_batch[values['id_hash']]}."})
            ids_in_batch.setdefault(values["id_hash"], row_no)
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


def update_delegate(session: Session, *, delegate: Delegate, data: dict) -> Delegate:
    """Edit one person. A changed full name is split again; changed name parts (with the
    full name unchanged) rebuild the full name; both changed must agree."""
    merged = {k: getattr(delegate, k) for k in ("full_name", "gender", "birth_year", "category",
                                                 "is_party_member", *TEXT_FIELDS)}
    merged.update({k: v for k, v in data.items() if k not in ("ho", "ten_dem", "ten", "id_number_clear")})
    old_parts = (delegate.ho, delegate.ten_dem, delegate.ten)
    given = tuple(_text(data.get(k)) for k in ("ho", "ten_dem", "ten"))
    parts_changed = bool(given[2]) and given != old_parts
    full_changed = _text(merged.get("full_name")) != delegate.full_name
    if parts_changed:
        merged.update(ho=given[0], ten_dem=given[1], ten=given[2])
        if not full_changed:
            merged.pop("full_name")
    elif not full_changed:
        merged.update(ho=old_parts[0], ten_dem=old_parts[1], ten=old_parts[2])
    values, problems = clean_delegate_row(merged)
    if not problems:
        clash = _roll_index(session, delegate.congress_id, exclude_id=delegate.id).clash(
            duplicate_key(values["full_name"]), values["birth_year"])
        if clash is not None:
            problems.append({"field": "full_name", "message": _roll_clash_message(clash)})
        who = _id_hashes(session, delegate.congress_id, exclude_id=delegate.id).get(values.get("id_hash") or "")
        if who is not None:
            problems.append({"field": "id_number",
                             "message": f"Số CCCD trùng với {who[0]} (số thẻ {who[1]}) đã có trong danh sách."})
    if problems:
        raise ValidationFailed("Thông tin đại biểu chưa hợp lệ.", problems)
    for key, value in values.items():
        setattr(delegate, key, value)
    if data.get("id_number_clear") and not values.get("id_hash"):
        delegate.id_hash = None
    session.flush()
    return delegate


def get_delegate(session: Session, congress_id: int, did: int) -> Delegate:
    d = session.get(Delegate, did)
    if d is None or d.congress_id != congress_id:
        raise NotFound("Không tìm thấy đại biểu.")
    return d


def find_by_code(session: Session, congress_id: int, code: str) -> Delegate:
    """The card number as typed: "7", "07" and "007" are the same card."""
    code = normalize_text(code)
    wanted = {code}
    if code.isdigit():
        bare = code.lstrip("0") or "0"
        wanted |= {bare.zfill(width) for width in range(len(bare), 7)}
    d = session.scalars(select(Delegate).where(Delegate.congress_id == congress_id,
                                               Delegate.code.in_(wanted))).first()
    if d is None:
        raise NotFound(f"Không có đại biểu số thẻ «{code}» trong đại hội này.")
    return d


def sort_delegates(delegates, order: str | None = None) -> list[Delegate]:
    """The delegates in the name order of their congress's rulebook (RULES §4.1), or in
    ``order`` when given."""
    items = list(delegates)
    if order is None and items and object_session(items[0]) is not None:
        congress = object_session(items[0]).get(Congress, items[0].congress_id)
        order = get_preset(congress.preset_code).name_order
    return sorted(items, key=lambda d: (name_sort_key(d.ho, d.ten_dem, d.ten, d.birth_year, order=order or
                                                      DEFAULT_NAME_ORDER), d.id))


def list_delegates(session: Session, congress_id: int, *, query: str = "") -> list[Delegate]:
    """The roll in the Vietnamese order; ``query`` matches a part of the name (any tone
    placement; typed without accents it matches every accented spelling), the card
    number, or the unit."""
    rows = session.scalars(select(Delegate).where(Delegate.congress_id == congress_id))
    items = sort_delegates(rows)
    query = normalize_text(query).casefold()
    if query:
        qkey = duplicate_key(query)
        plain = _plain(query)
        accentless = plain == query
        number = query.lstrip("0") if query.isdigit() else None
        items = [d for d in items
                 if query in d.full_name.casefold() or qkey in duplicate_key(d.full_name)
                 or query == d.code.casefold() or (number is not None and d.code.lstrip("0") == number)
                 or query in d.unit.casefold()
                 or (accentless and (plain in _plain(d.full_name) or plain in _plain(d.unit)))]
    return items


def delegate_json(d: Delegate) -> dict:
    return {
        "id": d.id, "code": d.code, "full_name": d.full_name, "ho": d.ho, "ten_dem": d.ten_dem,
        "ten": d.ten, "gender": d.gender, "birth_year": d.birth_year, "unit": d.unit,
        "position": d.position, "category": d.category, "is_party_member": d.is_party_member,
        "ethnicity": d.ethnicity, "nationality": d.nationality, "credential_status": d.credential_status,
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
    if alternate.credential_status == "rejected":
        raise Conflict(f"{alternate.full_name} không được công nhận tư cách đại biểu; không thể thay thế.")
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
                             f"{delegate.full_name} đã điểm danh lúc {_clock(delegate.checked_in_at)}; "
                             "lần quét này không được ghi lại.")
    session.add(AttendanceEvent(congress_id=delegate.congress_id, delegate_id=delegate.id,
                                action="check_in", user_id=user_id, congress_session_id=_open_session_id(
                                    session, delegate.congress_id)))
    session.flush()
    return CheckInResult(delegate, False, warning)


def undo_check_in(session: Session, *, delegate: Delegate, user_id: int | None = None) -> Delegate:
    """Takes back a check-in made by mistake (recorded). Like ``check_in``, one conditional
    UPDATE: two undos at once leave one event."""
    result = session.execute(
        update(Delegate).where(Delegate.id == delegate.id, Delegate.checked_in_at.is_not(None))
        .values(checked_in_at=None).execution_options(synchronize_session=False))
    session.refresh(delegate)
    if result.rowcount == 0:
        raise Conflict(f"{delegate.full_name} chưa điểm danh.")
    session.add(AttendanceEvent(congress_id=delegate.congress_id, delegate_id=delegate.id,
                                action="undo", user_id=user_id, congress_session_id=_open_session_id(
                                    session, delegate.congress_id)))
    session.flush()
    return delegate


_VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _clock(moment) -> str:
    """HH:MM in Vietnam time (stored times are UTC; SQLite hands them back naive)."""
    if moment is None:
        return "?"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(_VN_TZ).strftime("%H:%M")


def _open_session_id(session: Session, congress_id: int) -> int | None:
    current = open_session_of(session, congress_id)
    return current.id if current is not None else None


def attendance(session: Session, congress: Congress) -> dict:
    """One aggregate query (and the open session's name); cheap enough to poll a few times a
    second from many screens. Presence carries over from one session to the next (README,
    "Sessions"), so the live count is the open session's."""
    summoned_clause = _summoned_clause(congress.id)
    summoned, present = session.execute(
        select(func.count(Delegate.id),
               func.count(Delegate.checked_in_at)).where(summoned_clause)).one()
    return _attendance_figures(congress, int(summoned), int(present), open_session_of(session, congress.id))


def attendance_of_many(session: Session, congresses: list[Congress]) -> dict[int, dict]:
    """``attendance`` of many congresses in two queries (the district dashboard): the counts
    grouped by congress and the open sessions."""
    ids = [c.id for c in congresses] or [-1]
    counts = {cid: (int(s), int(p)) for cid, s, p in session.execute(
        select(Delegate.congress_id, func.count(Delegate.id), func.count(Delegate.checked_in_at))
        .where(_summoned_clause(None), Delegate.congress_id.in_(ids)).group_by(Delegate.congress_id))}
    current = {cs.congress_id: cs for cs in session.scalars(
        select(CongressSession).where(CongressSession.congress_id.in_(ids), CongressSession.state == "open"))}
    return {c.id: _attendance_figures(c, *counts.get(c.id, (0, 0)), current.get(c.id)) for c in congresses}


def _attendance_figures(congress: Congress, summoned: int, present: int, current) -> dict:
    preset = get_preset(congress.preset_code)
    out = {
        "summoned": int(summoned),
        "present": int(present),
        "absent": int(summoned) - int(present),
        "quorum_met": quorum_met(int(present), int(summoned), preset),
        "quorum_needed": quorum_needed(int(summoned), preset),
        "quorum_fraction": preset.fraction("quorum"),   # the preset in force says it, not a template
    }
    # The open session (phiên họp) whose quorum this is; absent when none is open, so a
    # congress without sessions answers exactly as before.
    if current is not None:
        out["session"] = {"id": current.id, "name": current.name}
    return out


def summoned_delegates(session: Session, congress_id: int) -> list[Delegate]:
    return list(session.scalars(select(Delegate).where(_summoned_clause(congress_id))))


# --- the door: the citizen ID card and the name search ---------------------------------------

@dataclass
class CardMatch:
    """What a scanned citizen ID card found on this congress's roll: one ``delegate`` to
    check in, or ``choices`` for the person at the door to pick from, or nothing; ``message``
    says why (it names the card's holder on the screen only, never in a log or the audit)."""
    delegate: Delegate | None = None
    choices: list[Delegate] = field(default_factory=list)
    message: str = ""
    by: str = ""                    # "number" | "name"


def _birth_text(card: idcard.IdCard) -> str:
    if card.birth_date is not None:
        return f"{card.birth_date:%d/%m/%Y}"
    return str(card.birth_year) if card.birth_year else ""


def _same_birth(d: Delegate, card: idcard.IdCard) -> bool | None:
    """True/False when both sides know it; None when the roll (or the card) does not."""
    if card.birth_date is not None and d.birth_date is not None:
        return d.birth_date == card.birth_date
    year = card.birth_year or (card.birth_date.year if card.birth_date else None)
    if year is not None and d.birth_year is not None:
        return d.birth_year == year
    return None


def match_id_card(session: Session, congress_id: int, card: idcard.IdCard) -> CardMatch:
    """By the number's keyed hash when the roll has it; else by the name (NFC, case and
    diacritics ignored, the exact spelling preferred) AND the birth date or year. A person
    whose roll entry holds another ID number is never matched by name."""
    hashes = idcard.card_hashes(card)
    found = session.scalars(select(Delegate).where(Delegate.congress_id == congress_id,
                                                   Delegate.id_hash.in_(hashes))).first()
    if found is not None:
        return CardMatch(delegate=found, by="number")
    who = f"«{card.name}»" + (f", sinh {_birth_text(card)}" if _birth_text(card) else "")
    if not card.name:
        return CardMatch(message="Không có đại biểu mang số CCCD này trong danh sách đại hội "
                                 "(và mã quét được không có họ tên để tìm).")
    wanted_plain, wanted_key = _plain(card.name), duplicate_key(card.name)
    same, unknown, other_birth = [], [], []
    rows = session.scalars(select(Delegate).where(Delegate.congress_id == congress_id))
    for d in sort_delegates(rows):
        if d.id_hash is not None and d.id_hash not in hashes:
            continue                     # the roll knows this person's card: it is another one
        if _plain(d.full_name) != wanted_plain:
            continue
        {True: same, None: unknown, False: other_birth}[_same_birth(d, card)].append(d)

    def exact_first(people):
        return sorted(people, key=lambda d: duplicate_key(d.full_name) != wanted_key)

    if len(same) == 1:
        return CardMatch(delegate=same[0], by="name")
    if same:
        exact = [d for d in same if duplicate_key(d.full_name) == wanted_key]
        if len(exact) == 1:
            return CardMatch(delegate=exact[0], by="name")
        return CardMatch(choices=exact_first(same), by="name",
                         message=f"{len(same)} người trùng họ tên và ngày sinh với thẻ {who}: chọn đúng người.")
    if unknown:
        return CardMatch(choices=exact_first(unknown), by="name",
                         message=f"Danh sách không ghi ngày/năm sinh của {who}: đối chiếu với người đến rồi chọn.")
    if other_birth:
        return CardMatch(choices=exact_first(other_birth), by="name",
                         message=f"Có người trùng họ tên nhưng khác ngày/năm sinh so với thẻ {who}: "
                                 "kiểm tra kỹ rồi mới chọn.")
    return CardMatch(message=f"Không tìm thấy {who} trong danh sách đại hội này.")


def _word_forms(text: str) -> list[tuple[str, str]]:
    """Each word as (accent-free, case-folded with the tone placement unified)."""
    keys = duplicate_key(text).split(" ") if text else []
    plains = _plain(text).split(" ") if text else []
    return list(zip(plains, keys)) if len(keys) == len(plains) else [(p, p) for p in plains]


def _word_eq(q: tuple[str, str], w: tuple[str, str], *, prefix: bool = False) -> bool:
    """A word typed without accents matches any accents; typed with accents, only those."""
    accented = q[0] != q[1]
    a, b = (q[1], w[1]) if accented else (q[0], w[0])
    return b.startswith(a) if prefix else a == b


def _in_order(qwords, words, *, prefix: bool) -> bool:
    i = 0
    for q in qwords:
        while i < len(words) and not _word_eq(q, words[i], prefix=prefix):
            i += 1
        if i == len(words):
            return False
        i += 1
    return True


def _door_rank(d: Delegate, query: str, qwords, number: str | None) -> tuple[int, bool] | None:
    """How well a person fits what the organizer typed (lower is better), or None. Tiers:
    the card number; the whole name; the given name (tên) with the other words before it;
    the tên begun; whole words of the name in order; words begun; any part of the name or
    the unit (three letters or more)."""
    if number is not None and d.code.lstrip("0") == number:
        return (0, True)
    words = _word_forms(d.full_name)
    if not words or not qwords:
        return None
    ten = words[-1]
    exact = query in d.full_name.casefold()
    if len(qwords) == len(words) and all(_word_eq(q, w) for q, w in zip(qwords, words)):
        return (1, not exact)
    head = qwords[:-1]
    if _word_eq(qwords[-1], ten) and _in_order(head, words[:-1], prefix=True):
        return (2, not exact)
    if _word_eq(qwords[-1], ten, prefix=True) and _in_order(head, words[:-1], prefix=True):
        return (3, not exact)
    if _in_order(qwords, words, prefix=False):
        return (4, not exact)
    if _in_order(qwords, words, prefix=True):
        return (5, not exact)
    if len(query) < 3:
        return None                      # «an» inside «Văn» would match nearly everyone
    qkey, qplain = duplicate_key(query), _plain(query)
    accented = qplain != query
    if exact or qkey in duplicate_key(d.full_name) or (not accented and qplain in _plain(d.full_name)):
        return (6, not exact)
    if query in d.unit.casefold() or (not accented and qplain in _plain(d.unit)):
        return (7, False)
    return None


def search_door(session: Session, congress_id: int, query: str, *, limit: int = 20) -> tuple[list[Delegate], int]:
    """The door's name search, ranked for someone typing part of a name they hear: the
    card number, then the whole name, the given name (tên) typed whole or begun («an»,
    «nguyễn an», «văn a»), whole words («Nguyễn»), begun words, any part of the name, the
    unit. Within a tier the exact accents first, then the roll order. (the first ``limit``,
    how many matched)."""
    query = normalize_text(query).casefold()
    if not query:
        return [], 0
    number = query.lstrip("0") or "0" if query.isdigit() else None
    qwords = _word_forms(query)
    ranked = []
    for pos, d in enumerate(sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress_id)))):
        rank = _door_rank(d, query, qwords, number)
        if rank is not None:
            ranked.append((rank, pos, d))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [d for _r, _p, d in ranked[:limit]], len(ranked)
