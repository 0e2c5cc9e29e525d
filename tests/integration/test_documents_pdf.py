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
        fonts = pdf_fonts(resp.data, tmp_path, kind)
        assert fonts and all(name.split("+")[1].startswith("Liberation-Serif") and emb == "yes"
                             for name, emb in fonts), (kind, fonts)
    for kind in ("ballot.pdf?round=1", "count-minutes.pdf"):
        resp = caller.get(f"/api/v1/elections/{election.id}/documents/{kind}")
        assert resp.status_code == 200, (kind, resp.get_data(as_text=True)[:300])
        assert resp.mimetype == "application/pdf"
        fonts = pdf_fonts(resp.data, tmp_path, kind.split(".")[0])
        assert fonts and all(name.split("+")[1].startswith("Liberation-Serif") and emb == "yes"
                             for name, emb in fonts), (kind, fonts)


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


@pytest.mark.parametrize("n, pages", [(10, 1), (30, 1), (60, 2), (100, 3)])
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


# --- count minutes ------------------------------------------------------------------------

TIE_BALLOTS = [[0, 1]] * 5 + [[0, 2]] * 5 + [[1, 2]] * 2   # An 10, Bình 7, Cường 7, Dung 0 of 12


def test_count_minutes_every_field(app, session, congress, api, tmp_path):
    made, election = build_congress(session, congress, voters=14, seats=2)
    r = vote_round(session, election, TIE_BALLOTS, issued=13)
    resp = api("board").get(f"/api/v1/elections/{election.id}/documents/count-minutes.pdf")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    raw = pdf_text(resp.data, tmp_path)
    text = flat(raw)
    lines = [line.strip() for line in raw.splitlines()]
    # the header of Nghị định 30
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines          # on one line
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert "CÔNG ĐOÀN GIÁO DỤC QUẬN BA ĐÌNH" in text
    assert "ĐẠI HỘI CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS THÀNH CÔNG LẦN THỨ X" in text
    assert "Số: 01/BB-BBC" in text
    assert re.search(r"Ba Đình, ngày \d\d tháng (0[12]|[3-9]|1[0-2]) năm \d{4}", text)
    # title, election, board, attendance, list
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "Bầu Ban Chấp hành nhiệm kỳ 2023–2028" in text
    assert "(Lần bầu thứ 1)" in text
    for member in ("Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức"):
        assert f"Đồng chí {member}" in text
    assert "Tổng số đại biểu được triệu tập: 14; có mặt: 13; số đại biểu nhận phiếu bầu: 13." in text
    assert "Số lượng bầu Đại hội đã biểu quyết: 2 đồng chí." in text
    assert "gồm 4 đồng chí (ứng cử: 0; đề cử: 4)" in text
    assert "Số phiếu phát ra: 13; số phiếu thu về: 12 (không thu về: 1 phiếu)." in text
    assert "Số phiếu hợp lệ: 12 (100,00%); số phiếu không hợp lệ: 0 (0,00%)." in text
    # every candidate "n/returned" and percent in Vietnamese format, in ballot order
    for name, votes, pct in (("Nguyễn Văn An", "10/12", "83,33%"), ("Trần Thị Bình", "7/12", "58,33%"),
                             ("Lê Văn Cường", "7/12", "58,33%"), ("Phạm Thị Dung", "0/12", "0,00%")):
        assert f"{name} {votes} {pct}" in text, name
    assert text.index("1 Nguyễn Văn An 10/12") < text.index("2 Trần Thị Bình 7/12") < text.index("4 Phạm Thị Dung")
    assert "từ 7 phiếu trở lên" in text  # more than half of 12 returned
    # elected in vote order, the tie at the last seat and the seat left
    table = flat(pdf_text(resp.data, tmp_path, layout=True))
    assert "Đồng chí trúng cử: STT Họ và tên Số phiếu bầu Tỉ lệ " \
           "1 Nguyễn Văn An 10/12 83,33% Các đồng chí" in table
    tie = re.search(r"Các đồng chí ([^:()]+?) có số phiếu bằng nhau \(7/12\)", text)
    assert tie and set(tie.group(1).split(", ")) == {"Trần Thị Bình", "Lê Văn Cường"}
    assert "còn thiếu 1 đồng chí" in text
    # the seal and its page; signatures of every board member
    session.expire_all()
    seal = session.get(type(r), r.id).seal_sha256
    assert seal and seal[:32] in text and seal[32:] in text
    assert f"/seal/{r.id}/{seal}" in text.replace(" ", "")
    assert "BAN BẦU CỬ TRƯỞNG BAN" in text and text.count("(Ký, ghi rõ họ tên)") == 3
    for font, emb in pdf_fonts(resp.data, tmp_path):
        assert font.split("+")[1].startswith("Liberation-Serif") and emb == "yes"


