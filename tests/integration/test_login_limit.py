"""Password guessing is slowed down: failed logins are counted in the database per client
and account (shared by all app processes); past the limit even the right password gets
429 with a Vietnamese message until the window ends."""
from __future__ import annotations

from election_app.auth.services import LOGIN_LIMIT_PER_ACCOUNT
from tests.conftest import csrf_from, make_user


def _form_login(client, username, password):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_page_login_limited_after_repeated_failures(client):
    user = make_user("organizer")
    for _ in range(LOGIN_LIMIT_PER_ACCOUNT):
        resp = _form_login(client, user.username, "sai-mat-khau")
        assert resp.status_code == 200
        assert "không đúng" in resp.get_data(as_text=True)
    resp = _form_login(client, user.username, "matkhau123")   # right password, too late
    assert resp.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in resp.get_data(as_text=True)
    # another account from the same client is not locked by this one's failures
    other = make_user("board")
    assert _form_login(client, other.username, "matkhau123").status_code == 302


def test_successful_logins_are_not_counted(client):
    user = make_user("secretary")
    for _ in range(LOGIN_LIMIT_PER_ACCOUNT + 3):
        assert _form_login(client, user.username, "matkhau123").status_code == 302
        client.get("/login")  # already logged in: redirected
        with client.session_transaction() as s:
            s.clear()


def test_api_token_limited_after_repeated_failures(client, app):
    user = make_user("admin")
    for _ in range(LOGIN_LIMIT_PER_ACCOUNT):
        resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": "x" * 9})
        assert resp.status_code == 401
    resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": "matkhau123"})
    assert resp.status_code == 429
    body = resp.get_json()
    assert body["error"] == "rate_limited" and "Đăng nhập sai quá nhiều lần" in body["message"]


def test_limit_is_shared_by_app_instances(client, app, other_app):
    """A second app (another process in production) on the same database sees the count."""
    user = make_user("admin")
    for _ in range(LOGIN_LIMIT_PER_ACCOUNT):
        client.post("/api/v1/auth/token", json={"username": user.username, "password": "x" * 9})
    resp = other_app().test_client().post("/api/v1/auth/token",
                                    json={"username": user.username, "password": "matkhau123"})
    assert resp.status_code == 429
