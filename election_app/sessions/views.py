"""The sessions page: plan the sessions (add, rename, reorder, delete one not held) and
open or close one; every button is one action through the door."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from ..auth.permissions import require
from ..congress.services import get_congress
from ..db import db
from ..delegates.services import attendance
from ..door import page_run
from . import actions
from . import services

bp = Blueprint("sessions", __name__, url_prefix="/congresses/<int:cid>")


class ActionForm(FlaskForm):
    """Only the CSRF token."""


@bp.route("/sessions")
@require("congress.view")
def index(cid: int):
    congress = get_congress(db.session, cid)
    return render_template("sessions/index.html", congress=congress, action=ActionForm(),
                           sessions=services.list_sessions(db.session, cid),
                           att=attendance(db.session, congress))


# Where a button may send the user back to after it (never a URL taken from the form).
RETURN_TO = {"dashboard": "congress.dashboard", "run": "agenda.run_sheet"}


def _back(cid: int):
    endpoint = RETURN_TO.get(request.form.get("next", ""), "sessions.index")
    return redirect(url_for(endpoint, cid=cid))


def _csrf_ok() -> bool:
    if ActionForm().validate_on_submit():
        return True
    flash(_("Phiên làm việc đã hết hạn; hãy tải lại trang."), "error")
    return False


@bp.route("/sessions", methods=["POST"])
@require("sessions.manage")
def add(cid: int):
    if _csrf_ok():
        page_run(actions.add_session, {"congress_id": cid, "name": request.form.get("name", ""),
                                       "starts_at": request.form.get("starts_at", "")},
                 success=lambda r: _("Đã thêm «%(name)s».", name=r.name))
    return _back(cid)


@bp.route("/sessions/<int:sid>/edit", methods=["POST"])
@require("sessions.manage")
def edit(cid: int, sid: int):
    if _csrf_ok():
        page_run(actions.update_session, {"congress_id": cid, "session_id": sid,
                                          "name": request.form.get("name", ""),
                                          "starts_at": request.form.get("starts_at", "")},
                 success=lambda r: _("Đã lưu «%(name)s».", name=r.name))
    return _back(cid)


@bp.route("/sessions/<int:sid>/move/<direction>", methods=["POST"])
@require("sessions.manage")
def move(cid: int, sid: int, direction: str):
    if _csrf_ok():
        page_run(actions.move_session, {"congress_id": cid, "session_id": sid, "direction": direction})
    return _back(cid)


@bp.route("/sessions/<int:sid>/delete", methods=["POST"])
@require("sessions.manage")
def delete(cid: int, sid: int):
    if _csrf_ok():
        page_run(actions.delete_session, {"congress_id": cid, "session_id": sid},
                 success=lambda name: _("Đã xoá «%(name)s».", name=name))
    return _back(cid)


@bp.route("/sessions/<int:sid>/open", methods=["POST"])
@require("sessions.run")
def open_(cid: int, sid: int):
    if _csrf_ok():
        page_run(actions.open_session, {"congress_id": cid, "session_id": sid},
                 success=lambda r: _("Đã khai mạc «%(name)s»: %(p)s/%(s)s đại biểu có mặt.",
                                     name=r.name, p=r.present_at_open, s=r.summoned_at_open))
    return _back(cid)


@bp.route("/sessions/<int:sid>/close", methods=["POST"])
@require("sessions.run")
def close(cid: int, sid: int):
    if _csrf_ok():
        page_run(actions.close_session, {"congress_id": cid, "session_id": sid},
                 success=lambda r: _("Đã kết thúc «%(name)s»: %(p)s/%(s)s đại biểu có mặt lúc bế mạc phiên.",
                                     name=r.name, p=r.present_at_close, s=r.summoned_at_close))
    return _back(cid)
