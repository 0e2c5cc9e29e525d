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

from ..congress.models import KIND_LABELS, Congress
from ..congress.services import officials
from ..delegates.models import CATEGORY_LABELS, Delegate
from ..delegates.qr import checkin_payload
from ..delegates.report import credentials_summary
from ..delegates.services import attendance, is_summoned, sort_delegates
from ..elections import services as el
from ..elections.models import Candidate, Election, Round
from ..errors import Conflict, NotFound, ValidationFailed
from ..motions.models import Motion
from ..rules import format_percent_vi, get_preset, normalize_text, percent

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
    return {
        "id": congress.id,
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
        "is_all_members": congress.kind == "all_members",
        "people_word": "đoàn viên" if congress.kind == "all_members" else "đại biểu",
        "date": congress.date,
        "date_long": long_date(congress.date),
        "place": normalize_text(congress.place),
        "venue": normalize_text(congress.venue),
        "preset_title": preset.title,
    }


def header(info: dict, *, number: str | None = None, date: dt.date | None = None,
           issuer: str | None = None) -> dict:
    """The two header columns of an official document (Nghị định 30/2020, Phụ lục I)."""
    return {
        "parent": info["parent_upper"],
        "issuer": issuer or info["issuer"],
        "number": number or "",
        "date_line": date_line(info["place"], date if date is not None else info["date"]),
    }


def _signer(session: Session, congress_id: int, role: str) -> str:
    people = officials(session, congress_id, role)
    return people[0].full_name if people else ""


def _officials_list(session: Session, congress_id: int, role: str) -> list[dict]:
    return [{"full_name": o.full_name, "title": o.title} for o in officials(session, congress_id, role)]


# --- delegate cards, list, attendance sheet ----------------------------------------------

def _qr_png_uri(data: str) -> str:
    """A QR as a 1-pixel-per-module PNG data URI (printed with ``image-rendering:
    pixelated``, so edges stay sharp). Measured: 1,000 cards render in ~11 s this way
    against ~18 s with inline SVG, whose paths WeasyPrint draws command by command. The
    mask is fixed (0) instead of searched: segno's mask search costs ~3 ms per code and
    any mask is valid for every reader. A 2-module white border is part of the image, so two
    codes side by side on a card keep their quiet zone."""
    return segno.make(data, error="m", mask=0).png_data_uri(scale=1, border=2)


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
                            base_url: str, secret: str) -> dict[int, str]:
    """New personal voting links for the delegates who may vote (earlier links stop
    working): {delegate id: URL}. The tokens exist only in the returned URLs (only their
    hashes are stored), so this runs right when the cards are rendered."""
    from ..voting.services import issue_voting_links
    from ..voting.tokens import link_url
    ids = [d.id for d in delegates if may_have_voting_link(d)]
    if not ids:
        return {}
    tokens = issue_voting_links(session, congress=congress, delegate_ids=ids, secret=secret)
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
        "qr": _qr_png_uri(checkin_payload(secret, info["id"], d.code)),
        "vote_qr": _qr_png_uri(vote_url) if vote_url else None,
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


def _delegate_row(i: int, d: Delegate) -> dict:
    return {"stt": i, "code": d.code, "full_name": d.full_name, "birth_year": d.birth_year or "",
            "gender": d.gender or "", "position": d.position, "unit": d.unit,
            "category": CATEGORY_LABELS.get(d.category, d.category),
            "party": "x" if d.is_party_member else "", "ethnicity": d.ethnicity,
            "present": d.checked_in_at is not None}


