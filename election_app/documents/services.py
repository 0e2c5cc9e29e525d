"""What the official documents say (RULES §6), assembled as plain dicts and lists.

Owns the content of every printed document: the header of a congress document (parent
union, "ĐẠI HỘI CÔNG ĐOÀN … LẦN THỨ …", "Số: 01/BB-ĐH", the place-and-date line), the
delegate cards and lists, the credentials report, the paper ballot, the count minutes,
the congress minutes, the resolution (and the organizer's edited wording of it), the
recognition dossier and the public seal page. Numbers are formatted the Vietnamese way
here ("1.234", "58,33%"), so templates only place text.

Counting and deciding are never done here: rounds come from ``elections.services``
(``count_minutes_data``, ``ballot_list``), motions from their stored result, percentages
from ``rules.percent``. Templates never see ORM objects. No Flask import."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import segno
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..congress.models import KIND_LABELS, Congress, CongressSession
from ..congress.services import list_sessions, officials
from ..delegates.models import CATEGORY_LABELS, Delegate
from ..delegates.qr import checkin_payload
from ..delegates.report import credentials_summary
from ..delegates.services import attendance, is_citizen, is_summoned, sort_delegates
from ..elections import services as el
from ..elections.models import Candidate, Election, Round
from ..errors import Conflict, NotFound, ValidationFailed
from ..motions.models import Motion
from ..sessions.services import session_attendance
from ..rules import elect_base_count, format_percent_vi, get_preset, normalize_text, percent
from .render import qr_url

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
CARDS_PER_PAGE = 8
RESOLUTION_MAX = 50_000
SEAL_RE = re.compile(r"^[0-9a-f]{64}$")


# --- formatting -----------------------------------------------------------------------

def fmt_int(n) -> str:
    """1234567 → "1.234.567"; None → "" (Vietnamese grouping)."""
    if n is None:
        return ""
    return f"{int(n):,}".replace(",", ".")


def fmt_percent(part: int, whole: int) -> str:
    """part / whole × 100, half-up to 2 decimals, printed "58,33%" (rules.percent)."""
    if not whole:
        return format_percent_vi(0)
    return format_percent_vi(percent(part, whole))


def fmt_fraction(part: int, whole: int) -> str:
    return f"{fmt_int(part)}/{fmt_int(whole)}"


def local(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(VN_TZ)


def _parse_iso(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def day_text(day: int) -> str:
    return f"{day:02d}"


def month_text(month: int) -> str:
    """Nghị định 30: months 1 and 2 get a leading zero (so "01", "02", "3" … "12")."""
    return f"{month:02d}" if month <= 2 else str(month)


def long_date(value: dt.date | None) -> str:
    """"ngày 05 tháng 01 năm 2027"; unknown → dotted blanks for filling in by hand."""
    if value is None:
        return "ngày …… tháng …… năm ………"
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return f"ngày {day_text(value.day)} tháng {month_text(value.month)} năm {value.year}"


def date_line(place: str, value: dt.date | None) -> str:
    """The italic place-and-date line: "Ba Đình, ngày 05 tháng 01 năm 2027"."""
    return f"{place or '……………'}, {long_date(value)}"


def time_text(value: dt.datetime | None) -> str:
    """"07 giờ 30 phút" (local time); unknown → blanks."""
    if value is None:
        return "…… giờ …… phút"
    t = local(value)
    return f"{t.hour:02d} giờ {t.minute:02d} phút"


def roman(n: int) -> str:
    """1 → "I", 4 → "IV" (section numbers)."""
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out


def upper_vi(text: str) -> str:
    return normalize_text(text).upper()


def doc_number(n: int, symbol: str) -> str:
    """"Số: 01/BB-ĐH": numbers below 10 get a leading zero."""
    return f"Số: {n:02d}/{symbol}"


# --- the congress and the header of its documents ----------------------------------------

_ORDINAL_IN_NAME = re.compile(r"lần\s+thứ\s+([^\s,;–-]+)", re.IGNORECASE)


def ordinal_of(congress: Congress) -> str:
    """Lần thứ …: the congress's ordinal, or the one written in its name."""
    if congress.ordinal:
        return normalize_text(congress.ordinal)
    m = _ORDINAL_IN_NAME.search(congress.name or "")
    return m.group(1) if m else ""


def congress_info(congress: Congress) -> dict:
    """The congress as every document names it."""
    org = normalize_text(congress.organization)
    ordinal = ordinal_of(congress)
    issuer = "ĐẠI HỘI " + upper_vi(org)
    if ordinal:
        issuer += " LẦN THỨ " + upper_vi(ordinal)
    term = normalize_text(congress.term)
    preset = get_preset(congress.preset_code)
    issuer_src = "Đại hội " + org + (f" lần thứ {ordinal}" if ordinal else "")
    return {
        "id": congress.id,
        "issuer_src": issuer_src,                           # the same, as written (for nb())
        "name": normalize_text(congress.name),
        "organization": org,
        "organization_upper": upper_vi(org),
        "parent": normalize_text(congress.parent_organization),
        "parent_upper": upper_vi(congress.parent_organization or ""),
        "ordinal": ordinal,
        "issuer": issuer,                                   # ĐẠI HỘI CÔNG ĐOÀN … LẦN THỨ …
        "congress_name": "Đại hội " + org + (f" lần thứ {ordinal}" if ordinal else ""),
        "full_title": issuer + (f", NHIỆM KỲ {term}" if term else ""),
        "term": term,
        "kind": congress.kind,
        "kind_label": KIND_LABELS.get(congress.kind, congress.kind),
        "level": congress.level, "level_label": congress.level_label,
        "is_all_members": congress.kind == "all_members",
        "people_word": "đoàn viên" if congress.kind == "all_members" else "đại biểu",
        "date": congress.date,
        "date_long": long_date(congress.date),
        "place": normalize_text(congress.place),
        "venue": normalize_text(congress.venue),
        "preset_title": preset.title,
        # The rulebook in force says what the papers cite (issue 16): its line on every
        # paper, the charter's name and the "Căn cứ" lines.
        "rulebook_line": preset.label,
        "charter": preset.charter,
        "basis": preset.basis(congress.date.isoformat() if congress.date else None),
        "basis_charter": next((line.rstrip(";,.") for line in preset.basis(None) if preset.charter in line),
                              f"Căn cứ {preset.charter}"),
    }


def header(info: dict, *, number: str | None = None, date: dt.date | None = None,
           issuer: str | None = None) -> dict:
    """The two header columns of an official document (Nghị định 30/2020, Phụ lục I).
    ``issuer`` is written in ordinary case (it is printed in capitals with ``nb``)."""
    return {
        "parent": info["parent_upper"],
        "parent_src": info["parent"],
        "issuer": upper_vi(issuer) if issuer else info["issuer"],
        "issuer_src": issuer or info["issuer_src"],
        "number": number or "",
        "date_line": date_line(info["place"], date if date is not None else info["date"]),
    }


def _signer(session: Session, congress_id: int, role: str) -> str:
    people = officials(session, congress_id, role)
    return people[0].full_name if people else ""


def _officials_list(session: Session, congress_id: int, role: str) -> list[dict]:
    return [{"full_name": o.full_name, "title": o.title} for o in officials(session, congress_id, role)]


# --- delegate cards, list, attendance sheet ----------------------------------------------

def qr_svg(data: str) -> str:
    """An inline SVG QR for one-off codes (the seal line of the count minutes)."""
    return segno.make(data, error="m").svg_inline(scale=1, border=0, omitsize=True)


def card_delegates(session: Session, *, congress: Congress, codes: list[str] | None = None
                   ) -> list[Delegate]:
    """Who gets a card: everyone on the roll whose credentials were not rejected and who
    was not replaced, in the Vietnamese name order; or only the given card numbers."""
    rows = session.scalars(select(Delegate).where(Delegate.congress_id == congress.id))
    people = [d for d in sort_delegates(rows) if d.credential_status != "rejected" and not d.is_replaced]
    if codes:
        wanted = {normalize_text(c) for c in codes if normalize_text(c)}
        unknown = wanted - {d.code for d in people}
        if unknown:
            raise ValidationFailed("Không có số thẻ: " + ", ".join(sorted(unknown)) + ".",
                                   [{"field": "codes", "message": f"Không có số thẻ {c}."} for c in sorted(unknown)])
        people = [d for d in people if d.code in wanted]
    return people


