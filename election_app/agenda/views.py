"""Pages of the agenda feature: the programme and its editing, the presidium's run-sheet,
the secretary's notes, the hall display (public, by its link), and the documents for
delegates (uploaded PDFs, downloaded by a signed public link)."""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect,
                   render_template, request, session as flask_session, url_for)
from flask_babel import LazyString, gettext as _
from sqlalchemy import select

from ..auth.models import User
from ..auth.permissions import public, require
from ..congress.services import get_congress, list_sessions
from ..db import db
from ..delegates.services import attendance
from ..elections.models import Election
from ..errors import DomainError, NotFound
from ..motions.models import Motion
from ..door import current_actor, page_run, run
from ..elections import actions as election_actions
from ..motions import actions as motion_actions
from . import actions
from . import appointments as appointment_services
from . import display as display_services
from . import services
from .forms import ActionForm, HandsForm, ItemForm, NotesForm, TemplateForm, UploadForm
from .inputs import APPOINTED_BODY_LABELS
from .presets import KIND_LABELS, SECTION_LABELS, STATUS_LABELS

bp = Blueprint("agenda", __name__)


def _flash_error(err: DomainError) -> None:
    db.session.rollback()
    for item in err.details or [{"message": err.message}]:
        flash(item["message"], "error")


def _labels() -> dict:
    return {"section_labels": SECTION_LABELS, "kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS}


def _motions_and_elections(cid: int) -> tuple[dict, dict]:
    motions = {m.id: m for m in db.session.scalars(
        select(Motion).where(Motion.congress_id == cid).order_by(Motion.position, Motion.id))}
    elections = {e.id: e for e in db.session.scalars(
        select(Election).where(Election.congress_id == cid).order_by(Election.position, Election.id))}
    return motions, elections


# --- the programme -------------------------------------------------------------------

@bp.route("/congresses/<int:cid>/agenda")
@require("congress.view")
def index(cid: int):
    congress = get_congress(db.session, cid)
    items = services.list_items(db.session, cid)
    motions, elections = _motions_and_elections(cid)
    appointed = {a.agenda_item_id: a for a in appointment_services.list_appointments(db.session, cid)}
    return render_template("agenda/index.html", congress=congress, items=items, motions=motions,
                           elections=elections, appointed=appointed, form=ActionForm(),
                           template_form=TemplateForm(),
                           presenter_warning=services.presenter_warning(items), **_labels())


@bp.route("/congresses/<int:cid>/agenda/from-template", methods=["POST"])
@require("agenda.manage")
def from_template(cid: int):
    congress = get_congress(db.session, cid)
    form = TemplateForm()
    if form.validate_on_submit():
        page_run(actions.from_template, {"congress_id": congress.id, "replace": bool(form.replace.data),
                                         "start": form.start.data or "07:30"},
                 success=lambda made: _("Đã tạo chương trình đại hội gồm %(n)s mục từ chương trình mẫu.",
                                        n=len(made)))
    else:
        flash(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), "error")
    return redirect(url_for("agenda.index", cid=cid))


@bp.route("/congresses/<int:cid>/agenda/link", methods=["POST"])
@require("agenda.manage")
def link(cid: int):
    congress = get_congress(db.session, cid)
    if ActionForm().validate_on_submit():
        page_run(actions.link_standard, {"congress_id": congress.id},
                 success=lambda n: _("Đã gắn %(n)s liên kết biểu quyết / bầu cử cho các mục.", n=n) if n else
                 _("Không có liên kết mới nào để gắn."))
    return redirect(url_for("agenda.index", cid=cid))


def _item_form(cid: int, obj=None) -> ItemForm:
    form = ItemForm(obj=obj)
    motions, elections = _motions_and_elections(cid)
    form.motion_id.choices = [(0, _("— Không —"))] + [(m.id, m.title) for m in motions.values()]
    form.election_id.choices = [(0, _("— Không —"))] + [(e.id, e.title) for e in elections.values()]
    if obj is not None and request.method == "GET":
        form.motion_id.data = obj.motion_id or 0
        form.election_id.data = obj.election_id or 0
    return form


