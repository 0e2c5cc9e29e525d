"""Pages of the roll: list, add/edit, import/export, credentials, check-in, attendance."""
from __future__ import annotations

from flask import (Blueprint, Response, current_app, flash, jsonify, redirect,
                   render_template, request, url_for)
from flask_babel import gettext as _

from ..auth.permissions import require
from ..congress.models import OFFICIAL_ROLES
from ..congress.services import get_congress, list_sessions, officials
from ..congress.views import bp as congress_bp
from ..db import db
from ..door import current_actor, flash_form_errors, page_run, run
from ..errors import DomainError, NotFound
from ..imports import FIELD_LABELS as IMPORT_FIELD_LABELS, Limits, legacy
from ..imports import services as imports_services
from . import actions, idcard, importer
from .forms import CheckInForm, CredentialForm, DelegateForm, ImportForm, MappingForm, PromoteForm
from .models import CATEGORY_LABELS, Delegate
from .qr import parse_checkin_payload
from .services import (FIELD_LABELS, attendance, find_by_code, get_delegate, is_summoned, list_delegates,
                       match_id_card, search_door)

bp = Blueprint("delegates", __name__, url_prefix="/congresses/<int:cid>")


@bp.record_once
def _install(state) -> None:
    idcard.install_log_redaction()   # a citizen ID number never reaches a log line

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/delegates")
@require("congress.view")
def roll(cid: int):
    congress = get_congress(db.session, cid)
    q = request.args.get("q", "")
    delegates = list_delegates(db.session, cid, query=q)
    return render_template("delegates/roll.html", congress=congress, delegates=delegates, q=q,
                           att=attendance(db.session, congress), is_summoned=is_summoned)


@bp.route("/delegates/new", methods=["GET", "POST"])
@require("delegates.manage")
def add_delegate(cid: int):
    congress = get_congress(db.session, cid)
    form = DelegateForm()
    if form.validate_on_submit():
        done, made = page_run(actions.add_delegates, {"congress_id": cid, "rows": [form.data_dict()]},
                              success=lambda made: _("Đã thêm %(name)s (số thẻ %(code)s).",
                                                     name=made[0].full_name, code=made[0].code))
        if done:
            return redirect(url_for("delegates.add_delegate", cid=cid) if "again" in request.form
                            else url_for("delegates.roll", cid=cid))
    return render_template("delegates/form.html", congress=congress, form=form, delegate=None)


@bp.route("/delegates/<int:did>/edit", methods=["GET", "POST"])
@require("delegates.manage")
def edit_delegate(cid: int, did: int):
    congress = get_congress(db.session, cid)
    delegate = get_delegate(db.session, cid, did)
    form = DelegateForm(obj=delegate)
    if request.method == "GET":
        form.gender.data = delegate.gender or ""
    if form.validate_on_submit():
        done, _result = page_run(actions.update_delegate, {"congress_id": cid, "delegate_id": did,
                                                           "data": form.data_dict()}, success=_("Đã lưu."))
        if done:
            return redirect(url_for("delegates.roll", cid=cid))
    return render_template("delegates/form.html", congress=congress, form=form, delegate=delegate)


def _import_limits():
    return Limits(max_rows=current_app.config["IMPORT_MAX_ROWS"],
                  max_bytes=current_app.config.get("IMPORT_MAX_BYTES", Limits.max_bytes))


def _remembered(signature: str):
    return imports_services.remembered_mapping(db.session, kind="roll", signature=signature)


@bp.route("/delegates/import", methods=["GET", "POST"])
@require("delegates.manage")
def import_roll(cid: int):
    """Step 1: the file. A list whose every column is recognised for sure (the template, our
    export, the usual headers) is imported at once; otherwise the mapping step comes next."""
    congress = get_congress(db.session, cid)
    form = ImportForm()
    problems: list[dict] = []
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(_import_limits().max_bytes + 1)
        reading = None
        try:
            reading, rows = importer.read_roll(upload.filename, data, limits=_import_limits(),
                                               remembered=_remembered)
            if reading.needs_confirmation:
                kept = run(actions.keep_roll_upload, actor=current_actor(),
                           cmd={"congress_id": cid, "filename": upload.filename or "", "data": data})
                return redirect(url_for("delegates.import_mapping", cid=cid, uid=kept.id))
            created = run(actions.add_delegates, actor=current_actor(),
                          cmd={"congress_id": congress.id, "rows": rows, "row_offset": 2, "source": "file"})
            flash(_("Đã nhập %(n)s người vào danh sách.", n=len(created)), "success")
            for w in reading.warnings:
                flash(w, "warning")
            return redirect(url_for("delegates.roll", cid=cid))
        except DomainError as err:
            flash(err.message, "error")
            problems = importer.with_columns(reading, err.details)
    return render_template("delegates/import.html", congress=congress, form=form, problems=problems,
                           labels=FIELD_LABELS)


