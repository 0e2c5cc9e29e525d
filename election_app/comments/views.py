"""Pages of the comments on drafts: the delegate's page under their personal voting link
(``/v/<token>/gop-y``: the token is the credential, as for the ballot) and the secretary's
page grouping the comments of an agenda item."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..agenda.services import get_item
from ..auth.permissions import public, require
from ..congress.services import get_congress
from ..db import db
from ..delegates.models import Delegate
from ..door import page_run, unit
from ..errors import DomainError
from ..extensions import csrf
from ..voting.web import voter_for_request
from . import actions, services

bp = Blueprint("comments", __name__)


class CsrfForm(FlaskForm):
    """Only the CSRF token."""


@bp.app_template_global("draft_comment_items")
def draft_comment_items(congress_id: int) -> list:
    """The items taking comments now (the phone page links to the comments page)."""
    return services.open_items(db.session, congress_id)


def _same_origin() -> bool:
    origin = request.headers.get("Origin")
    return not origin or origin == "null" or urlsplit(origin).netloc == request.host


def _phone(status: int = 200, **ctx) -> Response:
    return Response(render_template("comments/phone.html", **ctx), status=status, mimetype="text/html")


@bp.route("/v/<token>/gop-y", methods=["GET", "POST"])
@public("the delegate's comments on drafts, under their personal voting link: the token is the credential")
@csrf.exempt  # the form checks its own CSRF token (Flask-WTF) and the Origin header, as the ballot does
def phone(token: str):
    try:
        voter = voter_for_request(token, "link")
    except DomainError as err:
        db.session.rollback()
        return Response(render_template("voting/phone_error.html", message=err.message), status=err.status,
                        mimetype="text/html")
    congress, delegate = voter.congress, voter.delegate
    error, sent, status, typed = None, False, 200, {}
    if request.method == "POST":
        item_id = request.form.get("item_id", type=int) or 0
        typed = {item_id: request.form.get("text", "")}
        if not _same_origin() or not CsrfForm().validate_on_submit():
            error, status = _("Phiên làm việc đã hết hạn. Vui lòng tải lại trang và gửi lại."), 400
        else:
            try:
                # A unit of its own: no staff actor, no audit entry, nothing of a ballot.
                unit(lambda: services.submit_comment(db.session, congress=congress, delegate=delegate,
                                                     item_id=item_id, text=typed[item_id]))
                sent, typed = True, {}
            except DomainError as err:
                db.session.rollback()
                error, status = err.message, err.status
    items = services.open_items(db.session, congress.id)
    mine = {i.id: services.comments_of(db.session, i, delegate.id) for i in items}
    return _phone(status, congress=congress, voter=voter, items=items, mine=mine, form=CsrfForm(formdata=None),
                  error=error, sent=sent, typed=typed, back=request.path.rsplit("/", 1)[0])


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/comments", methods=["GET", "POST"])
@require("notes.write")
def group(cid: int, iid: int):
    """The secretary groups the comments of this item (a topic per comment) and sees the
    summary the minutes will print."""
    congress = get_congress(db.session, cid)
    item = get_item(db.session, cid, iid)
    form = CsrfForm()
    if request.method == "POST":
        if form.validate_on_submit():
            topics = [{"comment_id": int(k.split("_", 1)[1]), "topic": v} for k, v in request.form.items()
                      if k.startswith("topic_") and k.split("_", 1)[1].isdigit()]
            done, _n = page_run(actions.group_comments, {"congress_id": cid, "item_id": iid, "topics": topics},
                                success=lambda n: _("Đã lưu nhóm của %(n)s góp ý.", n=n))
            if done:
                return redirect(url_for("comments.group", cid=cid, iid=iid))
        else:
            flash(_("Phiên làm việc đã hết hạn; hãy tải lại trang."), "error")
    rows = services.comments_of(db.session, item)
    ids = {c.delegate_id for c in rows if c.delegate_id}
    names = {d.id: d.full_name for d in db.session.scalars(select(Delegate).where(Delegate.id.in_(ids)))} if ids else {}
    topics = sorted({c.topic for c in rows if c.topic})
    return render_template("comments/group.html", congress=congress, item=item, rows=rows, names=names,
                           topics=topics, summary=services.summary(db.session, item), form=form,
                           is_comment_item=item.kind == services.KIND)