def may_have_voting_link(d: Delegate) -> bool:
    """Only delegates who may vote get the personal voting QR on their card."""
    return is_summoned(d) and d.category != "guest"


def issue_card_voting_links(session: Session, *, congress: Congress, delegates: list[Delegate],
                            base_url: str, secret: str, reissue: bool = False) -> dict[int, str]:
    """The personal voting links of the delegates who may vote, for their cards: {delegate
    id: URL}. Each keeps the link already handed out (recovered from its sealed copy); a new
    link only for those without one, or for everyone with ``reissue`` (issue 13 §5). This runs
    right when the cards are rendered: the tokens live only in the sealed PDF."""
    from ..voting.services import card_voting_links
    from ..voting.tokens import link_url
    ids = [d.id for d in delegates if may_have_voting_link(d)]
    if not ids:
        return {}
    tokens, _new = card_voting_links(session, congress=congress, delegate_ids=ids, reissue=reissue, secret=secret)
    return {did: link_url(base_url, token) for did, token in tokens.items()}


def delegate_card(info: dict, d: Delegate, *, secret: str, vote_url: str | None = None) -> dict:
    return {
        "title": cards_title(info, d.category),
        "code": d.code,
        "full_name": d.full_name,
        "unit": d.unit,
        "position": d.position,
        "category": ("Đoàn viên" if info["is_all_members"] and d.category == "official"
                     else CATEGORY_LABELS.get(d.category, d.category)),
        "is_guest": d.category == "guest",
        # drawn where the card is laid out (render.qr_url: in the render processes, on every core)
        "qr": qr_url(checkin_payload(secret, info["id"], d.code)),
        "vote_qr": qr_url(vote_url) if vote_url else None,
    }


def cards_title(info: dict, d_category: str) -> str:
    if d_category == "guest":
        return "THẺ KHÁCH MỜI"
    return "THẺ ĐOÀN VIÊN" if info["is_all_members"] else "THẺ ĐẠI BIỂU"