def delegate_list_data(session: Session, *, congress: Congress) -> dict:
    """Danh sách đại biểu: those summoned, grouped by category, then alternates not
    promoted and guests, each in the Vietnamese name order."""
    info = congress_info(congress)
    everyone = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    summoned = [d for d in everyone if is_summoned(d)]
    groups = []
    for code, label in CATEGORY_LABELS.items():
        if code in ("alternate", "guest"):
            members = [d for d in everyone if d.category == code and not is_summoned(d)
                       and d.credential_status != "rejected" and not d.is_replaced]
        else:
            members = []
        members = [d for d in summoned if d.category == code] + members
        if members:
            groups.append({"roman": roman(len(groups) + 1), "label": label, "rows": [_delegate_row(i, d) for i, d in enumerate(members, 1)]})
    title = "DANH SÁCH ĐOÀN VIÊN DỰ ĐẠI HỘI" if info["is_all_members"] else "DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI"
    return {"info": info, "header": header(info), "title": title,
            "summoned": fmt_int(len(summoned)), "groups": groups}


def attendance_sheet_data(session: Session, *, congress: Congress) -> dict:
    """Danh sách ký tên: every summoned person, with a signature column."""
    info = congress_info(congress)
    people = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    rows = [_delegate_row(i, d) for i, d in enumerate((d for d in people if is_summoned(d)), 1)]
    word = "ĐOÀN VIÊN" if info["is_all_members"] else "ĐẠI BIỂU"
    return {"info": info, "header": header(info), "title": f"DANH SÁCH {word} KÝ TÊN DỰ ĐẠI HỘI",
            "rows": rows, "count": fmt_int(len(rows))}


