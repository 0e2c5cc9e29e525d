"""The facts an officer would send a paper back for (issue 12, points 1–14 and the wording
points 21–23), on the realistic congress of tests/documents_congress.py: each test would
fail if the behaviour broke."""
from __future__ import annotations

import io
import re
import subprocess

import pdfplumber

from election_app.agenda.services import list_items
from election_app.delegates.models import Delegate
from election_app.documents import jobs, services
from election_app.elections import services as el
from tests.conftest import TEST_SECRET
from tests.documents_congress import build, vote, cast

BASE = "http://192.168.1.10:5000"


def produce(session, congress, kind, **params):
    cleaned = jobs.clean_params(kind, {"base_url": BASE, **params})
    return jobs.produce(session, congress=congress, kind=kind, params=cleaned, secret=TEST_SECRET).pdf


def text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, check=True,
                         capture_output=True).stdout.decode("utf-8")
    return " ".join(out.replace("\xa0", " ").split())


def count_minutes(session, congress, election, number):
    return text(produce(session, congress, "count-minutes", election_id=election.id, round=number))


# 1 -----------------------------------------------------------------------------------------

def test_count_minutes_number_is_fixed_at_close_and_never_renumbered(app, session):
    b = build(session)
    c = b["congress"]
    before = {(key, r.number): re.search(r"Số: (\d+/BB-BBC)", count_minutes(session, c, b[key], r.number)).group(1)
              for key in ("bch", "chair", "upper", "alternates") for r in el.list_rounds(session, b[key])}
    assert sorted(before.values()) == ["01/BB-BBC", "02/BB-BBC", "03/BB-BBC", "04/BB-BBC", "05/BB-BBC"]
    # Another election, put FIRST in the list of elections, closes a round later: the old
    # numbering (position among closed rounds) would have shifted every paper by one.
    ubkt, _ = el.create_election(session, congress=c, title="Bầu Ủy ban Kiểm tra", body="inspection_committee",
                                 seats=1, candidates=[{"delegate_id": b["present"][40].id},
                                                      {"delegate_id": b["present"][41].id}])
    ubkt.position = -1
    _, _, entries = vote(session, ubkt, [40, 12], valid=len(b["present"]), seats=1)
    cast(session, ubkt, entries, issued=len(b["present"]))
    session.commit()
    after = {(key, r.number): re.search(r"Số: (\d+/BB-BBC)", count_minutes(session, c, b[key], r.number)).group(1)
             for key in ("bch", "chair", "upper", "alternates") for r in el.list_rounds(session, b[key])}
    assert after == before
    assert "Số: 06/BB-BBC" in count_minutes(session, c, ubkt, 1)
    # and the minutes annex them by these numbers
    minutes = text(produce(session, c, "minutes"))
    assert "biên bản kiểm phiếu số 06/BB-BBC bầu Ủy ban Kiểm tra" in minutes


# 2, 3, 9, 20 ---------------------------------------------------------------------------------

def test_minutes_follow_the_agenda_where_things_happened(app, session):
    b = build(session)
    c = b["congress"]
    t = text(produce(session, c, "minutes"))
    body = t[t.index("II. NỘI DUNG VÀ DIỄN BIẾN ĐẠI HỘI"):t.index("III. KẾT QUẢ THẨM TRA")]
    items = list_items(session, c.id)
    pos = {i.code: body.index(f"{n}. {i.title}") for n, i in enumerate(items, 1)}
    # parts A–D of the programme head their items
    assert body.index("A. PHẦN NGHI THỨC") < pos["flag"] < body.index("B. PHẦN NỘI DUNG") < pos["opening_speech"]
    assert pos["upper_delegates"] < body.index("D. PHẦN BẾ MẠC") < pos["resolution"] < pos["closing"]
    # the withdrawal vote where the list was made, round 1 where it was held, the vote to
    # hold round 2 and round 2 under the announcement, the alternates under their item
    withdraw = body.index("rút tên khỏi danh sách bầu cử")
    assert pos["candidate_list"] < withdraw < pos["election_board"]
    assert pos["bch_vote"] < body.index("Lần bầu thứ 1 (số lượng bầu: 9)") < pos["bch_result"]
    assert pos["bch_result"] < body.index("Biểu quyết bầu lần thứ hai") < body.index("Lần bầu thứ 2 (số lượng bầu: 1)") < pos["chair_vote"]
    assert pos["upper_delegates"] < body.index("Bầu đại biểu dự khuyết đi dự Đại hội") < pos["resolution"]
    # nothing after "Bế mạc"
    assert body[pos["closing"]:].count("Đại hội biểu quyết") == 0 and "Lần bầu" not in body[pos["closing"]:]
    # 20: real presenters as entered; 3: only guests who came, in protocol (roll) order
    assert f"Trình bày / điều hành: Đồng chí {b['officials'][0].full_name}." in body
    guests = b["guests"]
    assert guests[3].full_name not in t
    assert t.index(guests[0].full_name) < t.index(guests[1].full_name) < t.index(guests[2].full_name)
    # 9: section IV says which round each result is from
    iv = t[t.index("IV. KẾT QUẢ BẦU CỬ"):]
    assert "Lần bầu thứ 1 (số phiếu thu về: 51)" in iv and "Lần bầu thứ 2 (số phiếu thu về: 52)" in iv
    assert "30/52" in iv