@bp.route("/congresses/<int:cid>/agenda/new", methods=["GET", "POST"])
@require("agenda.manage")
def new_item(cid: int):
    congress = get_congress(db.session, cid)
    form = _item_form(cid)
    items = services.list_items(db.session, cid)
    after_id = request.values.get("after", type=int)
    if form.validate_on_submit():
        done, item = page_run(actions.add_item, {"congress_id": congress.id, "data": form.data_dict(),
                                                 "after_id": after_id or None},
                              success=lambda i: _("Đã thêm mục «%(title)s».", title=i.title))
        if done:
            return redirect(url_for("agenda.index", cid=cid) + f"#i{item.id}")
    return render_template("agenda/item_form.html", congress=congress, form=form, item=None,
                           items=items, after_id=after_id)


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/edit", methods=["GET", "POST"])
@require("agenda.manage")
def edit_item(cid: int, iid: int):
    congress = get_congress(db.session, cid)
    item = services.get_item(db.session, cid, iid)
    form = _item_form(cid, obj=item)
    if form.validate_on_submit():
        done, _item = page_run(actions.update_item, {"congress_id": cid, "item_id": iid, "data": form.data_dict()},
                               success=_("Đã lưu mục chương trình."))
        if done:
            return redirect(url_for("agenda.index", cid=cid) + f"#i{item.id}")
    return render_template("agenda/item_form.html", congress=congress, form=form, item=item,
                           items=None, after_id=None)


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/move", methods=["POST"])
@require("agenda.manage")
def move_item(cid: int, iid: int):
    if ActionForm().validate_on_submit():
        page_run(actions.move_item, {"congress_id": cid, "item_id": iid,
                                     "direction": request.form.get("direction", "")})
    return redirect(url_for("agenda.index", cid=cid) + f"#i{iid}")


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/delete", methods=["POST"])
@require("agenda.manage")
def delete_item(cid: int, iid: int):
    if ActionForm().validate_on_submit():
        page_run(actions.delete_item, {"congress_id": cid, "item_id": iid},
                 success=lambda title: _("Đã xoá mục «%(title)s».", title=title))
    return redirect(url_for("agenda.index", cid=cid))


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/motion", methods=["POST"])
@require("agenda.manage")
def create_item_motion(cid: int, iid: int):
    """A show-of-hands vote for this item, made by the motions service and linked."""
    if ActionForm().validate_on_submit():
        page_run(actions.create_item_motion, {"congress_id": cid, "item_id": iid},
                 success=_("Đã tạo biểu quyết cho mục này."))
    return redirect(url_for("agenda.edit_item", cid=cid, iid=iid))


# --- appointments announced at the congress (issue 16.5) ---------------------------------

@bp.route("/congresses/<int:cid>/agenda/<int:iid>/appointment", methods=["GET", "POST"])
@require("agenda.manage")
def appointment(cid: int, iid: int):
    """The decision of the upper union announced at this item (công bố quyết định chỉ định):
    its number, date and issuer, and the people it appoints, one a line."""
    congress = get_congress(db.session, cid)
    item = services.get_item(db.session, cid, iid)
    row = appointment_services.get_appointment(db.session, item)
    form = ActionForm()
    if request.method == "POST":
        values = {k: (request.form.get(k) or "").strip()
                  for k in ("body", "decision_number", "decision_date", "issuer", "people")}
        if form.validate_on_submit():
            done, _row = page_run(actions.record_appointment, {
                "congress_id": cid, "item_id": iid, "body": values["body"],
                "decision_number": values["decision_number"], "decision_date": values["decision_date"],
                "issuer": values["issuer"],
                "people": appointment_services.parse_people_lines(values["people"])},
                success=_("Đã ghi quyết định chỉ định."))
            if done:
                return redirect(url_for("agenda.appointment", cid=cid, iid=iid))
        else:
            flash(_("Phiên làm việc đã hết hạn; hãy tải lại trang."), "error")
    elif row is not None:
        data = appointment_services.appointment_json(row)
        values = {**{k: data[k] or "" for k in ("body", "decision_number", "decision_date", "issuer")},
                  "people": appointment_services.people_lines(data["people"])}
    else:
        values = {"body": "executive_committee", "decision_number": "", "decision_date": "",
                  "issuer": congress.parent_organization or "", "people": ""}
    return render_template("agenda/appointment.html", congress=congress, item=item, row=row, form=form,
                           values=values, body_labels=APPOINTED_BODY_LABELS,
                           people=appointment_services.people_of(row) if row is not None else [],
                           **_labels())


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/appointment/clear", methods=["POST"])
@require("agenda.manage")
def delete_appointment(cid: int, iid: int):
    if ActionForm().validate_on_submit():
        page_run(actions.delete_appointment, {"congress_id": cid, "item_id": iid},
                 success=_("Đã xoá quyết định chỉ định của mục này."))
    return redirect(url_for("agenda.appointment", cid=cid, iid=iid))


