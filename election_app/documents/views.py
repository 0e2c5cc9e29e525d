"""Pages of the documents feature: the documents page of a congress, PDF downloads,
background render jobs (progress page, JSON status, download), the resolution wording
editor, and the public seal page that the QR on the count minutes opens."""
from __future__ import annotations

from flask import (Blueprint, abort, flash, jsonify, redirect,
                   render_template, request, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import has_permission, public, require
from ..congress.services import get_congress
from ..db import db
from ..elections import services as el
from ..addresses import public_base_url
from ..door import current_actor, page_run, run
from . import actions as doc_actions
from . import jobs, services
from .web import pdf_response, produce_now
from .forms import ConfirmForm, JobForm, ResolutionForm

bp = Blueprint("documents", __name__)

PDF = "application/pdf"
BIG_ROSTER = 150  # longer rosters: lists are made by a render job, not in the request


@bp.route("/congresses/<int:cid>/documents")
@require("documents.print")
def index(cid: int):
    congress = get_congress(db.session, cid)
    listing = services.documents_index(db.session, congress=congress)
    warnings = services.document_warnings(db.session, congress=congress, base_url=public_base_url())
    card_jobs = jobs.voting_card_jobs(db.session, congress_id=cid) \
        if has_permission(current_user, "delegates.manage") else []
    return render_template("documents/index.html", congress=congress, listing=listing, warnings=warnings,
                           card_jobs=card_jobs,
                           kinds=jobs.KINDS, form=JobForm(), big_roster=BIG_ROSTER,
                           may_issue_links=has_permission(current_user, "delegates.manage"))


@bp.route("/congresses/<int:cid>/documents/<kind>.pdf")
@require("documents.print")
def download(cid: int, kind: str):
    congress = get_congress(db.session, cid)
    if kind not in jobs.KINDS or jobs.KINDS[kind].scope != "congress":
        abort(404)
    params = {"codes": request.args.get("codes")} if kind == "delegate-cards" else {}
    return pdf_response(produce_now(congress, kind, params))


@bp.route("/congresses/<int:cid>/elections/<int:eid>/documents/<kind>.pdf")
@require("documents.print")
def election_download(cid: int, eid: int, kind: str):
    congress = get_congress(db.session, cid)
    el.get_election(db.session, eid, cid)
    if kind not in jobs.KINDS or jobs.KINDS[kind].scope != "election":
        abort(404)
    params = {"election_id": eid, "round": request.args.get("round"), "copies": request.args.get("copies")}
    return pdf_response(produce_now(congress, kind, params))


@bp.route("/congresses/<int:cid>/documents/jobs", methods=["POST"])
@require("documents.print")
def create_job(cid: int):
    congress = get_congress(db.session, cid)
    form = JobForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("documents.index", cid=cid))
    params = {"election_id": form.election_id.data, "round": form.round.data, "copies": form.copies.data,
              "voting_links": form.voting_links.data, "codes": form.codes.data,
              "reissue_links": form.reissue_links.data, "confirm_reissue": form.confirm_reissue.data}
    if form.voting_links.data and not has_permission(current_user, "delegates.manage"):
        abort(403)  # issuing voting links replaces the delegates' credentials
    done, job = page_run(doc_actions.create_job, {"congress_id": congress.id, "kind": form.kind.data,
                                                  "params": params, "base_url": public_base_url()})
    if not done:
        return redirect(url_for("documents.index", cid=cid))
    jobs.start(job)
    return redirect(url_for("documents.job_page", cid=cid, job_id=job.id))


@bp.route("/congresses/<int:cid>/documents/jobs/<job_id>")
@require("documents.print")
def job_page(cid: int, job_id: str):
    congress = get_congress(db.session, cid)
    job = jobs.get_job(db.session, cid, job_id)
    jobs.nudge(job)
    return render_template("documents/job.html", congress=congress, job=jobs.job_json(job))


@bp.route("/congresses/<int:cid>/documents/jobs/<job_id>.json")
@require("documents.print")
def job_status(cid: int, job_id: str):
    job = jobs.get_job(db.session, cid, job_id)
    jobs.nudge(job)
    data = jobs.job_json(job)
    data["download_url"] = url_for("documents.job_download", cid=cid, job_id=job_id)
    return jsonify(data)


@bp.route("/congresses/<int:cid>/documents/jobs/<job_id>/download")
@require("documents.print")
def job_download(cid: int, job_id: str):
    produced = run(doc_actions.take_result, actor=current_actor(), cmd={"congress_id": cid, "job_id": job_id})
    return pdf_response(produced, download=True)


@bp.route("/congresses/<int:cid>/documents/resolution-text", methods=["GET", "POST"])
@require("documents.edit")
def resolution_text(cid: int):
    congress = get_congress(db.session, cid)
    form = ResolutionForm()
    if request.method == "GET":
        form.text.data = services.resolution_text(db.session, congress=congress)
    elif form.validate_on_submit():
        done, _result = page_run(doc_actions.save_resolution, {"congress_id": cid, "text": form.text.data or ""},
                                 success=_("Đã lưu nội dung nghị quyết."))
        if done:
            return redirect(url_for("documents.resolution_text", cid=cid))
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return render_template("documents/resolution_edit.html", congress=congress, form=form,
                           reset_form=ConfirmForm(), edited=congress.resolution_text is not None)


@bp.route("/congresses/<int:cid>/documents/resolution-text/reset", methods=["POST"])
@require("documents.edit")
def resolution_reset(cid: int):
    congress = get_congress(db.session, cid)
    if ConfirmForm().validate_on_submit():
        page_run(doc_actions.reset_resolution, {"congress_id": congress.id},
                 success=_("Đã khôi phục nội dung nghị quyết theo mẫu."))
    return redirect(url_for("documents.resolution_text", cid=cid))


@bp.route("/seal/<int:round_id>/<seal>")
@public("the QR on the printed count minutes: anyone holding the paper checks the seal and counts")
def seal_page(round_id: int, seal: str):
    data = services.seal_page_data(db.session, round_id=round_id, seal=seal)
    return render_template("documents/seal.html", seal=data)


@bp.route("/congresses/<int:cid>/documents/absences", methods=["GET", "POST"])
@require("checkin")
def absences(cid: int):
    """Lý do vắng mặt: the secretary or the organizer records why each absent delegate is
    absent (RULES §2); the credentials report and the minutes print it."""
    from ..door import page_run
    from .actions import record_absence_reasons
    congress = get_congress(db.session, cid)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("Phiên làm việc đã hết hạn, vui lòng thử lại."), "error")
            return redirect(url_for("documents.absences", cid=cid))
        reasons = {key[len("reason_"):]: value for key, value in request.form.items() if key.startswith("reason_")}
        page_run(record_absence_reasons, {"congress_id": cid, "reasons": reasons},
                 success=lambda n: _("Đã lưu lý do vắng mặt (%(n)s thay đổi).", n=n))
        return redirect(url_for("documents.absences", cid=cid))
    people = services.absent_people(db.session, congress=congress)
    return render_template("documents/absences.html", congress=congress, people=people, form=form)
