"""Account care and tenancy as actions (audited through the one door)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..door import Actor, Command, action
from ..errors import NotFound
from ..auth import services
from ..auth.models import User
from ..auth.permissions import forget_scope


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Không có tài khoản «{username}».")
    return user


class CreateUser(Command):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(max_length=200)
    role: Literal["admin", "organizer", "board", "secretary"]
    full_name: str = Field(default="", max_length=200)
    congress_ids: list[int] = Field(default_factory=list, max_length=1000)


@action("users.create", permission="users.manage", input=CreateUser, congress=lambda s, cmd: None,
        summary=lambda u: f"tài khoản #{u.id}")
def create_user(session: Session, *, actor: Actor, cmd: CreateUser) -> User:
    return services.create_user(session, username=cmd.username, password=cmd.password, role=cmd.role,
                                full_name=cmd.full_name, congress_ids=cmd.congress_ids)


class Scope(Command):
    username: str = Field(min_length=1, max_length=80)
    congress_id: int = Field(gt=0, le=2**63 - 1)


@action("users.grant_congress", permission="users.manage", input=Scope,
        summary=lambda changed: "đã cấp" if changed else "đã có từ trước")
def grant_congress(session: Session, *, actor: Actor, cmd: Scope) -> bool:
    user = _user(session, cmd.username)
    changed = services.grant_congress(session, user=user, congress_id=cmd.congress_id)
    forget_scope(user.id)
    return changed


@action("users.revoke_congress", permission="users.manage", input=Scope,
        summary=lambda changed: "đã thu hồi" if changed else "không có quyền này")
def revoke_congress(session: Session, *, actor: Actor, cmd: Scope) -> bool:
    user = _user(session, cmd.username)
    changed = services.revoke_congress(session, user=user, congress_id=cmd.congress_id)
    forget_scope(user.id)
    return changed


# --- account care (issue 11): every session and API token of the account ends at once ------

class SetPassword(Command):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(max_length=200)


@action("users.set_password", permission="users.manage", input=SetPassword, congress=lambda s, cmd: None,
        summary=lambda _: "mật khẩu mới; mọi phiên đã kết thúc")
def set_password(session: Session, *, actor: Actor, cmd: SetPassword) -> User:
    user = _user(session, cmd.username)
    services.set_password(session, user=user, password=cmd.password)
    return user


class SetActive(Command):
    username: str = Field(min_length=1, max_length=80)
    active: bool


@action("users.set_active", permission="users.manage", input=SetActive, congress=lambda s, cmd: None,
        summary=lambda u: "đang hoạt động" if u.is_active_account else "đã khoá; mọi phiên đã kết thúc")
def set_active(session: Session, *, actor: Actor, cmd: SetActive) -> User:
    user = _user(session, cmd.username)
    if not cmd.active and actor.id is not None and user.id == actor.id:
        from ..errors import Conflict
        raise Conflict("Không thể tự khoá tài khoản đang dùng.")
    services.set_account_active(session, user=user, active=cmd.active)
    return user


class ChangeOwnPassword(Command):
    current_password: str = Field(max_length=200)
    password: str = Field(max_length=200)


@action("account.change_password", permission="account.own", input=ChangeOwnPassword,
        congress=lambda s, cmd: None, summary=lambda _: "đã đổi; các phiên khác đã kết thúc")
def change_own_password(session: Session, *, actor: Actor, cmd: ChangeOwnPassword) -> User:
    user = session.get(User, actor.id)
    services.change_own_password(session, user=user, current=cmd.current_password, new=cmd.password)
    return user


@action("account.logout", permission="account.own", congress=lambda s, cmd: None,
        summary=lambda _: "mọi phiên đã kết thúc")
def logout(session: Session, *, actor: Actor, cmd=None) -> None:
    services.end_sessions(session, user=session.get(User, actor.id))
