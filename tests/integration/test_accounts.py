"""Issue 11 §1: no known passwords; staff change their own; an admin resets and disables
accounts (pages and CLI); a password change, disable or logout ends every session cookie and
API token of the account at once, also in another app process; parallel wrong passwords
cannot slip past the limit."""
from __future__ import annotations

import threading

from election_app.auth.models import User
from election_app.auth.services import LOGIN_LIMIT_PER_ACCOUNT
from election_app.db import db
from tests.conftest import csrf_from, make_user


def _form_login(client, username, password):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def _token(client, username, password="matkhau123"):
    resp = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert resp.status_code == 200, resp.get_json()
    return {"Authorization": f"Bearer {resp.get_json()['token']}"}


def _other_process(other_app):
    """A second app on the same database: another gunicorn worker in production."""
    return other_app().test_client()


def test_demo_seed_generates_passwords_and_none_is_known(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    lines = [ln.split() for ln in result.output.splitlines() if "mật khẩu:" in ln]
    made = {parts[0]: parts[-1] for parts in lines}
    assert set(made) == {"admin", "btc", "bbc", "thuky"}
    assert len(set(made.values())) == 4
    client = app.test_client()
    for name in made:
        for guess in (f"{name}12345", "admin12345"):
            assert client.post("/api/v1/auth/token", json={"username": name, "password": guess}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": "admin", "password": made["admin"]}).status_code == 200
    # the README and the code never print one
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    for path in [root / "README.md", root / "scripts" / "print_addresses.py", root / "election_app" / "demo.py",
                 root / "election_app" / "cli.py"]:
        text = path.read_text(encoding="utf-8")
        assert "admin12345" not in text and "btc12345" not in text, path
    # a second run prints nothing new
    assert "mật khẩu:" not in runner.invoke(args=["demo", "seed"]).output


def test_logout_ends_copied_cookie_and_tokens(app, client):
    user = make_user("organizer")
    assert _form_login(client, user.username, "matkhau123").status_code == 302
    with client.session_transaction() as s:
        stolen = dict(s)
    headers = _token(client, user.username)
    assert client.get("/congresses").status_code == 200
    assert client.get("/api/v1/congresses", headers=headers).status_code == 200
    page = client.get("/congresses").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    # the copied cookie comes back: refused (redirect to login)
    with client.session_transaction() as s:
        s.update(stolen)
    assert client.get("/congresses").status_code == 302
    assert client.get("/api/v1/congresses", headers=headers).status_code == 401


def test_own_password_change_ends_other_sessions_in_other_process(app, client, other_app):
    user = make_user("secretary")
    other = _other_process(other_app)
    assert _form_login(other, user.username, "matkhau123").status_code == 302
    headers = _token(client, user.username)
    assert _form_login(client, user.username, "matkhau123").status_code == 302
    page = client.get("/account/password").get_data(as_text=True)
    token = csrf_from(page)
    bad = client.post("/account/password", data={"current": "sai-mat-khau", "password": "moi-matkhau-1",
                                                 "confirm": "moi-matkhau-1", "csrf_token": token})
    assert bad.status_code == 422 and "Mật khẩu hiện tại không đúng" in bad.get_data(as_text=True)
    resp = client.post("/account/password", data={"current": "matkhau123", "password": "moi-matkhau-1",
                                                  "confirm": "moi-matkhau-1", "csrf_token": token})
    assert resp.status_code == 302
    assert client.get("/congresses").status_code == 200          # this session goes on
    assert other.get("/congresses").status_code == 302           # the other process's session ended
    assert other.get("/api/v1/congresses", headers=headers).status_code == 401
    assert _form_login(other, user.username, "matkhau123").status_code == 200   # old password refused
    assert _form_login(other, user.username, "moi-matkhau-1").status_code == 302


def test_admin_resets_and_disables_by_pages(app, client, login, other_app):
    target = make_user("board")
    victim = _other_process(other_app)
    assert _form_login(victim, target.username, "matkhau123").status_code == 302
    headers = _token(victim, target.username)
    admin = login("admin")
    page = client.get("/users").get_data(as_text=True)
    assert f"/users/{target.id}/password" in page
    token = csrf_from(page)
    resp = client.post(f"/users/{target.id}/password", data={"password": "ngan", "csrf_token": token})
    assert resp.status_code == 422
    resp = client.post(f"/users/{target.id}/password", data={"password": "dat-lai-123", "csrf_token": token})
    assert resp.status_code == 302
    assert victim.get("/congresses").status_code == 302
    assert victim.get("/api/v1/congresses", headers=headers).status_code == 401
    assert _form_login(victim, target.username, "dat-lai-123").status_code == 302
    resp = client.post(f"/users/{target.id}/active", data={"active": "0", "csrf_token": token})
    assert resp.status_code == 302
    assert victim.get("/congresses").status_code == 302
    assert _form_login(victim, target.username, "dat-lai-123").status_code == 200
    assert client.post(f"/users/{admin.id}/active", data={"active": "0", "csrf_token": token}).status_code == 302
    assert db.session.get(User, admin.id).is_active_account        # never locks oneself out
    assert client.post(f"/users/{target.id}/active", data={"active": "1", "csrf_token": token}).status_code == 302
    assert _form_login(victim, target.username, "dat-lai-123").status_code == 302
    assert client.post("/users/99999999999999999999999/active", data={"active": "1", "csrf_token": token}).status_code == 404


def test_only_admin_manages_accounts(client, login):
    target = make_user("board")
    login("organizer")
    page = client.get("/account/password").get_data(as_text=True)
    assert client.get(f"/users/{target.id}/password").status_code == 403
    assert client.post(f"/users/{target.id}/active", data={"active": "0", "csrf_token": csrf_from(page)}).status_code == 403


def test_cli_password_and_disable(app, client):
    user = make_user("organizer")
    headers = _token(client, user.username)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "password", user.username, "--password", "cli-matkhau-9"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/congresses", headers=headers).status_code == 401
    headers = _token(client, user.username, "cli-matkhau-9")
    result = runner.invoke(args=["user", "disable", user.username])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/congresses", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/token", json={"username": user.username,
                                                  "password": "cli-matkhau-9"}).status_code == 401
    assert runner.invoke(args=["user", "enable", user.username]).exit_code == 0
    _token(client, user.username, "cli-matkhau-9")
    result = runner.invoke(args=["user", "password", "khong-co-ai", "--password", "cli-matkhau-9"])
    assert result.exit_code != 0 and "Không có tài khoản" in result.output
    result = runner.invoke(args=["user", "password", user.username, "--password", "ngan"])
    assert result.exit_code != 0 and "ít nhất 8" in result.output


def test_parallel_wrong_passwords_never_pass_the_limit(app, other_app):
    """60 parallel wrong passwords against one account: at most LIMIT are checked (401), the
    rest are refused (429) — the count is taken atomically before the check."""
    username = make_user("admin").username
    apps = [other_app() for _ in range(3)]
    statuses: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(12)

    def worker(i):
        client = apps[i % 3].test_client()
        barrier.wait()
        for _ in range(5):
            resp = client.post("/api/v1/auth/token", json={"username": username, "password": "sai-mat-khau"})
            with lock:
                statuses.append(resp.status_code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(statuses) == 60 and set(statuses) <= {401, 429}
    assert statuses.count(401) <= LOGIN_LIMIT_PER_ACCOUNT
    assert statuses.count(429) >= 60 - LOGIN_LIMIT_PER_ACCOUNT


def test_hall_address_not_locked_out_by_one_device(client):
    """The per-address limit is high: one device failing 12 times on its account does not
    stop a colleague behind the same Wi-Fi address from logging in."""
    clumsy = make_user("board")
    colleague = make_user("secretary")
    for _ in range(LOGIN_LIMIT_PER_ACCOUNT + 2):
        client.post("/api/v1/auth/token", json={"username": clumsy.username, "password": "sai-mat-khau"})
    assert client.post("/api/v1/auth/token", json={"username": clumsy.username,
                                                  "password": "matkhau123"}).status_code == 429
    _token(client, colleague.username)


def test_target_limit_over_many_addresses(client):
    from election_app.auth.services import LOGIN_LIMIT_PER_TARGET
    user = make_user("admin")
    for i in range(LOGIN_LIMIT_PER_TARGET):
        client.post("/api/v1/auth/token", json={"username": user.username, "password": "sai-mat-khau"},
                    environ_base={"REMOTE_ADDR": f"10.0.{i // 200}.{i % 200 + 1}"})
    resp = client.post("/api/v1/auth/token", json={"username": user.username, "password": "matkhau123"},
                       environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert resp.status_code == 429


def test_account_care_is_audited_without_the_password(app, client, login):
    from sqlalchemy import select
    from election_app.audit.models import AuditEntry
    target = make_user("board")
    admin = login("admin")
    token = csrf_from(client.get("/users").get_data(as_text=True))
    client.post(f"/users/{target.id}/password", data={"password": "bi-mat-moi-1", "csrf_token": token})
    client.post(f"/users/{target.id}/active", data={"active": "0", "csrf_token": token})
    result = app.test_cli_runner().invoke(args=["user", "password", target.username, "--password", "bi-mat-moi-2"])
    assert result.exit_code == 0, result.output
    client.post("/logout", data={"csrf_token": token})
    rows = db.session.execute(select(AuditEntry.action, AuditEntry.actor_name, AuditEntry.data)
                              .order_by(AuditEntry.id)).all()
    actions = [r.action for r in rows]
    assert actions.count("users.set_password") == 2 and "users.set_active" in actions and "account.logout" in actions
    assert all("bi-mat-moi" not in r.data for r in rows)
    assert next(r for r in rows if r.action == "users.set_active").actor_name == admin.username
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
