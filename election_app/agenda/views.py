"""Pages of the agenda feature: the programme and its editing, the presidium's run-sheet,
the secretary's notes, the hall display (public, by its link), and the documents for
delegates (uploaded PDFs, downloaded by a signed public link)."""
from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, flash, jsonify, redirect,
                   render_template, request, session as flask_session, url_for)
from flask_babel import LazyString, gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..auth.models import User
from ..auth.permissions import public, require
from ..congress.services import get_congress
from ..db import db
from ..delegates.services import attendance
from ..elections.models import Election
from ..errors import DomainError, NotFound
from ..motions.models import Motion
from . import display as display_services
from . import services
from .forms import ActionForm, HandsForm, ItemForm, NotesForm, TemplateForm, UploadForm
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
    return render_template("agenda/index.html", congress=congress, items=items, motions=motions,
                           elections=elections, form=ActionForm(), template_form=TemplateForm(),
                           **_labels())


@bp.route("/congresses/<int:cid>/agenda/from-template", methods=["POST"])
@require("agenda.manage")
def from_template(cid: int):
    congress = get_congress(db.session, cid)
    form = TemplateForm()
    if form.validate_on_submit():
        try:
            made = services.create_agenda_from_template(db.session, congress=congress,
                                                        replace=bool(form.replace.data),
                                                        start=form.start.data or "07:30")
            db.session.commit()
            flash(_("Đã tạo chương trình đại hội gồm %(n)s mục từ chương trình mẫu.", n=len(made)), "success")
        except DomainError as err:
            _flash_error(err)
    else:
        flash(_("Biểu mẫu không hợp lệ; hãy tải lại trang."), "error")
    return redirect(url_for("agenda.index", cid=cid))


@bp.route("/congresses/<int:cid>/agenda/link", methods=["POST"])
@require("agenda.manage")
def link(cid: int):
    congress = get_congress(db.session, cid)
    if ActionForm().validate_on_submit():
        try:
            n = services.link_standard_items(db.session, congress=congress)
            db.session.commit()
            flash(_("Đã gắn %(n)s liên kết biểu quyết / bầu cử cho các mục.", n=n) if n else
                  _("Không có liên kết mới nào để gắn."), "success")
        except DomainError as err:
            _flash_error(err)
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
        try:
            after = services.get_item(db.session, cid, after_id) if after_id else None
            item = services.add_item(db.session, congress=congress, data=form.data_dict(), after=after)
            db.session.commit()
            flash(_("Đã thêm mục «%(title)s».", title=item.title), "success")
            return redirect(url_for("agenda.index", cid=cid) + f"#i{item.id}")
        except DomainError as err:
            _flash_error(err)
    return render_template("agenda/item_form.html", congress=congress, form=form, item=None,
                           items=items, after_id=after_id)


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/edit", methods=["GET", "POST"])
@require("agenda.manage")
def edit_item(cid: int, iid: int):
    congress = get_congress(db.session, cid)
    item = services.get_item(db.session, cid, iid)
    form = _item_form(cid, obj=item)
    if form.validate_on_submit():
        try:
            services.update_item(db.session, item=item, data=form.data_dict())
            db.session.commit()
            flash(_("Đã lưu mục chương trình."), "success")
            return redirect(url_for("agenda.index", cid=cid) + f"#i{item.id}")
        except DomainError as err:
            _flash_error(err)
    return render_template("agenda/item_form.html", congress=congress, form=form, item=item,
                           items=None, after_id=None)


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/move", methods=["POST"])
@require("agenda.manage")
def move_item(cid: int, iid: int):
    item = services.get_item(db.session, cid, iid)
    if ActionForm().validate_on_submit():
        try:
            services.move_item(db.session, item=item, direction=request.form.get("direction", ""))
            db.session.commit()
        except DomainError as err:
            _flash_error(err)
    return redirect(url_for("agenda.index", cid=cid) + f"#i{iid}")


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/delete", methods=["POST"])
@require("agenda.manage")
def delete_item(cid: int, iid: int):
    item = services.get_item(db.session, cid, iid)
    if ActionForm().validate_on_submit():
        title = item.title
        try:
            services.delete_item(db.session, item=item)
            db.session.commit()
            flash(_("Đã xoá mục «%(title)s».", title=title), "success")
        except DomainError as err:
            _flash_error(err)
    return redirect(url_for("agenda.index", cid=cid))


@bp.route("/congresses/<int:cid>/agenda/<int:iid>/motion", methods=["POST"])
@require("agenda.manage")
def create_item_motion(cid: int, iid: int):
    """A show-of-hands vote for this item, made by the motions service and linked."""
    from ..motions.services import create_motion

    congress = get_congress(db.session, cid)
    item = services.get_item(db.session, cid, iid)
    if ActionForm().validate_on_submit():
        try:
            motion = create_motion(db.session, congress=congress, title=item.title)
            services.update_item(db.session, item=item, data={"motion_id": motion.id, "kind": "motion"})
            db.session.commit()
            flash(_("Đã tạo biểu quyết cho mục này."), "success")
        except DomainError as err:
            _flash_error(err)
    return redirect(url_for("agenda.edit_item", cid=cid, iid=iid))


# --- the presidium's run-sheet -------------------------------------------------------