# --- the presidium's run-sheet -------------------------------------------------------

@bp.route("/congresses/<int:cid>/run")
@require("congress.view")  # every role sees the run-sheet, with exactly the buttons it may press
def run_sheet(cid: int):
    return _run_sheet_page(cid)


def _run_sheet_page(cid: int, hands_errors: list | None = None, hands_typed=None):
    """The run-sheet; after a refused show of hands, with the refusal beside the form and
    the numbers as they were typed."""
    congress = get_congress(db.session, cid)
    items = services.list_items(db.session, cid)
    current = services.current_item(db.session, congress)
    nxt = services.next_item(db.session, congress=congress)
    att = attendance(db.session, congress)
    motion = db.session.get(Motion, current.motion_id) if current and current.motion_id else None
    election = db.session.get(Election, current.election_id) if current and current.election_id else None
    # The sessions (phiên họp): the run-sheet opens the next one or closes the open one by
    # posting to the sessions page's own routes (the same door actions), then comes back here.
    sessions = list_sessions(db.session, cid)
    upcoming = next((s for s in sessions if s.state == "not_started"), None)
    return render_template("agenda/run.html", congress=congress, items=items, current=current, nxt=nxt,
                           att=att, motion=motion, election=_run_election(election, att),
                           sessions=sessions, upcoming=upcoming,
                           hands=HandsForm(formdata=None), form=ActionForm(), hands_errors=hands_errors or [],
                           hands_typed=hands_typed or {}, **_labels())


def _run_election(election: Election | None, att: dict) -> dict | None:
    if election is None:
        return None
    from ..elections.services import OUTCOME_LABELS, STATUS_LABELS as ROUND_STATUS, current_round, round_result

    rnd = current_round(db.session, election)
    out = {"election": election, "round": rnd, "status_label": ROUND_STATUS.get(rnd.status if rnd else "draft"),
           "result": None, "turnout": None}
    if rnd is not None and rnd.status == "open":
        out["turnout"] = display_services.turnout_count(db.session, rnd)
    if rnd is not None and rnd.status == "closed":
        out["result"] = round_result(db.session, election, rnd)
        out["outcome_label"] = OUTCOME_LABELS.get(out["result"]["outcome"], "")
    return out


@bp.route("/congresses/<int:cid>/run/current", methods=["POST"])
@require("agenda.run")
def set_current(cid: int):
    if ActionForm().validate_on_submit():
        page_run(actions.set_current, {"congress_id": cid, "item_id": request.form.get("item_id", "")},
                 success=lambda item: _("Đang diễn ra: %(title)s.", title=item.title))
    return redirect(url_for("agenda.run_sheet", cid=cid))


@bp.route("/congresses/<int:cid>/run/next", methods=["POST"])
@require("agenda.run")
def advance(cid: int):
    if ActionForm().validate_on_submit():
        expected = request.form.get("current_id", type=int)
        page_run(actions.advance, {"congress_id": cid, "expected_current_id": expected or None},
                 success=lambda item: _("Đang diễn ra: %(title)s.", title=item.title) if item
                 else _("Đã hết chương trình đại hội."))
    return redirect(url_for("agenda.run_sheet", cid=cid))


@bp.route("/congresses/<int:cid>/run/motions/<int:mid>/hands", methods=["POST"])
@require("motions.record")
def record_hands(cid: int, mid: int):
    form = HandsForm()
    if form.validate_on_submit():
        try:
            run(motion_actions.record_result, actor=current_actor("page"),
                cmd={"congress_id": cid, "motion_id": mid, "agree": form.agree.data,
                     "disagree": form.disagree.data or 0, "other": form.other.data or 0})
        except DomainError as err:
            errors = [d["message"] for d in (err.details or []) if d.get("message")] or [err.message]
            status = err.status
        else:
            motion = db.session.get(Motion, mid)
            flash(_("Đã ghi kết quả biểu quyết: %(title)s.", title=motion.title), "success")
            return redirect(url_for("agenda.run_sheet", cid=cid) + "#current")
    else:
        errors = [e if isinstance(e, (str, LazyString)) else _("Biểu mẫu không hợp lệ.")
                  for field_errors in form.errors.values() for e in field_errors]
        status = 400 if "csrf_token" in form.errors else 422
    # Refused: the run-sheet again, the refusal beside the form, the typed numbers kept.
    return _run_sheet_page(cid, hands_errors=errors, hands_typed=request.form), status