def chunk_cards(cards: list[dict], per_chunk: int) -> list[list[list[dict]]]:
    """Cards → chunks of pages of ``CARDS_PER_PAGE`` cards (a chunk is one render part)."""
    pages = [cards[i:i + CARDS_PER_PAGE] for i in range(0, len(cards), CARDS_PER_PAGE)]
    step = max(1, per_chunk // CARDS_PER_PAGE)
    return [pages[i:i + step] for i in range(0, len(pages), step)]


# How a category reads on paper (issue 12, 22): the delegates elected below are "đại biểu
# bầu", beside đương nhiên and chỉ định (all three are chính thức).
DOC_CATEGORY_LABELS = {**CATEGORY_LABELS, "official": "Đại biểu bầu"}


def category_label(info: dict, category: str) -> str:
    if info["is_all_members"] and category == "official":
        return "Đoàn viên"
    return DOC_CATEGORY_LABELS.get(category, category)


def _delegate_row(i: int, d: Delegate, info: dict | None = None) -> dict:
    return {"stt": i, "code": d.code, "full_name": d.full_name, "birth_year": d.birth_year or "",
            "gender": d.gender or "", "position": d.position, "unit": d.unit,
            "category": category_label(info, d.category) if info else CATEGORY_LABELS.get(d.category, d.category),
            "party": "x" if d.is_party_member else "", "ethnicity": d.ethnicity,
            "nationality": "" if is_citizen(d.nationality) else d.nationality,
            "present": d.checked_in_at is not None, "note": ""}


def delegate_list_data(session: Session, *, congress: Congress) -> dict:
    """Danh sách đại biểu: part A, those summoned, by category (an alternate who replaced
    someone is listed with the delegates summoned, saying whom they replaced), so that the
    groups add up to the summoned number; part B, not summoned: alternates not promoted and
    guests. Each group in the Vietnamese name order, guests in the roll's (protocol) order."""
    info = congress_info(congress)
    everyone = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    by_id = {d.id: d for d in everyone}
    summoned = [d for d in everyone if is_summoned(d)]
    groups, others = [], []
    for code in ("official", "ex_officio", "appointed", "alternate"):
        members = [d for d in summoned if d.category == code]
        if not members:
            continue
        rows = [_delegate_row(i, d, info) for i, d in enumerate(members, 1)]
        label = category_label(info, code)
        if code == "alternate":
            label = "Đại biểu dự khuyết được bổ sung thay thế"
            for row, d in zip(rows, members):
                replaced = by_id.get(d.replaces_delegate_id)
                row["note"] = f"Thay đồng chí {replaced.full_name}" if replaced else ""
        groups.append({"roman": roman(len(groups) + 1), "label": label, "rows": rows,
                       "count": len(rows), "has_note": code == "alternate"})
    waiting = [d for d in everyone if d.category == "alternate" and not is_summoned(d)
               and d.credential_status != "rejected"]
    # guests in protocol order, as the organizer put them on the roll (never the alphabet:
    # the highest-ranking guest is named first), as in the minutes (issue 12 §20)
    guests = sorted((d for d in everyone if d.category == "guest"), key=lambda d: d.id)
    for label, members in (("Đại biểu dự khuyết (chưa được bổ sung)", waiting), ("Khách mời", guests)):
        if members:
            others.append({"roman": roman(len(groups) + len(others) + 1), "label": label,
                           "rows": [_delegate_row(i, d, info) for i, d in enumerate(members, 1)],
                           "count": len(members), "has_note": False})
    title = "DANH SÁCH ĐOÀN VIÊN DỰ ĐẠI HỘI" if info["is_all_members"] else "DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI"
    return {"info": info, "header": header(info), "title": title,
            "summoned": fmt_int(len(summoned)), "groups": groups, "others": others}


def attendance_sheet_data(session: Session, *, congress: Congress) -> dict:
    """Danh sách ký tên: every summoned person, with a signature column."""
    info = congress_info(congress)
    people = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    rows = [_delegate_row(i, d, info) for i, d in enumerate((d for d in people if is_summoned(d)), 1)]
    word = "ĐOÀN VIÊN" if info["is_all_members"] else "ĐẠI BIỂU"
    return {"info": info, "header": header(info), "title": f"DANH SÁCH {word} KÝ TÊN DỰ ĐẠI HỘI",
            "rows": rows, "count": fmt_int(len(rows))}


# --- credentials report ------------------------------------------------------------------

def absent_rows(session: Session, congress: Congress) -> list[dict]:
    """Those summoned and absent, each with the reason the secretary recorded (RULES §2).
    A reason not recorded prints as a blank to fill in, never as "Không có lý do" (that is
    a disciplinary statement); ``document_warnings`` says who is missing one."""
    everyone = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    return [{"full_name": d.full_name, "code": d.code, "reason": normalize_text(d.absence_reason or "")}
            for d in everyone if is_summoned(d) and d.checked_in_at is None]


def credentials_report_data(session: Session, *, congress: Congress) -> dict:
    """Báo cáo thẩm tra tư cách đại biểu (or, for an all-members congress, báo cáo số
    lượng và tư cách đoàn viên dự đại hội), from ``delegates.report.credentials_summary``."""
    info = congress_info(congress)
    s = credentials_summary(session, congress)

    def share(item: dict) -> dict:
        return {"count": fmt_int(item["count"]), "percent": format_percent_vi(item["percent"])}

    if info["is_all_members"]:
        title, subtitle = "BÁO CÁO", "Số lượng và tư cách đoàn viên dự đại hội"
        signer_role, signer_title = "presidium", "TM. ĐOÀN CHỦ TỊCH"
    else:
        title, subtitle = "BÁO CÁO", "Thẩm tra tư cách đại biểu dự đại hội"
        signer_role, signer_title = "credentials_committee", "TM. BAN THẨM TRA TƯ CÁCH ĐẠI BIỂU"
    age = s["age"]
    return {
        "info": info,
        "header": header(info, number=doc_number(1, "BC-ĐH")),
        "title": title, "subtitle": subtitle,
        "summoned": fmt_int(s["summoned"]), "present": fmt_int(s["present"]),
        "present_percent": format_percent_vi(s["present_percent"]),
        "absent": fmt_int(s["absent"]),
        "absent_list": absent_rows(session, congress),
        "by_category": [{"label": ("Đại biểu dự khuyết được bổ sung" if c["code"] == "alternate"
                                   else category_label(info, c["code"])), "count": fmt_int(c["count"]),
                         "percent": format_percent_vi(c["percent"]), "present": fmt_int(c["present"])}
                        for c in s["by_category"]],
        "women": share(s["women"]), "party_members": share(s["party_members"]),
        "ethnic_minorities": share(s["ethnic_minorities"]),
        "foreigners": share(s["foreigners"]),
        "age": None if age is None else {
            "oldest": age["oldest"], "oldest_name": age["oldest_name"], "youngest": age["youngest"],
            "youngest_name": age["youngest_name"],
            "average": f"{age['average']}".replace(".", ","), "known": fmt_int(age["known"])},
        "rejected": s["rejected"], "pending": fmt_int(s["pending"]), "pending_count": s["pending"],
        "replacements": s["replacements"],
        "quorum_met": attendance(session, congress)["quorum_met"],
        "quorum_words": get_preset(congress.preset_code).fraction_words("quorum"),
        "signer_title": signer_title,
        "signer": _signer(session, congress.id, signer_role),
    }


# --- the paper ballot ----------------------------------------------------------------------

def election_what(election: Election) -> str:
    """What is elected, as written: the election's title without its leading "Bầu"
    ("Bầu Ban Chấp hành nhiệm kỳ 2023–2028" → "Ban Chấp hành nhiệm kỳ 2023–2028")."""
    title = normalize_text(election.title)
    return re.sub(r"^bầu\s+", "", title, flags=re.IGNORECASE) or election.body_label


def _ballot_title(election: Election) -> tuple[str, str]:
    """("PHIẾU BẦU", WHAT IS ELECTED in capitals)."""
    return "PHIẾU BẦU", upper_vi(election_what(election))


def ballot_data(session: Session, *, election: Election, round_number: int | None = None) -> dict:
    """The printable ballot of a round: its list in ballot order (the numbers printed are
    the ones the board enters), the seats voted and the round number. Without a round
    number: the next ballot to hand out (``elections.services.ballot_list``)."""
    congress = session.get(Congress, election.congress_id)
    info = congress_info(congress)
    if round_number is None:
        current = el.current_round(session, election)
        if current is not None and current.status == "closed":
            if el.seats_left(session, election) <= 0:
                raise Conflict("Cuộc bầu cử đã bầu đủ số lượng: không còn lần bầu nào để in phiếu.",
                               code="no_next_round")
            raise Conflict(f"Lần bầu thứ {current.number} đã kết thúc. Khi Đại hội quyết định bầu tiếp, "
                           "hãy tạo lần bầu tiếp theo với danh sách đã được biểu quyết rồi in phiếu.",
                           code="no_next_round")
        listing = el.ballot_list(session, election)
        number, seats, people = listing["round"], listing["seats"], listing["candidates"]
    else:
        r = el.get_round(session, election, round_number)
        number, seats = r.number, r.seats
        people = [{"number": rc.ballot_number, "full_name": c.full_name, "position": c.position,
                   "unit": c.unit, "birth_year": c.birth_year}
                  for rc, c in el.round_candidates(session, r)]
    if not people:
        raise Conflict("Danh sách bầu cử chưa có ai: chưa in được phiếu bầu.")
    # RULES §5.3 / state practice: print the birth year when two full names are the same.
    names = [p["full_name"].casefold() for p in people]
    rows = [{"number": p["number"], "full_name": p["full_name"],
             "birth_year": p.get("birth_year") if names.count(p["full_name"].casefold()) > 1 else None,
             "position": p.get("position") or "", "unit": p.get("unit") or ""} for p in people]
    kind, what = _ballot_title(election)
    return {
        "info": info, "kind": kind, "what": what, "what_src": election_what(election),
        "election_title": election.title,
        "round": number, "seats": fmt_int(seats), "count": len(rows), "rows": rows,
        "single": len(rows) == 1,
        # agree/disagree ballot: two boxes per name, "Đồng ý" and "Không đồng ý"
        "yes_no": election.is_yes_no,
    }


# --- count minutes -------------------------------------------------------------------------

def seal_url(base_url: str, round_id: int, seal: str) -> str:
    return f"{base_url.rstrip('/')}/seal/{round_id}/{seal}"


def _round_index(session: Session, round: Round) -> int:
    """The minutes number of a round: its place among the congress's closed rounds,
    elections in their order, rounds by number."""
    election = session.get(Election, round.election_id)
    rows = session.execute(select(Round.id).join(Election, Election.id == Round.election_id)
                           .where(Election.congress_id == election.congress_id, Round.status == "closed")
                           .order_by(Election.position, Election.id, Round.number)).scalars().all()
    return rows.index(round.id) + 1 if round.id in rows else len(rows) + 1


# Printed labels where the paper reads better than the screen's short label (issue 12, 22).
PRINT_INVALID_LABELS = {
    "too_many_kept": "Phiếu bầu thừa số lượng Đại hội đã biểu quyết",
    "distinguishing_mark": "Phiếu có dấu hiệu riêng",
}
UPPER_BODIES = ("upper_delegates", "upper_alternates")
# Signature lines printed when the board's names were not entered: blank lines to fill in
# by hand (and a warning on the documents page), never a paper without signatures.
BLANK_BOARD = [{"full_name": "", "title": "Trưởng ban"}, {"full_name": "", "title": "Ủy viên"},
               {"full_name": "", "title": "Ủy viên"}]


def minutes_number(session: Session, round: Round) -> int:
    """The stored number of a round's count minutes (given when it closed, migration
    0005); for a round not closed yet (a draft), the number it would get next."""
    if round.minutes_number:
        return round.minutes_number
    return _round_index(session, round)


def document_date(congress: Congress, event: dt.datetime | None = None) -> dt.date | None:
    """The one date every paper of the congress prints: the congress's date when it is
    set; otherwise the day the event happened. (A difference is reported by
    ``document_warnings``, never printed.)"""
    if congress.date is not None:
        return congress.date
    return local(event).date() if event is not None else None


def count_minutes_doc(session: Session, *, round: Round, base_url: str) -> dict:
    """Biên bản kiểm phiếu of one round, from ``elections.services.count_minutes_data``
    (which owns every number), formatted for print."""
    data = el.count_minutes_data(session, round)
    congress = session.get(Congress, data["congress"]["id"])
    info = congress_info(congress)
    returned = data["returned"]
    base = data["base"]              # ballots returned, or valid: the rulebook's base
    preset = get_preset(congress.preset_code)
    closed_at = _parse_iso(data["round"]["closed_at"])
    opened_at = _parse_iso(data["round"]["opened_at"])
    candidates = [{**c, "votes_text": fmt_fraction(c["votes"], base),
                   "percent_text": fmt_percent(c["votes"], base),
                   # agree/disagree ballots: the votes against, and the ballots marking neither box
                   **({"against_text": fmt_fraction(c["against"], base),
                       "against_percent_text": fmt_percent(c["against"], base),
                       "neither_text": fmt_int(c["neither"])} if "against" in c else {})}
                  for c in data["candidates"]]
    by_id = {c["id"]: c for c in candidates}
    elected = [by_id[c["id"]] for c in data["elected"]]
    tied = [by_id[c["id"]] for c in data["tied"]]
    seal = data["seal_sha256"]
    url = seal_url(base_url, round.id, seal) if seal else ""
    board = data["board"]
    event_date = document_date(congress, closed_at)
    election = session.get(Election, data["election"]["id"])
    single = len(candidates) == 1 and data["seats"] == 1
    only = candidates[0] if single else None
    return {
        "info": info,
        "header": header(info, number=doc_number(minutes_number(session, round), "BB-BBC"), date=event_date),
        "allocated": election.body in UPPER_BODIES,
        "single": single,
        "yes_no": None if only is None else {
            "name": only["full_name"], "agree": fmt_int(only["votes"]),
            "agree_percent": fmt_percent(only["votes"], base),
            # a strike-out ballot: every valid ballot not keeping the name is against it; an
            # agree/disagree ballot counts its "Không đồng ý" box, a blank or doubly marked
            # name counts for neither
            "disagree": fmt_int(only.get("against", data["valid"] - only["votes"])),
            "disagree_percent": fmt_percent(only.get("against", data["valid"] - only["votes"]), base),
            "neither": fmt_int(only["neither"]) if "neither" in only else None},
        "ballot_yes_no": election.is_yes_no,
        "not_returned": fmt_int(max(0, data["issued"] - returned)),
        "board_signers": board or BLANK_BOARD,
        "board_missing": not board,
        "final": data["final"],
        "election_title": data["election"]["title"],
        "election_what": election_what(session.get(Election, data["election"]["id"])),
        "round": data["round"]["number"],
        "opened_time": time_text(opened_at), "closed_time": time_text(closed_at),
        "date_long": long_date(event_date),
        "venue": info["venue"],
        "board": board,
        "board_head": board[0] if board else None,
        "summoned": fmt_int(data["summoned"]), "present": fmt_int(data["present"]),
        "voted": fmt_int(data["voted"]),
        "seats": fmt_int(data["seats"]),
        "election_seats": fmt_int(data["election"]["seats"]),
        "candidates_count": fmt_int(data["candidates_count"]),
        "self_nominated": fmt_int(data["self_nominated"]), "nominated": fmt_int(data["nominated"]),
        "issued": fmt_int(data["issued"]), "returned": fmt_int(returned),
        "valid": fmt_int(data["valid"]), "invalid": fmt_int(data["invalid"]),
        "valid_percent": fmt_percent(data["valid"], returned),
        "invalid_percent": fmt_percent(data["invalid"], returned),
        "invalid_by_reason": [{**r, "label": PRINT_INVALID_LABELS.get(r["code"], r["label"]),
                               "count_text": fmt_int(r["count"])} for r in data["invalid_by_reason"]],
        "candidates": candidates,
        "elected": elected,
        "tied": tied,
        "votes_needed": fmt_int(data["votes_needed"]),
        "elect_words": preset.fraction_words("elect"),
        "elect_fraction": preset.fraction("elect"),
        "elect_base_words": preset.elect_base_words,
        "base": fmt_int(base),
        "outcome": data["outcome"],
        "seats_left": data["seats_left"], "seats_left_text": fmt_int(data["seats_left"]),
        "elected_so_far": data["elected_so_far"],
        "election_seats_left": data["election_seats_left"],
        "ranked_alternates": data.get("ranked_alternates"),
        "seal": seal or "",
        "seal_url": url,
        "seal_qr": qr_svg(url) if url else "",
    }


def latest_closed_round(session: Session, *, election: Election) -> Round:
    r = el.latest_closed_round(session, election)
    if r is None:
        raise Conflict("Cuộc bầu cử này chưa có lần bầu nào kết thúc: chưa có biên bản kiểm phiếu.",
                       code="no_closed_round")
    return r


def closed_rounds(session: Session, *, congress: Congress) -> list[Round]:
    """Every closed round of the congress, in the order of their count minutes' numbers."""
    return list(session.scalars(select(Round).join(Election, Election.id == Round.election_id)
                                .where(Election.congress_id == congress.id, Round.status == "closed")
                                .order_by(Round.minutes_number.is_(None), Round.minutes_number,
                                          Election.position, Election.id, Round.number)))


# --- the public seal page ------------------------------------------------------------------

def seal_page_data(session: Session, *, round_id: int, seal: str) -> dict:
    """What the QR on the count minutes opens: the seal and the round's counts. Only a
    closed round whose seal matches exactly is shown (anything else: not found)."""
    seal = (seal or "").strip().lower()
    r = session.get(Round, round_id)
    if r is None or r.status != "closed" or not SEAL_RE.fullmatch(seal) or r.seal_sha256 != seal:
        raise NotFound("Không có biên bản kiểm phiếu với mã niêm phong này.")
    election = session.get(Election, r.election_id)
    congress = session.get(Congress, election.congress_id)
    returned = r.returned or 0
    base = vote_base(congress, r)
    rows = el.round_candidates(session, r)
    ranked = sorted(rows, key=lambda x: (-(x[0].votes or 0), x[0].ballot_number))
    return {
        "congress": congress_info(congress),
        "election_title": election.title,
        "round": r.number, "seats": fmt_int(r.seats),
        "closed_at": local(r.closed_at).strftime("%H:%M %d/%m/%Y") if r.closed_at else "",
        "issued": fmt_int(r.issued), "returned": fmt_int(returned), "valid": fmt_int(r.valid),
        "invalid": fmt_int(r.invalid),
        "candidates": [{"full_name": c.full_name, "votes_text": fmt_fraction(rc.votes or 0, base),
                        "percent_text": fmt_percent(rc.votes or 0, base),
                        "against_text": fmt_fraction(rc.against or 0, base) if election.is_yes_no else None,
                        "elected": rc.is_elected, "tied": rc.is_tied} for rc, c in ranked],
        "seal": r.seal_sha256,
    }


# --- motions and elections as the minutes and the resolution tell them -------------------

def vote_base(congress: Congress, r: Round) -> int:
    """What a closed round's votes are printed against ("n/base", %): the ballots returned,
    or the valid ones when the congress's rulebook measures the majority on them."""
    returned = r.returned or 0
    return elect_base_count(returned, min(r.valid or 0, returned), get_preset(congress.preset_code))


def _short_time(value: dt.datetime, *, date: bool = True) -> str:
    """"07 giờ 30, 12/12/2026" (local time): a table cell's length."""
    t = local(value)
    return f"{t.hour:02d} giờ {t.minute:02d}" + (f", {t:%d/%m/%Y}" if date else "")


def minutes_sessions(session: Session, congress: Congress) -> list[dict]:
    """Each session's attendance as the minutes print it (none: the congress met as one
    session and the lines above say it all)."""
    rows = []
    for s in session_attendance(session, congress):
        # the day on its own line, the hours unbroken below it: "30/11/2026" / "07 giờ 30 – 11 giờ 00"
        day, hours = "", ""
        if s["held"]:
            day, hours = f"{local(s['opened_at']):%d/%m/%Y}", _short_time(s["opened_at"], date=False)
            if s["closed_at"] is not None:
                hours += f" – {_short_time(s['closed_at'], date=False)}"
        elif s["starts_at"] is not None:
            day, hours = f"dự kiến {local(s['starts_at']):%d/%m/%Y}", _short_time(s["starts_at"], date=False)
        when = {"day": day, "hours": hours} if day else None
        row = {"name": s["name"], "when": when, "held": s["held"], "open": s["state"] == "open"}
        if s["held"]:
            row.update({"summoned": fmt_int(s["summoned"]), "present": fmt_int(s["present"]),
                        "absent": fmt_int(s["absent"]), "quorum_met": s["quorum_met"],
                        "present_percent": fmt_percent(s["present"], s["summoned"]) if s["summoned"] else ""})
        rows.append(row)
    return rows


def session_name(session: Session, session_id: int | None) -> str:
    """The name of the session a vote was taken in ("" for a congress without sessions)."""
    row = session.get(CongressSession, session_id) if session_id is not None else None
    return row.name if row is not None else ""


def motion_text(m: Motion, session: Session | None = None) -> dict:
    """A show-of-hands result with counts and % of those present at the vote, and the
    session it was taken in (given a DB session, where the congress has sessions)."""
    recorded = m.recorded_at is not None
    present = m.present_at_vote or 0
    out = {"id": m.id, "title": m.title, "kind": m.kind, "recorded": recorded, "passed": bool(m.passed),
           "session": session_name(session, m.congress_session_id) if session is not None and recorded else ""}
    if recorded:
        out.update({
            "present": fmt_int(present),
            "agree": fmt_int(m.agree), "agree_percent": fmt_percent(m.agree or 0, present),
            "disagree": fmt_int(m.disagree), "disagree_percent": fmt_percent(m.disagree or 0, present),
            "other": fmt_int(m.other or 0), "other_percent": fmt_percent(m.other or 0, present),
        })
    return out


def election_summary(session: Session, election: Election) -> dict:
    """An election's rounds and the people elected so far, in vote order per round."""
    rounds = []
    elected_all: list[dict] = []
    for r in el.list_rounds(session, election):
        if r.status != "closed":
            continue
        returned = r.returned or 0
        base = vote_base(session.get(Congress, election.congress_id), r)
        rows = el.round_candidates(session, r)
        ranked = sorted(rows, key=lambda x: (-(x[0].votes or 0), x[0].ballot_number))
        def told(rc, c) -> dict:
            return {"id": c.id, "full_name": c.full_name, "position": c.position, "unit": c.unit,
                    "round": r.number, "returned": fmt_int(returned),
                    "votes_text": fmt_fraction(rc.votes or 0, base),
                    "percent_text": fmt_percent(rc.votes or 0, base),
                    # agree/disagree ballots: the votes against beside the votes for
                    "against_text": fmt_fraction(rc.against or 0, base) if election.is_yes_no else None,
                    "against_percent_text": fmt_percent(rc.against or 0, base) if election.is_yes_no else None}
        elected = [told(rc, c) for rc, c in ranked if rc.is_elected]
        # An agree/disagree vote on a name is a verdict on that person: the minutes give the
        # counts of those not elected too (a confidence vote that fails is still told).
        not_elected = [told(rc, c) for rc, c in ranked if not rc.is_elected] if election.is_yes_no else []
        tied = [c.full_name for rc, c in ranked if rc.is_tied]
        elected_all.extend(elected)
        rounds.append({"number": r.number, "seats": fmt_int(r.seats), "returned": fmt_int(returned),
                       "session": session_name(session, r.congress_session_id),
                       "issued": fmt_int(r.issued), "valid": fmt_int(r.valid), "invalid": fmt_int(r.invalid),
                       "elected": elected, "not_elected": not_elected, "tied": tied, "outcome": r.outcome,
                       "seats_left": r.seats - len(elected)})
    return {"id": election.id, "title": election.title, "body": election.body,
            "body_label": election.body_label, "what": election_what(election),
            "what_upper": _ballot_title(election)[1],
            "seats": election.seats, "seats_text": fmt_int(election.seats),
            "yes_no": election.is_yes_no,
            "rounds": rounds, "elected": elected_all, "elected_count": fmt_int(len(elected_all)),
            "elected_rounds": [r for r in rounds if r["elected"]],
            "multi_round": sum(1 for r in rounds if r["elected"]) > 1,
            "seats_left": election.seats - len(elected_all)}


# --- appointed bodies (issue 16.5) -------------------------------------------------------------

def appointed_bodies(session: Session, congress: Congress) -> list[dict]:
    """The decisions of the upper union announced at the congress, in agenda order: each
    body's composition as appointed, with the decision that appointed it. Counted as the
    body's composition wherever an elected one would be (minutes, resolution, dossier)."""
    from ..agenda.appointments import appointment_json, list_appointments
    info = congress_info(congress)
    out = []
    for row in list_appointments(session, congress.id):
        a = appointment_json(row)
        people = [{**p, "full_name": normalize_text(p["full_name"])} for p in a["people"]]
        date_text = _date_vi(row.decision_date) if row.decision_date else "……"
        what = a["body_label"]
        if row.body in ("executive_committee", "standing_committee", "inspection_committee", "chair",
                        "vice_chair"):
            # a post is "Chủ tịch Công đoàn cơ sở …" (the union's name already says "Công đoàn")
            post = {"chair": "Chủ tịch", "vice_chair": "Phó Chủ tịch"}.get(row.body, what)
            what = f"{post} {info['organization']} nhiệm kỳ {info['term']}"
        out.append({
            "id": row.id, "item_id": row.agenda_item_id, "body": row.body, "body_label": a["body_label"],
            "what": what, "people": people, "count": fmt_int(len(people)),
            "decision_number": row.decision_number, "decision_date": date_text, "issuer": row.issuer,
            "decision_line": f"Quyết định số {row.decision_number} ngày {date_text} của {row.issuer}",
        })
    return out


def _appointment_article(a: dict) -> str:
    names = _names(a["people"])
    if a["body"] in ("chair", "vice_chair") and len(a["people"]) == 1:
        return (f"Đại hội đã nghe công bố {a['decision_line']} chỉ định đồng chí {names} "
                f"giữ chức {a['what']}.")
    return (f"Đại hội đã nghe công bố {a['decision_line']} chỉ định {a['what']} "
            f"gồm {a['count']} đồng chí: {names}.")


# --- congress minutes ------------------------------------------------------------------------

def _agenda_items(session: Session, congress_id: int) -> list:
    from ..agenda.models import AgendaItem
    return list(session.scalars(select(AgendaItem).where(AgendaItem.congress_id == congress_id)
                                .order_by(AgendaItem.position, AgendaItem.id)))


def _paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


PART_TITLES = {"A": "A. PHẦN NGHI THỨC", "B": "B. PHẦN NỘI DUNG", "C": "C. PHẦN BẦU CỬ",
               "D": "D. PHẦN BẾ MẠC"}


def _motion_time(m: Motion) -> dt.datetime | None:
    return m.recorded_at or m.created_at


def _election_time(session: Session, e: Election) -> dt.datetime | None:
    first = session.scalar(select(Round).where(Round.election_id == e.id).order_by(Round.number).limit(1))
    return (first.opened_at if first is not None and first.opened_at else None) or e.created_at


def _aware_utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def place_on_agenda(items: list, things: list[tuple]) -> dict[int, list[tuple[str, object]]]:
    """Which agenda item tells each vote or election in the minutes (issue 12, 2).

    ``things`` are (kind, object, linked item id, time it happened[, fallback item id]).
    A thing goes to the item it is linked to; one not linked goes where it happened: under
    the last item taken up before it; else to its fallback item (e.g. the item on the floor
    when it was created). One that cannot be placed at all goes before part D (never after
    "Bế mạc"). Inside an item, things are told in the order they happened."""
    ids = {i.id for i in items}
    placed: dict[int, list[tuple[dt.datetime | None, int, str, object]]] = {i.id: [] for i in items}
    started = sorted(((_aware_utc(i.started_at), n, i) for n, i in enumerate(items) if i.started_at),
                     key=lambda x: (x[0], x[1]))
    before_d = next((items[n - 1] for n, i in enumerate(items) if i.section == "D" and n > 0), items[-1])
    for order, (kind, obj, linked, when, *rest) in enumerate(things):
        fallback = rest[0] if rest else None
        when = _aware_utc(when)
        target = linked if linked in ids else None
        if target is None and when is not None:
            earlier = [i for t, _, i in started if t <= when]
            target = earlier[-1].id if earlier else None
        if target is None and fallback in ids:
            target = fallback
        if target is None:
            target = before_d.id
        placed[target].append((when, order, kind, obj))
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return {k: [(kind, obj) for _, _, kind, obj in sorted(v, key=lambda x: (x[0] or far, x[1]))]
            for k, v in placed.items()}


def guests_present(session: Session, congress: Congress) -> list[dict]:
    """Guests who came, in protocol order: the order the organizer entered them on the
    roll (never the alphabet: the highest-ranking guest is named first)."""
    rows = session.scalars(select(Delegate).where(Delegate.congress_id == congress.id,
                                                  Delegate.category == "guest",
                                                  Delegate.checked_in_at.is_not(None))
                           .order_by(Delegate.id))
    return [{"full_name": d.full_name, "position": d.position, "unit": d.unit} for d in rows]


def congress_minutes_data(session: Session, *, congress: Congress) -> dict:
    """Biên bản đại hội: who, when, where, then item by item in agenda order, grouped in
    the parts A–D of the programme (the presenter, the secretary's notes, each show of hands
    with counts and %, each election's result where it happened), the credentials result,
    the elected by round, and the signatures. Without an agenda, the motions and elections
    are told in the order they happened."""
    info = congress_info(congress)
    motions = list(session.scalars(select(Motion).where(Motion.congress_id == congress.id)
                                   .order_by(Motion.position, Motion.id)))
    elections = el.list_elections(session, congress.id)
    items = _agenda_items(session, congress.id)
    election_by_id = {e.id: election_summary(session, e) for e in elections}
    item_links_m = {i.motion_id: i.id for i in items if i.motion_id}
    item_links_e: dict[int, int] = {}
    for i in items:
        if i.election_id and i.election_id not in item_links_e:
            item_links_e[i.election_id] = i.id
    things = []
    for m in motions:
        if m.recorded_at is None and m.id not in item_links_m:
            continue  # never put to the vote and not on the programme
        things.append(("motion", m, item_links_m.get(m.id, m.agenda_item_id), _motion_time(m)))
    # An election is told round by round where each round was held (round 1 under the
    # item linked to the election, if any; a further round where it happened, e.g. after
    # the vote to hold it).
    for e in elections:
        rounds = [r for r in el.list_rounds(session, e) if r.opened_at is not None or r.status == "closed"]
        if not rounds:
            things.append(("round", (e, None), item_links_e.get(e.id), e.created_at, e.agenda_item_id))
        for k, r in enumerate(rounds):
            things.append(("round", (e, r.number), item_links_e.get(e.id) if k == 0 else None,
                           r.opened_at, e.agenda_item_id))
    appointed = appointed_bodies(session, congress)
    appointed_by_item: dict[int, list[dict]] = {}
    for a in appointed:
        appointed_by_item.setdefault(a["item_id"], []).append(a)
    sections = []
    if items:
        placed = place_on_agenda(items, things)
        told: dict[int, int] = {}
        part = None
        for number, item in enumerate(items, start=1):
            entry = {"number": number, "title": item.title, "presenter": item.presenter,
                     "notes": _paragraphs(item.notes), "part": None,
                     "contents": [{"kind": "appointment", "appointment": a}
                                  for a in appointed_by_item.get(item.id, [])]}
            if item.kind == "comments":
                from ..comments.services import summary as comments_summary
                groups = comments_summary(session, item)
                if groups:
                    entry["contents"].append({"kind": "comments", "groups": groups,
                                              "count": fmt_int(sum(g["count"] for g in groups))})
            if item.section != part and item.section in PART_TITLES:
                part = item.section
                entry["part"] = PART_TITLES[part]
            for kind, obj in placed[item.id]:
                if kind == "motion":
                    told_motion = motion_text(obj, session)
                    if obj.id == item.motion_id:
                        told_motion["title"] = ""  # the item's own vote: its title is the item's
                    entry["contents"].append({"kind": "motion", "motion": told_motion})
                    continue
                e, round_number = obj
                summary = election_by_id[e.id]
                last = entry["contents"][-1] if entry["contents"] else None
                if last and last["kind"] == "election" and last["election"]["id"] == e.id:
                    last["numbers"].append(round_number)
                else:
                    entry["contents"].append({"kind": "election", "election": summary,
                                              "numbers": [round_number], "continued": e.id in told})
                told.setdefault(e.id, number)
            for c in entry["contents"]:
                if c["kind"] == "election":
                    numbers = [n for n in c["numbers"] if n is not None]
                    c["rounds"] = [r for r in c["election"]["rounds"] if r["number"] in numbers]
                    all_numbers = [r["number"] for r in c["election"]["rounds"]]
                    c["complete"] = not all_numbers or max(all_numbers) in numbers
            if item.election_id in election_by_id and item.election_id in told and \
                    told[item.election_id] != number and not any(
                        c["kind"] == "election" and c["election"]["id"] == item.election_id for c in entry["contents"]):
                entry["contents"].append({"kind": "told", "at": told[item.election_id]})
            sections.append(entry)
    else:
        ordered = sorted(things, key=lambda t: (_aware_utc(t[3]) or dt.datetime.max.replace(tzinfo=dt.timezone.utc)))
        seen: set[int] = set()
        number = 0
        for kind, obj, *_ in ordered:
            if kind == "motion":
                told_motion = {**motion_text(obj, session), "title": ""}  # the section's title says it
                content, title = {"kind": "motion", "motion": told_motion}, obj.title
            else:
                e = obj[0]
                if e.id in seen:
                    continue  # every round told with the first
                seen.add(e.id)
                summary = election_by_id[e.id]
                content = {"kind": "election", "election": summary, "rounds": summary["rounds"],
                           "continued": False, "complete": True}
                title = e.title
            number += 1
            sections.append({"number": number, "title": title, "presenter": "", "notes": [],
                             "part": None, "contents": [content]})
    started = [_aware_utc(i.started_at) for i in items if i.started_at]
    ended = [_aware_utc(i.ended_at) for i in items if i.ended_at]
    # With sessions (phiên họp), the congress opens when its first session opens and closes
    # when its last one closes (the programme's items may not have been stepped through).
    held = list_sessions(session, congress.id)
    started += [_aware_utc(s.opened_at) for s in held if s.opened_at]
    if held and all(s.state == "closed" for s in held):
        ended += [_aware_utc(s.closed_at) for s in held if s.closed_at]
    creds = credentials_summary(session, congress)
    missing = [r for r in ("presidium", "secretariat") if not officials(session, congress.id, r)]
    return {
        "info": info,
        "header": header(info, number=doc_number(1, "BB-ĐH"), date=document_date(congress)),
        "title": "BIÊN BẢN",
        "subtitle": info["full_title"],
        "started": time_text(min(started)) if started else "…… giờ …… phút",
        "ended": time_text(max(ended)) if ended else "…… giờ …… phút",
        "date_long": long_date(document_date(congress, min(started) if started else None)),
        "venue": info["venue"] or "……………………",
        "guests": guests_present(session, congress),
        "summoned": fmt_int(creds["summoned"]), "present": fmt_int(creds["present"]),
        "present_percent": format_percent_vi(creds["present_percent"]),
        "absent": fmt_int(creds["absent"]), "absent_list": absent_rows(session, congress),
        "quorum_met": attendance(session, congress)["quorum_met"],
        "quorum_words": get_preset(congress.preset_code).fraction_words("quorum"),
        "quorum_fraction": get_preset(congress.preset_code).fraction("quorum"),
        "sessions": minutes_sessions(session, congress),
        "presidium": _officials_list(session, congress.id, "presidium"),
        "secretariat": _officials_list(session, congress.id, "secretariat"),
        "credentials_committee": _officials_list(session, congress.id, "credentials_committee"),
        "board": _officials_list(session, congress.id, "board"),
        "has_agenda": bool(items),
        "sections": sections,
        "rejected": creds["rejected"],
        "elections": list(election_by_id.values()),
        "appointed": appointed,
        "annexes": [{"election_what": election_what(session.get(Election, r.election_id)), "round": r.number,
                     "number": doc_number(minutes_number(session, r), "BB-BBC")}
                    for r in closed_rounds(session, congress=congress)],
        "chair": _signer(session, congress.id, "presidium"),
        "secretary": _signer(session, congress.id, "secretariat"),
        "signers_missing": missing,
    }


# --- resolution -------------------------------------------------------------------------------

def _names(people: list[dict]) -> str:
    return ", ".join(p["full_name"] for p in people)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _election_article(s: dict, info: dict, follow: dict | None = None) -> str:
    """What the congress elected, as the resolution states it ("Đại hội đã bầu …"): the
    congress's own act. Recognising the BCH, UBKT and chair is the upper union's act, and
    the upper-congress delegates are reported to it, so neither is "công nhận" here."""
    org, term = info["organization"], info["term"]
    if s["body"] == "chair" and len(s["elected"]) == 1:
        return (f"Đại hội đã bầu đồng chí {s['elected'][0]['full_name']} giữ chức Chủ tịch {org} "
                f"nhiệm kỳ {term}.")
    if s["body"] == "upper_delegates":
        text = (f"Đại hội đã bầu {s['elected_count']} đại biểu chính thức đi dự đại hội công đoàn cấp trên: "
                f"{_names(s['elected'])}")
        if follow and follow["elected"]:
            text += (f"; {follow['elected_count']} đại biểu dự khuyết: {_names(follow['elected'])}")
        return text + "."
    if s["body"] == "upper_alternates":
        return (f"Đại hội đã bầu {s['elected_count']} đại biểu dự khuyết đi dự đại hội công đoàn cấp trên: "
                f"{_names(s['elected'])}.")
    return f"Đại hội đã bầu {s['what']} gồm {s['elected_count']} đồng chí: {_names(s['elected'])}."


def resolution_default_text(session: Session, *, congress: Congress) -> str:
    """The resolution's wording from the template: "Căn cứ …", "QUYẾT NGHỊ:", the
    congress's decisions and what it elected, "Nơi nhận:". Procedural show-of-hands votes
    (presidium, programme, lists, withdrawals, a further round…) are in the minutes, not
    here; a custom vote whose title starts with "Thông qua" becomes an article."""
    info = congress_info(congress)
    org = info["organization"]
    lines = [
        *info["basis"],
        f"Căn cứ kết quả làm việc của {info['congress_name']}, nhiệm kỳ {info['term']},",
        "",
        "QUYẾT NGHỊ:",
        "",
    ]
    n = 1
    lines.append(f"Điều {n}. Nhất trí thông qua báo cáo tổng kết công tác công đoàn nhiệm kỳ qua, "
                 f"phương hướng, mục tiêu, nhiệm vụ nhiệm kỳ {info['term']} và báo cáo kiểm điểm "
                 "của Ban Chấp hành.")
    motions = list(session.scalars(select(Motion).where(Motion.congress_id == congress.id, Motion.passed.is_(True))
                                   .order_by(Motion.position, Motion.id)))
    elections = el.list_elections(session, congress.id)
    bch = next((e for e in elections if e.body == "executive_committee"), None)
    for m in motions:
        title = normalize_text(m.title).rstrip(".")
        if m.kind == "bch_seats" and bch is not None:
            text = f"Nhất trí số lượng Ban Chấp hành {org} nhiệm kỳ {info['term']} là {fmt_int(bch.seats)} đồng chí."
        elif m.kind == "custom" and re.match(r"^thông qua\s+\S", title, re.IGNORECASE):
            text = "Nhất trí thông qua " + re.sub(r"^thông qua\s+", "", title, flags=re.IGNORECASE) + "."
        else:
            continue
        n += 1
        lines.append(f"Điều {n}. {text}")
    summaries = {e.id: election_summary(session, e) for e in elections}
    for e in elections:
        s = summaries[e.id]
        if not s["elected"]:
            continue
        if e.body == "upper_alternates" and e.follows_election_id in summaries \
                and summaries[e.follows_election_id]["elected"]:
            continue  # told with the official delegates it follows
        follow = next((summaries[x.id] for x in elections
                       if x.body == "upper_alternates" and x.follows_election_id == e.id), None)
        ranked = el.ranked_alternates(session, e)    # alternates taken from the ranking (RULES §4.4)
        if follow is None and ranked and ranked["alternates"]:
            follow = {"elected": ranked["alternates"], "elected_count": len(ranked["alternates"])}
        n += 1
        lines.append(f"Điều {n}. {_election_article(s, info, follow)}")
    for a in appointed_bodies(session, congress):
        n += 1
        lines.append(f"Điều {n}. {_appointment_article(a)}")
    n += 1
    lines.append(f"Điều {n}. Đại hội giao cho Ban Chấp hành {org} nhiệm kỳ {info['term']} "
                 "căn cứ nghị quyết này xây dựng chương trình hành động và tổ chức thực hiện.")
    lines += [
        "",
        "Nơi nhận:",
        f"- {info['parent'] or 'Công đoàn cấp trên'} (để báo cáo);",
        f"- Ban Chấp hành {org};",
        "- Lưu VT.",
    ]
    return "\n".join(lines)


def resolution_text(session: Session, *, congress: Congress) -> str:
    return congress.resolution_text if congress.resolution_text else resolution_default_text(session, congress=congress)


def save_resolution_text(session: Session, *, congress: Congress, text: str) -> Congress:
    text = (text or "").replace("\r\n", "\n")
    text = "\n".join(normalize_text(line) for line in text.split("\n")).strip()
    if not text:
        raise ValidationFailed("Nội dung nghị quyết không được để trống.",
                               [{"field": "text", "message": "Hãy nhập nội dung hoặc khôi phục theo mẫu."}])
    if len(text) > RESOLUTION_MAX:
        raise ValidationFailed("Nội dung nghị quyết quá dài.",
                               [{"field": "text", "message": f"Tối đa {fmt_int(RESOLUTION_MAX)} ký tự."}])
    if "QUYẾT NGHỊ" not in text.upper():
        raise ValidationFailed("Nghị quyết cần có dòng «QUYẾT NGHỊ:».",
                               [{"field": "text", "message": "Thiếu dòng «QUYẾT NGHỊ:»."}])
    congress.resolution_text = text
    session.flush()
    return congress


def reset_resolution_text(session: Session, *, congress: Congress) -> Congress:
    congress.resolution_text = None
    session.flush()
    return congress


_ARTICLE_RE = re.compile(r"^(Điều\s+\d+\s*[.:])\s*(.*)$")


def parse_resolution(text: str) -> dict:
    """The wording as blocks for print: preamble and body paragraphs, the centred
    "QUYẾT NGHỊ:", articles with their bold "Điều n." label, and the "Nơi nhận:" list."""
    body: list[dict] = []
    recipients: list[str] = []
    in_recipients = False
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.rstrip(":").strip().casefold() == "nơi nhận":
            in_recipients = True
            continue
        if in_recipients:
            recipients.append(line)
            continue
        if line.rstrip(":").strip().upper() == "QUYẾT NGHỊ":
            body.append({"kind": "decides", "text": "QUYẾT NGHỊ:"})
            continue
        m = _ARTICLE_RE.match(line)
        if m:
            body.append({"kind": "article", "label": m.group(1), "text": m.group(2)})
        elif line.startswith(("- ", "+ ", "• ")):
            body.append({"kind": "item", "text": line})
        elif line.casefold().startswith("căn cứ"):
            body.append({"kind": "basis", "text": line})
        else:
            body.append({"kind": "para", "text": line})
    return {"body": body, "recipients": recipients}


def resolution_data(session: Session, *, congress: Congress) -> dict:
    info = congress_info(congress)
    text = resolution_text(session, congress=congress)
    return {
        "info": info,
        "header": header(info, number=doc_number(1, "NQ-ĐH"), date=document_date(congress)),
        "title": "NGHỊ QUYẾT",
        "subtitle": info["full_title"],
        "edited": congress.resolution_text is not None,
        **parse_resolution(text),
        "chair": _signer(session, congress.id, "presidium"),
    }


# --- recognition dossier ----------------------------------------------------------------------

def _age(year: int | None, reference: int) -> str:
    return str(reference - year) if year else ""


def dossier_data(session: Session, *, congress: Congress) -> dict:
    """Hồ sơ đề nghị công nhận: the covering letter (tờ trình) and the trích ngang list of
    everyone elected (name, age, sex, position, unit, ethnicity, education levels, Party
    membership), grouped by election. The minutes are appended by the caller."""
    info = congress_info(congress)
    reference = congress.date.year if congress.date else dt.date.today().year
    groups = []
    for e in el.list_elections(session, congress.id):
        s = election_summary(session, e)
        if not s["elected"]:
            continue
        rows = []
        for i, person in enumerate(s["elected"], 1):
            c = session.get(Candidate, person["id"])
            d = session.get(Delegate, c.delegate_id) if c.delegate_id else None

            def pick(field: str):
                # The candidate's own entry first; the roll fills what the list left empty.
                value = getattr(c, field)
                return value if value not in (None, "") or d is None else getattr(d, field)

            gender, year = pick("gender"), pick("birth_year")
            rows.append({
                "stt": i, "full_name": c.full_name,
                "male_year": year if gender == "nam" else "",
                "female_year": year if gender == "nữ" else "",
                "year_unknown_gender": year if gender not in ("nam", "nữ") and year else "",
                "age": _age(year, reference),
                "gender": gender or "",
                "position": pick("position"), "unit": pick("unit"), "ethnicity": pick("ethnicity") or "",
                "education": pick("education"), "qualification": pick("qualification"),
                "political_theory": pick("political_theory"),
                "nationality": "" if d is None or is_citizen(d.nationality) else d.nationality,
                "party": "Đảng viên" if (c.is_party_member or (d is not None and d.is_party_member)) else "",
                "votes_text": person["votes_text"], "percent_text": person["percent_text"],
            })
        groups.append({"title": s["what"], "election_title": s["title"], "seats": s["seats_text"],
                       "count": s["elected_count"], "rows": rows, "body": e.body,
                       "has_foreign": any(r["nationality"] for r in rows),
                       "reported": e.body in UPPER_BODIES})
    appointed = []
    roll = {}
    for d in session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)):
        roll.setdefault(normalize_text(d.full_name).casefold(), []).append(d)
    for a in appointed_bodies(session, congress):
        rows = []
        for i, person in enumerate(a["people"], 1):
            # The decision names the person; the roll (one delegate of that exact name) fills
            # what the decision does not say.
            same = roll.get(person["full_name"].casefold(), [])
            d = same[0] if len(same) == 1 else None
            gender = person.get("gender") or (d.gender if d is not None else "") or ""
            year = person.get("birth_year") or (d.birth_year if d is not None else None)
            rows.append({
                "stt": i, "full_name": person["full_name"],
                "male_year": year if gender == "nam" else "",
                "female_year": year if gender == "nữ" else "",
                "year_unknown_gender": year if gender not in ("nam", "nữ") and year else "",
                "age": _age(year, reference), "gender": gender,
                "position": person.get("position") or (d.position if d is not None else ""),
                "unit": person.get("unit") or (d.unit if d is not None else ""),
                "ethnicity": (d.ethnicity if d is not None else "") or "",
                "education": d.education if d is not None else "",
                "qualification": d.qualification if d is not None else "",
                "political_theory": d.political_theory if d is not None else "",
                "nationality": "" if d is None or is_citizen(d.nationality) else d.nationality,
                "party": "Đảng viên" if d is not None and d.is_party_member else "",
                "votes_text": "Chỉ định", "percent_text": "",
            })
        group = {"title": a["what"], "election_title": f"{a['body_label']} (chỉ định theo {a['decision_line']})",
                 "seats": a["count"], "count": a["count"], "rows": rows, "body": a["body"],
                 "has_foreign": any(r["nationality"] for r in rows), "reported": False,
                 "appointed": True, "decision_line": a["decision_line"], "body_label": a["body_label"]}
        appointed.append(group)
    groups += appointed
    creds = credentials_summary(session, congress)
    att = attendance(session, congress)
    # The letter comes from the new executive committee (issue 12, 6), signed by its chair
    # when the congress elected one directly (else the name is written by hand).
    bch_issuer = "Ban Chấp hành " + info["organization"]
    chair_group = next((g for g in groups if g["body"] == "chair" and g["rows"]), None)
    new_chair = chair_group["rows"][0]["full_name"] if chair_group else ""
    when = document_date(congress)
    return {
        "info": info,
        "header": header(info, number=doc_number(1, "TTr-BCH"), date=when, issuer=bch_issuer),
        "bch_issuer": bch_issuer,
        "new_chair": new_chair,
        "recognised": [g for g in groups if not g["reported"] and not g.get("appointed")],
        "appointed": appointed,
        "reported": [g for g in groups if g["reported"]],
        "recipient": f"Ban Thường vụ {info['parent']}" if info["parent"] else "Công đoàn cấp trên",
        "summoned": fmt_int(creds["summoned"]), "present": fmt_int(creds["present"]),
        "present_percent": format_percent_vi(creds["present_percent"]),
        "quorum_met": att["quorum_met"],
        "groups": groups,
        "reference_year": reference,
        "chair": _signer(session, congress.id, "presidium"),
        "list_header": header(info, date=when, issuer=bch_issuer),
    }


