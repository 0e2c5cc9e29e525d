"""The congress programme, run live.

Owns: the agenda built from the standard template (RULES §7) and its editing (add, edit,
move, delete, linking each item to the motion or election it decides); the presidium's
current item (set, next, advance); the secretary's notes per item (plain text: they flow
into the congress minutes in agenda order); the documents organizers upload for
delegates (PDF only, served by a signed public link); and the agenda as the delegate's
phone shows it (``phone_agenda``).

Show-of-hands results and rounds are not counted here: the motions and elections
services do that, and this module only links to their rows."""
from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from sqlalchemy import func, select, text as sql_text
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..db import utcnow
from ..elections.models import Election
from ..errors import Conflict, NotFound, ValidationFailed
from ..motions.models import Motion
from ..rules import normalize_text
from .inputs import ItemFields, item_fields
from .models import AgendaItem, CongressFile
from .presets import KIND_LABELS, SECTION_LABELS, STANDARD_AGENDA, add_minutes, template_items

TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:hH.]([0-5]\d)$")
NOTES_MAX = 100_000
FILE_MAX_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


# --- reading -------------------------------------------------------------------------

def list_items(session: Session, congress_id: int) -> list[AgendaItem]:
    return list(session.scalars(select(AgendaItem).where(AgendaItem.congress_id == congress_id)
                                .order_by(AgendaItem.position, AgendaItem.id)))


def get_item(session: Session, congress_id: int, item_id: int) -> AgendaItem:
    item = session.get(AgendaItem, item_id)
    if item is None or item.congress_id != congress_id:
        raise NotFound("Không tìm thấy mục trong chương trình đại hội.")
    return item


def current_item(session: Session, congress: Congress) -> AgendaItem | None:
    if congress.current_agenda_item_id is None:
        return None
    item = session.get(AgendaItem, congress.current_agenda_item_id)
    if item is None or item.congress_id != congress.id:
        return None
    return item


def next_item(session: Session, *, congress: Congress) -> AgendaItem | None:
    """The item after the current one in agenda order; with none current, the first
    item not yet done. ``None`` at the end of the programme."""
    cur = current_item(session, congress)
    stmt = select(AgendaItem).where(AgendaItem.congress_id == congress.id)
    if cur is None:
        stmt = stmt.where(AgendaItem.status != "done")
    else:
        stmt = stmt.where((AgendaItem.position > cur.position)
                          | ((AgendaItem.position == cur.position) & (AgendaItem.id > cur.id)))
    return session.scalars(stmt.order_by(AgendaItem.position, AgendaItem.id).limit(1)).first()


def item_json(item: AgendaItem) -> dict:
    return {
        "id": item.id, "position": item.position, "section": item.section,
        "section_label": SECTION_LABELS.get(item.section, item.section), "title": item.title,
        "presenter": item.presenter, "planned_time": item.planned_time,
        "duration_min": item.duration_min, "kind": item.kind, "code": item.code,
        "motion_id": item.motion_id, "election_id": item.election_id, "status": item.status,
        "notes": item.notes,
        "started_at": item.started_at.isoformat() if item.started_at else None,
        "ended_at": item.ended_at.isoformat() if item.ended_at else None,
    }


# --- the template --------------------------------------------------------------------

def create_agenda_from_template(session: Session, *, congress: Congress, replace: bool = False,
                                start: str = "07:30") -> list[AgendaItem]:
    """The standard programme for this congress's kind and chair mode, with planned times
    from ``start``, each item linked to the standard motion or existing election it
    decides. Refuses when the congress already has an agenda, unless ``replace``."""
    start_time = _clean_time(start, field="start") or "07:30"
    existing = list_items(session, congress.id)
    if existing and not replace:
        raise Conflict("Đại hội đã có chương trình. Chọn «Thay thế» để tạo lại từ mẫu "
                       "(các mục hiện có và ghi chép của thư ký sẽ bị xoá).")
    for item in existing:
        session.delete(item)
    congress.current_agenda_item_id = None
    session.flush()
    at = start_time
    made = []
    for pos, row in enumerate(template_items(kind=congress.kind, chair_mode=congress.chair_mode,
                                             term=congress.term, level=congress.level)):
        item = AgendaItem(congress_id=congress.id, position=pos, section=row["section"],
                          title=row["title"], presenter=row["presenter"], planned_time=at,
                          duration_min=row["duration_min"], kind=row["kind"], code=row["code"],
                          status="pending", notes="")
        at = add_minutes(at, row["duration_min"])
        session.add(item)
        made.append(item)
    session.flush()
    link_standard_items(session, congress=congress)
    return made