def test_count_minutes_needs_a_closed_round(app, session, congress, api, login, client):
    _, election = build_congress(session, congress)
    resp = api("board").get(f"/api/v1/elections/{election.id}/documents/count-minutes.pdf")
    assert resp.status_code == 409
    body = resp.get_json()
    assert body["error"] == "no_closed_round" and "chưa có lần bầu nào kết thúc" in body["message"]
    login("board")
    page = client.get(f"/congresses/{congress.id}/elections/{election.id}/documents/count-minutes.pdf")
    assert page.status_code == 409 and "chưa có lần bầu nào kết thúc" in page.get_data(as_text=True)


def test_seal_page_is_public_and_checks_the_hash(app, session, congress, client):
    _, election = build_congress(session, congress, voters=14, seats=2)
    r = vote_round(session, election, TIE_BALLOTS, issued=13)
    session.expire_all()
    r = session.get(type(r), r.id)
    resp = client.get(f"/seal/{r.id}/{r.seal_sha256}")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert r.seal_sha256 in html and "Nguyễn Văn An" in html and "10/12" in html and "83,33%" in html
    wrong = r.seal_sha256[:-1] + ("0" if r.seal_sha256[-1] != "0" else "1")
    assert client.get(f"/seal/{r.id}/{wrong}").status_code == 404
    assert client.get(f"/seal/{r.id + 999}/{r.seal_sha256}").status_code == 404
    assert client.get(f"/seal/{r.id}/not-a-hash").status_code == 404


# --- congress minutes, resolution, dossier -------------------------------------------------

def page_text(pdf: bytes, tmp_path, page: int) -> str:
    path = tmp_path / "paged.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-enc", "UTF-8", str(path), "-"],
                          check=True, capture_output=True).stdout.decode()


def test_congress_minutes_in_agenda_order_with_annexes(app, session, congress, api, tmp_path):
    _, election = build_congress(session, congress, voters=14, seats=2)
    vote_round(session, election, TIE_BALLOTS, issued=13)
    resp = api("secretary").get(f"/api/v1/congresses/{congress.id}/documents/minutes.pdf")
    assert resp.status_code == 200
    text = flat(pdf_text(resp.data, tmp_path))
    assert "Số: 01/BB-ĐH" in text
    assert "BIÊN BẢN ĐẠI HỘI CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS THÀNH CÔNG LẦN THỨ X, NHIỆM KỲ 2023–2028" in text
    assert "Địa điểm: Hội trường tầng 3." in text
    # the guest did not come (build_congress leaves the guest out): guests who did not
    # come are not listed as present (issue 12)
    assert "Phan Văn Khách" not in text
    assert "Tổng số đại biểu được triệu tập: 14; có mặt: 13 (92,86%); vắng mặt: 1 (Hà Thị Quỳnh" in text
    assert "Đoàn Chủ tịch: đồng chí Nguyễn Văn An (Chủ tịch CĐCS); đồng chí Trần Thị Bình (Phó Chủ tịch)" in text
    assert "Đoàn Thư ký: đồng chí Vũ Thị Hoa" in text
    # item by item, in agenda order, with the secretary's notes and every vote's counts and %
    from election_app.agenda.services import list_items
    titles = [i.title for i in list_items(session, congress.id)]
    found = [text.find(f"{n}. {t}") for n, t in enumerate(titles, start=1)]
    assert all(f >= 0 for f in found) and found == sorted(found)
    assert "Đồng chí Nguyễn Văn An tuyên bố lý do. Giới thiệu đại biểu khách mời." in text
    assert "tán thành 12 (92,31%); không tán thành 1 (7,69%); ý kiến khác 0 (0,00%). Đại hội thông qua." in text
    assert "Trúng cử: Nguyễn Văn An (10/12 phiếu, 83,33%)" in text
    assert "Bằng phiếu ở vị trí cuối:" in text
    assert "TM. ĐOÀN CHỦ TỊCH" in text and "THƯ KÝ" in text
    # the count minutes are annexed after the minutes, with their own first page
    main_end = text.index("Biên bản đã được đọc trước Đại hội")
    assert text.index("BIÊN BẢN KIỂM PHIẾU") > main_end
    pages = pdf_pages(resp.data, tmp_path)
    numbers = [page_text(resp.data, tmp_path, p).strip().splitlines()[0].strip() for p in range(1, pages + 1)]
    assert numbers[0] != "1" and numbers[1] == "2"   # page numbers from page 2, none on page 1
    annex_first = next(p for p in range(1, pages + 1)
                       if "BIÊN BẢN KIỂM PHIẾU" in page_text(resp.data, tmp_path, p))
    assert not numbers[annex_first - 1].isdigit()    # the annex starts its own numbering


