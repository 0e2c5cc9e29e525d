"""Who may do what: one table of capabilities per role, used by every page and API route
(the role × route matrix in the tests reads the same table)."""
from __future__ import annotations

from functools import wraps

from flask import abort, request
from flask_login import current_user

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
    "notes.write": frozenset({"admin", "secretary", "organizer"}),
    "documents.print": ALL_STAFF,
    "documents.edit": frozenset({"admin", "organizer", "secretary"}),
}


def has_permission(user, permission: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return user.role in PERMISSIONS[permission]


def can_access_congress(user, congress_id: int) -> bool:
    """Accounts bound to one congress (a federation host) see only that congress."""
    bound = getattr(user, "congress_id", None)
    return bound is None or bound == congress_id


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
            cid = kwargs.get("cid")
            if cid is not None and not can_access_congress(current_user, cid):
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
