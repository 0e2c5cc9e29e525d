"""Check-in by citizen ID card (CCCD) at the door, in Debian's Chromium, with QR images made in
the card's format (segno) and read back (OpenCV) before use:

- the USB-scanner path: the card's text typed into the page then Enter — one found by the
  number's hash, one by name and birth, two of the same name given as a choice, one not on the
  roll — and the scan log never shows a card's number;
- the camera path: Chromium's fake camera plays a .y4m video of the card's QR
  (``--use-fake-device-for-media-stream --use-file-for-fake-video-capture``) and the page's own
  decoder (jsQR) checks the delegate in;
- the name search: «Nguyễn» lists 20 of 24, says so; «nguyen van h» puts the tên first; «an»
  lists the two whose tên is An/Ánh (before: all 29, every «Văn» holds «an»; cccd-BEFORE-*.png).

Screenshots at 390×844 and 1366×768: test-artifacts/screenshots/cccd-*.png."""
from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
import segno
from playwright.sync_api import expect

from election_app.db import db
from tests.e2e.conftest import ARTIFACTS, CHROMIUM, ui_login

pytestmark = pytest.mark.e2e

SECRET = "e2e-secret-key-0123456789abcdef"
SIZES = {"phone": (390, 844), "laptop": (1366, 768)}
ADDRESS = "Số 1 Phố Huế, Hai Bà Trưng, Hà Nội"


def card_text(number: str, name: str, birth: str, sex: str = "Nam", old: str = "") -> str:
    return f"{number}|{old}|{name}|{birth}|{sex}|{ADDRESS}|10052021"


