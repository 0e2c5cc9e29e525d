"""The delegate's ballot page on a weak network, in a real browser.

Debian's Chromium (Playwright) opens a personal voting link on a 390×844 phone with the
network and CPU throttled through the DevTools protocol to DevTools' "Slow 3G" preset
(2,000 ms latency per request, 50,000 bytes/s each way = 400 kbit/s) and a 4× slower CPU,
against gunicorn (2 × 8 threads) on loopback with a congress of 7 delegates, the standard
agenda and one open round (5 seats, 6 candidates). Each run is a first visit (a fresh
browser context, empty cache):

- ``tti_ms``: from the navigation to the ballot being interactive: the load event has
  fired (every stylesheet and script the page needs has arrived) and the ballot's script
  has run (``<html class="js">``), from the page's navigation timing (``tti_wall_ms``: the
  same seen from the test driver, which adds its own polling under the slow CPU);
- ``vote_ms``: the whole vote: open the link, strike one name, "Xem lại phiếu", "Xác nhận
  bỏ phiếu", until the receipt code is on screen;
- the requests the browser made and the bytes it received (what went over the wire).

``BENCH_BALLOT_RUNS`` (default 3) runs, median reported. Kept short: ~1 minute."""
from __future__ import annotations

import json
import os
import statistics
import time

from .common import RESULTS, database_url, gunicorn, make_app, migrate, tmpdir, write_results

RUNS = int(os.environ.get("BENCH_BALLOT_RUNS", "3"))
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
CPU_SLOWDOWN = 4
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)


def _seed(app, runs: int) -> list[str]:
    from election_app.agenda import services as agenda
    from election_app.congress.services import create_congress
    from election_app.db import db
    from election_app.delegates.services import add_delegates, check_in, decide_credentials
    from election_app.elections import services as elections
    from election_app.voting.services import issue_voting_link

    names = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức",
             "Vũ Thị Hoa", "Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khoa", "Hồ Thị Lan"]
    with app.app_context():
        s = db.session
        congress = create_congress(s, data={
            "name": "Đại hội Công đoàn cơ sở Trường Tiểu học Thủ Lệ lần thứ XV, nhiệm kỳ 2023–2028",
            "organization": "Công đoàn cơ sở Trường Tiểu học Thủ Lệ", "term": "2023–2028",
            "kind": "all_members"})
        people = add_delegates(s, congress=congress, rows=[
            {"full_name": n, "birth_year": 1975 + i, "unit": "Tổ Toán – Tin", "position": "Giáo viên"}
            for i, n in enumerate(names[: max(7, runs)])])
        for d in people:
            decide_credentials(s, delegate=d, status="accepted")
            check_in(s, delegate=d)
        agenda.create_agenda_from_template(s, congress=congress)
        election, _ = elections.create_election(
            s, congress=congress, title="Bầu Ban Chấp hành Công đoàn cơ sở nhiệm kỳ 2023–2028",
            body="executive_committee", seats=5, candidates=[{"delegate_id": d.id} for d in people[:6]])
        elections.open_round(s, election=election)
        tokens = [issue_voting_link(s, delegate=d) for d in people[:runs]]
        s.commit()
        return tokens


def _one_run(browser, base: str, token: str) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="vi-VN", device_scale_factor=2)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    wire = {"requests": 0, "bytes": 0}
    urls: list[str] = []

    def on_request(params):
        wire["requests"] += 1
        urls.append(params["request"]["url"].replace(base, "").split("/v/")[0] or "/v/[token]")

    def on_finished(params):
        wire["bytes"] += int(params.get("encodedDataLength") or 0)

    def on_cached(params):  # answered by the browser's cache: nothing went over the network
        wire["requests"] -= 1
        urls.append("(from cache)")

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.requestServedFromCache", on_cached)
    cdp.on("Network.loadingFinished", on_finished)
    t0 = time.perf_counter()
    page.goto(f"{base}/v/{token}", wait_until="load", timeout=120_000)
    page.wait_for_function("document.documentElement.classList.contains('js')", timeout=120_000)
    tti = time.perf_counter() - t0
    nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        return {html_ms: n.responseEnd, dcl_ms: n.domContentLoadedEventEnd, load_ms: n.loadEventEnd}; }""")
    first = dict(wire)
    page.locator("form.ballot label.cand").last.click()
    page.locator("form.ballot button[type=submit]").click()
    page.wait_for_selector("form.confirm", timeout=120_000)
    page.locator("button[name=step][value=cast]").click()
    page.wait_for_selector(".receipt-code", timeout=120_000)
    vote = time.perf_counter() - t0
    code = page.locator(".receipt-code").first.inner_text().strip()
    context.close()
    # Interactive = the load event (every stylesheet and script the page needs is in) once
    # the ballot's script has run; measured by the page's own navigation timing, so that
    # the test driver's own polling under the 4x CPU slowdown is not counted.
    return {"tti_ms": round(nav["load_ms"]), "tti_wall_ms": round(tti * 1000), "vote_ms": round(vote * 1000),
            "navigation": {k: round(v) for k, v in nav.items()},
            "first_page": first, "whole_vote": dict(wire), "requests": urls, "receipt_seen": bool(code)}


def run() -> dict:
    from playwright.sync_api import sync_playwright

    d = tmpdir()
    url = database_url(d)
    app = make_app(url)
    migrate(app)
    tokens = _seed(app, RUNS)
    runs = []
    with gunicorn(url) as port, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"])
        base = f"http://127.0.0.1:{port}"
        for token in tokens:
            runs.append(_one_run(browser, base, token))
        browser.close()
    med = lambda k: round(statistics.median(r[k] for r in runs))  # noqa: E731
    figures = {
        "conditions": {"network": "DevTools Slow 3G: 2000 ms latency, 50000 B/s down and up",
                       "cpu_slowdown": CPU_SLOWDOWN, "viewport": "390x844 mobile", "server": "gunicorn 2x8 gthread",
                       "ballot": "5 seats, 6 candidates, standard agenda", "runs": len(runs), "cache": "cold"},
        "tti_ms_median": med("tti_ms"), "tti_wall_ms_median": med("tti_wall_ms"), "vote_ms_median": med("vote_ms"),
        "first_page_requests": runs[0]["first_page"]["requests"],
        "first_page_bytes": runs[0]["first_page"]["bytes"],
        "whole_vote_requests": runs[0]["whole_vote"]["requests"],
        "whole_vote_bytes": runs[0]["whole_vote"]["bytes"],
        "runs": runs,
    }
    before = RESULTS / "ballot_before_main.json"
    label = os.environ.get("BENCH_LABEL")
    if label:
        return write_results(f"ballot_{label}", figures)
    if before.exists():
        b = json.loads(before.read_text())
        figures["before"] = {k: b.get(k) for k in ("vote_ms_median", "first_page_requests",
                                                   "first_page_bytes", "whole_vote_requests", "whole_vote_bytes",
                                                   "when")}
        # the same definition of interactive, from the navigation timing the runs kept
        figures["before"]["tti_ms_median"] = round(statistics.median(r["navigation"]["load_ms"] for r in b["runs"]))
        figures["before"]["tti_wall_ms_median"] = b.get("tti_ms_median")
        figures["before"]["code"] = "main at c73f937 (before issue 14)"
    return write_results("ballot", figures)


if __name__ == "__main__":
    run()