# --- credentials report ------------------------------------------------------------------

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
        signer_role, signer_title = "credentials_committee", "TM. BAN THẨM TRA TƯ CÁCH"
    age = s["age"]
    return {
        "info": info,
        "header": header(info, number=doc_number(1, "BC-ĐH")),
        "title": title, "subtitle": subtitle,
        "summoned": fmt_int(s["summoned"]), "present": fmt_int(s["present"]),
        "present_percent": format_percent_vi(s["present_percent"]),
        "absent": fmt_int(s["absent"]),
        "absent_list": s["absent_list"],
        "by_category": [{"label": c["label"], "count": fmt_int(c["count"]),
                         "percent": format_percent_vi(c["percent"]), "present": fmt_int(c["present"])}
                        for c in s["by_category"]],
        "women": share(s["women"]), "party_members": share(s["party_members"]),
        "ethnic_minorities": share(s["ethnic_minorities"]),
        "age": None if age is None else {
            "oldest": age["oldest"], "oldest_name": age["oldest_name"], "youngest": age["youngest"],
            "youngest_name": age["youngest_name"],
            "average": f"{age['average']}".replace(".", ","), "known": fmt_int(age["known"])},
        "rejected": s["rejected"], "pending": fmt_int(s["pending"]), "pending_count": s["pending"],
        "replacements": s["replacements"],
        "quorum_met": attendance(session, congress)["quorum_met"],
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
        "info": info, "kind": kind, "what": what, "election_title": election.title,
        "round": number, "seats": fmt_int(seats), "count": len(rows), "rows": rows,
        "single": len(rows) == 1,
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


def count_minutes_doc(session: Session, *, round: Round, base_url: str) -> dict:
    """Biên bản kiểm phiếu of one round, from ``elections.services.count_minutes_data``
    (which owns every number), formatted for print."""
    data = el.count_minutes_data(session, round)
    congress = session.get(Congress, data["congress"]["id"])
    info = congress_info(congress)
    returned = data["returned"]
    closed_at = _parse_iso(data["round"]["closed_at"])
    opened_at = _parse_iso(data["round"]["opened_at"])
    candidates = [{**c, "votes_text": fmt_fraction(c["votes"], returned),
                   "percent_text": fmt_percent(c["votes"], returned)} for c in data["candidates"]]
    by_id = {c["id"]: c for c in candidates}
    elected = [by_id[c["id"]] for c in data["elected"]]
    tied = [by_id[c["id"]] for c in data["tied"]]
    seal = data["seal_sha256"]
    url = seal_url(base_url, round.id, seal) if seal else ""
    board = data["board"]
    event_date = local(closed_at).date() if closed_at else congress.date
    return {
        "info": info,
        "header": header(info, number=doc_number(_round_index(session, round), "BB-BBC"), date=event_date),
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
        "invalid_by_reason": [{**r, "count_text": fmt_int(r["count"])} for r in data["invalid_by_reason"]],
        "candidates": candidates,
        "elected": elected,
        "tied": tied,
        "votes_needed": fmt_int(data["votes_needed"]),
        "outcome": data["outcome"],
        "seats_left": data["seats_left"], "seats_left_text": fmt_int(data["seats_left"]),
        "elected_so_far": data["elected_so_far"],
        "election_seats_left": data["election_seats_left"],
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
    """Every closed round of the congress: elections in order, rounds by number."""
    return list(session.scalars(select(Round).join(Election, Election.id == Round.election_id)
                                .where(Election.congress_id == congress.id, Round.status == "closed")
                                .order_by(Election.position, Election.id, Round.number)))


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
    rows = el.round_candidates(session, r)
    ranked = sorted(rows, key=lambda x: (-(x[0].votes or 0), x[0].ballot_number))
    return {
        "congress": congress_info(congress),
        "election_title": election.title,
        "round": r.number, "seats": fmt_int(r.seats),
        "closed_at": local(r.closed_at).strftime("%H:%M %d/%m/%Y") if r.closed_at else "",
        "issued": fmt_int(r.issued), "returned": fmt_int(returned), "valid": fmt_int(r.valid),
        "invalid": fmt_int(r.invalid),
        "candidates": [{"full_name": c.full_name, "votes_text": fmt_fraction(rc.votes or 0, returned),
                        "percent_text": fmt_percent(rc.votes or 0, returned),
                        "elected": rc.is_elected, "tied": rc.is_tied} for rc, c in ranked],
        "seal": r.seal_sha256,
    }


# --- motions and elections as the minutes and the resolution tell them -------------------

def motion_text(m: Motion) -> dict:
    """A show-of-hands result with counts and % of those present at the vote."""
    recorded = m.recorded_at is not None
    present = m.present_at_vote or 0
    out = {"id": m.id, "title": m.title, "kind": m.kind, "recorded": recorded, "passed": bool(m.passed)}
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
        rows = el.round_candidates(session, r)
        ranked = sorted(rows, key=lambda x: (-(x[0].votes or 0), x[0].ballot_number))
        elected = [{"id": c.id, "full_name": c.full_name, "position": c.position, "unit": c.unit,
                    "votes_text": fmt_fraction(rc.votes or 0, returned),
                    "percent_text": fmt_percent(rc.votes or 0, returned)}
                   for rc, c in ranked if rc.is_elected]
        tied = [c.full_name for rc, c in ranked if rc.is_tied]
        elected_all.extend(elected)
        rounds.append({"number": r.number, "seats": fmt_int(r.seats), "returned": fmt_int(returned),
                       "issued": fmt_int(r.issued), "valid": fmt_int(r.valid), "invalid": fmt_int(r.invalid),
                       "elected": elected, "tied": tied, "outcome": r.outcome,
                       "seats_left": r.seats - len(elected)})
    return {"id": election.id, "title": election.title, "body": election.body,
            "body_label": election.body_label, "what": election_what(election),
            "what_upper": _ballot_title(election)[1],
            "seats": election.seats, "seats_text": fmt_int(election.seats),
            "rounds": rounds, "elected": elected_all, "elected_count": fmt_int(len(elected_all)),
            "seats_left": election.seats - len(elected_all)}


# --- congress minutes ------------------------------------------------------------------------

def _agenda_items(session: Session, congress_id: int) -> list:
    from ..agenda.models import AgendaItem
    return list(session.scalars(select(AgendaItem).where(AgendaItem.congress_id == congress_id)
                                .order_by(AgendaItem.position, AgendaItem.id)))


def _paragraphs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def congress_minutes_data(session: Session, *, congress: Congress) -> dict:
    """Biên bản đại hội: who, when, where, then item by item in agenda order (the
    secretary's notes, each show of hands with counts and %, each election's result),
    the credentials result and the signatures. Without an agenda, the motions and
    elections are told in their own order."""
    info = congress_info(congress)
    motions = list(session.scalars(select(Motion).where(Motion.congress_id == congress.id)
                                   .order_by(Motion.position, Motion.id)))
    elections = el.list_elections(session, congress.id)
    motion_by_id = {m.id: motion_text(m) for m in motions}
    election_by_id = {e.id: election_summary(session, e) for e in elections}
    items = _agenda_items(session, congress.id)
    sections = []
    used_motions: set[int] = set()
    used_elections: set[int] = set()
    told_at: dict[int, int] = {}
    for number, item in enumerate(items, start=1):
        entry = {"title": item.title, "presenter": item.presenter, "notes": _paragraphs(item.notes),
                 "section": item.section, "motion": None, "election": None, "election_told_at": None}
        if item.motion_id in motion_by_id:
            entry["motion"] = motion_by_id[item.motion_id]
            used_motions.add(item.motion_id)
        if item.election_id in election_by_id:
            entry["election"] = election_by_id[item.election_id]
            # An election linked to several items (voting, then announcing) is told once.
            entry["election_told_at"] = told_at.get(item.election_id)
            told_at.setdefault(item.election_id, number)
            used_elections.add(item.election_id)
        sections.append(entry)
    # Anything decided but not on the agenda is still told (after the agenda, in order).
    for m in motions:
        if m.id not in used_motions and m.recorded_at is not None:
            sections.append({"title": m.title, "presenter": "", "notes": [], "section": "",
                             "motion": motion_by_id[m.id], "election": None, "election_told_at": None})
    for e in elections:
        if e.id not in used_elections:
            sections.append({"title": e.title, "presenter": "", "notes": [], "section": "",
                             "motion": None, "election": election_by_id[e.id], "election_told_at": None})
    started = [i.started_at for i in items if i.started_at]
    ended = [i.ended_at for i in items if i.ended_at]
    creds = credentials_summary(session, congress)
    everyone = sort_delegates(session.scalars(select(Delegate).where(Delegate.congress_id == congress.id)))
    guests = [{"full_name": d.full_name, "position": d.position, "unit": d.unit}
              for d in everyone if d.category == "guest"]
    return {
        "info": info,
        "header": header(info, number=doc_number(1, "BB-ĐH")),
        "title": "BIÊN BẢN",
        "subtitle": info["full_title"],
        "started": time_text(min(started)) if started else "…… giờ …… phút",
        "ended": time_text(max(ended)) if ended else "…… giờ …… phút",
        "date_long": info["date_long"],
        "venue": info["venue"] or "……………………",
        "guests": guests,
        "summoned": fmt_int(creds["summoned"]), "present": fmt_int(creds["present"]),
        "present_percent": format_percent_vi(creds["present_percent"]),
        "absent": fmt_int(creds["absent"]), "absent_list": creds["absent_list"],
        "quorum_met": attendance(session, congress)["quorum_met"],
        "presidium": _officials_list(session, congress.id, "presidium"),
        "secretariat": _officials_list(session, congress.id, "secretariat"),
        "credentials_committee": _officials_list(session, congress.id, "credentials_committee"),
        "board": _officials_list(session, congress.id, "board"),
        "has_agenda": bool(items),
        "sections": sections,
        "rejected": creds["rejected"],
        "elections": list(election_by_id.values()),
        "annexes": [{"election_what": election_what(session.get(Election, r.election_id)), "round": r.number}
                    for r in closed_rounds(session, congress=congress)],
        "chair": _signer(session, congress.id, "presidium"),
        "secretary": _signer(session, congress.id, "secretariat"),
    }


# --- resolution -------------------------------------------------------------------------------

_MOTIONS_NOT_IN_RESOLUTION = {"presidium", "secretariat", "credentials_committee", "election_board",
                              "voting_rules", "resolution", "candidate_list"}


def _names(people: list[dict]) -> str:
    return ", ".join(p["full_name"] for p in people)


def _approved_item(m: Motion, elections: list[Election], info: dict) -> str:
    """One approved show-of-hands item as an article of the resolution."""
    if m.kind == "bch_seats":
        bch = next((e for e in elections if e.body == "executive_committee"), None)
        if bch is not None:
            return (f"Nhất trí số lượng Ban Chấp hành {info['organization']} nhiệm kỳ {info['term']} "
                    f"là {fmt_int(bch.seats)} đồng chí.")
    if m.kind == "credentials":
        return ("Nhất trí thông qua báo cáo số lượng và tư cách đoàn viên dự đại hội." if info["is_all_members"]
                else "Nhất trí công nhận tư cách đại biểu dự đại hội.")
    title = normalize_text(m.title).rstrip(".")
    title = re.sub(r"^(biểu quyết|thông qua)\s+", "", title, flags=re.IGNORECASE)
    title = title[0].lower() + title[1:] if title else title
    return f"Nhất trí thông qua {title}."


def resolution_default_text(session: Session, *, congress: Congress) -> str:
    """The resolution's wording from the template: "Căn cứ …", "QUYẾT NGHỊ:", the items
    the congress approved (passed motions) and the election results, "Nơi nhận:"."""
    info = congress_info(congress)
    org = info["organization"]
    lines = [
        "Căn cứ Luật Công đoàn;",
        "Căn cứ Điều lệ Công đoàn Việt Nam và các văn bản hướng dẫn thi hành;",
        f"Căn cứ kết quả làm việc của {info['name'] or 'Đại hội'},",
        "",
        "QUYẾT NGHỊ:",
        "",
    ]
    n = 0
    motions = list(session.scalars(select(Motion).where(Motion.congress_id == congress.id, Motion.passed.is_(True))
                                   .order_by(Motion.position, Motion.id)))
    approved = [m for m in motions if m.kind not in _MOTIONS_NOT_IN_RESOLUTION]
    n += 1
    lines.append(f"Điều {n}. Nhất trí thông qua báo cáo tổng kết công tác công đoàn nhiệm kỳ qua, "
                 f"phương hướng, mục tiêu, nhiệm vụ nhiệm kỳ {info['term']} và báo cáo kiểm điểm "
                 "của Ban Chấp hành.")
    elections = el.list_elections(session, congress.id)
    for m in approved:
        n += 1
        lines.append(f"Điều {n}. {_approved_item(m, elections, info)}")
    for e in elections:
        s = election_summary(session, e)
        if not s["elected"]:
            continue
        n += 1
        lines.append(f"Điều {n}. Công nhận kết quả bầu {s['what']} gồm {s['elected_count']} đồng chí: "
                     f"{_names(s['elected'])}.")
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
        "header": header(info, number=doc_number(1, "NQ-ĐH")),
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
                "party": "Đảng viên" if (c.is_party_member or (d is not None and d.is_party_member)) else "",
                "votes_text": person["votes_text"], "percent_text": person["percent_text"],
            })
        groups.append({"title": s["what"], "election_title": s["title"], "seats": s["seats_text"],
                       "count": s["elected_count"], "rows": rows})
    creds = credentials_summary(session, congress)
    att = attendance(session, congress)
    return {
        "info": info,
        "header": header(info, number=doc_number(1, "TTr-ĐH")),
        "recipient": f"Ban Thường vụ {info['parent']}" if info["parent"] else "Công đoàn cấp trên",
        "summoned": fmt_int(creds["summoned"]), "present": fmt_int(creds["present"]),
        "present_percent": format_percent_vi(creds["present_percent"]),
        "quorum_met": att["quorum_met"],
        "groups": groups,
        "reference_year": reference,
        "chair": _signer(session, congress.id, "presidium"),
        "list_header": header(info),
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