def _template_links(congress: Congress) -> dict[str, dict]:
    return {row["code"]: row for row in template_items(kind=congress.kind, chair_mode=congress.chair_mode,
                                                      term=congress.term, level=congress.level)}


def link_standard_items(session: Session, *, congress: Congress) -> int:
    """Fill in the missing links of template items: the standard motions (created through
    the motions service when missing) and the congress's elections by body. Returns how
    many links were made. Items already linked are left alone."""
    from ..motions.services import ensure_standard_motions

    rows = _template_links(congress)
    items = [i for i in list_items(session, congress.id) if i.code in rows]
    if any(rows[i.code]["motion"] and i.motion_id is None for i in items):
        ensure_standard_motions(session, congress=congress)
        session.flush()
    motions: dict[str, int] = {}
    for m in session.scalars(select(Motion).where(Motion.congress_id == congress.id)
                             .order_by(Motion.position, Motion.id)):
        motions.setdefault(m.kind, m.id)
    elections: dict[str, int] = {}
    for e in session.scalars(select(Election).where(Election.congress_id == congress.id)
                             .order_by(Election.position, Election.id)):
        elections.setdefault(e.body, e.id)
    made = 0
    for item in items:
        row = rows[item.code]
        if row["motion"] and item.motion_id is None and row["motion"] in motions:
            item.motion_id = motions[row["motion"]]
            made += 1
        if row["election_body"] and item.election_id is None and row["election_body"] in elections:
            item.election_id = elections[row["election_body"]]
            made += 1
    session.flush()
    return made


# --- editing -------------------------------------------------------------------------

def _clean_time(value, *, field: str = "planned_time") -> str:
    text = normalize_text(str(value or ""))
    if not text:
        return ""
    m = TIME_RE.match(text)
    if not m:
        raise ValidationFailed("Giờ không hợp lệ: cần dạng HH:MM, ví dụ 07:30.",
                               [{"field": field, "message": f"«{text}» không phải giờ dạng HH:MM."}])
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _clean_item_data(session: Session, congress_id: int, fields: ItemFields, *, partial: bool) -> dict:
    """The item's fields (typed at the door) judged: a title, the time as HH:MM, a linked
    motion or election of this congress. ``partial``: only the fields the caller set."""
    given = fields.model_fields_set if partial else set(ItemFields.model_fields)
    out: dict = {}
    problems: list[dict] = []

    def bad(field: str, message: str):
        problems.append({"field": field, "message": message})

    if "title" in given:
        out["title"] = normalize_text(fields.title)
        if not out["title"]:
            bad("title", "Tên mục không được để trống.")
    if "section" in given:
        out["section"] = fields.section
    if "presenter" in given:
        out["presenter"] = normalize_text(fields.presenter)
    if "planned_time" in given and (partial or fields.planned_time):
        try:
            out["planned_time"] = _clean_time(fields.planned_time)
        except ValidationFailed as err:
            problems.extend(err.details)
    if "duration_min" in given and (partial or fields.duration_min is not None):
        out["duration_min"] = fields.duration_min
    if "kind" in given and (partial or "kind" in fields.model_fields_set):
        out["kind"] = fields.kind
    for key, model, message in (("motion_id", Motion, "Biểu quyết không thuộc đại hội này."),
                                ("election_id", Election, "Cuộc bầu cử không thuộc đại hội này.")):
        if key not in given or (not partial and getattr(fields, key) is None):
            continue
        row_id = getattr(fields, key)
        if row_id is None:
            out[key] = None
            continue
        row = session.get(model, row_id)
        if row is None or row.congress_id != congress_id:
            bad(key, message)
        else:
            out[key] = row.id
    if problems:
        raise ValidationFailed("Thông tin mục chương trình chưa hợp lệ.", problems)
    return out


def _renumber(items: list[AgendaItem]) -> None:
    for pos, item in enumerate(items):
        item.position = pos


