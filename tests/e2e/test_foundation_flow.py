"""The foundation in a real browser: log in, create a congress, import the roll from an
.xlsx through the page, check delegates in by typing the card number and by search-and-tap,
watch the quorum change on the attendance panel in a second page without reloading it,
undo a check-in; screenshots of the roll, check-in and attendance pages on a phone and a
laptop."""
from __future__ import annotations

import re

from openpyxl import Workbook
from playwright.sync_api import expect

from tests.e2e.conftest import ui_login

PEOPLE = [("Nguyễn Văn An", "Nam", 1980, "Tổ Toán"), ("Trần Thị Bình", "Nữ", 1981, "Tổ Văn"),
          ("Lê Văn Cường", "Nam", 1982, "Tổ Toán"), ("Phạm Thị Dung", "Nữ", 1983, "Tổ Ngoại ngữ"),
          ("Hoàng Văn Đức", "Nam", 1984, "Tổ Văn phòng"), ("Vũ Thị Hoà", "Nữ", 1985, "Tổ Văn"),
          ("Đặng Văn Giang", "Nam", 1986, "Tổ Thể dục"), ("Bùi Thị Hạnh", "Nữ", 1987, "Tổ Văn"),
          ("Đỗ Văn Khoa", "Nam", 1988, "Ban Giám hiệu")]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def roll_file(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐẠI BIỂU DỰ ĐẠI HỘI"])
    ws.append(["STT", "Họ và tên", "Giới tính", "Năm sinh", "Chức vụ", "Đơn vị", "Loại đại biểu", "Đảng viên"])
    for i, (name, sex, year, unit) in enumerate(PEOPLE, start=1):
        ws.append([i, name, sex, year, "Giáo viên", unit, "Chính thức", "x" if i % 2 else ""])
    ws.append([10, "Khổng Văn Khách", "Nam", 1970, "Chủ tịch CĐ Giáo dục quận", "CĐ cấp trên", "Khách mời", ""])
    wb.save(path)
    return path


def type_card(page, number: str, expect_text: str | None = None):
    page.fill("#code", number)
    page.press("#code", "Enter")
    expect(page.locator("#code")).to_have_value("")
    if expect_text:
        expect(page.locator("#scan-result")).to_contain_text(expect_text)


def test_roll_checkin_quorum_undo(page, live_server, staff, shot, tmp_path):
    user, pw = staff("organizer")
    page.set_viewport_size(LAPTOP)
    ui_login(page, live_server.url, user, pw)

    # A new congress through the form.
    page.click("text=+ Tạo đại hội")
    page.fill("#name", "Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X")
    page.fill("#organization", "Công đoàn cơ sở Trường THCS Thành Công")
    page.fill("#parent_organization", "Công đoàn Giáo dục quận Ba Đình")
    page.select_option("#kind", "delegates")
    page.fill("#date", "2026-12-12")
    page.fill("#venue", "Hội trường tầng 3")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Đại hội Công đoàn cơ sở Trường THCS Thành Công lần thứ X")
    dashboard = page.url
    cid = int(re.search(r"/congresses/(\d+)", dashboard).group(1))

    # The roll from an .xlsx file, through the import page.
    page.click("nav >> text=Danh sách")
    page.click("text=Nhập từ Excel")
    page.set_input_files("#file", str(roll_file(tmp_path / "danh-sach.xlsx")))
    page.click("main form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("Đã nhập 10 người vào danh sách.")
    rows = page.locator("table.roll tbody tr")
    expect(rows).to_have_count(10)
    # Vietnamese order: tên first (An, Bình, Cường, Dung, Đức, Giang, Hạnh, Hoà, Khách, Khoa).
    assert rows.nth(0).locator("td").nth(1).inner_text().startswith("Nguyễn Văn An")
    assert rows.nth(7).locator("td").nth(1).inner_text().startswith("Vũ Thị Hoà")
    assert rows.nth(8).locator("td").nth(1).inner_text().startswith("Khổng Văn Khách")
    expect(page.locator(".page-head .muted")).to_contain_text("triệu tập 9")
    shot(page, "foundation-roll-1366")
    page.set_viewport_size(PHONE)
    shot(page, "foundation-roll-390")

    # The attendance panel in a second page; it must follow without being reloaded.
    panel = page.context.new_page()
    panel.set_viewport_size(LAPTOP)
    panel.goto(f"{live_server.url}/congresses/{cid}/attendance")
    expect(panel.locator('[data-k="summoned"]')).to_have_text("9")
    expect(panel.locator('[data-k="present"]')).to_have_text("0")
    expect(panel.locator('[data-k="quorum_needed"]')).to_have_text("6")
    panel.evaluate("window.__not_reloaded = true")

    # Check-in by typing the card number (the scanner's fetch, no page load).
    page.goto(f"{live_server.url}/congresses/{cid}/checkin")
    for number in ("1", "2", "3", "4"):
        type_card(page, number, f"Đã điểm danh: {PEOPLE[int(number) - 1][0]} (00{number}).")
    type_card(page, "004")   # a second scan of the same card is warned and not recorded
    expect(page.locator("#scan-result")).to_contain_text("lần quét này không được ghi lại")
    expect(page.locator("#scan-result.warning")).to_be_visible()
    type_card(page, "77")
    expect(page.locator("#scan-result.error")).to_contain_text("Không có đại biểu số thẻ «77»")
    expect(panel.locator('[data-k="present"]')).to_have_text("4", timeout=6000)
    expect(panel.locator('[data-k="verdict"]')).to_have_text("Chưa đủ 2/3 số được triệu tập")

    # Search-and-tap (typed without accents).
    page.fill("input[name=q]", "hoa")
    page.press("input[name=q]", "Enter")
    item = page.locator(".pick-list li", has_text="Vũ Thị Hoà")
    expect(item).to_have_count(1)
    item.locator("button", has_text="Có mặt").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã điểm danh: Vũ Thị Hoà")
    shot(page, "foundation-checkin-390")
    page.set_viewport_size(LAPTOP)
    shot(page, "foundation-checkin-1366")

    # The sixth delegate present: quorum reached on the panel, by polling alone.
    type_card(page, "5", "Đã điểm danh: Hoàng Văn Đức (005).")
    expect(panel.locator('[data-k="present"]')).to_have_text("6", timeout=6000)
    expect(panel.locator('[data-k="verdict"]')).to_have_text("Đủ điều kiện tiến hành")
    expect(panel.locator("#quorum")).to_have_class(re.compile(r"\bok\b"))
    assert panel.evaluate("window.__not_reloaded") is True
    panel.wait_for_timeout(600)   # the meter's .4 s transition
    fill = panel.evaluate("() => document.querySelector('.meter .fill').getBoundingClientRect().width"
                          " / document.querySelector('.meter').getBoundingClientRect().width")
    assert abs(fill - 6 / 9) < 0.01
    shot(panel, "foundation-attendance-1366")
    panel.set_viewport_size(PHONE)
    shot(panel, "foundation-attendance-390")

    # Undo the last check-in from the scanner's result: back below the quorum.
    page.locator("#scan-result button", has_text="Huỷ").click()
    expect(page.locator("#scan-result")).to_contain_text("Đã huỷ điểm danh")
    expect(panel.locator('[data-k="present"]')).to_have_text("5", timeout=6000)
    expect(panel.locator('[data-k="verdict"]')).to_have_text("Chưa đủ 2/3 số được triệu tập")
    assert panel.evaluate("window.__not_reloaded") is True

    # The roll shows who is present.
    page.goto(f"{live_server.url}/congresses/{cid}/delegates")
    expect(page.locator("table.roll .tag.ok")).to_have_count(5)
    expect(page.locator(".page-head .muted")).to_contain_text("có mặt 5")


def test_english_pages_in_the_browser(page, live_server, staff, shot):
    from election_app.congress.services import create_congress
    from election_app.db import db
    with live_server.ctx():
        c = create_congress(db.session, data={"name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ",
                                              "organization": "CĐCS Trường Tiểu học Thủ Lệ", "term": "2023–2028",
                                              "kind": "all_members"})
        db.session.commit()
        cid = c.id
    user, pw = staff("secretary")
    page.set_viewport_size(PHONE)
    ui_login(page, live_server.url, user, pw)
    page.click("header form.lang button")
    expect(page.locator("h1")).to_have_text("Congresses")
    page.goto(f"{live_server.url}/congresses/{cid}/attendance")
    expect(page.get_by_text("Summoned", exact=True)).to_be_visible()
    # After the first poll the verdict is still English.
    page.wait_for_timeout(2500)
    expect(page.locator('[data-k="verdict"]')).to_have_text("Fewer than 2/3 of those summoned")
    shot(page, "foundation-attendance-en-390")
