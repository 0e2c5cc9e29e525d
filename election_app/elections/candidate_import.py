"""Pages: the candidate list of a new election from a file (issue 15 §3–4), read like the roll.

A file whose every column is recognised for sure, in Unicode, makes the election at once. Any
other (a column not sure, or text typed in TCVN3/VNI) waits in the database and the organizer
sees the mapping step: the encoding found (confirmed or changed), each column's guessed
meaning (changeable) and the first people as they will be listed, with the election's own
fields still editable; «Tạo cuộc bầu cử» creates the election with the whole list or nothing,
and the columns chosen are remembered for the next file of the same shape. A bad cell names
its sheet row and column."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from ..auth.permissions import require
from ..congress.services import get_congress
from ..db import db
from ..delegates.services import list_delegates
from ..door import current_actor, flash_error, flash_form_errors, run
from ..errors import DomainError, ValidationFailed
from ..imports import FIELD_LABELS, Limits, legacy
from ..imports import services as imports_services
from ..imports.candidates import MAX_CANDIDATES, candidate_rows, read_candidates, sheet_problems
from ..rules import duplicate_key
from . import actions
from .forms import ElectionForm, parse_outside_lines
from .models import NOMINATION_LABELS
from .views import bp

PROBLEM_LABELS = {**FIELD_LABELS, "birth_year": "Năm sinh", "candidates": "Danh sách bầu cử",
                  "seats": "Số lượng bầu", "title": "Tên cuộc bầu cử", "delegate_id": "Đại biểu"}


def _limits() -> Limits:
    return Limits(max_rows=MAX_CANDIDATES, max_bytes=current_app.config.get("IMPORT_MAX_BYTES", Limits.max_bytes))


def _remembered(signature: str):
    return imports_services.remembered_mapping(db.session, kind="candidates", signature=signature)


def _picked() -> tuple[list[int], set[int]]:
    picked = sorted({int(x) for x in request.form.getlist("delegate_id") if x.isdigit()})
    return picked, {int(x) for x in request.form.getlist("self_id") if x.isdigit()}


def _with_file(cid: int, rows: list[dict], form) -> tuple[list[dict], int, list[int]]:
    """(every candidate: the ones picked or typed, then the file's; the position of the
    file's first; the sheet row of each of the file's)."""
    picked, self_ids = _picked()
    base = [{"delegate_id": did, "nomination": "self" if did in self_ids else "nominated"} for did in picked]
    base += parse_outside_lines(form.outside.data or "")
    from_file, lines = candidate_rows(rows, list_delegates(db.session, cid))
    taken = {c.get("delegate_id") for c in base}
    kept = [(c, line) for c, line in zip(from_file, lines)
            if c.get("delegate_id") is None or c["delegate_id"] not in taken]
    return base + [c for c, _ in kept], len(base) + 1, [line for _, line in kept]


def _created(cid: int, election, warnings, reading, n: int):
    flash(gettext("Đã tạo «%(title)s» với %(n)s người trong danh sách.", title=election.title, n=n), "success")
    for w in [*warnings, *reading.warnings]:
        flash(w, "warning")
    return redirect(url_for("elections.detail", cid=cid, eid=election.id))


def from_new_form(congress, form):
    """The new-election form came with a file: create at once, or show the mapping step.
    None after flashing the problems (the form is shown again)."""
    upload = form.candidates_file.data
    data = upload.read(_limits().max_bytes + 1)
    reading, first, lines = None, 0, []
    try:
        reading, rows = read_candidates(upload.filename or "", data, limits=_limits(), remembered=_remembered)
        if reading.needs_confirmation:
            kept = run(actions.keep_candidate_upload, actor=current_actor(),
                       cmd={"congress_id": congress.id, "filename": upload.filename or "", "data": data})
            return _mapping_page(congress, form, kept, reading, [])
        candidates, first, lines = _with_file(congress.id, rows, form)
        election, warnings = run(actions.create_election, actor=current_actor(), cmd={
            "congress_id": congress.id, "title": form.title.data, "body": form.body.data,
            "seats": form.seats.data, "candidates": candidates, "entry_teams": form.entry_teams.data,
            "ballot_type": form.ballot_type.data})
        return _created(congress.id, election, warnings, reading, len(candidates))
    except DomainError as err:
        db.session.rollback()
        if isinstance(err, ValidationFailed) and lines:
            err.details = sheet_problems(err.details, first=first, lines=lines, reading=reading)
        flash_error(err)
    return None


@bp.route("/elections/new/file/<uid>", methods=["GET", "POST"])
@require("elections.manage")
def candidate_mapping(cid: int, uid: str):
    """The mapping step of a candidate file; «import» creates the election, all or nothing."""
    congress = get_congress(db.session, cid)
    upload = imports_services.get_upload(db.session, congress_id=cid, upload_id=uid, kind="candidates")
    form = ElectionForm()
    encoding = request.values.get("encoding") or None
    mapping = None
    if request.method == "POST" and (request.form.get("columns") or "").isdigit():
        mapping = [request.form.get(f"col_{i}", "_ignore") for i in range(min(int(request.form["columns"]), 200))] or None
    problems: list[dict] = []
    reading, first, lines = None, 0, []
    try:
        reading, rows = read_candidates(upload.filename, upload.data, limits=_limits(), encoding=encoding,
                                        mapping=mapping, remembered=_remembered)
        if request.method == "POST" and request.form.get("action") == "import":
            if not form.validate_on_submit():
                flash_form_errors(form)
            else:
                candidates, first, lines = _with_file(cid, rows, form)
                election, warnings = run(actions.import_candidate_file, actor=current_actor(), cmd={
                    "congress_id": cid, "upload_id": upload.id, "title": form.title.data, "body": form.body.data,
                    "seats": form.seats.data, "entry_teams": form.entry_teams.data, "candidates": candidates,
                    "ballot_type": form.ballot_type.data,
                    "encoding": reading.encoding, "signature": reading.layout.signature,
                    "fields": [c.field for c in reading.layout.columns]})
                return _created(cid, election, warnings, reading, len(candidates))
    except DomainError as err:
        db.session.rollback()
        details = err.details or []
        if isinstance(err, ValidationFailed) and lines:
            details = sheet_problems(details, first=first, lines=lines, reading=reading)
        flash(err.message, "error")
        problems = details
    if reading is None:
        reading = _fallback_reading(upload, encoding)
    return _mapping_page(congress, form, upload, reading, problems)


def _fallback_reading(upload, encoding):
    """Without the organizer's mapping, else in the detected encoding."""
    for enc in (encoding, None):
        try:
            return read_candidates(upload.filename, upload.data, limits=_limits(), encoding=enc)[0]
        except DomainError:
            continue
    return None


def _mapping_page(congress, form, upload, reading, problems):
    picked, self_ids = _picked()
    people = reading.preview(8) if reading is not None else []
    if people:
        on_roll = {(duplicate_key(d.full_name)) for d in list_delegates(db.session, congress.id)}
        for p in people:
            name = p.get("full_name") or " ".join(x for x in (p.get("ho"), p.get("ten_dem"), p.get("ten")) if x)
            p["_on_roll"] = duplicate_key(name) in on_roll
    return render_template("elections/candidates_mapping.html", congress=congress, form=form, upload=upload,
                           reading=reading, people=people, problems=problems, labels=PROBLEM_LABELS,
                           field_labels=FIELD_LABELS, encodings=legacy.LABELS, nomination_labels=NOMINATION_LABELS,
                           picked=picked, self_nominated=self_ids)