def add_item(session: Session, *, congress: Congress, data: ItemFields | dict,
             after: AgendaItem | None = None) -> AgendaItem:
    """A new item at the end, or just after ``after``."""
    values = _clean_item_data(session, congress.id, item_fields(data), partial=False)
    values.setdefault("kind", "other")
    items = list_items(session, congress.id)
    if after is not None and after.congress_id != congress.id:
        raise NotFound("Không tìm thấy mục trong chương trình đại hội.")
    item = AgendaItem(congress_id=congress.id, status="pending", notes="", code="", **values)
    session.add(item)
    index = items.index(after) + 1 if after is not None and after in items else len(items)
    items.insert(index, item)
    _renumber(items)
    session.flush()
    return item


def update_item(session: Session, *, item: AgendaItem, data: ItemFields | dict) -> AgendaItem:
    for key, value in _clean_item_data(session, item.congress_id, item_fields(data), partial=True).items():
        setattr(item, key, value)
    session.flush()
    return item


def move_item(session: Session, *, item: AgendaItem, direction: str) -> AgendaItem:
    """One place up or down; at either end, nothing moves."""
    if direction not in ("up", "down"):
        raise ValidationFailed("Hướng di chuyển phải là «up» hoặc «down».")
    items = list_items(session, item.congress_id)
    i = items.index(item)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
    _renumber(items)
    session.flush()
    return item


def delete_item(session: Session, *, item: AgendaItem) -> None:
    """Removes the item (its linked motion or election stays: they have their own pages)."""
    congress = session.get(Congress, item.congress_id)
    if item.notes.strip():
        raise Conflict("Mục này đã có ghi chép của thư ký; hãy xoá ghi chép trước khi xoá mục.")
    from .appointments import get_appointment
    if get_appointment(session, item) is not None:
        raise Conflict("Mục này đã ghi quyết định chỉ định; hãy xoá quyết định trước khi xoá mục.")
    # The delegates' comments on drafts (comments feature; read by name, no import back).
    if session.execute(sql_text("SELECT 1 FROM draft_comments WHERE agenda_item_id = :i LIMIT 1"),
                       {"i": item.id}).first() is not None:
        raise Conflict("Mục này đã có góp ý của đại biểu; không thể xoá mục.")
    if congress is not None and congress.current_agenda_item_id == item.id:
        congress.current_agenda_item_id = None
    items = [i for i in list_items(session, item.congress_id) if i.id != item.id]
    session.delete(item)
    _renumber(items)
    session.flush()


# --- running the congress ------------------------------------------------------------

def set_current_item(session: Session, *, congress: Congress, item: AgendaItem) -> AgendaItem:
    """The presidium takes ``item`` up: the item on the floor before it is done (ended
    now), this one becomes current (started now, unless it had started before)."""
    if item.congress_id != congress.id:
        raise NotFound("Không tìm thấy mục trong chương trình đại hội.")
    now = utcnow()
    for other in session.scalars(select(AgendaItem).where(
            AgendaItem.congress_id == congress.id, AgendaItem.status == "current",
            AgendaItem.id != item.id)):
        other.status = "done"
        other.ended_at = now
    item.status = "current"
    item.started_at = item.started_at or now
    item.ended_at = None
    congress.current_agenda_item_id = item.id
    session.flush()
    return item


def advance_item(session: Session, *, congress: Congress,
                 expected_current_id: int | None = None) -> AgendaItem | None:
    """"Chuyển mục tiếp theo". ``expected_current_id`` is the item the presidium saw on
    the floor: when another screen has moved on meanwhile, refuse rather than skip an
    item. At the end of the programme the last item is marked done and nothing is current."""
    cur = current_item(session, congress)
    if expected_current_id is not None and (cur.id if cur else 0) != expected_current_id:
        raise Conflict("Mục đang diễn ra vừa được thay đổi ở màn hình khác; hãy xem lại trước khi chuyển tiếp.")
    nxt = next_item(session, congress=congress)
    if nxt is not None:
        return set_current_item(session, congress=congress, item=nxt)
    if cur is not None:
        cur.status = "done"
        cur.ended_at = utcnow()
        congress.current_agenda_item_id = None
        session.flush()
    return None


# --- the secretary's notes -----------------------------------------------------------

