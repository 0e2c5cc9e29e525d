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