def test_minutes_without_agenda_tell_motions_and_elections_in_order(app, session, congress, api, tmp_path):
    _, election = build_congress(session, congress, agenda=False)
    text = flat(pdf_text(api("secretary").get(f"/api/v1/congresses/{congress.id}/documents/minutes.pdf").data,
                         tmp_path))
    assert "chưa nhập chương trình" in text
    titles = [m.title for m in list_motions(session, congress.id)]
    found = [text.find(t) for t in titles]
    assert all(f >= 0 for f in found) and found == sorted(found)
    assert text.find("Bầu Ban Chấp hành nhiệm kỳ 2023–2028") > found[-1]
    assert "Chưa bỏ phiếu." in text


def test_resolution_from_template(app, session, congress, api, tmp_path):
    _, election = build_congress(session, congress, voters=14, seats=2)
    vote_round(session, election, TIE_BALLOTS, issued=13)
    update_congress(session, congress=congress, data={"date": "2027-01-05"})
    session.commit()
    text = flat(pdf_text(api("organizer").get(f"/api/v1/congresses/{congress.id}/documents/resolution.pdf").data,
                         tmp_path, layout=True))
    assert "Ba Đình, ngày 05 tháng 01 năm 2027" in text      # leading zeros, Nghị định 30
    assert "Số: 01/NQ-ĐH" in text and "NGHỊ QUYẾT" in text
    assert text.index("Căn cứ Điều lệ Công đoàn Việt Nam") < text.index("QUYẾT NGHỊ:")
    assert "Nhất trí số lượng Ban Chấp hành Công đoàn cơ sở Trường THCS Thành Công nhiệm kỳ 2023–2028 là 2 đồng chí." in text
    # the congress's own act (recognising it is the upper union's: issue 12)
    assert "Đại hội đã bầu Ban Chấp hành nhiệm kỳ 2023–2028 gồm 1 đồng chí: Nguyễn Văn An." in text
    assert "TM. ĐOÀN CHỦ TỊCH" in text and "Nơi nhận:" in text and "Lưu VT." in text


def test_dossier_letter_minutes_and_trich_ngang(app, session, congress, api, tmp_path):
    made, election = build_congress(session, congress, voters=14, seats=2)
    vote_round(session, election, TIE_BALLOTS, issued=13)
    resp = api("organizer").get(f"/api/v1/congresses/{congress.id}/documents/dossier.pdf")
    assert resp.status_code == 200
    text = flat(pdf_text(resp.data, tmp_path))
    assert text.index("TỜ TRÌNH") < text.index("BIÊN BẢN ĐẠI HỘI") < text.index("BIÊN BẢN KIỂM PHIẾU") \
        < text.index("DANH SÁCH TRÍCH NGANG")
    assert "Kính gửi: Ban Thường vụ Công đoàn Giáo dục quận Ba Đình." in text
    last = page_text(resp.data, tmp_path, pdf_pages(resp.data, tmp_path))
    assert "Nguyễn Văn An" in last and "1980" in last and "46" in last and "Kinh" in last
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(tmp_path / "doc.pdf")], capture_output=True,
                          check=True).stdout.decode()
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert float(sizes[0][0]) < float(sizes[0][1])      # A4 portrait letter
    assert float(sizes[-1][0]) > float(sizes[-1][1])    # the trích ngang list is landscape


# --- credentials report, lists, cards ------------------------------------------------------

def test_credentials_report_delegates_and_all_members(app, session, congress, api, tmp_path):
    made, _ = build_congress(session, congress, voters=14)
    decide_credentials(session, delegate=made[12], status="rejected", reason="Đang bị kỷ luật khiển trách")
    made[13].absence_reason = "Ốm"
    session.commit()
    caller = api("organizer")
    pdf = caller.get(f"/api/v1/congresses/{congress.id}/documents/credentials-report.pdf").data
    text, rows = flat(pdf_text(pdf, tmp_path)), flat(pdf_text(pdf, tmp_path, layout=True))
    assert "Thẩm tra tư cách đại biểu dự đại hội" in text and "Số: 01/BC-ĐH" in text
    assert "Tổng số đại biểu được triệu tập: 13 đồng chí" in text
    assert "Số đại biểu có mặt: 12 đồng chí, chiếm 92,31%" in text
    assert "1 Hà Thị Quỳnh Ốm" in rows
    assert "1 Tạ Văn Phúc Đang bị kỷ luật khiển trách" in rows
    assert "TM. BAN THẨM TRA TƯ CÁCH" in text
    update_congress(session, congress=congress, data={"kind": "all_members"})
    session.commit()
    text = flat(pdf_text(caller.get(f"/api/v1/congresses/{congress.id}/documents/credentials-report.pdf").data,
                         tmp_path))
    assert "Số lượng và tư cách đoàn viên dự đại hội" in text
    assert "Tổng số đoàn viên được triệu tập: 13 đồng chí" in text