def clean_notes(text: str) -> str:
    """Plain text for the minutes: NFC, Unix line ends, no control characters, no
    trailing spaces."""
    text = unicodedata.normalize("NFC", str(text or "")).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def save_notes(session: Session, *, item: AgendaItem, notes: str, user_id: int | None = None) -> AgendaItem:
    text = clean_notes(notes)
    if len(text) > NOTES_MAX:
        raise ValidationFailed(f"Ghi chép dài quá {NOTES_MAX:,} ký tự.".replace(",", "."),
                               [{"field": "notes", "message": "Ghi chép quá dài."}])
    item.notes = text
    item.notes_updated_at = utcnow()
    item.notes_updated_by = user_id
    session.flush()
    return item


def notes_in_order(session: Session, congress_id: int) -> list[dict]:
    """The notes as the minutes read them: agenda order, plain text."""
    return [{"item_id": i.id, "section": i.section, "title": i.title, "notes": i.notes}
            for i in list_items(session, congress_id)]


# --- documents for delegates (PDF) ---------------------------------------------------

def _file_identity(congress_id: int, file_id: int, uploaded_at, size: int) -> str:
    """What a signed link names: the congress, the file's id, and when it was uploaded and its
    size, so that a link never opens another congress's file nor a later file that happens to
    get the same id (SQLite reuses the id of a deleted last row)."""
    stamp = uploaded_at.replace(tzinfo=None).isoformat(timespec="seconds") if uploaded_at else ""
    return f"congress-file:v2:{congress_id}:{file_id}:{stamp}:{size}"


def file_signature(secret: str, congress_id: int, file_id: int, uploaded_at, size: int) -> str:
    identity = _file_identity(congress_id, file_id, uploaded_at, size)
    return hmac.new(secret.encode(), identity.encode(), hashlib.sha256).hexdigest()[:32]


def file_url(secret: str, file: dict) -> str:
    """The signed link of a file (``file``: a row of ``list_files`` with its congress id)."""
    sig = file_signature(secret, file["congress_id"], file["id"], file["uploaded_at"], file["size"])
    return f"/congresses/{file['congress_id']}/files/{file['id']}/{sig}"


def check_file_signature(secret: str, row, sig: str) -> bool:
    expected = file_signature(secret, row.congress_id, row.id, row.uploaded_at, row.size)
    return hmac.compare_digest(expected, str(sig or ""))


def upload_file(session: Session, *, congress: Congress, title: str, filename: str, content: bytes,
                content_type: str = "") -> CongressFile:
    """A PDF for delegates. Refused (nothing stored) unless it is a PDF: declared as one,
    starting with ``%PDF-``, and at most 20 MB."""
    filename = normalize_text(re.split(r"[\\/]", str(filename or ""))[-1])[:300]
    title = normalize_text(str(title or "")) or re.sub(r"\.pdf$", "", filename, flags=re.I)
    problems = []
    declared = (content_type or "").split(";")[0].strip().lower()
    if declared not in ("", "application/pdf", "application/x-pdf", "application/octet-stream"):
        problems.append({"field": "file", "message": "Chỉ nhận tệp PDF (application/pdf)."})
    elif not filename.lower().endswith(".pdf") and declared not in ("application/pdf", "application/x-pdf"):
        problems.append({"field": "file", "message": "Chỉ nhận tệp PDF (đuôi .pdf)."})
    if not content:
        problems.append({"field": "file", "message": "Tệp rỗng."})
    elif len(content) > FILE_MAX_BYTES:
        problems.append({"field": "file", "message": "Tệp lớn hơn 20 MB."})
    elif not content.startswith(PDF_MAGIC):
        problems.append({"field": "file", "message": "Nội dung tệp không phải PDF (thiếu dấu hiệu %PDF)."})
    if not title:
        problems.append({"field": "title", "message": "Cần tên tài liệu."})
    elif len(title) > 300:
        problems.append({"field": "title", "message": "Tên tài liệu dài quá 300 ký tự."})
    if problems:
        raise ValidationFailed("Không tải lên được: " + problems[0]["message"], problems)
    row = CongressFile(congress_id=congress.id, title=title, filename=filename or "tai-lieu.pdf",
                       content=content, size=len(content))
    session.add(row)
    session.flush()
    return row