@bp.route("/congresses/<int:cid>/run")
@require("agenda.run")
def run_sheet(cid: int):
    congress = get_congress(db.session, cid)
    items = services.list_items(db.session, cid)
    current = services.current_item(db.session, congress)
    nxt = services.next_item(db.session, congress=congress)
    att = attendance(db.session, congress)
    motion = db.session.get(Motion, current.motion_id) if current and current.motion_id else None
    election = db.session.get(Election, current.election_id) if current and current.election_id else None
    return render_template("agenda/run.html", congress=congress, items=items, current=current, nxt=nxt,
                           att=att, motion=motion, election=_run_election(election, att),
                           hands=HandsForm(formdata=None), form=ActionForm(), **_labels())


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
    congress = get_congress(db.session, cid)
    if ActionForm().validate_on_submit():
        try:
            item = services.get_item(db.session, cid, request.form.get("item_id", type=int) or 0)
            services.set_current_item(db.session, congress=congress, item=item)
            db.session.commit()
            flash(_("Đang diễn ra: %(title)s.", title=item.title), "success")
        except DomainError as err:
            _flash_error(err)
    return redirect(url_for("agenda.run_sheet", cid=cid))


@bp.route("/congresses/<int:cid>/run/next", methods=["POST"])
@require("agenda.run")
def advance(cid: int):
    congress = get_congress(db.session, cid)
    if ActionForm().validate_on_submit():
        try:
            expected = request.form.get("current_id", type=int)
            item = services.advance_item(db.session, congress=congress,
                                         expected_current_id=expected if "current_id" in request.form else None)
            db.session.commit()
            flash(_("Đang diễn ra: %(title)s.", title=item.title) if item else _("Đã hết chương trình đại hội."), "success")
        except DomainError as err:
            _flash_error(err)
    return redirect(url_for("agenda.run_sheet", cid=cid))


@bp.route("/congresses/<int:cid>/run/motions/<int:mid>/hands", methods=["POST"])
@require("motions.record")
def record_hands(cid: int, mid: int):
    from ..motions.services import record_motion_result

    get_congress(db.session, cid)
    motion = db.session.get(Motion, mid)
    if motion is None or motion.congress_id != cid:
        raise NotFound(_("Không tìm thấy biểu quyết."))
    form = HandsForm()
    if form.validate_on_submit():
        try:
            record_motion_result(db.session, motion=motion, agree=form.agree.data,
                                 disagree=form.disagree.data or 0, other=form.other.data or 0,
                                 user_id=current_user.id)
            db.session.commit()
            flash(_("Đã ghi kết quả biểu quyết: %(title)s.", title=motion.title), "success")
        except DomainError as err:
            _flash_error(err)
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e if isinstance(e, (str, LazyString)) else _("Biểu mẫu không hợp lệ."), "error")
    return redirect(url_for("agenda.run_sheet", cid=cid) + "#current")


def _election_action(cid: int, eid: int, action: str):
    from ..elections import services as election_services

    get_congress(db.session, cid)
    election = db.session.get(Election, eid)
    if election is None or election.congress_id != cid:
        raise NotFound(_("Không tìm thấy cuộc bầu cử."))
    if ActionForm().validate_on_submit():
        try:
            if action == "open":
                rnd = election_services.open_round(db.session, election=election)
                message = _("Đã mở lần bầu thứ %(n)s: %(title)s.", n=rnd.number, title=election.title)
            else:
                rnd = election_services.close_round(db.session, election=election)
                message = _("Đã kết thúc lần bầu thứ %(n)s: %(title)s.", n=rnd.number, title=election.title)
            db.session.commit()
            flash(message, "success")
        except DomainError as err:
            _flash_error(err)
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
        try:
            services.save_notes(db.session, item=item, notes=form.notes.data or "", user_id=current_user.id)
            db.session.commit()
            flash(_("Đã lưu ghi chép."), "success")
            return redirect(url_for("agenda.notes", cid=cid, iid=iid))
        except DomainError as err:
            _flash_error(err)
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
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")
    return base + path


@bp.route("/congresses/<int:cid>/display/issue", methods=["POST"])
@require("agenda.run")
def issue_display(cid: int):
    congress = get_congress(db.session, cid)
    if ActionForm().validate_on_submit():
        token = display_services.issue_display_token(db.session, congress=congress,
                                                     secret=current_app.config["SECRET_KEY"])
        db.session.commit()
        flask_session[DISPLAY_LINK_KEY] = {"cid": cid, "url": _public_url(url_for("agenda.display", token=token))}
        flash(_("Đã cấp liên kết màn hình hội trường mới; liên kết cũ (nếu có) không còn dùng được."), "success")
    return redirect(url_for("agenda.display_settings", cid=cid))


@bp.route("/congresses/<int:cid>/display/revoke", methods=["POST"])
@require("agenda.run")
def revoke_display(cid: int):
    congress = get_congress(db.session, cid)
    if ActionForm().validate_on_submit():
        display_services.revoke_display_token(db.session, congress=congress)
        db.session.commit()
        flash(_("Đã thu hồi liên kết màn hình hội trường."), "success")
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
        try:
            row = services.upload_file(db.session, congress=congress, title=form.title.data or "",
                                       filename=upload.filename or "", content=upload.read(),
                                       content_type=upload.mimetype or "")
            db.session.commit()
            flash(_("Đã tải lên «%(title)s».", title=row.title), "success")
        except DomainError as err:
            _flash_error(err)
    else:
        for errors in form.errors.values():
            for e in errors:
                flash(e if isinstance(e, (str, LazyString)) else _("Biểu mẫu không hợp lệ; hãy tải lại trang."), "error")
    return redirect(url_for("agenda.files", cid=cid))


@bp.route("/congresses/<int:cid>/agenda/files/<int:fid>/delete", methods=["POST"])
@require("agenda.manage")
def delete_file(cid: int, fid: int):
    congress = get_congress(db.session, cid)
    if ActionForm().validate_on_submit():
        try:
            services.delete_file(db.session, congress=congress, file_id=fid)
            db.session.commit()
            flash(_("Đã xoá tài liệu."), "success")
        except DomainError as err:
            _flash_error(err)
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