# --- the documents page -----------------------------------------------------------------------

def documents_index(session: Session, *, congress: Congress) -> dict:
    """What the documents page lists: congress documents, and per election its ballot
    (next round) and the count minutes of each closed round."""
    elections = []
    for e in el.list_elections(session, congress.id):
        rounds = el.list_rounds(session, e)
        current = rounds[-1] if rounds else None
        elections.append({
            "id": e.id, "title": e.title, "seats": e.seats,
            "ballot_round": current.number if current else 1,
            "can_print_ballot": bool(el.list_candidates(session, e)) and (
                current is None or current.status != "closed"),
            "rounds": [{"number": r.number, "status": r.status, "seats": r.seats} for r in rounds],
            "closed_rounds": [r.number for r in rounds if r.status == "closed"],
        })
    delegates = card_delegates(session, congress=congress)
    return {"elections": elections, "cards": len(delegates),
            "voting_links": sum(1 for d in delegates if may_have_voting_link(d)),
            "resolution_edited": congress.resolution_text is not None}


# --- warnings on the documents page -------------------------------------------------------

def _date_vi(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def document_warnings(session: Session, *, congress: Congress, base_url: str) -> list[str]:
    """What would make a printed paper wrong or unusable, said before it is printed
    (issue 12): an address no phone in the hall can open; signature blocks that will print
    with blank names; absent delegates without a reason (RULES §2); a vote held on another
    day than the congress's date (every paper prints the congress's date)."""
    from ..addresses import address_warning
    out = []
    warning = address_warning(base_url)
    if warning:
        out.append(warning)
    rounds = closed_rounds(session, congress=congress)
    if rounds and not officials(session, congress.id, "board"):
        out.append("Chưa nhập tên các thành viên Ban bầu cử: biên bản kiểm phiếu in dòng ký để trống "
                   "(Trưởng ban, Ủy viên) để ký và ghi tên bằng tay. Nhập tên tại trang Đại hội → Cơ quan làm việc.")
    for role, label, paper in (("presidium", "Đoàn Chủ tịch", "biên bản đại hội và nghị quyết"),
                               ("secretariat", "Đoàn Thư ký", "biên bản đại hội")):
        if not officials(session, congress.id, role):
            out.append(f"Chưa nhập tên {label}: {paper} in dòng ký để trống.")
    if congress.kind == "delegates" and not officials(session, congress.id, "credentials_committee"):
        out.append("Chưa nhập tên Ban Thẩm tra tư cách đại biểu: báo cáo thẩm tra tư cách in dòng ký để trống.")
    from ..agenda.services import presenter_warning
    presenters = presenter_warning(_agenda_items(session, congress.id))
    if presenters:
        out.append(presenters)
    missing = [a["full_name"] for a in absent_rows(session, congress) if not a["reason"]]
    if missing:
        out.append(f"{len(missing)} {('đoàn viên' if congress.kind == 'all_members' else 'đại biểu')} vắng mặt "
                   f"chưa ghi lý do ({get_preset(congress.preset_code).charter} yêu cầu ghi rõ): " + ", ".join(missing)
                   + ". Các văn bản để trống chỗ ghi lý do; ghi lý do tại trang «Lý do vắng mặt».")
    if congress.date is None:
        if rounds:
            out.append("Chưa nhập ngày đại hội: các văn bản ghi theo ngày diễn ra từng việc.")
    else:
        days = {}
        for r in rounds:
            if r.closed_at is not None:
                day = local(r.closed_at).date()
                if day != congress.date:
                    election = session.get(Election, r.election_id)
                    days.setdefault(day, []).append(f"{election.title} (lần bầu thứ {r.number})")
        for day, what in sorted(days.items()):
            out.append(f"{'; '.join(what)} kết thúc ngày {_date_vi(day)}, khác ngày đại hội "
                       f"{_date_vi(congress.date)}: mọi văn bản ghi ngày đại hội {_date_vi(congress.date)}. "
                       "Nếu ngày đại hội nhập sai, hãy sửa tại trang Đại hội.")
    return out


def absent_people(session: Session, *, congress: Congress) -> list[dict]:
    """Those summoned and not checked in, for the absence-reasons page."""
    everyone = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    return [{"id": d.id, "code": d.code, "full_name": d.full_name, "unit": d.unit,
             "category": category_label(congress_info(congress), d.category), "reason": d.absence_reason or ""}
            for d in everyone if is_summoned(d) and d.checked_in_at is None]
