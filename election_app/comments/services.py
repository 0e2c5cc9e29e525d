"""Comments on draft documents (góp ý dự thảo văn kiện, issue 16.8).

Owns: the delegates' written comments on the drafts discussed at an agenda item of kind
``comments`` (sent from the delegate's personal link page while the item is not done), the
secretary's grouping of them (a topic label per comment) and the summary the congress
minutes print under the item. A comment is signed (it names its delegate) but is written
in a unit of its own and holds nothing of voting, so it cannot be linked to a ballot.
Services flush, never commit."""
from __future__ import annotations

import unicodedata

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..agenda.models import AgendaItem
from ..congress.models import Congress
from ..delegates.models import Delegate
from ..errors import Conflict, NotFound, ValidationFailed
from ..rules import control_characters, normalize_text
from .models import DraftComment

KIND = "comments"
TEXT_MAX = 4000
TOPIC_MAX = 100
PER_DELEGATE_MAX = 20
UNGROUPED = "Chưa phân nhóm"


def _clean(text: str | None, field: str = "text") -> str:
    if control_characters(text or ""):
        raise ValidationFailed("Có ký tự điều khiển không hợp lệ; hãy gõ lại.",
                               [{"field": field, "message": "Có ký tự điều khiển không hợp lệ."}])
    text = unicodedata.normalize("NFC", (text or "").replace("\r\n", "\n"))
    return "\n".join(normalize_text(line).strip() for line in text.split("\n")).strip()


def open_items(session: Session, congress_id: int) -> list[AgendaItem]:
    """The items taking comments now: of kind ``comments`` and not done."""
    return list(session.scalars(select(AgendaItem).where(
        AgendaItem.congress_id == congress_id, AgendaItem.kind == KIND, AgendaItem.status != "done")
        .order_by(AgendaItem.position, AgendaItem.id)))


def submit_comment(session: Session, *, congress: Congress, delegate: Delegate, item_id: int,
                   text: str) -> DraftComment:
    item = session.get(AgendaItem, item_id)
    if item is None or item.congress_id != congress.id or item.kind != KIND:
        raise NotFound("Không có mục góp ý này.")
    if item.status == "done":
        raise Conflict("Mục này đã kết thúc, không nhận thêm góp ý.")
    if delegate.congress_id != congress.id:
        raise NotFound("Không có đại biểu này.")
    text = _clean(text)
    if not text:
        raise ValidationFailed("Hãy viết nội dung góp ý.", [{"field": "text", "message": "Hãy viết nội dung góp ý."}])
    if len(text) > TEXT_MAX:
        raise ValidationFailed(f"Góp ý dài quá {TEXT_MAX} ký tự; hãy tách thành nhiều góp ý.",
                               [{"field": "text", "message": f"Tối đa {TEXT_MAX} ký tự."}])
    sent = session.scalar(select(func.count()).select_from(DraftComment).where(
        DraftComment.agenda_item_id == item.id, DraftComment.delegate_id == delegate.id))
    if sent >= PER_DELEGATE_MAX:
        raise Conflict(f"Mỗi đại biểu gửi tối đa {PER_DELEGATE_MAX} góp ý cho một mục.")
    row = DraftComment(congress_id=congress.id, agenda_item_id=item.id, delegate_id=delegate.id, text=text)
    session.add(row)
    session.flush()
    return row


def comments_of(session: Session, item: AgendaItem, delegate_id: int | None = None) -> list[DraftComment]:
    stmt = select(DraftComment).where(DraftComment.agenda_item_id == item.id)
    if delegate_id is not None:
        stmt = stmt.where(DraftComment.delegate_id == delegate_id)
    return list(session.scalars(stmt.order_by(DraftComment.id)))


def set_topics(session: Session, *, item: AgendaItem, topics: dict[int, str]) -> int:
    """The secretary's grouping: a topic label per comment (empty = not grouped)."""
    rows = {c.id: c for c in comments_of(session, item)}
    changed = 0
    for n, (cid, topic) in enumerate(topics.items(), start=1):
        row = rows.get(cid)
        if row is None:
            raise NotFound(f"Không có góp ý số {cid} ở mục này.")
        topic = _clean(topic, "topic").replace("\n", " ")
        if len(topic) > TOPIC_MAX:
            raise ValidationFailed(f"Tên nhóm dài quá {TOPIC_MAX} ký tự.",
                                   [{"row": n, "field": "topic", "message": f"Tối đa {TOPIC_MAX} ký tự."}])
        if row.topic != topic:
            row.topic = topic
            changed += 1
    session.flush()
    return changed


def summary(session: Session, item: AgendaItem) -> list[dict]:
    """The comments by topic, the biggest group first (then by the topic's first comment);
    the ungrouped last. Texts only: the minutes say what was said, not who wrote it."""
    groups: dict[str, list[str]] = {}
    for c in comments_of(session, item):
        groups.setdefault(c.topic or "", []).append(c.text)
    named = sorted(((t, texts) for t, texts in groups.items() if t), key=lambda g: -len(g[1]))
    if "" in groups:
        named.append((UNGROUPED, groups[""]))
    return [{"topic": t, "count": len(texts), "texts": texts} for t, texts in named]


def comment_json(c: DraftComment, delegate: Delegate | None = None) -> dict:
    return {"id": c.id, "item_id": c.agenda_item_id, "text": c.text, "topic": c.topic,
            "delegate": delegate.full_name if delegate is not None else None}