def qr_image(text: str, name: str) -> tuple[np.ndarray, str]:
    """The card's QR as a PNG (kept with the screenshots) and its text as a decoder reads it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    segno.make(text, error="m").save(buf, kind="png", scale=8, border=4)
    (ARTIFACTS / f"cccd-qr-{name}.png").write_bytes(buf.getvalue())
    img = cv2.imdecode(np.frombuffer(buf.getvalue(), np.uint8), cv2.IMREAD_GRAYSCALE)
    read, _points, _ = cv2.QRCodeDetector().detectAndDecode(img)
    assert read == text
    return img, read


def y4m_of(img: np.ndarray, path, width: int = 640, height: int = 480, frames: int = 10) -> None:
    """A short grey video (YUV 4:2:0) of the QR on a white page, for Chromium's fake camera."""
    frame = np.full((height, width), 255, np.uint8)
    side = min(height - 40, img.shape[0])
    qr = cv2.resize(img, (side, side), interpolation=cv2.INTER_NEAREST)
    y0, x0 = (height - side) // 2, (width - side) // 2
    frame[y0:y0 + side, x0:x0 + side] = qr
    chroma = np.full((height // 2) * (width // 2), 128, np.uint8).tobytes()
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            f.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def _setup(live_server) -> dict:
    from election_app.congress.services import create_congress
    from election_app.delegates.idcard import id_hash
    from election_app.delegates.services import add_delegates, decide_credentials
    with live_server.ctx():
        s = db.session
        c = create_congress(s, data={"name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV",
                                     "organization": "CĐCS Trường Tiểu học Thủ Lệ", "term": "2023–2028",
                                     "kind": "all_members", "date": "2026-12-12"})
        rows = [{"full_name": f"Nguyễn Văn {t}", "birth_year": 1970 + i}
                for i, t in enumerate("Bình Cường Dũng Hải Hiếu Hùng Khánh Long Minh Nam Phúc Quang Sơn Thắng "
                                      "Toàn Trung Tuấn Vinh Xuân Bảo Chiến Đạt".split())]
        rows += [{"full_name": "Trần Thị Mai", "birth_year": 1985, "gender": "nữ"},
                 {"full_name": "Lê Văn Tùng", "birth_year": 1979},
                 {"full_name": "Đỗ Văn Hùng", "birth_year": 1975}, {"full_name": "Đỗ Văn Hưng", "birth_year": 1975},
                 {"full_name": "Nguyễn Thị Ánh", "birth_year": 1990, "birth_date": "1990-08-15", "gender": "nữ"},
                 {"full_name": "Nguyễn Văn Ân", "birth_year": 1988}]
        people = add_delegates(s, congress=c, rows=rows)
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
        by_name = {d.full_name: d for d in people}
        by_name["Trần Thị Mai"].id_hash = id_hash("001185000111", secret=SECRET)   # the roll has her number
        by_name["Nguyễn Văn Ân"].id_hash = id_hash("001088000222", secret=SECRET)
        s.commit()
        return {"cid": c.id, "ids": {n: d.id for n, d in by_name.items()}}


def _present(live_server, cid: int) -> set[str]:
    from sqlalchemy import select

    from election_app.delegates.models import Delegate
    with live_server.ctx():
        db.session.remove()
        return set(db.session.scalars(select(Delegate.full_name).where(
            Delegate.congress_id == cid, Delegate.checked_in_at.is_not(None))))


def test_id_card_through_the_usb_scanner_and_the_search(browser, live_server, staff):
    data = _setup(live_server)
    user, pw = staff("secretary")
    cid = data["cid"]
    cards = {
        "by-number": card_text("001185000111", "TRAN THI MAI", "02021985", "Nữ"),   # a scanner that lost the accents
        "by-name": card_text("001090012345", "Nguyễn Thị Ánh", "15081990", "Nữ", old="012345678"),
        "choice": card_text("001075000333", "Do Van Hung", "01011975"),
        "none": card_text("001066000444", "Phạm Văn Khách", "01011966"),
    }
    texts = {k: qr_image(v, k)[1] for k, v in cards.items()}
    for size, (w, h) in SIZES.items():
        ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN",
                                  is_mobile=size == "phone", has_touch=size == "phone")
        page = ctx.new_page()
        ui_login(page, live_server.url, user, pw)
        page.goto(f"{live_server.url}/congresses/{cid}/checkin")
        expect(page.locator("#code")).to_be_focused()
        result = page.locator("#scan-result")

        def scan(text):                    # a USB scanner types the QR's text, then Enter
            page.keyboard.type(text, delay=2)
            page.keyboard.press("Enter")

        if size == "laptop":
            scan(texts["by-number"])
            expect(result).to_have_class("scan-result success")
            expect(result).to_contain_text("Đã điểm danh: Trần Thị Mai")
            scan(texts["by-name"])
            expect(result).to_contain_text("Đã điểm danh: Nguyễn Thị Ánh")
            page.screenshot(path=str(ARTIFACTS / f"cccd-door-checked-{w}.png"), full_page=True)
        scan(texts["none"])
        expect(result).to_have_class("scan-result error")
        expect(result).to_contain_text("Không tìm thấy «Phạm Văn Khách», sinh 01/01/1966")
        scan(texts["choice"])
        expect(result).to_have_class("scan-result warning")
        expect(result).to_contain_text("2 người trùng họ tên")
        picks = page.locator("#card-choices [data-pick]")
        expect(picks).to_have_count(2)
        page.screenshot(path=str(ARTIFACTS / f"cccd-door-choice-{w}.png"), full_page=True)
        log_text = page.locator("#scan-log").inner_text() + page.content()
        for number in ("001185000111", "001090012345", "012345678", "001075000333", "001066000444"):
            assert number not in log_text
        if size == "laptop":
            page.locator("#card-choices button", has_text="Đúng người này").first.click()
            expect(result).to_contain_text("Đã điểm danh: Đỗ Văn Hùng")
            expect(page.locator("#card-choices")).to_be_hidden()
            expect(page.locator("#code")).to_be_focused()
            assert _present(live_server, cid) == {"Trần Thị Mai", "Nguyễn Thị Ánh", "Đỗ Văn Hùng"}
            # the same card again: warned, nothing recorded
            scan(texts["by-number"])
            expect(result).to_contain_text("đã điểm danh lúc")
        if size == "laptop":   # a card scanned while the name search has the focus: a scan, never a search
            page.locator("input[name=q]").click()
            page.keyboard.type(texts["by-number"], delay=1)
            page.keyboard.press("Enter")
            expect(result).to_contain_text("Trần Thị Mai đã điểm danh lúc")
            assert "?q=" not in page.url
        # the name search: «Nguyễn» is 24 people; 20 listed and the count told
        page.goto(f"{live_server.url}/congresses/{cid}/checkin?q=Nguyễn")
        expect(page.locator(".pick-list li")).to_have_count(20)
        expect(page.locator("#search-more")).to_contain_text("Hiện 20 trong 24 người khớp")
        page.screenshot(path=str(ARTIFACTS / f"cccd-search-nguyen-{w}.png"), full_page=True)
        page.goto(f"{live_server.url}/congresses/{cid}/checkin?q=nguyen van h")
        names = page.locator(".pick-list li b").all_inner_texts()
        assert names[:3] == ["Nguyễn Văn Hải", "Nguyễn Văn Hiếu", "Nguyễn Văn Hùng"], names
        page.screenshot(path=str(ARTIFACTS / f"cccd-search-nguyen-van-h-{w}.png"), full_page=True)
        # «an» heard: the tên An/Ân, then the tên begun (Ánh) — not everyone whose «Văn» holds «an»
        page.goto(f"{live_server.url}/congresses/{cid}/checkin?q=an")
        assert page.locator(".pick-list li b").all_inner_texts() == ["Nguyễn Văn Ân", "Nguyễn Thị Ánh"]
        page.screenshot(path=str(ARTIFACTS / f"cccd-search-an-{w}.png"), full_page=True)
        ctx.close()
    assert _present(live_server, cid) == {"Trần Thị Mai", "Nguyễn Thị Ánh", "Đỗ Văn Hùng"}


def test_id_card_through_the_fake_camera(browser_type, live_server, staff, tmp_path):
    data = _setup(live_server)
    user, pw = staff("secretary")
    img, _text = qr_image(card_text("001088000222", "Nguyễn Văn Ân", "01011988"), "camera")
    video = tmp_path / "cccd.y4m"
    y4m_of(img, video)
    browser = browser_type.launch(executable_path=CHROMIUM, headless=True, args=[
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])
    try:
        for size, (w, h) in SIZES.items():
            ctx = browser.new_context(viewport={"width": w, "height": h}, locale="vi-VN",
                                      is_mobile=size == "phone", has_touch=size == "phone")
            ctx.grant_permissions(["camera"], origin=live_server.url)
            page = ctx.new_page()
            ui_login(page, live_server.url, user, pw)
            page.goto(f"{live_server.url}/congresses/{data['cid']}/checkin")
            page.locator("#start-scan").click()
            result = page.locator("#scan-result")
            expect(result).to_contain_text("Nguyễn Văn Ân", timeout=15000)
            expect(result).to_contain_text("Đã điểm danh" if size == "phone" else "đã điểm danh lúc")
            page.screenshot(path=str(ARTIFACTS / f"cccd-camera-{w}.png"), full_page=False)
            ctx.close()
    finally:
        browser.close()
    assert _present(live_server, data["cid"]) == {"Nguyễn Văn Ân"}
