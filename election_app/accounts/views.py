"""Admin page: which congresses each staff account may touch (tenancy)."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..db import db
from ..door import flash_form_errors, page_run
from . import actions
from .forms import ScopeForm
from ..auth.models import User, UserCongress
from ..auth.permissions import require
from ..congress.models import Congress

bp = Blueprint("scope", __name__)


@bp.route("/users/scope", methods=["GET", "POST"])
@require("users.manage")
def scope_page():
    form = ScopeForm()
    congresses = db.session.scalars(select(Congress).order_by(Congress.id.desc())).all()
    users = db.session.scalars(select(User).order_by(User.username)).all()
    form.username.choices = [(u.username, f"{u.username} ({_(u.role_label)})") for u in users if u.role != "admin"]
    form.congress_id.choices = [(c.id, f"#{c.id} – {c.name}") for c in congresses]
    if request.method == "POST":
        if form.validate_on_submit():
            act = actions.grant_congress if form.grant.data else actions.revoke_congress
            page_run(act, {"username": form.username.data, "congress_id": form.congress_id.data},
                     success=_("Đã cập nhật phạm vi của tài khoản %(name)s.", name=form.username.data))
        else:
            flash_form_errors(form)
        return redirect(url_for("scope.scope_page"))
    scopes: dict[int, list[int]] = {}
    for row in db.session.scalars(select(UserCongress)):
        scopes.setdefault(row.user_id, []).append(row.congress_id)
    names = {c.id: c.name for c in congresses}
    return render_template("auth/scope.html", form=form, users=users, scopes=scopes, names=names)
