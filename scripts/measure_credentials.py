"""Time and count the 40-person credentials decision: one row at a time (the old way) vs the
"accept all pending" button. Run from the project: .venv/bin/python scripts/measure_credentials.py (issue 13, point 2)"""
import os, sys, tempfile, threading, time, uuid
sys.path.insert(0, os.getcwd())
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server
from flask_migrate import upgrade
from election_app import create_app
from election_app.db import db

CHROMIUM = next(p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p))
tmp = tempfile.mkdtemp()
app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/m.sqlite3", "SECRET_KEY": "m-secret-0123456789abcdef0123",
                  "RENDER_INLINE": True})
with app.app_context():
    upgrade(revision="heads")
server = make_server("127.0.0.1", 0, app, threaded=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_port}"


def congress_with_40():
    from election_app.congress.services import create_congress
    from election_app.delegates.services import add_delegates
    from election_app.auth.services import create_user
    with app.app_context():
        s = db.session
        c = create_congress(s, data={"name": f"Đại hội thử {uuid.uuid4().hex[:4]}", "organization": "CĐCS Thử",
                                     "term": "2023–2028", "kind": "delegates"})
        add_delegates(s, congress=c, rows=[{"full_name": f"Nguyễn Văn {chr(65 + i // 26)}{chr(97 + i % 26)}"}
                                           for i in range(40)])
        name = f"btc_{uuid.uuid4().hex[:5]}"
        create_user(s, username=name, password="matkhau123", role="organizer", congress_ids=[c.id])
        s.commit()
        return c.id, name


def login(page, name):
    page.goto(f"{base}/login")
    page.fill("#username", name)
    page.fill("#password", "matkhau123")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
    results = {}
    for way in ("one_by_one", "accept_all"):
        cid, name = congress_with_40()
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        login(page, name)
        url = f"{base}/congresses/{cid}/credentials"
        page.goto(url)
        loads = {"n": 0}
        page.on("load", lambda *_: loads.__setitem__("n", loads["n"] + 1))
        clicks = 0
        t0 = time.perf_counter()
        if way == "one_by_one":
            for _ in range(40):
                row = page.locator("tr:has(span.cred-pending)").first
                row.locator("select[name=status]").click()          # open the list
                row.locator("select[name=status]").select_option("accepted")   # pick "Đủ tư cách"
                with page.expect_navigation():
                    row.locator("button[type=submit]").click()      # Lưu
                clicks += 3
        else:
            with page.expect_navigation():
                page.click("[data-testid=accept-pending]")
            clicks += 1
        elapsed = time.perf_counter() - t0
        with app.app_context():
            from election_app.delegates.models import Delegate
            import sqlalchemy as sa
            pending = db.session.scalar(sa.select(sa.func.count()).select_from(Delegate)
                                        .where(Delegate.congress_id == cid, Delegate.credential_status == "pending"))
        results[way] = (clicks, loads["n"], elapsed, pending)
        page.close()
    browser.close()
server.shutdown()
for way, (clicks, loads, elapsed, pending) in results.items():
    print(f"{way}: {clicks} clicks, {loads} page loads, {elapsed:.1f} s, still pending: {pending}")