def test_place_on_agenda_puts_unlinked_things_where_they_happened(app, session):
    import datetime as dt

    class Item:
        def __init__(self, id, section, started):
            self.id, self.section, self.started_at = id, section, started

    t0 = dt.datetime(2027, 1, 5, 1, 0, tzinfo=dt.timezone.utc)
    items = [Item(1, "A", t0), Item(2, "C", t0 + dt.timedelta(minutes=30)),
             Item(3, "D", t0 + dt.timedelta(minutes=60)), Item(4, "D", None)]
    placed = services.place_on_agenda(items, [
        ("motion", "linked", 1, t0 + dt.timedelta(minutes=50)),
        ("motion", "by-time", None, t0 + dt.timedelta(minutes=40)),
        ("motion", "nowhere", None, None),
        ("motion", "fallback", None, None, 2),
        ("motion", "early", None, t0 + dt.timedelta(minutes=35)),
    ])
    assert placed[1] == [("motion", "linked")]
    assert placed[2] == [("motion", "early"), ("motion", "by-time"), ("motion", "nowhere"), ("motion", "fallback")]
    assert placed[3] == [] and placed[4] == []


# 4 -------------------------------------------------------------------------------------------

def test_absence_reasons_are_recorded_and_printed_never_as_a_disciplinary_statement(app, session, client, login):
    b = build(session)
    c = b["congress"]
    no_reason = b["absent"][3]
    for kind in ("credentials-report", "minutes"):
        t = text(produce(session, c, kind))
        assert "Không có lý do" not in t
        assert "Ốm, có đơn xin vắng" in t
    cr = text(produce(session, c, "credentials-report"))
    assert re.search(re.escape(no_reason.full_name) + r" …+", cr)
    login("secretary")
    page = client.get(f"/congresses/{c.id}/documents")
    assert "vắng mặt chưa ghi lý do" in page.get_data(as_text=True)
    form = client.get(f"/congresses/{c.id}/documents/absences").get_data(as_text=True)
    assert f'name="reason_{no_reason.id}"' in form
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
    resp = client.post(f"/congresses/{c.id}/documents/absences",
                       data={"csrf_token": token, f"reason_{no_reason.id}": "Con ốm nằm viện"})
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(Delegate, no_reason.id).absence_reason == "Con ốm nằm viện"
    from election_app.audit.models import AuditEntry
    assert session.query(AuditEntry).filter_by(congress_id=c.id, action="delegates.absence_reasons").count() == 1
    assert "Con ốm nằm viện" in text(produce(session, c, "credentials-report"))
    assert "vắng mặt chưa ghi lý do" not in client.get(f"/congresses/{c.id}/documents").get_data(as_text=True)
    # bad input: too long → Vietnamese message, nothing changed, no 500
    resp = client.post(f"/congresses/{c.id}/documents/absences",
                       data={"csrf_token": token, f"reason_{no_reason.id}": "x" * 301}, follow_redirects=True)
    assert resp.status_code == 200 and "quá dài" in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Delegate, no_reason.id).absence_reason == "Con ốm nằm viện"


# 5 -------------------------------------------------------------------------------------------

def test_delegate_list_groups_add_up_to_the_summoned_and_say_who_replaced_whom(app, session):
    b = build(session)
    t = text(produce(session, b["congress"], "delegate-list"))
    summoned = len(b["summoned"])
    assert f"ĐẠI BIỂU ĐƯỢC TRIỆU TẬP: {summoned} ĐỒNG CHÍ" in t
    part_a = t[:t.index("B. KHÔNG THUỘC SỐ ĐƯỢC TRIỆU TẬP")]
    counts = [int(n) for n in re.findall(r"\b[IVX]+\. [^()]+ \((\d+)\)", part_a)]
    assert sum(counts) == summoned
    assert f"Thay đồng chí {b['replaced'].full_name}" in part_a
    part_b = t[t.index("B. KHÔNG THUỘC SỐ ĐƯỢC TRIỆU TẬP"):]
    waiting = [d for d in b["made"] if d.category == "alternate" and d is not b["promoted"]]
    assert all(d.full_name in part_b and d.full_name not in part_a for d in waiting)
    assert b["promoted"].full_name in part_a and "Đại biểu bầu" in part_a


