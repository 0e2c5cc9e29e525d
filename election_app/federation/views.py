"""Pages of the federation (issue 17): the district dashboard of an upper union, its unions
and accounts (admin), the recognition dossiers it receives and decides, the dossier a
grassroots congress sends, and the upload of a congress run offline."""
from __future__ import annotations

import datetime as dt
import gzip
import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import User
from ..auth.permissions import require
from ..congress.models import Congress
from ..db import db
from ..documents import jobs
from ..documents.web import pdf_response, produce_now
from ..door import flash_error, page_run
from ..errors import DomainError
from . import actions, services
from .models import LEVEL_LABELS, Dossier

bp = Blueprint("federation", __name__)

PAPERS = {"minutes": "Biên bản đại hội", "resolution": "Nghị quyết đại hội",
          "credentials-report": "Báo cáo thẩm tra tư cách đại biểu"}
UPLOAD_MAX_BYTES = 20 * 1024 * 1024


def _int(name: str) -> int | None:
    raw = (request.form.get(name) or request.args.get(name) or "").strip()
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**63 else None


@bp.route("/federation")
@require("federation.view")
def dashboard():
    root = _int("org")
    try:
        data = services.dashboard(db.session, current_user, root_id=root)
    except DomainError:
        abort(404)
    pending = services.dossiers_for(db.session, current_user, status="sent")
    names = dict(db.session.execute(select(Congress.id, Congress.name)
                                    .where(Congress.id.in_({d.congress_id for d in pending} or {-1}))).all())
    return render_template("federation/dashboard.html", data=data, root=root, pending=pending, names=names,
                           unions=services.tree(db.session, current_user), papers=PAPERS)


# The route names ``congress_id``, not ``cid``: the upper union is not scoped to the congress
# itself (tenancy stays per congress); the subtree it watches is checked here instead.
@bp.route("/federation/congresses/<int:congress_id>/papers/<kind>")
@require("federation.view")
def paper(congress_id: int, kind: str):
    """A paper of a congress below: read-only, for the upper union that watches it."""
    if kind not in PAPERS or congress_id not in services.visible_congress_ids(db.session, current_user):
        abort(404)
    congress = db.session.get(Congress, congress_id)
    try:
        return pdf_response(produce_now(congress, kind, {}))
    except DomainError as err:
        flash_error(err)
        return redirect(url_for("federation.dashboard"))


@bp.route("/federation/unions", methods=["GET", "POST"])
@require("federation.manage")
def unions():
    if request.method == "POST":
        what = request.form.get("what")
        if what == "create":
            page_run(actions.create_organization, {"name": request.form.get("name", ""),
                                                   "level": request.form.get("level", ""),
                                                   "parent_id": _int("parent_id")},
                     success=_("Đã thêm công đoàn."))
        elif what == "attach":
            page_run(actions.attach_congress, {"congress_id": _int("congress_id"),
                                               "organization_id": _int("organization_id")},
                     success=_("Đã gắn đại hội vào công đoàn."))
        elif what == "grant":
            user = db.session.scalar(select(User).where(User.username == (request.form.get("username") or "").strip()))
            if user is None:
                flash(_("Không có tài khoản này."), "error")
            else:
                page_run(actions.grant_organization, {"user_id": user.id,
                                                      "organization_id": _int("organization_id")},
                         success=_("Đã giao công đoàn cho tài khoản %(name)s.", name=user.username))
        else:
            flash(_("Thao tác không hợp lệ."), "error")
        return redirect(url_for("federation.unions"))
    congresses = db.session.execute(select(Congress.id, Congress.name).order_by(Congress.id)).all()
    attached = {c: o for c, o in db.session.execute(select(services.CongressOrganization.congress_id,
                                                           services.CongressOrganization.organization_id))}
    users = db.session.scalars(select(User).where(User.role != "admin").order_by(User.username)).all()
    grants: dict[int, list[int]] = {}
    for row in db.session.scalars(select(services.UserOrganization)):
        grants.setdefault(row.user_id, []).append(row.organization_id)
    return render_template("federation/unions.html", unions=services.tree(db.session, current_user),
                           levels=LEVEL_LABELS, congresses=congresses, attached=attached, users=users,
                           grants=grants)


