"""Who may do what: one table of capabilities per role, used by every page and API route
(the role × route matrix in the tests reads the same table)."""
from __future__ import annotations

from functools import wraps

from flask import abort, g, has_app_context, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import db
from ..errors import NotFound
from .services import congress_ids_of

ALL_STAFF = frozenset({"admin", "organizer", "board", "secretary"})

PERMISSIONS: dict[str, frozenset[str]] = {
    "users.manage": frozenset({"admin"}),
    "account.own": ALL_STAFF,
    "congress.view": ALL_STAFF,
    "congress.manage": frozenset({"admin", "organizer"}),
    "delegates.manage": frozenset({"admin", "organizer"}),
    "credentials.decide": frozenset({"admin", "organizer"}),
    "checkin": frozenset({"admin", "organizer", "secretary"}),
    "attendance.view": ALL_STAFF,
    "elections.manage": frozenset({"admin", "organizer"}),
    "elections.count": frozenset({"admin", "board"}),
    "motions.record": frozenset({"admin", "organizer", "secretary"}),
    "agenda.manage": frozenset({"admin", "organizer"}),
    "agenda.run": frozenset({"admin", "organizer", "secretary"}),
    # Sessions (phiên họp): the organizer plans them; opening and closing one is the
    # presidium's, done at the desk by the organizer or the secretary (as the run-sheet).
    "sessions.manage": frozenset({"admin", "organizer"}),
    "sessions.run": frozenset({"admin", "organizer", "secretary"}),
    "notes.write": frozenset({"admin", "secretary", "organizer"}),
    "documents.print": ALL_STAFF,
    "documents.edit": frozenset({"admin", "organizer", "secretary"}),
    "audit.view": ALL_STAFF,
    # The federation (issue 17): what an account of an upper union sees is limited to the
    # unions it is granted (federation/services.py), on top of the role.
    "federation.view": ALL_STAFF,
    "federation.manage": frozenset({"admin"}),
    "federation.upload": frozenset({"admin", "organizer"}),
    "dossier.send": frozenset({"admin", "organizer"}),
    "dossier.decide": frozenset({"admin", "organizer"}),
}


def has_permission(user, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.role in PERMISSIONS[permission]


def can_access_congress(user, congress_id: int | None) -> bool:
    """Tenancy: ``admin`` touches every congress; any other account only those it is scoped to
    (``user_congresses``). Asked by the one door for every page, API operation and command."""
    if user is None or not getattr(user, "is_authenticated", True):
        return False
    if getattr(user, "role", None) == "admin":
        return True
    if congress_id is None:
        return True
    return int(congress_id) in scoped_congress_ids(user)


def scoped_congress_ids(user) -> set[int]:
    """The congresses this account may touch, read once per request (cached on ``g``)."""
    uid = getattr(user, "id", None)
    if uid is None:
        return set()
    if has_app_context():
        cache = g.setdefault("_scope_cache", {})
        if uid not in cache:
            cache[uid] = congress_ids_of(db.session, uid)
        return cache[uid]
    return congress_ids_of(db.session, uid)


def forget_scope(user_id: int) -> None:
    if has_app_context():
        g.setdefault("_scope_cache", {}).pop(user_id, None)


# Route arguments that name a row of a congress: the door checks the account may touch that
# congress before the view runs (and 404s a row that belongs to another congress than ``cid``).
SCOPED_ARGS: dict[str, str] = {"eid": "elections", "mid": "motions", "did": "delegates",
                               "iid": "agenda_items", "round_id": "rounds"}
MAX_DB_INT = 2**63 - 1

def congress_of_row(session: Session, table: str, row_id: int) -> int | None:
    if not (0 < row_id <= MAX_DB_INT):
        return None
    tables = db.metadata.tables
    if table == "rounds":
        r, e = tables["rounds"], tables["elections"]
        return session.scalar(select(e.c.congress_id).join(r, r.c.election_id == e.c.id)
                              .where(r.c.id == row_id))
    t = tables[table]
    return session.scalar(select(t.c.congress_id).where(t.c.id == row_id))

def congress_of_route(session: Session, view_args: dict) -> int | None:
    """The congress a request is about, from its route arguments. NotFound when they
    disagree (an election of congress 2 asked for under congress 1) or a row is missing."""
    found: set[int] = set()
    cid = view_args.get("cid")
    if cid is not None:
        congresses = db.metadata.tables["congresses"]
        if not (0 < int(cid) <= MAX_DB_INT) or session.scalar(
                select(congresses.c.id).where(congresses.c.id == int(cid))) is None:
            raise NotFound("Không tìm thấy đại hội.")
        found.add(int(cid))
    for arg, table in SCOPED_ARGS.items():
        value = view_args.get(arg)
        if value is None:
            continue
        owner = congress_of_row(session, table, int(value))
        if owner is None:
            raise NotFound("Không tìm thấy dữ liệu yêu cầu.")
        found.add(owner)
    if len(found) > 1:
        raise NotFound("Không tìm thấy dữ liệu yêu cầu.")
    return found.pop() if found else None


def route_scope_allows(user) -> bool:
    """The one tenancy check of every route: the congress named by the route arguments (a
    ``cid``, or the congress of an ``eid``/``mid``/``did``/``iid``/``round_id``) must be one
    this account may touch. Raises NotFound for rows that do not exist or do not match."""
    cid = congress_of_route(db.session, request.view_args or {})
    return cid is None or can_access_congress(user, cid)


def require(permission: str):
    """Page decorator: login required, then the capability; 403 otherwise."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from flask import redirect, url_for
                return redirect(url_for("auth.login", next=request.full_path))
            if not has_permission(current_user, permission):
                abort(403)
            try:
                allowed = route_scope_allows(current_user)
            except NotFound:
                abort(404)
            if not allowed:
                abort(403)
            return view(*args, **kwargs)
        wrapped.required_permission = permission
        return wrapped
    return decorator


def public(reason: str):
    """Marks a route that needs no staff login, with the reason (the permission-matrix test
    requires every route to be either ``require``d or ``public``)."""
    def decorator(view):
        view.is_public = reason
        return view
    return decorator