def _election_action(cid: int, eid: int, action: str):
    """The run-sheet's round buttons: the very actions of the elections pages."""
    election = db.session.get(Election, eid)
    if ActionForm().validate_on_submit():
        if action == "open":
            page_run(election_actions.open_round, {"congress_id": cid, "election_id": eid},
                     success=lambda rnd: _("Đã mở lần bầu thứ %(n)s: %(title)s.", n=rnd.number, title=election.title))
        else:
            page_run(election_actions.close_round, {"congress_id": cid, "election_id": eid},
                     success=lambda rnd: _("Đã kết thúc lần bầu thứ %(n)s: %(title)s.", n=rnd.number,
                                           title=election.title))
    return redirect(url_for("agenda.run_sheet", cid=cid) + "#current")


@bp.route("/congresses/<int:cid>/run/elections/<int:eid>/open", methods=["POST"])
@require("elections.count")
def open_election_round(cid: int, eid: int):
    return _election_action(cid, eid, "open")


@bp.route("/congresses/<int:cid>/run/elections/<int:eid>/close", methods=["POST"])
@require("elections.count")
def close_election_round(cid: int, eid: int):
    return _election_action(cid, eid, "close")


# --- the secretary's notes -----------------------------------------------------------

def _user_names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: (u.full_name or u.username) for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


@bp.route("/congresses/<int:cid>/notes")
@require("notes.write")
def notes_overview(cid: int):
    congress = get_congress(db.session, cid)
    items = services.list_items(db.session, cid)
    return render_template("agenda/notes_overview.html", congress=congress, items=items,
                           names=_user_names(i.notes_updated_by for i in items), **_labels())


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/notes", methods=["GET", "POST"])
@require("notes.write")
def notes(cid: int, iid: int):
    congress = get_congress(db.session, cid)
    item = services.get_item(db.session, cid, iid)
    form = NotesForm()
    if form.validate_on_submit():
        done, _item = page_run(actions.save_notes, {"congress_id": cid, "item_id": iid,
                                                    "notes": form.notes.data or ""}, success=_("Đã lưu ghi chép."))
        if done:
            return redirect(url_for("agenda.notes", cid=cid, iid=iid))
    elif request.method == "GET":
        form.notes.data = item.notes
    items = services.list_items(db.session, cid)
    idx = next((n for n, i in enumerate(items) if i.id == item.id), 0)
    return render_template("agenda/notes.html", congress=congress, item=item, form=form,
                           prev_item=items[idx - 1] if idx > 0 else None,
                           next_item=items[idx + 1] if idx + 1 < len(items) else None,
                           saved_by=_user_names([item.notes_updated_by]).get(item.notes_updated_by),
                           **_labels())


# --- the hall display ----------------------------------------------------------------

DISPLAY_LINK_KEY = "agenda_display_link"


@bp.route("/congresses/<int:cid>/display")
@require("agenda.run")
def display_settings(cid: int):
    congress = get_congress(db.session, cid)
    link = flask_session.pop(DISPLAY_LINK_KEY, None)
    if link and link.get("cid") != cid:
        link = None
    return render_template("agenda/display_settings.html", congress=congress, form=ActionForm(),
                           link=link["url"] if link else None,
                           has_link=congress.display_token_hash is not None)


def _public_url(path: str) -> str:
    from ..addresses import public_base_url
    return public_base_url() + path


@bp.route("/congresses/<int:cid>/display/issue", methods=["POST"])
@require("agenda.run")
def issue_display(cid: int):
    if ActionForm().validate_on_submit():
        token = run(actions.issue_display, actor=current_actor(),
                    cmd={"congress_id": cid, "secret": current_app.config["SECRET_KEY"]})
        flask_session[DISPLAY_LINK_KEY] = {"cid": cid, "url": _public_url(url_for("agenda.display", token=token))}
        flash(_("Đã cấp liên kết màn hình hội trường mới; liên kết cũ (nếu có) không còn dùng được."), "success")
    return redirect(url_for("agenda.display_settings", cid=cid))