@bp.route("/federation/dossiers/<int:dossier_id>/decision", methods=["POST"])
@require("dossier.decide")
def decide(dossier_id: int):
    raw_date = (request.form.get("date") or "").strip()
    try:
        date = dt.date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        flash(_("Ngày ký quyết định không hợp lệ."), "error")
        return redirect(url_for("federation.dashboard"))
    page_run(actions.decide_dossier, {"dossier_id": dossier_id, "status": request.form.get("status", ""),
                                      "number": request.form.get("number", ""), "date": date,
                                      "scope": request.form.get("scope", "")},
             success=_("Đã ghi quyết định về hồ sơ."))
    return redirect(url_for("federation.dashboard"))


@bp.route("/federation/dossiers/<int:dossier_id>.pdf")
@require("congress.view")
def dossier_pdf(dossier_id: int):
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or not services.can_see_dossier(db.session, current_user, dossier):
        abort(404)
    return pdf_response(jobs.Produced(f"ho-so-dai-hoi-{dossier.congress_id}-{dossier.id}.pdf", dossier.pdf),
                        download=True)


@bp.route("/congresses/<int:cid>/dossier", methods=["GET", "POST"])
@require("congress.view")
def congress_dossier(cid: int):
    """The grassroots side: send the dossier up, see what the upper union decided."""
    congress = db.session.get(Congress, cid)
    if request.method == "POST":
        try:
            pdf = produce_now(congress, "dossier", {}).pdf
        except DomainError as err:
            flash_error(err)
            return redirect(url_for("federation.congress_dossier", cid=cid))
        page_run(actions.send_dossier, {"congress_id": cid, "pdf": pdf},
                 success=_("Đã gửi hồ sơ lên công đoàn cấp trên."))
        return redirect(url_for("federation.congress_dossier", cid=cid))
    org = services.organization_of(db.session, cid)
    upper = services.get_organization(db.session, org.parent_id) if org and org.parent_id else None
    sent = list(db.session.scalars(select(Dossier).where(Dossier.congress_id == cid)
                                   .order_by(Dossier.sent_at.desc(), Dossier.id.desc())))
    return render_template("federation/congress_dossier.html", congress=congress, org=org, upper=upper,
                           sent=sent)


@bp.route("/federation/upload", methods=["POST"])
@require("federation.upload")
def upload():
    """A congress held offline on a laptop: its export file (`congress export`), uploaded."""
    file = request.files.get("file")
    org_id = _int("organization_id")
    raw = file.read(UPLOAD_MAX_BYTES + 1) if file else b""
    if not raw:
        flash(_("Hãy chọn tệp xuất đại hội (.json hoặc .json.gz)."), "error")
        return redirect(url_for("federation.dashboard"))
    if len(raw) > UPLOAD_MAX_BYTES:
        flash(_("Tệp quá lớn."), "error")
        return redirect(url_for("federation.dashboard"))
    try:
        if raw[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(raw)) as gz:
                raw = gz.read(UPLOAD_MAX_BYTES * 10 + 1)
            if len(raw) > UPLOAD_MAX_BYTES * 10:
                raise ValueError("too big")
        data = json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, ValueError, UnicodeDecodeError):
        flash(_("Tệp không phải là tệp xuất đại hội của election_app."), "error")
        return redirect(url_for("federation.dashboard"))
    ok, cid = page_run(actions.upload_congress, {"organization_id": org_id, "data": data,
                                                 "source": (file.filename or "")[:300]},
                       success=_("Đã đưa đại hội lên máy chủ."))
    return redirect(url_for("federation.dashboard"))
