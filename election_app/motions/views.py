"""Pages of the motions feature: the standard show-of-hands motions of the congress,
custom ones, and the quick entry of a result against the number present now."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth.permissions import require
from ..congress.services import get_congress
from ..db import db
from ..delegates.services import attendance
from ..door import flash_form_errors, page_run
from ..errors import NotFound
from . import actions
from . import services as mo
from .forms import ActionForm, MotionForm

bp = Blueprint("motions", __name__, url_prefix="/congresses/<int:cid>")


@bp.route("/motions")
@require("congress.view")
def list_page(cid: int):
    congress = get_congress(db.session, cid)
    motions = [mo.motion_json(m) for m in mo.list_motions(db.session, cid)]
    have = {m["kind"] for m in motions}
    # Standard motions not created yet are shown ready to record (created on first record).
    pending = [{"code": s.code, "title": s.title} for s in mo.standard_motions_for(congress.kind)
               if s.code not in have]
    return render_template("motions/list.html", congress=congress, motions=motions, pending=pending,
                           att=attendance(db.session, congress), form=MotionForm(formdata=None),
                           action=ActionForm())


@bp.route("/motions", methods=["POST"])
@require("motions.record")
def create(cid: int):
    congress = get_congress(db.session, cid)
    form = MotionForm()
    if form.validate_on_submit():
        done, motion = page_run(actions.create_motion, {"congress_id": congress.id, "title": form.title.data},
                                success=lambda m: _("Đã thêm nội dung biểu quyết «%(title)s».", title=m.title))
        if done:
            return redirect(url_for("motions.list_page", cid=cid) + f"#m{motion.id}")
    else:
        flash_form_errors(form)
    return redirect(url_for("motions.list_page", cid=cid))


@bp.route("/motions/standard/<code>/result", methods=["POST"])
@require("motions.record")
def record_standard(cid: int, code: str):
    congress = get_congress(db.session, cid)
    if not ActionForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn; hãy tải lại trang."), "error")
        return redirect(url_for("motions.list_page", cid=cid))
    if code not in {s.code for s in mo.standard_motions_for(congress.kind)}:
        raise NotFound(_("Không có nội dung biểu quyết này."))
    return _record(cid, {"standard_code": code}, anchor="")


@bp.route("/motions/<int:mid>/result", methods=["POST"])
@require("motions.record")
def record(cid: int, mid: int):
    get_congress(db.session, cid)
    mo.get_motion(db.session, mid, cid)
    if not ActionForm().validate_on_submit():
        flash(_("Phiên làm việc đã hết hạn; hãy tải lại trang."), "error")
        return redirect(url_for("motions.list_page", cid=cid) + f"#m{mid}")
    return _record(cid, {"motion_id": mid}, anchor=f"#m{mid}")


def _record(cid: int, which: dict, anchor: str):
    done, motion = page_run(actions.record_result, {
        "congress_id": cid, **which, "agree": request.form.get("agree", "").strip(),
        "disagree": request.form.get("disagree", "").strip() or 0,
        "other": request.form.get("other", "").strip() or 0})
    if done:
        verdict = _("THÔNG QUA") if motion.passed else _("KHÔNG THÔNG QUA")
        flash(_("«%(title)s»: %(agree)s/%(present)s tán thành — %(verdict)s.", title=motion.title,
                agree=motion.agree, present=motion.present_at_vote, verdict=verdict),
              "success" if motion.passed else "warning")
        anchor = anchor or f"#m{motion.id}"
    return redirect(url_for("motions.list_page", cid=cid) + anchor)
