"""The admin's backup page: the files under instance/backups/, each downloadable, and a
button for a copy now. Also the listeners that write the automatic backups."""
from __future__ import annotations

import logging

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   send_from_directory, url_for)
from flask import session as cookie_session
from flask_babel import gettext as _
from flask_login import current_user

from .. import hooks
from ..auth.permissions import require
from ..db import db
from . import files

bp = Blueprint("backup", __name__)
log = logging.getLogger("election_app.backup")


def _before_close(*, session, election, round=None, **_):
    """The backup before a round closes, into the running app's backup folder."""
    app = current_app._get_current_object()
    if files.enabled(app):
        files.write_backup(session, app, congress_id=election.congress_id, reason="before-close")


@bp.record_once
def _install(state) -> None:
    hooks.listen("round_closing", _before_close)   # one listener for every app (idempotent)


@bp.after_app_request
def _automatic(resp):
    """After a staff request that changed data, the backups that are due (see ``files``)."""
    # A signed-in account has "_user_id" in its session: asked first, so that a delegate's
    # ballot (no session) never loads a user (issue 17 §1).
    if (request.method == "POST" and resp.status_code < 400 and "_user_id" in cookie_session
            and current_user.is_authenticated and files.enabled(current_app)):
        try:
            files.due_backups(db.session, current_app)
        except Exception:  # never cost the answer; the failure is in the log
            log.exception("automatic backup failed")
    return resp


@bp.route("/backups", methods=["GET", "POST"])
@require("users.manage")
def list_backups():
    from sqlalchemy import select
    from ..congress.models import Congress
    if request.method == "POST":
        from flask_wtf.csrf import validate_csrf  # noqa: F401  (CSRFProtect already checked it)
        cid = request.form.get("congress_id", type=int)
        if not cid or db.session.get(Congress, cid) is None:
            abort(404)
        path = files.write_backup(db.session, current_app, congress_id=cid, reason="manual")
        flash(_("Đã sao lưu: %(name)s", name=path.name), "success")
        return redirect(url_for("backup.list_backups"))
    congresses = db.session.execute(select(Congress.id, Congress.name).order_by(Congress.id)).all()
    names = {c.id: c.name for c in congresses}
    return render_template("backup/list.html", backups=files.list_backups(current_app), names=names,
                           congresses=congresses)


@bp.route("/backups/<name>")
@require("users.manage")
def download(name: str):
    if not files.NAME_RE.match(name):
        abort(404)
    folder = files.backup_dir(current_app)
    if not (folder / name).is_file():
        abort(404)
    return send_from_directory(folder, name, as_attachment=True, mimetype="application/gzip")
