"""Pages: the list of congresses, create/edit, the dashboard of one congress."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import public, require
from ..db import db
from ..door import page_run
from . import actions
from .forms import CongressForm, OfficialsForm
from .models import OFFICIAL_ROLES
from . import services as congress_services
from .services import (get_congress, officials)

bp = Blueprint("congress", __name__)


@bp.route("/")
@public("redirects to the list, which checks the role")
@login_required
def list_congresses_page():
    return redirect(url_for("congress.list_congresses"))


@bp.route("/congresses")
@require("congress.view")
def list_congresses():
    items = congress_services.list_congresses(db.session, user=current_user)
    return render_template("congress/list.html", congresses=items)


def _form_data(form: CongressForm) -> dict:
    return {k: getattr(form, k).data for k in ("name", "organization", "parent_organization", "ordinal",
                                                "term", "kind", "level", "date", "place", "venue", "preset_code",
                                                "chair_mode")}


@bp.route("/rulebooks")
@require("congress.view")
def list_rulebooks():
    """Read only: every rulebook file with its parameters and sources (issue 16)."""
    return render_template("congress/rulebooks.html", rulebooks=congress_services.rulebooks_overview(),
                           default_code=congress_services.DEFAULT_PRESET.code)


@bp.route("/congresses/new", methods=["GET", "POST"])
@require("congress.manage")
def create_congress_page():
    form = CongressForm()
    if form.validate_on_submit():
        done, congress = page_run(actions.create_congress, _form_data(form), success=_("Đã tạo đại hội."))
        if done:
            return redirect(url_for("congress.dashboard", cid=congress.id))
    return render_template("congress/form.html", form=form, congress=None)


@bp.route("/congresses/<int:cid>/edit", methods=["GET", "POST"])
@require("congress.manage")
def edit_congress(cid: int):
    congress = get_congress(db.session, cid)
    form = CongressForm(obj=congress)
    if form.validate_on_submit():
        done, _result = page_run(actions.update_congress, {**_form_data(form), "congress_id": cid},
                                 success=_("Đã lưu thông tin đại hội."))
        if done:
            return redirect(url_for("congress.dashboard", cid=cid))
    return render_template("congress/form.html", form=form, congress=congress,
                           rulebook_locked=congress_services.rulebook_locked(db.session, cid))


@bp.route("/congresses/<int:cid>/delete", methods=["POST"])
@require("congress.manage")
def delete_congress(cid: int):
    done, _name = page_run(actions.delete_congress, {"congress_id": cid,
                                                     "confirm_name": request.form.get("confirm_name", "")},
                           success=lambda name: _("Đã xoá đại hội «%(name)s».", name=name))
    if done:
        return redirect(url_for("congress.list_congresses"))
    return redirect(url_for("congress.edit_congress", cid=cid))


@bp.route("/congresses/<int:cid>/officials", methods=["GET", "POST"])
@require("congress.manage")
def edit_officials(cid: int):
    congress = get_congress(db.session, cid)
    form = OfficialsForm()
    if form.validate_on_submit():
        bodies = {role: (getattr(form, role).data or "").splitlines() for role in OFFICIAL_ROLES}
        done, _result = page_run(actions.set_officials, {"congress_id": cid, "bodies": bodies},
                                 success=_("Đã lưu thành phần các cơ quan giúp việc đại hội."))
        if done:
            return redirect(url_for("congress.dashboard", cid=cid))
    for role in OFFICIAL_ROLES:
        getattr(form, role).data = "\n".join(
            o.full_name + (f" - {o.title}" if o.title else "") for o in officials(db.session, cid, role))
    return render_template("congress/officials.html", form=form, congress=congress)
