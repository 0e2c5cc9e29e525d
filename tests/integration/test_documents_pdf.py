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
    for kind in ("ballot.pdf?round=1", "count-minutes.pdf"):
        resp = caller.get(f"/api/v1/elections/{election.id}/documents/{kind}")
        assert resp.status_code == 200, (kind, resp.get_data(as_text=True)[:300])
        assert resp.mimetype == "application/pdf"
        (tmp_path / f"{kind.split('.')[0]}.pdf").write_bytes(resp.data)


# --- the paper ballot --------------------------------------------------------------------

LONG_NAMES = ["Công Tằng Tôn Nữ Thị Minh Hạnh", "Tôn Nữ Thị Phương Thảo", "Nguyễn Hoàng Bảo Ngọc Tường Vy",
              "Tôn Thất Hoàng Thiên Bảo", "Nguyễn Phước Vĩnh Kiên", "Huỳnh Thị Ngọc Bích Phượng",
              "Âu Dương Thị Thanh Thủy", "Hoàng Phủ Ngọc Tường"]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Ngọc", "Minh", "Thanh", "Đức", "Thu", "Quốc"]
GIVEN = ["An", "Anh", "Ánh", "Bình", "Chi", "Cường", "Dũng", "Dung", "Đạt", "Giang", "Hà", "Hải", "Hạnh",
         "Hòa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngân", "Oanh",
         "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thủy", "Trang", "Tuấn", "Uyên", "Vân",
         "Việt", "Xuân", "Yến"]


def candidate_names(n: int, *, long_first: bool = False) -> list[str]:
    names = list(LONG_NAMES) if long_first else []
    i = 0
    while len(names) < n:
        name = f"{FAMILY[i % len(FAMILY)]} {MIDDLE[(i // 3) % len(MIDDLE)]} {GIVEN[i % len(GIVEN)]}"
        if name not in names:
            names.append(name)
        i += 1
    return names[:n]


def make_election(session, congress, names, seats):
    election, _ = el.create_election(
        session, congress=congress, title="Bầu Ban Chấp hành nhiệm kỳ 2023–2028", body="executive_committee",
        seats=seats, candidates=[{"full_name": n, "position": "Tổ trưởng chuyên môn" if i % 2 else "Giáo viên",
                                  "unit": "Tổ Ngữ văn – Lịch sử – Địa lý" if i % 3 else "Tổ Toán – Tin học"}
                                 for i, n in enumerate(names)])
    session.commit()
    return election


@pytest.mark.parametrize("n, pages", [(10, 1), (60, 2), (100, 3)])
def test_ballot_pages_by_list_length(app, session, congress, api, tmp_path, n, pages):
    election = make_election(session, congress, candidate_names(n), seats=max(1, n // 2))
    resp = api("board").get(f"/api/v1/elections/{election.id}/documents/ballot.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    assert pdf_pages(resp.data, tmp_path) == pages
    text = pdf_text(resp.data, tmp_path)
    assert "PHIẾU BẦU" in text and "Dấu của BCH" in text and "Lần bầu thứ 1" in text
    assert f"Số lượng bầu: {max(1, n // 2)} đồng chí" in text
    assert "Đồng chí không bầu ai thì gạch ngang giữa họ và tên người đó" in flat(text)
    if pages > 1:
        second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-enc", "UTF-8", str(tmp_path / "doc.pdf"), "-"],
                                capture_output=True, check=True).stdout.decode()
        assert "(tiếp theo)" in second and f"trang 2/{pages}" in second
        assert "Họ và tên" in second  # the table header is repeated on the continued page


def test_ballot_with_the_longest_names_in_vietnamese_order(app, session, congress, api, tmp_path):
    names = candidate_names(64, long_first=True)
    election = make_election(session, congress, names, seats=40)
    resp = api("organizer").get(f"/api/v1/elections/{election.id}/documents/ballot.pdf")
    assert resp.status_code == 200
    lines = pdf_text(resp.data, tmp_path, layout=True).splitlines()
    expected = [c["full_name"] for c in el.ballot_list(session, election)["candidates"]]

    def row_of(i: int, name: str) -> int:
        pattern = re.compile(rf"^\s*{i}\s+{re.escape(name)}(\s|$)")
        return next((n for n, line in enumerate(lines) if pattern.search(line)), -1)

    positions = [row_of(i, name) for i, name in enumerate(expected, start=1)]
    assert all(p >= 0 for p in positions), [n for n, p in zip(expected, positions) if p < 0]
    assert positions == sorted(positions)  # numbered and printed in ballot (Vietnamese) order
    assert set(LONG_NAMES) <= set(expected)  # each long name whole on its row
    # the order is by tên, then họ, then tên đệm: Vy and Thảo after Hạnh, Ánh after Anh
    assert expected.index("Công Tằng Tôn Nữ Thị Minh Hạnh") < expected.index("Tôn Nữ Thị Phương Thảo") \
        < expected.index("Nguyễn Hoàng Bảo Ngọc Tường Vy")
    for font, emb in pdf_fonts(resp.data, tmp_path):
        assert "Liberation-Serif" in font and emb == "yes"


def test_ballot_copies_and_round(app, session, congress, api, tmp_path):
    election = make_election(session, congress, candidate_names(10), seats=5)
    caller = api("board")
    resp = caller.get(f"/api/v1/elections/{election.id}/documents/ballot.pdf?copies=3")
    assert pdf_pages(resp.data, tmp_path) == 3
    assert pdf_text(resp.data, tmp_path).count("PHIẾU BẦU") == 3
    # a two-page ballot printed 3 times: 6 pages, each copy on its own sheets
    long_one = make_election(session, congress, candidate_names(60), seats=30)
    resp = caller.get(f"/api/v1/elections/{long_one.id}/documents/ballot.pdf?copies=3")
    assert pdf_pages(resp.data, tmp_path) == 6
    # a three-page ballot printed twice: a blank page after each copy (double-sided printing)
    longest = make_election(session, congress, candidate_names(100), seats=50)
    resp = caller.get(f"/api/v1/elections/{longest.id}/documents/ballot.pdf?copies=2")
    assert pdf_pages(resp.data, tmp_path) == 8
    assert pdf_text(resp.data, tmp_path).count("(Trang để trống)") == 2
    bad = caller.get(f"/api/v1/elections/{election.id}/documents/ballot.pdf?copies=0")
    assert bad.status_code == 422 and bad.get_json()["details"][0]["field"] == "copies"
    missing = caller.get(f"/api/v1/elections/{election.id}/documents/ballot.pdf?round=4")
    assert missing.status_code == 404