def test_delegate_list_and_attendance_sheet_in_vietnamese_order(app, session, congress, api, tmp_path):
    add_delegates(session, congress=congress, rows=[{"full_name": n} for n in (
        "Trần Văn Đạt", "Nguyễn Thị Ánh", "Lê Văn Anh", "Phạm Thị Dung", "Đỗ Văn Dũng", "Vũ Thị Anh")])
    session.commit()
    caller = api("secretary")
    for kind, title in (("delegate-list", "DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI"),
                        ("attendance-sheet", "DANH SÁCH ĐẠI BIỂU KÝ TÊN DỰ ĐẠI HỘI")):
        text = flat(pdf_text(caller.get(f"/api/v1/congresses/{congress.id}/documents/{kind}.pdf").data, tmp_path))
        assert title in text
        order = ["Lê Văn Anh", "Vũ Thị Anh", "Nguyễn Thị Ánh", "Phạm Thị Dung", "Đỗ Văn Dũng", "Trần Văn Đạt"]
        found = [text.find(n) for n in order]
        assert all(f >= 0 for f in found) and found == sorted(found), kind
    assert "Ký tên" in text


def test_delegate_cards(app, session, congress, api, tmp_path):
    made, _ = build_congress(session, congress, voters=10)
    decide_credentials(session, delegate=made[3], status="rejected", reason="Không đủ điều kiện")
    session.commit()
    resp = api("secretary").get(f"/api/v1/congresses/{congress.id}/documents/delegate-cards.pdf")
    assert resp.status_code == 200
    text = flat(pdf_text(resp.data, tmp_path))
    assert text.count("THẺ ĐẠI BIỂU") == 9 and text.count("THẺ KHÁCH MỜI") == 1
    assert "Phạm Thị Dung" not in text                      # credentials rejected: no card
    assert "Số thẻ: 001" in text and "Nguyễn Văn An" in text and "Đại biểu chính thức" in text
    assert pdf_pages(resp.data, tmp_path) == 2               # 10 cards, 8 per sheet
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "doc.pdf")], capture_output=True,
                            check=True).stdout.decode().splitlines()[2:]
    assert len(images) == 10                                 # one identity QR per card
    only = api("secretary").get(f"/api/v1/congresses/{congress.id}/documents/delegate-cards.pdf?codes=001,002")
    assert flat(pdf_text(only.data, tmp_path)).count("Số thẻ:") == 2
    unknown = api("secretary").get(f"/api/v1/congresses/{congress.id}/documents/delegate-cards.pdf?codes=999")
    assert unknown.status_code == 422 and "999" in unknown.get_json()["message"]


def test_templates_receive_plain_data_only(app, session, congress):
    """Services hand the templates dicts, lists, strings, numbers, dates: never ORM objects."""
    import datetime as dt
    from decimal import Decimal

    from election_app.documents import services

    _, election = build_congress(session, congress, voters=14, seats=2)
    r = vote_round(session, election, TIE_BALLOTS, issued=13)
    plain = (str, int, float, bool, type(None), Decimal, dt.date, dt.datetime)

    def check(value, path="data"):
        if isinstance(value, dict):
            for k, v in value.items():
                assert isinstance(k, str), path
                check(v, f"{path}.{k}")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                check(v, f"{path}[{i}]")
        else:
            assert isinstance(value, plain), f"{path} is {type(value).__name__}"

    info = services.congress_info(congress)
    people = services.card_delegates(session, congress=congress)
    for data in (services.delegate_list_data(session, congress=congress),
                 services.attendance_sheet_data(session, congress=congress),
                 services.credentials_report_data(session, congress=congress),
                 services.ballot_data(session, election=election, round_number=1),
                 services.count_minutes_doc(session, round=r, base_url="http://x"),
                 services.congress_minutes_data(session, congress=congress),
                 services.resolution_data(session, congress=congress),
                 services.dossier_data(session, congress=congress),
                 services.seal_page_data(session, round_id=r.id, seal=r.seal_sha256),
                 services.documents_index(session, congress=congress),
                 [services.delegate_card(info, d, secret="s" * 32) for d in people]):
        check(data)