# 6, 19 -----------------------------------------------------------------------------------------

def test_recognition_letter_comes_from_the_new_committee_and_reports_upper_delegates(app, session):
    b = build(session)
    t = text(produce(session, b["congress"], "dossier"))
    letter = t[:t.index("BIÊN BẢN ĐẠI HỘI")] if "BIÊN BẢN ĐẠI HỘI" in t else t[:t.index("I. THỜI GIAN")]
    assert "BAN CHẤP HÀNH CÔNG ĐOÀN GIÁO DỤC QUẬN HAI BÀ TRƯNG" in letter
    assert "TM. BAN CHẤP HÀNH" in letter and "TM. ĐOÀN CHỦ TỊCH" not in letter
    assert "Số: 01/TTr-BCH" in letter
    recognise = letter[:letter.index("Đồng thời")]
    report = letter[letter.index("Đồng thời"):]
    upper_names = [p["full_name"] for p in services.election_summary(session, b["upper"])["elected"]]
    assert all(n in report and n not in recognise for n in upper_names)
    assert "công nhận" in recognise and "công nhận" not in report
    # the trích ngang list is dated, signed and sealed
    tn = t[t.rindex("DANH SÁCH TRÍCH NGANG"):]
    assert "ngày 05 tháng 01 năm 2027" in t[t.rindex("CỘNG HÒA XÃ HỘI"):]
    assert "TM. BAN CHẤP HÀNH" in tn and "(Ký tên, đóng dấu)" in tn


# 7, 10, 14, 21, 22 ------------------------------------------------------------------------------

def test_count_minutes_wording(app, session):
    b = build(session)
    c = b["congress"]
    upper = count_minutes(session, c, b["upper"], 1)
    assert "Số lượng được Công đoàn cấp trên phân bổ: 3 đồng chí" in upper
    assert "Đại hội đã biểu quyết: 3" not in upper
    bch = count_minutes(session, c, b["bch"], 1)
    assert "số đại biểu nhận phiếu bầu: 52" in bch and "tham gia bỏ phiếu" not in bch
    assert "số phiếu thu về: 51 (không thu về: 1 phiếu)" in bch
    # 14: one date everywhere: the congress's (the rounds closed today, on the server clock)
    for doc in (bch, upper, text(produce(session, c, "minutes"))):
        assert "Hai Bà Trưng, ngày 05 tháng 01 năm 2027" in doc
    # 21: the one-candidate chair: explicit đồng ý / không đồng ý, singular wording
    chair = count_minutes(session, c, b["chair"], 1)
    name = el.list_candidates(session, b["chair"])[0].full_name
    assert f"Số phiếu bầu cho đồng chí {name}" in chair
    assert "đồng ý 49 phiếu (94,23%); không đồng ý 3 phiếu (5,77%)" in chair
    assert f"đồng chí {name} trúng cử" in chair and "Các đồng chí trúng cử" not in chair
    # 22: printed labels
    spoiled = count_minutes(session, c, b["bch"], 1)
    assert "Phiếu không có dấu của Ban Chấp hành theo quy định: 1 phiếu" in spoiled
    labels = services.PRINT_INVALID_LABELS
    assert labels["too_many_kept"] == "Phiếu bầu thừa số lượng Đại hội đã biểu quyết"
    assert "/" not in labels["distinguishing_mark"]


def test_dates_from_one_source_with_a_warning(app, session, client, login):
    b = build(session)
    login("secretary")
    page = client.get(f"/congresses/{b['congress'].id}/documents").get_data(as_text=True)
    assert "khác ngày đại hội 05/01/2027" in page


# 8, 22 ----------------------------------------------------------------------------------------------

def test_resolution_states_decisions_not_procedure(app, session):
    b = build(session)
    t = text(produce(session, b["congress"], "resolution"))
    assert "Căn cứ Luật Công đoàn năm 2024;" in t
    for wrong in ("Nhất trí thông qua đồng ý", "Nhất trí thông qua biểu quyết", "công nhận kết quả bầu",
                  "rút tên", "bầu lần thứ hai", "(Ký, ghi rõ họ tên)"):
        assert wrong not in t, wrong
    assert "Đại hội đã bầu Ban Chấp hành nhiệm kỳ 2023–2028 gồm 9 đồng chí" in t
    assert "Đại hội đã bầu 3 đại biểu chính thức đi dự đại hội công đoàn cấp trên" in t
    assert "1 đại biểu dự khuyết" in t
    assert "Nhất trí số lượng Ban Chấp hành Công đoàn Giáo dục quận Hai Bà Trưng nhiệm kỳ 2023–2028 là 9 đồng chí." in t
    cr = text(produce(session, b["congress"], "credentials-report"))
    assert "TM. BAN THẨM TRA TƯ CÁCH ĐẠI BIỂU" in cr and "Đại biểu bầu" in cr


