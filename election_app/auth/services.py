"""Accounts and API tokens."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import Base, utcnow
from ..errors import Conflict, Unauthorized, ValidationFailed
from .models import ROLE_LABELS, ApiToken, User, UserCongress


def _hash(password: str) -> str:
    """werkzeug's default (scrypt) unless PASSWORD_HASH_METHOD says otherwise (the tests use a
    cheap method; production never sets it)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD") if has_app_context() else None
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


def create_user(session: Session, *, username: str, password: str, role: str,
                full_name: str = "", congress_ids: list[int] | tuple[int, ...] = ()) -> User:
    username = (username or "").strip()
    problems = []
    if not username:
        problems.append({"field": "username", "message": "Tên đăng nhập không được để trống."})
    if role not in ROLE_LABELS:
        problems.append({"field": "role", "message": f"Vai trò không hợp lệ: {role}."})
    if len(password or "") < 8:
        problems.append({"field": "password", "message": "Mật khẩu cần ít nhất 8 ký tự."})
    if problems:
        raise ValidationFailed("Thông tin tài khoản chưa hợp lệ.", problems)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"Tên đăng nhập «{username}» đã tồn tại.")
    user = User(username=username, password_hash=_hash(password),
                role=role, full_name=full_name)
    session.add(user)
    session.flush()
    for cid in congress_ids:
        grant_congress(session, user=user, congress_id=cid)
    return user


# --- tenancy -------------------------------------------------------------------------------

def congress_ids_of(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(UserCongress.congress_id).where(UserCongress.user_id == user_id)))


def grant_congress(session: Session, *, user: User, congress_id: int) -> bool:
    """Scope an account to one more congress. True when it was not scoped to it yet."""
    congresses = Base.metadata.tables["congresses"]
    if session.scalar(select(congresses.c.id).where(congresses.c.id == congress_id)) is None:
        raise ValidationFailed(f"Không có đại hội số {congress_id}.",
                               [{"field": "congress", "message": f"Không có đại hội số {congress_id}."}])
    if session.get(UserCongress, (user.id, congress_id)) is not None:
        return False
    session.add(UserCongress(user_id=user.id, congress_id=congress_id))
    session.flush()
    return True


def revoke_congress(session: Session, *, user: User, congress_id: int) -> bool:
    row = session.get(UserCongress, (user.id, congress_id))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def set_password(session: Session, *, user: User, password: str) -> None:
    if len(password or "") < 8:
        raise ValidationFailed("Mật khẩu cần ít nhất 8 ký tự.",
                               [{"field": "password", "message": "Mật khẩu cần ít nhất 8 ký tự."}])
    user.password_hash = _hash(password)
    session.flush()


# Password guessing: failed logins are counted in the database (shared by every process),
# per client and account, and per client over all accounts.
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_LIMIT_PER_ACCOUNT = 10
LOGIN_LIMIT_PER_CLIENT = 50
LOGIN_LIMITED_MESSAGE = ("Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại, "
                         "hoặc nhờ quản trị viên đặt lại mật khẩu.")


def _login_keys(username: str, client: str) -> list[tuple[str, int]]:
    name = (username or "").strip().casefold()[:80]
    return [(f"login-fail:{client}:{name}", LOGIN_LIMIT_PER_ACCOUNT),
            (f"login-fail-client:{client}", LOGIN_LIMIT_PER_CLIENT)]


def guarded_authenticate(session: Session, *, username: str, password: str, client: str) -> User | None:
    """``authenticate`` behind the failed-login limit: raises TooManyRequests (429) when this
    client has failed too often; records a failure (the caller commits it) otherwise."""
    from ..ratelimit import check_limit, record_hit
    keys = _login_keys(username, client)
    for key, limit in keys:
        check_limit(session, key=key, limit=limit, window_seconds=LOGIN_WINDOW_SECONDS,
                    message=LOGIN_LIMITED_MESSAGE)
    user = authenticate(session, username=username, password=password)
    if user is None:
        for key, _ in keys:
            record_hit(session, key=key, window_seconds=LOGIN_WINDOW_SECONDS)
    return user


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None or not user.is_active_account:
        # Same work as a real check, so timing doesn't tell which usernames exist.
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or ""):
        return None
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, *, user: User, hours: int = 24) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token),
                         expires_at=utcnow() + dt.timedelta(hours=hours)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User:
    if not token:
        raise Unauthorized("Thiếu mã xác thực (Authorization: Bearer ...).")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None:
        raise Unauthorized("Mã xác thực không hợp lệ.")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.timezone.utc)
    if expires < utcnow():
        raise Unauthorized("Mã xác thực đã hết hạn, hãy đăng nhập lại.")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active_account:
        raise Unauthorized("Tài khoản không còn hoạt động.")
    return user