@bp.route("/congresses/<int:cid>/display/revoke", methods=["POST"])
@require("agenda.run")
def revoke_display(cid: int):
    if ActionForm().validate_on_submit():
        page_run(actions.revoke_display, {"congress_id": cid}, success=_("Đã thu hồi liên kết màn hình hội trường."))
    return redirect(url_for("agenda.display_settings", cid=cid))


def _display_congress(token: str):
    try:
        return display_services.congress_for_display(db.session, token=token,
                                                     secret=current_app.config["SECRET_KEY"])
    except NotFound:
        abort(404)


@bp.route("/display/<token>")
@public("the hall display: its random link is the credential (read-only, counts only)")
def display(token: str):
    congress = _display_congress(token)
    state = display_services.display_state(db.session, congress=congress)
    resp = Response(render_template("agenda/display.html", congress=congress, state=state,
                                    state_url=url_for("agenda.display_state", token=token)))
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp


@bp.route("/display/<token>/state.json")
@public("the hall display's state: counts only, no one's name or vote")
def display_state(token: str):
    congress = _display_congress(token)
    state = display_services.display_state(db.session, congress=congress)
    resp = jsonify(state)
    resp.set_etag(state["version"])
    resp.headers["Cache-Control"] = "public, max-age=1"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp.make_conditional(request)


# --- documents for delegates ---------------------------------------------------------

@bp.route("/congresses/<int:cid>/agenda/files")
@require("congress.view")
def files(cid: int):
    congress = get_congress(db.session, cid)
    secret = current_app.config["SECRET_KEY"]
    rows = [{**f, "url": services.file_url(secret, f), "size_label": services.format_size(f["size"])}
            for f in services.list_files(db.session, cid)]
    return render_template("agenda/files.html", congress=congress, form=UploadForm(), files=rows,
                           action_form=ActionForm())


@bp.route("/congresses/<int:cid>/agenda/files/upload", methods=["POST"])
@require("agenda.manage")
def upload_file(cid: int):
    congress = get_congress(db.session, cid)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        page_run(actions.upload_file, {"congress_id": congress.id, "title": form.title.data or "",
                                       "filename": upload.filename or "", "content": upload.read(),
                                       "content_type": upload.mimetype or ""},
                 success=lambda row: _("Đã tải lên «%(title)s».", title=row.title))
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e if isinstance(e, (str, LazyString)) else _("Biểu mẫu không hợp lệ; hãy tải lại trang."), "error")
    return redirect(url_for("agenda.files", cid=cid))


@bp.route("/congresses/<int:cid>/agenda/files/<int:fid>/delete", methods=["POST"])
@require("agenda.manage")
def delete_file(cid: int, fid: int):
    if ActionForm().validate_on_submit():
        page_run(actions.delete_file, {"congress_id": cid, "file_id": fid}, success=_("Đã xoá tài liệu."))
    return redirect(url_for("agenda.files", cid=cid))


@bp.route("/congresses/<int:cid>/files/<int:fid>/<sig>")
@public("documents for delegates: the link is signed with the server's key and names its congress and file")
def download_file(cid: int, fid: int, sig: str):
    try:
        row = services.get_file(db.session, cid, fid)
    except NotFound:
        abort(404)
    if not services.check_file_signature(current_app.config["SECRET_KEY"], row, sig):
        abort(404)
    resp = Response(row.content, mimetype="application/pdf")
    from urllib.parse import quote
    resp.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(row.filename)}"
    resp.headers["Cache-Control"] = "private, max-age=300"
    resp.headers["Content-Security-Policy"] = "sandbox"
    return resp


@bp.route("/congresses/<int:cid>/agenda/phone")
@require("congress.view")
def phone_preview(cid: int):
    """What the delegate's phone shows of the agenda (the partial the voting page includes)."""
    congress = get_congress(db.session, cid)
    return render_template("agenda/phone_preview.html", congress=congress,
                           phone_agenda=services.phone_agenda(db.session, congress))
