"""Render-time checks on every document of a realistic congress (issue 12): no page whose
only content is a signature block, no table split leaving fewer than two rows on a page,
no line break inside a proper name, "lần thứ …" or the term, every signature block present.
Positions are read from the PDFs with pdfplumber (tests/documents_checks.py)."""
from __future__ import annotations

import os
from pathlib import Path

from election_app.documents import jobs, services
from election_app.elections import services as el
from tests import documents_checks as chk
from tests.documents_congress import build

BASE = "http://192.168.1.10:5000"


def render_all(session, built, *, minutes: bool = True) -> dict[str, bytes]:
    """Every document of the congress: the congress papers (the dossier holds the covering
    letter, the congress minutes, every count minutes and the trích ngang list), and each
    election's ballot. ``minutes=True`` also renders the minutes and count minutes alone."""
    c = built["congress"]
    secret = "test-secret-key-0123456789abcdef"
    out = {}
    kinds = ["delegate-cards", "delegate-list", "attendance-sheet", "credentials-report", "resolution", "dossier"]
    if minutes:
        kinds.append("minutes")
    for kind in kinds:
        params = jobs.clean_params(kind, {"base_url": BASE})
        out[kind] = jobs.produce(session, congress=c, kind=kind, params=params, secret=secret).pdf
    for key in ("bch", "chair", "upper", "alternates"):
        e = built[key]
        if minutes:
            for r in el.list_rounds(session, e):
                params = jobs.clean_params("count-minutes", {"election_id": e.id, "round": r.number, "base_url": BASE})
                out[f"count-minutes-{key}-{r.number}"] = jobs.produce(session, congress=c, kind="count-minutes",
                                                                      params=params, secret=secret).pdf
        params = jobs.clean_params("ballot", {"election_id": e.id, "round": 1})
        out[f"ballot-{key}"] = jobs.produce(session, congress=c, kind="ballot", params=params, secret=secret).pdf
    dump = os.environ.get("DOCS_DUMP")
    if dump:  # DOCS_DUMP=/tmp/docs: keep the PDFs to look at them (pdftoppm)
        Path(dump).mkdir(parents=True, exist_ok=True)
        for name, pdf in out.items():
            Path(dump, f"{name}.pdf").write_bytes(pdf)
    return out


def check_all(docs: dict[str, bytes], built) -> list[str]:
    signers = {d.full_name for d in built["made"]}
    problems = []
    for name, pdf in docs.items():
        pages = chk.parse(pdf)
        if name != "delegate-cards":  # cards are cut apart: no signatures, no flowing tables
            problems += [f"{name}: {p}" for p in chk.signature_only_pages(pages, signers)]
            problems += [f"{name}: {p}" for p in chk.short_table_splits(pages)]
            problems += [f"{name}: {p}" for p in chk.headings_at_foot(pages)]
        problems += [f"{name}: {p}" for p in chk.broken_phrases(pages, protected(built))]
        if name in ("delegate-list", "attendance-sheet", "credentials-report"):
            # columns wide enough: no cell wraps to 3 lines or more (issue 12, 17)
            problems += [f"{name}: {p}" for p in chk.tall_cells(pages, max_lines=2)]
    return problems


def protected(built) -> list[str]:
    names = [d.full_name for d in built["made"]]
    return names + ["Hai Bà Trưng", "lần thứ IX", "2023–2028", "Hà Nội", "Ngô Gia Tự", "Đoàn Thị Điểm",
                    "Lê Quý Đôn", "Hoa Sen", "Bạch Mai", "Vĩnh Tuy", "Tây Sơn", "Lê Văn Tám", "Hồng Mai",
                    # terms read as one word, and a place with its name (seen broken in the pack)
                    "Tiểu học", "Mầm non", "thành phố Hà Nội", "quận Hai Bà Trưng", "tỉ lệ"]


def test_every_document_of_a_realistic_congress_passes_the_render_checks(app, session):
    built = build(session)
    # the dossier holds the minutes and every count minutes, laid out as when printed alone
    docs = render_all(session, built, minutes=bool(os.environ.get("DOCS_DUMP")))
    problems = check_all(docs, built)
    assert problems == [], "\n".join(problems)
    # guests in protocol (roll) order on the delegate list too, as in the minutes (issue 12 §20)
    text = chk.all_text(docs["delegate-list"])
    guests = [g.full_name for g in built["guests"]]
    assert [text.index(g) for g in guests] == sorted(text.index(g) for g in guests)
    # the sign-in sheet is certified by the organizers, with the count of signatures to fill in
    sheet = chk.all_text(docs["attendance-sheet"])
    assert "TM. BAN TỔ CHỨC" in sheet and "Số người đã ký tên" in sheet
    # the covering letter fills its first page: only its last paragraph goes with the signature
    first = chk.parse(docs["dossier"])[0]
    assert "Đồng thời" in " ".join(w["text"] for w in first.words)