@bp.route("/delegates/import/<uid>", methods=["GET", "POST"])
@require("delegates.manage")
def import_mapping(cid: int, uid: str):
    """Step 2: the preview with each column's guessed meaning and the encoding, which the
    organizer may change; «Nhập» imports all or nothing and remembers the columns chosen."""
    congress = get_congress(db.session, cid)
    upload = imports_services.get_upload(db.session, congress_id=cid, upload_id=uid, kind="roll")
    form = MappingForm()
    encoding = request.values.get("encoding") or None
    mapping = None
    if request.method == "POST":
        n = int(request.form.get("columns", "0") or 0) if (request.form.get("columns") or "").isdigit() else 0
        mapping = [request.form.get(f"col_{i}", "_ignore") for i in range(min(n, 200))] or None
    problems: list[dict] = []
    reading = None
    try:
        reading, rows = importer.read_roll(upload.filename, upload.data, limits=_import_limits(),
                                           encoding=encoding, mapping=mapping, remembered=_remembered)
        if request.method == "POST" and request.form.get("action") == "import" and form.validate_on_submit():
            created = run(actions.import_roll_file, actor=current_actor(), cmd={
                "congress_id": congress.id, "upload_id": upload.id, "rows": rows, "encoding": reading.encoding,
                "signature": reading.layout.signature, "fields": [c.field for c in reading.layout.columns]})
            flash(_("Đã nhập %(n)s người vào danh sách.", n=len(created)), "success")
            for w in reading.warnings:
                flash(w, "warning")
            return redirect(url_for("delegates.roll", cid=cid))
    except DomainError as err:
        flash(err.message, "error")
        problems = importer.with_columns(reading, err.details)
    if reading is None:
        reading = _fallback_reading(upload, encoding)
    return render_template("delegates/import_mapping.html", congress=congress, form=form, upload=upload,
                           reading=reading, problems=problems, labels=FIELD_LABELS,
                           field_labels=IMPORT_FIELD_LABELS, encodings=legacy.LABELS, categories=CATEGORY_LABELS)


def _fallback_reading(upload, encoding):
    """The reading without the organizer's mapping, else with the detected encoding (when their
    choice left no name column, or no header can be read in the encoding they picked)."""
    for enc in (encoding, None):
        try:
            reading, _rows = importer.read_roll(upload.filename, upload.data, limits=_import_limits(), encoding=enc)
            return reading
        except DomainError:
            continue
    return None