def list_files(session: Session, congress_id: int) -> list[dict]:
    """Files without their content (which can be megabytes each)."""
    rows = session.execute(select(CongressFile.id, CongressFile.congress_id, CongressFile.title,
                                  CongressFile.filename, CongressFile.size, CongressFile.uploaded_at)
                           .where(CongressFile.congress_id == congress_id)
                           .order_by(CongressFile.uploaded_at, CongressFile.id))
    return [dict(r._mapping) for r in rows]


def get_file(session: Session, congress_id: int | None, file_id: int) -> CongressFile:
    row = session.get(CongressFile, file_id)
    if row is None or (congress_id is not None and row.congress_id != congress_id):
        raise NotFound("Không tìm thấy tài liệu.")
    return row


def delete_file(session: Session, *, congress: Congress, file_id: int) -> None:
    session.delete(get_file(session, congress.id, file_id))
    session.flush()


def format_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


# --- the delegate's phone ------------------------------------------------------------

def phone_agenda(session: Session, congress: Congress, *, secret_key: str | None = None) -> dict:
    """The agenda as the delegate's phone shows it (plain data for
    ``templates/agenda/_phone_agenda.html``): the current item, every item with its
    status, and the documents with their signed download links. Nothing about the
    delegate. ``secret_key`` signs the links; inside a request it defaults to the app's."""
    if secret_key is None:
        from flask import current_app  # only the default; callers outside a request pass it
        secret_key = current_app.config["SECRET_KEY"]
    items = list_items(session, congress.id)
    current = next((i for i in items if i.id == congress.current_agenda_item_id), None)
    return {
        "current": None if current is None else {
            "title": current.title, "section": current.section,
            "section_label": SECTION_LABELS.get(current.section, ""), "presenter": current.presenter,
            "planned_time": current.planned_time, "status": current.status},
        "items": [{"title": i.title, "section": i.section, "status": i.status,
                   "planned_time": i.planned_time} for i in items],
        "files": [{"title": f["title"], "url": file_url(secret_key, f), "size": f["size"],
                   "size_label": format_size(f["size"])} for f in list_files(session, congress.id)],
    }


def count_items(session: Session, congress_id: int) -> int:
    return int(session.scalar(select(func.count(AgendaItem.id)).where(AgendaItem.congress_id == congress_id)))


def seed_demo_agenda(session: Session, congress: Congress) -> None:
    """Demo hook (demo_hooks.HOOKS, after the elections/motions one): the standard
    programme of the demo congress, linked to its standard motions and BCH election."""
    if count_items(session, congress.id):
        return
    create_agenda_from_template(session, congress=congress, start="07:30")


# --- the presenter of each item (issue 12 §20) -------------------------------------------

# The template fills "Người trình bày" with the body that usually speaks ("Ban tổ chức",
# "Đoàn Chủ tịch"…); the minutes must name the person who really did ("đồng chí Nguyễn Văn A,
# thay mặt Đoàn Chủ tịch").
BODY_PRESENTERS = frozenset(normalize_text(t.presenter).casefold() for t in STANDARD_AGENDA)


def items_with_body_presenter(items) -> list:
    """Held items (started or done) whose presenter is still a body name from the template."""
    return [i for i in items
            if (i.status in ("current", "done") or i.started_at is not None)
            and normalize_text(i.presenter or "").casefold() in BODY_PRESENTERS]


def presenter_warning(items) -> str:
    """The warning shown on the agenda page and before the minutes are printed ("" when fine)."""
    held = items_with_body_presenter(items)
    if not held:
        return ""
    names = sorted({normalize_text(i.presenter) for i in held})
    listed = "; ".join(f"{i.title} ({normalize_text(i.presenter)})" for i in held[:6])
    more = f" và {len(held) - 6} mục khác" if len(held) > 6 else ""
    return (f"{len(held)} mục đã diễn ra vẫn ghi người trình bày là tên tập thể của chương trình mẫu "
            f"(«{'», «'.join(names)}») thay vì người đã trình bày: {listed}{more}. Biên bản đại hội in đúng như "
            "vậy; hãy sửa từng mục thành họ tên và chức danh người trình bày (ví dụ «Đồng chí Nguyễn Văn An, "
            "thay mặt Đoàn Chủ tịch»).")
