"""Browser tests: Playwright drives Debian's Chromium against a real server (werkzeug,
threaded) on a random loopback port, over a SQLite database built by the migrations.
Screenshots go to test-artifacts/screenshots/ (look at them)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from election_app import create_app
from election_app.db import db
from tests.conftest import TEST_PASSWORD_METHOD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)), None)
# The hall's name for the laptop, as a phone on the hall's Wi-Fi would reach it. The app
# refuses to print voting QRs with a loopback address (issue 12 §12, issue 13 §1), so the
# live server's public address is this name; Chromium resolves it to the loopback server.
HALL_HOST = "hoitruong.test"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--disable-dev-shm-usage", f"--host-resolver-rules=MAP {HALL_HOST} 127.0.0.1"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


class LiveServer:
    def __init__(self, app, url):
        self.app = app
        self.url = url

    def ctx(self):
        """An app context for setting up data in the same database as the server."""
        return self.app.app_context()


@pytest.fixture(scope="session")
def _e2e_migrated(tmp_path_factory) -> Path:
    """One database built by the migrations per test session; each browser test gets a copy
    of the file (a fresh, empty, migrated database in a millisecond instead of a migration)."""
    from flask_migrate import upgrade
    path = tmp_path_factory.mktemp("e2e-template") / "template.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                      "SECRET_KEY": "e2e-secret-key-0123456789abcdef"})
    with app.app_context():
        upgrade(revision="heads")
        db.engine.dispose()
    return path


@pytest.fixture
def live_server(tmp_path, _e2e_migrated):
    target = tmp_path / "e2e.sqlite3"
    shutil.copyfile(_e2e_migrated, target)
    url = f"sqlite:///{target}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "e2e-secret-key-0123456789abcdef",
                      "RENDER_INLINE": True, "PASSWORD_HASH_METHOD": TEST_PASSWORD_METHOD})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    app.config["PUBLIC_BASE_URL"] = f"http://{HALL_HOST}:{port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{port}")
    server.shutdown()
    server.server_close()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def shot():
    """shot(page, name): a full-page screenshot under test-artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
    return take


def ui_login(page, base_url: str, username: str, password: str):
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def staff(live_server):
    """staff(role) -> (username, password): an account made directly in the server's DB."""
    import uuid

    from election_app.auth.services import create_user

    def make(role: str = "admin", congresses=None):
        """Tenancy: a non-admin account is scoped to the congresses that exist now, unless
        ``congresses`` names them."""
        import sqlalchemy as sa

        from election_app.congress.models import Congress
        name = f"{role}_{uuid.uuid4().hex[:5]}"
        with live_server.ctx():
            ids = congresses
            if ids is None:
                ids = [] if role == "admin" else list(db.session.scalars(sa.select(Congress.id)))
            create_user(db.session, username=name, password="matkhau123", role=role, congress_ids=ids)
            db.session.commit()
        return name, "matkhau123"
    return make