@bp.route("/delegates/template.xlsx")
@require("congress.view")
def import_template(cid: int):
    get_congress(db.session, cid)
    return Response(importer.template_xlsx(), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=mau-danh-sach-dai-bieu.xlsx"})


@bp.route("/delegates/export.xlsx")
@require("congress.view")
def export_roll(cid: int):
    get_congress(db.session, cid)
    delegates = list_delegates(db.session, cid)
    data = importer.export_xlsx(delegates, lambda d: "Có mặt" if d.checked_in_at else "Vắng")
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=danh-sach-dai-bieu.xlsx"})


@bp.route("/credentials", methods=["GET"])
@require("congress.view")
def credentials(cid: int):
    congress = get_congress(db.session, cid)
    delegates = list_delegates(db.session, cid)
    promote = PromoteForm()
    promote.alternate_id.choices = [(d.id, f"{d.code} – {d.full_name}") for d in delegates
                                    if d.category == "alternate" and d.promoted_at is None]
    promote.replaces_id.choices = [(d.id, f"{d.code} – {d.full_name}") for d in delegates
                                   if d.category in ("official", "ex_officio", "appointed")
                                   and not d.is_replaced and d.checked_in_at is None]
    from .report import credentials_summary
    return render_template("delegates/credentials.html", congress=congress, delegates=delegates,
                           form=CredentialForm(), promote=promote,
                           summary=credentials_summary(db.session, congress))


@bp.route("/delegates/<int:did>/credentials", methods=["POST"])
@require("credentials.decide")
def decide(cid: int, did: int):
    form = CredentialForm()
    if form.validate_on_submit():
        page_run(actions.decide_credentials, {"congress_id": cid, "delegate_id": did,
                                              "status": form.status.data, "reason": form.reason.data or ""},
                 success=lambda d: f"{d.full_name}: {_(d.credential_label)}.")
    else:
        flash_form_errors(form)
    return redirect(url_for("delegates.credentials", cid=cid) + f"#d{did}")


@bp.route("/credentials/accept-pending", methods=["POST"])
@require("credentials.decide")
def accept_pending(cid: int):
    """The congress voted the credentials report: everyone still pending is recognised at
    once; one-by-one decisions stay for the exceptions."""
    # CSRFProtect has checked the token of this POST before the view runs.
    page_run(actions.accept_pending, {"congress_id": cid},
             success=lambda n: _("Đã công nhận tư cách %(n)s đại biểu.", n=n))
    return redirect(url_for("delegates.credentials", cid=cid))


@bp.route("/credentials/promote", methods=["POST"])
@require("credentials.decide")
def promote(cid: int):
    form = PromoteForm()
    form.alternate_id.choices = form.replaces_id.choices = None
    page_run(actions.promote_alternate,
             {"congress_id": cid, "alternate_id": request.form.get("alternate_id", ""),
              "replaces_id": request.form.get("replaces_id", ""), "reason": request.form.get("reason", "")},
             success=lambda pair: _("%(alternate)s thay cho %(replaces)s.", alternate=pair[0].full_name,
                                    replaces=pair[1].full_name))
    return redirect(url_for("delegates.credentials", cid=cid))


# --- the door ------------------------------------------------------------------------

DOOR_SEARCH_LIMIT = 20


def _door_page(congress, q: str = "", card_match=None, status: int = 200):
    matches, total = search_door(db.session, congress.id, q, limit=DOOR_SEARCH_LIMIT) if q else ([], 0)
    return render_template("delegates/checkin.html", congress=congress, form=CheckInForm(), q=q,
                           matches=matches, total=total, card_match=card_match,
                           att=attendance(db.session, congress)), status


@bp.route("/checkin", methods=["GET"])
@require("checkin")
def checkin_page(cid: int):
    congress = get_congress(db.session, cid)
    q = request.args.get("q", "")
    if idcard.looks_like_id_card(q):
        # An ID card scanned into the search box: checked in as a scan; never searched (its
        # text would stay in the address bar and the browser's history).
        return redirect(url_for("delegates.checkin_page", cid=cid))
    return _door_page(congress, q)


def _resolve(cid: int, value: str) -> Delegate:
    value = (value or "").strip()
    if value.startswith("DHCD"):
        parsed = parse_checkin_payload(current_app.config["SECRET_KEY"], value)
        if parsed is None:
            raise NotFound(_("Mã QR không hợp lệ (không phải thẻ đại biểu do hệ thống in)."))
        qcid, code = parsed
        if qcid != cid:
            raise NotFound(_("Thẻ này thuộc một đại hội khác."))
        return find_by_code(db.session, cid, code)
    return find_by_code(db.session, cid, value)


def _choice_json(d: Delegate) -> dict:
    return {"id": d.id, "code": d.code, "full_name": d.full_name, "unit": d.unit,
            "birth_year": d.birth_year, "checked_in": d.checked_in_at is not None}


@bp.route("/checkin", methods=["POST"])
@require("checkin")
def do_checkin(cid: int):
    """Form post (no JavaScript) or fetch from the scanner (Accept: application/json).
    The code is a card number, the card's signed QR, or a citizen ID card's QR (CCCD)."""
    congress = get_congress(db.session, cid)
    wants_json = request.accept_mimetypes.best == "application/json"
    form = CheckInForm()
    try:
        if not form.validate_on_submit():
            raise NotFound(_("Thiếu số thẻ hoặc phiên làm việc đã hết hạn; hãy tải lại trang."))
        raw_code = form.code.data or ""
        if request.form.get("delegate_id"):
            raw = request.form["delegate_id"].strip()
            if not raw.isdigit():
                raise NotFound(_("Không tìm thấy đại biểu."))
            delegate = get_delegate(db.session, cid, int(raw))
            # a person picked among those an ID card matched
            method = "id_card" if request.form.get("method") == "id_card" else "manual"
        elif idcard.looks_like_id_card(raw_code):
            card = idcard.parse_id_card(raw_code)
            if card is None:
                raise NotFound(_("Mã quét được không đọc được như căn cước công dân. Hãy quét lại, "
                                 "hoặc tìm theo tên."))
            found = match_id_card(db.session, cid, card)
            del card, raw_code                     # nothing of the card outlives the lookup
            if found.delegate is None:
                db.session.rollback()
                if wants_json:
                    return jsonify({"ok": False, "id_card": True, "message": found.message,
                                    "choices": [_choice_json(d) for d in found.choices]}), (
                        409 if found.choices else 404)
                flash(found.message, "warning" if found.choices else "error")
                return _door_page(congress, card_match=found, status=409 if found.choices else 404)
            delegate, method = found.delegate, "id_card"
        else:
            delegate = _resolve(cid, raw_code)
            method = "qr" if raw_code.strip().startswith("DHCD") else "card"
        result = run(actions.check_in, actor=current_actor(),
                     cmd={"congress_id": cid, "delegate_id": delegate.id, "method": method})
        payload = {"ok": True, "already": result.already, "warning": result.warning,
                   "delegate": {"id": delegate.id, "code": delegate.code, "full_name": delegate.full_name,
                                "unit": delegate.unit},
                   "attendance": attendance(db.session, congress)}
        message = (result.warning if result.already else
                   _("Đã điểm danh: %(name)s (%(code)s).", name=delegate.full_name, code=delegate.code)
                   + (f" {result.warning}" if result.warning else ""))
        payload["message"] = message
        if wants_json:
            return jsonify(payload)
        flash(message, "warning" if result.already or result.warning else "success")
        if not result.already:  # undo offers to take back this scan, not an earlier one
            flash(f"__undo__:{delegate.id}", "undo")
    except DomainError as err:
        db.session.rollback()  # a lookup that failed before the door
        if wants_json:
            return jsonify({"ok": False, "message": err.message}), err.status
        flash(err.message, "error")
    return redirect(url_for("delegates.checkin_page", cid=cid))


@bp.route("/delegates/<int:did>/undo-checkin", methods=["POST"])
@require("checkin")
def undo(cid: int, did: int):
    congress = get_congress(db.session, cid)
    delegate = get_delegate(db.session, cid, did)
    try:
        run(actions.undo_check_in, actor=current_actor(), cmd={"congress_id": cid, "delegate_id": did})
        message = _("Đã huỷ điểm danh của %(name)s.", name=delegate.full_name)
        ok = True
    except DomainError as err:
        message, ok = err.message, False
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": ok, "message": message, "attendance": attendance(db.session, congress)})
    flash(message, "success" if ok else "error")
    back = request.referrer or ""
    if not back.startswith(request.host_url):  # only ever back to a page of this site
        back = url_for("delegates.checkin_page", cid=cid)
    return redirect(back)


@bp.route("/attendance")
@require("attendance.view")
def attendance_panel(cid: int):
    congress = get_congress(db.session, cid)
    return render_template("delegates/attendance.html", congress=congress, att=attendance(db.session, congress))


@bp.route("/attendance.json")
@require("attendance.view")
def attendance_json(cid: int):
    congress = get_congress(db.session, cid)
    resp = jsonify(attendance(db.session, congress))
    resp.headers["Cache-Control"] = "no-store"
    return resp


# The congress's dashboard shows the live attendance, so it is composed here, above both
# packages, on the congress blueprint (endpoint ``congress.dashboard``).
@congress_bp.route("/congresses/<int:cid>")
@require("congress.view")
def dashboard(cid: int):
    congress = get_congress(db.session, cid)
    bodies = {role: officials(db.session, cid, role) for role in OFFICIAL_ROLES}
    sessions = list_sessions(db.session, cid)
    upcoming = next((s for s in sessions if s.state == "not_started"), None)
    return render_template("congress/dashboard.html", congress=congress,
                           att=attendance(db.session, congress), bodies=bodies,
                           official_roles=OFFICIAL_ROLES, sessions=sessions, upcoming=upcoming)
