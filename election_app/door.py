"""The one door every staff action goes through (STYLE §10).

An *action* is a function ``fn(session, *, actor, cmd) -> result`` registered with
``@action(name, permission=..., input=Model)``: ``cmd`` is a pydantic model (the typed input,
validated once, here), ``result`` is whatever the action returns. Pages, the JSON API and the
CLI only turn a request into ``cmd`` and call ``run``. ``run`` is the unit of work:

1. authorize: the account's role has the permission AND the account may touch the congress
   the command names (tenancy);
2. run the action in one transaction; on a domain error roll back and re-raise;
3. append the audit entry (who, which congress, the action, its input without secrets or
   ballot contents, its outcome) in the same transaction, then commit;
4. retry the whole unit twice when SQLite answers "database is locked" (a writer's snapshot
   went stale), so the caller never sees that engine detail.

Nothing else commits: what is not a staff action (a ballot, signing in, a render) goes
through ``unit``, the same commit/rollback/retry without authorization or audit. ``page_run`` maps a domain error to flashed messages; ``api_run`` lets the
API's error handler give the JSON error shape.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Annotated, Any, Callable

from flask import flash, g, has_request_context, request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from .audit.services import record_audit, take_note
from .auth.permissions import (MAX_DB_INT, PERMISSIONS, SCOPED_ARGS, can_access_congress,  # noqa: F401
                               congress_of_route, congress_of_row)
from .db import db
from .errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed

# --- the actor ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is acting: a staff account through a page, the API or the CLI."""
    id: int | None
    name: str
    role: str
    via: str = "page"
    user: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, user, via: str = "page") -> "Actor":
        return cls(id=user.id, name=user.username, role=user.role, via=via, user=user)

    @property
    def is_authenticated(self) -> bool:       # so permission helpers accept an Actor
        return True


def current_actor(via: str | None = None) -> Actor:
    """The actor of this request: the API's bearer user, else the logged-in page user."""
    user = getattr(g, "api_user", None)
    if user is not None:
        return Actor.of(user, via or "api")
    from flask_login import current_user
    if not current_user.is_authenticated:
        raise Forbidden("Cần đăng nhập.")
    return Actor.of(current_user._get_current_object(), via or "page")


# --- typed input ----------------------------------------------------------------------------


class Command(BaseModel):
    """Base of every action's input: text is stripped; unknown fields are ignored (API.md lets
    clients send more than an operation reads), and the route's own ids always win."""
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


