"""Creating, editing and reading congresses."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth.models import UserCongress
from ..errors import Conflict, NotFound, ValidationFailed
from ..rules import DEFAULT_PRESET, PRESETS, normalize_text
from .inputs import CongressFields, congress_fields
from .models import GRASSROOTS, KIND_LABELS, LEVEL_LABELS, Congress, CongressOfficial, OFFICIAL_ROLES

FIELDS = ("name", "organization", "parent_organization", "term", "ordinal", "kind", "level", "date",
          "venue", "place", "preset_code", "chair_mode")


LABELS = {"name": "Tên đại hội", "organization": "Tên công đoàn", "parent_organization": "Công đoàn cấp trên",
          "term": "Nhiệm kỳ", "ordinal": "Lần thứ", "kind": "Hình thức đại hội", "level": "Cấp công đoàn",
          "date": "Ngày khai mạc",
          "venue": "Địa điểm", "place": "Địa danh", "preset_code": "Bộ quy tắc", "chair_mode": "Cách bầu Chủ tịch"}


def _clean(fields: CongressFields | dict, *, partial: bool, current: Congress | None = None) -> dict:
    data = congress_fields(fields).data()
    out: dict = {}
    problems: list[dict] = []
    for key in FIELDS:
        if key not in data:
            continue
        value = data[key]
        if key == "date":      # a date or None, typed at the door
            out[key] = value
            continue
        out[key] = normalize_text(value)
        limit = Congress.__table__.c[key].type.length
        if limit and len(out[key]) > limit:
            problems.append({"field": key, "message": f"{LABELS[key]} dài quá {limit} ký tự."})
    required = {k: LABELS[k] for k in ("name", "organization", "term", "kind")}
    for key, label in required.items():
        if (not partial or key in data) and not out.get(key) and not any(p["field"] == key for p in problems):
            problems.append({"field": key, "message": f"{label} không được để trống."})
    if out.get("kind") and out["kind"] not in KIND_LABELS:
        problems.append({"field": "kind", "message": "Hình thức đại hội phải là «delegates» (đại biểu) hoặc «all_members» (toàn thể)."})
    if "level" in out and out["level"] not in LEVEL_LABELS:
        if out["level"] == "" and not partial:
            out.pop("level")           # not given: the model's default (công đoàn cơ sở)
        else:
            problems.append({"field": "level", "message": "Cấp công đoàn phải là một trong: " + "; ".join(
                f"«{code}» ({label})" for code, label in LEVEL_LABELS.items()) + "."})
    # Only a grassroots union holds an all-members congress; the upper levels hold a
    # delegates' congress (RESEARCH §1.1 and §6, item 10).
    level = out.get("level", current.level if current is not None else GRASSROOTS)
    kind = out.get("kind", current.kind if current is not None else None)
    if level in LEVEL_LABELS and level != GRASSROOTS and kind == "all_members" \
            and not any(p["field"] in ("level", "kind") for p in problems):
        problems.append({"field": "kind", "message": f"Đại hội của {LEVEL_LABELS[level]} là đại hội đại biểu: "
                                                      "chỉ công đoàn cơ sở mới tổ chức đại hội toàn thể."})
    # A coded choice left empty (None, "" or spaces) is not a choice: the rulebook and the chair's
    # mode keep their value (or the default, for a new congress); an empty code is never stored.
    for key in ("preset_code", "chair_mode"):
        if key in out and not out[key]:
            out.pop(key)
    if out.get("preset_code") and out["preset_code"] not in PRESETS:
        problems.append({"field": "preset_code", "message": "Bộ quy tắc không tồn tại."})
    if out.get("chair_mode") and out["chair_mode"] not in ("by_bch", "direct"):
        problems.append({"field": "chair_mode", "message": "Cách bầu Chủ tịch không hợp lệ."})
    if out.get("term"):
        out["term"] = re.sub(r"\s*[-–—]\s*", "–", out["term"])  # "2023 - 2028" → "2023–2028"
        years = re.fullmatch(r"(\d{4})–(\d{4})", out["term"])
        if years and int(years.group(2)) <= int(years.group(1)):
            problems.append({"field": "term", "message": f"Nhiệm kỳ «{out['term']}» bị đảo ngược: năm kết thúc "
                                                          "phải sau năm bắt đầu (ví dụ 2023–2028)."})
    if problems:
        raise ValidationFailed("Thông tin đại hội chưa hợp lệ.", problems)
    return out


def create_congress(session: Session, *, data: CongressFields | dict) -> Congress:
    values = _clean(data, partial=False)
    values.setdefault("preset_code", DEFAULT_PRESET.code)
    congress = Congress(**values)
    session.add(congress)
    session.flush()
    return congress


def decided_count(session: Session, congress_id: int) -> dict[str, int]:
    """How many numbers of this congress were already decided under its rulebook: election
    rounds opened or closed (the threshold and the present count are fixed at open) and
    show-of-hands results recorded. Read through the tables (the elections and motions
    packages import this one, not the other way round)."""
    tables = Congress.metadata.tables
    rounds, elections, motions = tables["rounds"], tables["elections"], tables["motions"]
    n_rounds = session.scalar(select(func.count()).select_from(rounds)
                              .join(elections, elections.c.id == rounds.c.election_id)
                              .where(elections.c.congress_id == congress_id,
                                     rounds.c.status.in_(("open", "closed")))) or 0
    n_motions = session.scalar(select(func.count()).select_from(motions)
                               .where(motions.c.congress_id == congress_id,
                                      motions.c.recorded_at.is_not(None))) or 0
    return {"rounds": int(n_rounds), "motions": int(n_motions)}


def rulebook_locked(session: Session, congress_id: int) -> bool:
    counts = decided_count(session, congress_id)
    return bool(counts["rounds"] or counts["motions"])


def update_congress(session: Session, *, congress: Congress, data: CongressFields | dict) -> Congress:
    values = _clean(data, partial=True, current=congress)
    if "preset_code" in values and values["preset_code"] and values["preset_code"] != congress.preset_code:
        counts = decided_count(session, congress.id)
        if counts["rounds"] or counts["motions"]:
            # The thresholds already applied must not change under the numbers they decided.
            raise Conflict(
                "Không thể đổi bộ quy tắc: đại hội đã có kết quả tính theo bộ quy tắc hiện hành "
                f"({counts['rounds']} lần bầu đã mở hoặc đã đóng, {counts['motions']} biểu quyết đã ghi kết quả). "
                "Các con số đã quyết định không được thay đổi.",
                [{"field": "preset_code", "message": "Bộ quy tắc đã khoá vì đại hội đã có kết quả biểu quyết hoặc bầu cử."}],
                code="rulebook_locked")
    for key, value in values.items():
        setattr(congress, key, value)
    session.flush()
    return congress


def get_congress(session: Session, cid: int) -> Congress:
    congress = session.get(Congress, cid)
    if congress is None:
        raise NotFound("Không tìm thấy đại hội.")
    return congress


def list_congresses(session: Session, *, user=None) -> list[Congress]:
    """Every congress for ``admin`` (or no user: the CLI); the scoped ones for anyone else."""
    stmt = select(Congress).order_by(Congress.date.desc().nulls_last(), Congress.id.desc())
    if user is not None and getattr(user, "role", None) != "admin":
        stmt = stmt.where(Congress.id.in_(select(UserCongress.congress_id)
                                          .where(UserCongress.user_id == user.id)))
    return list(session.scalars(stmt))


def congress_json(c: Congress) -> dict:
    return {
        "id": c.id, "name": c.name, "organization": c.organization,
        "parent_organization": c.parent_organization, "term": c.term, "ordinal": c.ordinal,
        "kind": c.kind, "level": c.level, "level_label": c.level_label,
        "date": c.date.isoformat() if c.date else None, "venue": c.venue,
        "place": c.place, "preset_code": c.preset_code, "chair_mode": c.chair_mode,
    }


def set_officials(session: Session, *, congress: Congress, role: str, names: list[str]) -> None:
    """Replace the members of one working body (one name per line; "Tên - chức danh")."""
    if role not in OFFICIAL_ROLES:
        raise ValidationFailed("Cơ quan không hợp lệ.")
    for row in session.scalars(select(CongressOfficial).where(
            CongressOfficial.congress_id == congress.id, CongressOfficial.role == role)):
        session.delete(row)
    for i, line in enumerate(n for n in (normalize_text(x) for x in names) if n):
        name, _, title = line.partition(" - ")
        session.add(CongressOfficial(congress_id=congress.id, role=role, full_name=name.strip(),
                                     title=title.strip(), position=i))
    session.flush()


def officials(session: Session, congress_id: int, role: str) -> list[CongressOfficial]:
    return list(session.scalars(select(CongressOfficial).where(
        CongressOfficial.congress_id == congress_id, CongressOfficial.role == role
    ).order_by(CongressOfficial.position)))


_NAME_ORDER_LABELS = {"letter_tone": "từng chữ cái kèm dấu thanh (RULES §4.1)",
                      "cldr": "chữ cái trước, dấu thanh chỉ khi trùng chữ (CLDR vi)"}


def rulebooks_overview() -> list[dict]:
    """Every rulebook (preset file) with its parameters in words, for the read-only page."""
    out = []
    for p in PRESETS.values():
        params = [
            ("Đủ điều kiện tiến hành", f"có mặt từ {p.fraction('quorum')} ({p.fraction_words('quorum')}) "
                                       "số được triệu tập trở lên"),
            ("Trúng cử", f"quá {p.fraction('elect')} ({p.fraction_words('elect')}) {p.elect_base_words}"),
            ("Số lần bầu tối đa", str(p.max_rounds) if p.max_rounds else "không giới hạn"),
            ("Bầu lần tiếp theo", "do Đại hội biểu quyết" if p.further_round_by_vote else "tự động"),
            ("Biểu quyết giơ tay", f"tán thành quá {p.fraction('motion')} {p.motion_base_words}"),
            ("Số dư", (f"cảnh báo khi trên {p.surplus_warn_max_percent}%"
                       if p.surplus_warn_max_percent is not None else "không cảnh báo mức trên")
             + ("; cảnh báo khi không có số dư" if p.surplus_warn_when_none else "")),
            ("Xếp tên", _NAME_ORDER_LABELS.get(p.name_order, p.name_order)),
            ("Ứng cử đại biểu đi dự đại hội cấp trên",
             "chỉ đại biểu chính thức của đại hội" if p.upper_delegates_summoned_only else "mọi người trong danh sách"),
            ("Chức danh chỉ dành cho công dân Việt Nam", "có" if p.posts_citizens_only else "không"),
            ("Điều lệ", p.charter),
            ("Căn cứ (văn bản)", " ".join(p.basis(None))),
            ("Luật được dẫn", "; ".join(f"{name} (từ {'/'.join(reversed(start.split('-')))})" if start else name
                                       for start, name in p.laws) or "—"),
        ]
        out.append({"code": p.code, "version": p.version, "title": p.title, "note": p.note,
                    "sources": list(p.sources), "params": params, "label": p.label})
    return out


# --- sessions (phiên họp): the lookups every feature needs ------------------------------------
# (the pages and actions that change sessions live in election_app/sessions, which counts the
# attendance; these two only read the table, so the roll, motions and elections may ask them)

def open_session_of(session: Session, congress_id: int):
    """The congress's open session, or None (none open, or the congress has no sessions)."""
    from .models import CongressSession
    return session.scalar(select(CongressSession).where(CongressSession.congress_id == congress_id,
                                                        CongressSession.state == "open"))


def list_sessions(session: Session, congress_id: int) -> list:
    from .models import CongressSession
    return list(session.scalars(select(CongressSession).where(CongressSession.congress_id == congress_id)
                                .order_by(CongressSession.position, CongressSession.id)))


def session_for_vote(session: Session, congress_id: int) -> int | None:
    """The session a vote taken now belongs to: None for a congress without sessions (one
    implicit session, as before); the open session's id; a Conflict when sessions are
    defined and none is open (a vote is taken in a session)."""
    from .models import CongressSession
    current = open_session_of(session, congress_id)
    if current is not None:
        return current.id
    any_defined = session.scalar(select(func.count()).select_from(CongressSession)
                                 .where(CongressSession.congress_id == congress_id))
    if any_defined:
        raise Conflict("Chưa có phiên họp nào đang mở: mở phiên họp trước khi biểu quyết hoặc mở lần bầu.",
                       code="no_open_session")
    return None
