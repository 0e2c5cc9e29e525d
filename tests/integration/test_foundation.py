"""Foundation: the app factory, the schema built by migrations (and no drift), login."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from election_app.db import db
from tests.conftest import csrf_from


def test_models_and_migrations_do_not_drift(app):
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_login_page_is_vietnamese_and_has_csrf(client):
    resp = client.get("/login")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Đăng nhập" in html and "Mật khẩu" in html
    assert csrf_from(html)


def test_login_without_csrf_is_refused(client):
    from tests.conftest import make_user
    user = make_user("admin")
    resp = client.post("/login", data={"username": user.username, "password": "matkhau123"})
    assert resp.status_code == 400
    assert "CSRF" in resp.get_data(as_text=True)


def test_wrong_password_says_so_in_vietnamese(client):
    from tests.conftest import make_user
    user = make_user("admin")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": user.username, "password": "sai-mat-khau",
                                       "csrf_token": token})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in resp.get_data(as_text=True)


def test_pages_require_login(client):
    resp = client.get("/congresses")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_language_switch_to_english(client, login):
    login("admin")
    page = client.get("/congresses").get_data(as_text=True)
    token = csrf_from(page)
    client.post("/lang/en", data={"csrf_token": token, "next": "/congresses"})
    html = client.get("/congresses").get_data(as_text=True)
    assert 'lang="en"' in html
    assert "Congresses" in html


def test_security_headers_and_csp(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_templates_have_no_inline_scripts_or_handlers():
    """The CSP forbids inline scripts; a template that uses one would silently break."""
    import re
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "templates"
    bad = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"\son[a-z]+=\"", text):
            bad.append(str(path.relative_to(root)))
    assert bad == []