# The shared field types of action inputs: a database id (what a row's primary key can be),
# a count of people or ballots, and a list of ids; each carries its bounds into the
# generated OpenAPI document.
DbId = Annotated[int, Field(gt=0, le=MAX_DB_INT)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


def blank_is_none(value):
    """A form's empty box (or a sheet's empty cell) means "not given"."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


OptCount = Annotated[Count | None, BeforeValidator(blank_is_none)]
OptDbId = Annotated[DbId | None, BeforeValidator(blank_is_none)]


_PYDANTIC_VI = {
    "missing": "Thiếu thông tin bắt buộc.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "int_from_float": "Phải là số nguyên.",
    "string_type": "Phải là chuỗi ký tự.",
    "bool_type": "Phải là đúng/sai (true/false).",
    "bool_parsing": "Phải là đúng/sai (true/false).",
    "list_type": "Phải là một danh sách.",
    "dict_type": "Phải là một đối tượng.",
    "model_type": "Phải là một đối tượng.",
    "extra_forbidden": "Trường này không được hỗ trợ.",
    "literal_error": "Giá trị không nằm trong các lựa chọn cho phép.",
    "enum": "Giá trị không nằm trong các lựa chọn cho phép.",
    "greater_than_equal": "Giá trị quá nhỏ.",
    "greater_than": "Giá trị quá nhỏ.",
    "less_than_equal": "Giá trị quá lớn.",
    "less_than": "Giá trị quá lớn.",
    "string_too_long": "Chuỗi quá dài.",
    "string_too_short": "Không được để trống.",
    "too_long": "Danh sách quá dài.",
    "too_short": "Danh sách quá ngắn.",
    "date_from_datetime_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_type": "Ngày không hợp lệ (YYYY-MM-DD).",
    "finite_number": "Phải là một số hữu hạn.",
    "recursion_loop": "Dữ liệu lồng nhau quá sâu.",
}


def parse(model: type[BaseModel], data: Any) -> BaseModel:
    """Validate ``data`` into ``model``; a 422 with one Vietnamese detail per bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        details, seen = [], set()
        for e in err.errors(include_url=False, include_input=False):
            detail = _where(e.get("loc", ()))
            key = (detail.get("row"), detail["field"])
            if key in seen:
                continue
            seen.add(key)
            msg = e.get("ctx", {}).get("error") if e["type"] == "value_error" else None
            detail["message"] = str(msg) if msg else _PYDANTIC_VI.get(e["type"], "Giá trị không hợp lệ.")
            details.append(detail)
        first = details[0]["message"] if details else ""
        raise ValidationFailed(f"Dữ liệu gửi lên chưa hợp lệ. {first}".strip(), details) from None


def _where(loc: tuple) -> dict:
    """A pydantic error location as the API's detail: a row of a list of objects (a candidate,
    a ballot) is numbered from 1 like the services' rows, its field named on its own
    (``candidates.2.birth_year`` → row 3, field ``birth_year``); a plain list names the list."""
    parts = [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]
    for i, part in enumerate(parts):
        if isinstance(part, int):
            rest = [str(p) for p in parts[i + 1:] if not isinstance(p, int)]
            if rest:
                return {"row": part + 1, "field": rest[-1]}
            return {"row": part + 1, "field": ".".join(str(p) for p in parts[:i])}
    return {"field": ".".join(str(p) for p in parts)}


# --- the action registry --------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    permission: str
    fn: Callable[..., Any]
    input: type[BaseModel] | None
    congress_of: Callable[[Session, Any], int | None]
    audit: bool = True
    summary: Callable[[Any], str] | None = None


ACTIONS: dict[str, Action] = {}


def _default_congress_of(session: Session, cmd: Any) -> int | None:
    for key in ("congress_id", "cid"):
        value = getattr(cmd, key, None)
        if value is not None:
            return int(value)
    for key, table in (("election_id", "elections"), ("motion_id", "motions"),
                       ("delegate_id", "delegates"), ("item_id", "agenda_items")):
        value = getattr(cmd, key, None)
        if value is not None:
            return congress_of_row(session, table, int(value))
    return None


def action(name: str, *, permission: str, input: type[BaseModel] | None = None,
           congress: Callable[[Session, Any], int | None] | None = None, audit: bool = True,
           summary: Callable[[Any], str] | None = None):
    """Register ``fn(session, *, actor, cmd)`` as the one implementation of action ``name``."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(fn):
        if name in ACTIONS and ACTIONS[name].fn is not fn:
            raise ValueError(f"action {name} registered twice")
        ACTIONS[name] = Action(name=name, permission=permission, fn=fn, input=input,
                               congress_of=congress or _default_congress_of, audit=audit,
                               summary=summary)
        fn.action = ACTIONS[name]
        return fn
    return decorator


# --- authorization --------------------------------------------------------------------------


def authorize(actor: Actor, permission: str, congress_id: int | None) -> None:
    if actor.role not in PERMISSIONS[permission]:
        raise Forbidden("Vai trò của bạn không được phép thực hiện thao tác này.")
    if congress_id is not None and not can_access_congress(actor.user or actor, congress_id):
        raise Forbidden("Tài khoản không được phép làm việc với đại hội này.")


def may(actor_or_user, permission: str, congress_id: int | None = None) -> bool:
    """What templates ask to show a button: exactly the rule ``authorize`` enforces."""
    role = getattr(actor_or_user, "role", None)
    if role is None or role not in PERMISSIONS[permission]:
        return False
    return congress_id is None or can_access_congress(getattr(actor_or_user, "user", None)
                                                      or actor_or_user, congress_id)


# --- the unit of work -----------------------------------------------------------------------

LOCK_RETRIES = 2


def _is_locked(err: OperationalError) -> bool:
    text = str(getattr(err, "orig", err)).lower()
    return "database is locked" in text or "database table is locked" in text


def _outcome(act: Action, result: Any) -> str:
    if act.summary is not None:
        return act.summary(result)
    return "ok"


def run(act_or_name: Action | str | Callable, *, actor: Actor, cmd: Any = None,
        session: Session | None = None) -> Any:
    """Authorize, run and audit one action inside ``unit``: committed with its audit entry,
    rolled back on any error, retried on SQLite's "database is locked"."""
    act = _resolve(act_or_name)
    session = session or db.session
    if act.input is not None and not isinstance(cmd, act.input):
        cmd = parse(act.input, cmd)

    def body() -> Any:
        congress_id = act.congress_of(session, cmd)
        authorize(actor, act.permission, congress_id)
        take_note(session)
        result = act.fn(session, actor=actor, cmd=cmd)
        if act.audit:
            data = cmd.model_dump(mode="json") if isinstance(cmd, BaseModel) else (cmd or {})
            note = take_note(session)
            if note:
                data = {**data, **note}
            if actor.via != "page":
                data = {**data, "via": actor.via}
            record_audit(session, actor_id=actor.id, actor_name=actor.name, congress_id=congress_id,
                         action=act.name, data=data, outcome=_outcome(act, result))
        return result

    try:
        return unit(body, session=session)
    except IntegrityError:
        raise Conflict("Dữ liệu vừa bị thay đổi bởi thao tác khác; vui lòng tải lại và thử lại.") from None


def unit(fn: Callable[[], Any], *, session: Session | None = None, retries: int = LOCK_RETRIES) -> Any:
    """The same unit of work for what is not a staff action: a delegate's ballot (secret:
    no actor, no audit entry, nothing linking voter and ballot), signing in (no actor yet),
    a failed-attempt count, a document's render, the demo seed. ``fn()`` runs in one
    transaction that is committed when it returns and rolled back on any error; SQLite's
    "database is locked" runs it again (``retries`` times), then is a 409, like ``run``."""
    session = session or db.session
    attempt = 0
    while True:
        try:
            result = fn()
            session.commit()
            return result
        except OperationalError as err:
            session.rollback()
            if _is_locked(err) and attempt < retries:
                attempt += 1
                time.sleep(0.05 * attempt)
                continue
            if _is_locked(err):
                raise Conflict("Hệ thống đang bận ghi dữ liệu; vui lòng thử lại.") from None
            raise
        except BaseException:
            session.rollback()
            raise


def _resolve(act_or_name) -> Action:
    if isinstance(act_or_name, Action):
        return act_or_name
    if isinstance(act_or_name, str):
        return ACTIONS[act_or_name]
    return act_or_name.action


def page_run(act_or_name, cmd: Any = None, *, success: str | Callable[[Any], str] | None = None,
             category: str = "success") -> tuple[bool, Any]:
    """Run an action for a page: (True, result) after flashing ``success``; (False, error)
    after flashing the error and each detail (the page re-renders or redirects)."""
    try:
        result = run(act_or_name, actor=current_actor("page"), cmd=cmd)
    except DomainError as err:
        flash_error(err)
        return False, err
    if success:
        flash(success(result) if callable(success) else success, category)
    return True, result


def flash_error(err: DomainError) -> None:
    details = [d.get("message") for d in (err.details or []) if d.get("message")]
    flash(err.message, "error")
    for message in details:
        if message != err.message:
            flash(message, "error")


def flash_form_errors(form) -> None:
    """The form-errors loop, written once."""
    for name, errors in form.errors.items():
        for message in errors:
            flash(message, "error")


def api_run(act_or_name, payload: Any = None, **route_values) -> Any:
    """Run an action for the JSON API: the body and the route values make the command."""
    act = _resolve(act_or_name)
    for value in route_values.values():
        # An id from the URL that no row can have (0, or a huge one the converter turned to 0)
        # names nothing: 404, as for any other missing row, not a 422 on the field.
        if isinstance(value, int) and not isinstance(value, bool) and not (0 < value <= MAX_DB_INT):
            raise NotFound("Không tìm thấy dữ liệu yêu cầu.")
    if act.input is not None:
        if payload is None:
            payload = {}
        if not isinstance(payload, dict):
            raise ValidationFailed("Nội dung yêu cầu phải là một đối tượng JSON.",
                                   [{"field": "", "message": "Cần JSON dạng đối tượng {...}."}])
        # The congress is the route's (or the row's), never the body's.
        payload = {k: v for k, v in payload.items() if k != "congress_id"}
        cmd = parse(act.input, {**payload, **route_values})
    else:
        cmd = payload
    return run(act, actor=current_actor("api"), cmd=cmd)


def cli_actor(session: Session, username: str | None):
    """The CLI acts as a named account (``--as NAME``) or as the system operator."""
    if username:
        from .auth.models import User
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            raise NotFound(f"Không có tài khoản «{username}».")
        return Actor.of(user, "cli")
    return Actor(id=None, name="(dòng lệnh)", role="admin", via="cli")


def request_client() -> str:
    return request.remote_addr or "" if has_request_context() else ""