# 11 ----------------------------------------------------------------------------------------------

def test_signature_lines_are_printed_when_the_board_was_not_entered(app, session, client, login):
    b = build(session, board_names=False)
    t = count_minutes(session, b["congress"], b["bch"], 1)
    tail = t[t.index("BAN BẦU CỬ Tr"):] if "BAN BẦU CỬ Tr" in t else t[t.rindex("BAN BẦU CỬ"):]
    assert "TRƯỞNG BAN" in tail and tail.count("ỦY VIÊN") == 2 and tail.count("(Ký, ghi rõ họ tên)") == 3
    assert "1. Đồng chí ……" in t
    login("secretary")
    page = client.get(f"/congresses/{b['congress'].id}/documents").get_data(as_text=True)
    assert "Chưa nhập tên các thành viên Ban bầu cử" in page


# 12 ----------------------------------------------------------------------------------------------

def test_loopback_address_is_warned_and_voting_qr_refused(app, session, client, login):
    """PUBLIC_BASE_URL unset and the request on the server's own loopback name (the test
    client's "localhost"; 127.0.0.1 and ::1 alike): warned, and voting QRs refused."""
    b = build(session)
    cid = b["congress"].id
    app.config["PUBLIC_BASE_URL"] = None
    login("organizer")
    page = client.get(f"/congresses/{cid}/documents").get_data(as_text=True)
    assert "http://localhost" in page and "điện thoại" in page and "PUBLIC_BASE_URL" in page
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    hashes = {d.id: d.voting_token_hash for d in session.query(Delegate).filter_by(congress_id=cid)}
    resp = client.post(f"/congresses/{cid}/documents/jobs",
                       data={"csrf_token": token, "kind": "delegate-cards", "voting_links": "y"},
                       follow_redirects=True)
    assert resp.status_code == 200
    assert "Không in mã QR bỏ phiếu với địa chỉ http://localhost" in resp.get_data(as_text=True)
    session.expire_all()
    assert {d.id: d.voting_token_hash for d in session.query(Delegate).filter_by(congress_id=cid)} == hashes
    from election_app.addresses import unreachable_reason
    for bad in ("http://127.0.0.1:5000", "http://localhost:5000", "http://[::1]:5000", "http://0.0.0.0:5000",
                "http://169.254.3.4:5000", ""):
        assert unreachable_reason(bad), bad
    assert not unreachable_reason("http://192.168.1.10:5000") and not unreachable_reason("https://daihoi.example.vn")
    with app.app_context():
        try:
            jobs.clean_params("delegate-cards", {"voting_links": "1", "base_url": "http://127.0.0.1:5000"})
        except Exception as err:  # noqa: BLE001
            assert "127.0.0.1" in err.message
        else:
            raise AssertionError("voting QRs on 127.0.0.1 must be refused")
    # the hall's address: no warning
    app.config["PUBLIC_BASE_URL"] = "http://192.168.1.10:5000"
    page = client.get(f"/congresses/{cid}/documents").get_data(as_text=True)
    assert "PUBLIC_BASE_URL" not in page


# 13 ----------------------------------------------------------------------------------------------

def test_every_page_of_a_long_ballot_has_the_seal_box(app, session):
    b = build(session)
    c = b["congress"]
    big, _ = el.create_election(session, congress=c, title="Bầu Ban Chấp hành (danh sách dài)", body="other",
                                seats=30, candidates=[{"delegate_id": d.id} for d in b["present"]])
    session.commit()
    pdf = produce(session, c, "ballot", election_id=big.id)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages) >= 2
        for page in doc.pages:
            words = page.extract_text() or ""
            assert "Dấu của BCH" in words
            box = [w for w in page.extract_words() if w["text"] == "Dấu"][0]
            assert box["x0"] < page.width / 3 and box["top"] < page.height / 4  # top left


# 23 ----------------------------------------------------------------------------------------------

def test_card_qr_codes_are_apart_and_labelled(app, session):
    b = build(session)
    c = b["congress"]
    d = b["present"][0]
    pdf = produce(session, c, "delegate-cards", codes=d.code, voting_links="1")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        images = sorted(page.images, key=lambda i: i["x0"])
        assert len(images) == 2
        gap_mm = (images[1]["x0"] - images[0]["x1"]) * 25.4 / 72
        assert gap_mm >= 30, gap_mm
        t = page.extract_text()
    assert "BỎ PHIẾU" in t and "ĐIỂM DANH" in t and "không đưa quét ở cửa" in t
