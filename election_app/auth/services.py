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
from ..errors import Conflict, NotFound, Unauthorized, ValidationFailed
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
    if len(username) > 80:
        problems.append({"field": "username", "message": "Tên đăng nhập tối đa 80 ký tự."})
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
    """A new password (by the account's owner or an admin); every session and API token of
    the account stops working at once."""
    _check_new_password(password)
    user.password_hash = _hash(password)
    end_sessions(session, user=user)


def _check_new_password(password: str) -> None:
    if len(password or "") < 8:
        raise ValidationFailed("Mật khẩu cần ít nhất 8 ký tự.",
                               [{"field": "password", "message": "Mật khẩu cần ít nhất 8 ký tự."}])
    if len(password) > 200:
        raise ValidationFailed("Mật khẩu quá dài (tối đa 200 ký tự).",
                               [{"field": "password", "message": "Mật khẩu quá dài (tối đa 200 ký tự)."}])


def change_own_password(session: Session, *, user: User, current: str, new: str) -> None:
    """Staff change their own password: the current one is asked again."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationFailed("Mật khẩu hiện tại không đúng.",
                               [{"field": "current", "message": "Mật khẩu hiện tại không đúng."}])
    if new == current:
        raise ValidationFailed("Mật khẩu mới phải khác mật khẩu hiện tại.",
                               [{"field": "password", "message": "Mật khẩu mới phải khác mật khẩu hiện tại."}])
    set_password(session, user=user, password=new)


def end_sessions(session: Session, *, user: User) -> None:
    """Every session cookie and API token of ``user`` stops working, in every app process:
    the epoch is bumped in the database (checked on each request) and the tokens deleted."""
    from sqlalchemy import delete, update
    session.execute(update(User).where(User.id == user.id)
                    .values(session_epoch=User.session_epoch + 1)
                    .execution_options(synchronize_session=False))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.flush()
    session.refresh(user, ["session_epoch"])


def set_account_active(session: Session, *, user: User, active: bool) -> None:
    """An admin disables (or enables again) an account; disabling ends its sessions."""
    user.is_active_account = active
    if not active:
        end_sessions(session, user=user)
    session.flush()


def get_user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    if user is None:
        raise NotFound(f"Không có tài khoản «{username}».")
    return user


# Password guessing: failed logins are counted in the database (shared by every process).
# Each attempt is counted *before* the password is checked (``ratelimit.reserve``, atomic),
# so parallel guesses cannot slip past the limit; a success gives its count back.
#  - per client and account: tight (10 in 15 min): one device guessing one account;
#  - per account over every client: 30 (guessing spread over many addresses);
#  - per client over every account: high (300), so the hall's shared Wi-Fi address, behind
#    which every phone and laptop of the congress sits, is not locked out by one device's typos.
LOGIN_WINDOW_SECONDS = 15 * 60
LOGIN_LIMIT_PER_ACCOUNT = 10
LOGIN_LIMIT_PER_TARGET = 30
LOGIN_LIMIT_PER_CLIENT = 300
LOGIN_LIMITED_MESSAGE = ("Đăng nhập sai quá nhiều lần. Vui lòng chờ 15 phút rồi thử lại, "
                         "hoặc nhờ quản trị viên đặt lại mật khẩu.")


def _login_keys(username: str, client: str) -> list[tuple[str, int]]:
    name = (username or "").strip().casefold()[:80]
    return [(f"login-fail:{client}:{name}", LOGIN_LIMIT_PER_ACCOUNT),
            (f"login-fail-target:{name}", LOGIN_LIMIT_PER_TARGET),
            (f"login-fail-client:{client}", LOGIN_LIMIT_PER_CLIENT)]


def guarded_authenticate(session: Session, *, username: str, password: str, client: str) -> User | None:
    """``authenticate`` behind the failed-login limits: the attempt is counted first (its own
    committed transaction), raises TooManyRequests (429) past a limit, and a success gives the
    count back."""
    from ..ratelimit import reserve
    ticket = reserve(session, keys=_login_keys(username, client), window_seconds=LOGIN_WINDOW_SECONDS,
                     message=LOGIN_LIMITED_MESSAGE)
    user = authenticate(session, username=username, password=password)
    if user is not None:
        ticket.refund()
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


def user_for_session(session: Session, *, user_id, epoch) -> User | None:
    """The account of a session cookie, or None when the account is gone, disabled, or its
    sessions were ended (password change, disable, logout) since the cookie was issued."""
    try:
        uid = int(user_id)
    except (TypeError, ValueError):
        return None
    if not 0 < uid < 2**63:
        return None
    user = session.get(User, uid)
    if user is None or not user.is_active_account or epoch != user.session_epoch:
        return None
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(session: Session, *, user: User, hours: int = 24) -> str:
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_digest(token), epoch=user.session_epoch,
                         expires_at=utcnow() + dt.timedelta(hours=hours)))
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User:
    if not token:
        raise Unauthorized("Thiếu mã xác thực (Authorization: Bearer ...).")
    if len(token) > 200:
        raise Unauthorized("Mã xác thực không hợp lệ.")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if row is None:
        raise Unauthorized("Mã xác thực không hợp lệ.")
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=dt.timezone.utc)
    if expires < utcnow():
        raise Unauthorized("Mã xác thực đã hết hạn, hãy đăng nhập lại.")
    user = session.get(User, row.user_id)
    if user is None or not user.is_active_account or row.epoch != user.session_epoch:
        raise Unauthorized("Tài khoản không còn hoạt động.")
    return user
