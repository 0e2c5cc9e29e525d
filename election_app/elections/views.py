"""Pages of the elections feature: the list, creating an election with its candidate list,
round control, the ballot desk (strike-off), the board's keyboard entry of paper ballots
(per team), the comparison of independent entries, the printable entry log and the
result with the further-round action. Every action calls ``elections.services``."""
from __future__ import annotations

import json

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from ..auth.models import User
from ..auth.permissions import require
from ..congress.models import OFFICIAL_ROLES
from ..congress.services import get_congress, officials
from ..db import db
from ..delegates.services import attendance, find_by_code, get_delegate, is_summoned, list_delegates
from ..door import current_actor, flash_error, run
from ..errors import DomainError, ValidationFailed
from ..rules import DEFECT_REASONS, INVALID_REASONS, OTHER_DEFECT
from . import actions
from . import entry as kb
from . import services as el
from .forms import ActionForm, CandidateForm, EditElectionForm, ElectionForm, parse_outside_lines
from .models import BODY_LABELS, NOMINATION_LABELS, Election, RoundParticipation

bp = Blueprint("elections", __name__, url_prefix="/congresses/<int:cid>")


def _load(cid: int, eid: int):
    congress = get_congress(db.session, cid)
    return congress, el.get_election(db.session, eid, cid)


def _fail(err: DomainError) -> None:
    db.session.rollback()
    flash_error(err)


def _csrf_ok() -> bool:
    if ActionForm().validate_on_submit():
        return True
    flash(gettext("Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang."), "error")
    return False


def _to_detail(cid: int, eid: int, anchor: str = ""):
    return redirect(url_for("elections.detail", cid=cid, eid=eid) + anchor)


# --- list and set-up -----------------------------------------------------------------------

@bp.route("/elections")
@require("congress.view")
def list_page(cid: int):
    congress = get_congress(db.session, cid)
    rows = []
    for e in el.list_elections(db.session, cid):
        r = el.current_round(db.session, e)
        rows.append({"e": e, "status": el.election_status(db.session, e), "round": r,
                     "candidates": len(el.list_candidates(db.session, e)),
                     "elected": len(el.elected_so_far(db.session, e))})
    return render_template("elections/list.html", congress=congress, rows=rows)


@bp.route("/elections/new", methods=["GET", "POST"])
@require("elections.manage")
def new(cid: int):
    congress = get_congress(db.session, cid)
    form = ElectionForm()
    if request.method == "GET" and request.args.get("body") in BODY_LABELS:
        form.body.data = request.args["body"]
    picked = {int(x) for x in request.form.getlist("delegate_id") if x.isdigit()}
    self_nominated = {int(x) for x in request.form.getlist("self_id") if x.isdigit()}
    if form.validate_on_submit() and form.candidates_file.data:
        # A list from a file: created at once, or through the mapping step (candidate_import).
        answer = candidate_import.from_new_form(congress, form)
        if answer is not None:
            return answer
    elif form.validate_on_submit():
        try:
            candidates = [{"delegate_id": did, "nomination": "self" if did in self_nominated else "nominated"}
                          for did in sorted(picked)]
            candidates += parse_outside_lines(form.outside.data or "")
            election, warnings = run(actions.create_election, actor=current_actor(), cmd={
                "congress_id": cid, "title": form.title.data, "body": form.body.data,
                "seats": form.seats.data, "candidates": candidates, "entry_teams": form.entry_teams.data,
                "ballot_type": form.ballot_type.data})
            flash(gettext("Đã tạo «%(title)s» với %(n)s người trong danh sách.", title=election.title, n=len(candidates)),
                  "success")
            for w in warnings:
                flash(w, "warning")
            return _to_detail(cid, election.id)
        except DomainError as err:
            _fail(err)
    delegates = [d for d in list_delegates(db.session, cid) if is_summoned(d)]
    return render_template("elections/new.html", congress=congress, form=form, delegates=delegates,
                           picked=picked, self_nominated=self_nominated)


def _detail_context(congress, election) -> dict:
    r = el.current_round(db.session, election)
    tally = el.round_tally(db.session, r) if r is not None and r.status == "open" else None
    q = request.args.get("q", "")
    on_list = {c.delegate_id for c in el.list_candidates(db.session, election, include_withdrawn=True)}
    matches = []
    if q:
        matches = [d for d in list_delegates(db.session, congress.id, query=q)
                   if d.id not in on_list and (is_summoned(d) or election.body not in
                                               ("upper_delegates", "upper_alternates"))][:20]
    edit = EditElectionForm(obj=election)
    return {
        "congress": congress, "election": election, "round": r, "tally": tally,
        "status": el.election_status(db.session, election),
        "candidates": el.list_candidates(db.session, election),
        "withdrawn": [c for c in el.list_candidates(db.session, election, include_withdrawn=True) if c.is_withdrawn],
        "warnings": el.candidate_warnings(db.session, election),
        "rounds": el.list_rounds(db.session, election),
        "round_rows": el.round_candidates(db.session, r) if r is not None else [],
        "started": r is not None, "q": q, "matches": matches,
        "add_form": CandidateForm(formdata=None), "edit_form": edit, "action": ActionForm(),
        "seats_left": el.seats_left(db.session, election),
        "nomination_labels": NOMINATION_LABELS, "att": attendance(db.session, congress),
        "ranked": el.ranked_alternates(db.session, election),
    }


@bp.route("/elections/<int:eid>")
@require("congress.view")
def detail(cid: int, eid: int):
    congress, election = _load(cid, eid)
    return render_template("elections/detail.html", **_detail_context(congress, election))


@bp.route("/elections/<int:eid>/edit", methods=["POST"])
@require("elections.manage")
def edit(cid: int, eid: int):
    _, election = _load(cid, eid)
    form = EditElectionForm()
    if form.validate_on_submit():
        try:
            warnings = run(actions.update_election, actor=current_actor(), cmd={
                "congress_id": cid, "election_id": election.id, "title": form.title.data,
                "seats": form.seats.data, "entry_teams": form.entry_teams.data,
                "ballot_type": form.ballot_type.data})
            flash(gettext("Đã lưu."), "success")
            for w in warnings:
                flash(w, "warning")
        except DomainError as err:
            _fail(err)
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
    return _to_detail(cid, eid)


@bp.route("/elections/<int:eid>/delete", methods=["POST"])
@require("elections.manage")
def delete(cid: int, eid: int):
    _, election = _load(cid, eid)
    if not _csrf_ok():
        return _to_detail(cid, eid)
    try:
        title = election.title
        run(actions.delete_election, actor=current_actor(), cmd={"congress_id": cid, "election_id": election.id})
        flash(gettext("Đã xoá «%(title)s».", title=title), "success")
        return redirect(url_for("elections.list_page", cid=cid))
    except DomainError as err:
        _fail(err)
        return _to_detail(cid, eid)


@bp.route("/elections/<int:eid>/alternates", methods=["POST"])
@require("elections.manage")
def alternates_by_ranking(cid: int, eid: int):
    """The congress's vote to take the upper-congress alternates from the ranking (RULES §4.4)."""
    _, election = _load(cid, eid)
    if _csrf_ok():
        try:
            chosen = (request.form.get("alternate_seats") or "").strip() if request.form.get("take") else "0"
            e = run(actions.set_alternates_by_ranking, actor=current_actor(), cmd={
                "congress_id": cid, "election_id": eid, "alternate_seats": chosen or None})
            if e.alternate_seats:
                flash(gettext("Đã ghi: đại hội biểu quyết lấy %(n)s đại biểu dự khuyết theo kết quả bầu.",
                              n=e.alternate_seats), "success")
            else:
                flash(gettext("Đã bỏ: đại biểu dự khuyết không lấy theo kết quả bầu."), "success")
        except DomainError as err:
            _fail(err)
    return _to_detail(cid, eid, "#alternates")


@bp.route("/elections/<int:eid>/candidates", methods=["POST"])
@require("elections.manage")
def add_candidate(cid: int, eid: int):
    _, election = _load(cid, eid)
    if request.form.get("delegate_id"):
        if not _csrf_ok():
            return _to_detail(cid, eid, "#list")
        data = {"delegate_id": request.form["delegate_id"],
                "nomination": request.form.get("nomination", "nominated")}
    else:
        form = CandidateForm()
        if not form.validate_on_submit():
            for errors in form.errors.values():
                for message in errors:
                    flash(message, "error")
            return _to_detail(cid, eid, "#add")
        data = {"full_name": form.full_name.data, "birth_year": form.birth_year.data,
                "position": form.position.data, "unit": form.unit.data, "nomination": form.nomination.data}
    try:
        candidate, warnings = run(actions.add_candidate, actor=current_actor(),
                                  cmd={"congress_id": cid, "election_id": election.id, **data})
        flash(gettext("Đã thêm %(name)s vào danh sách.", name=candidate.full_name), "success")
        for w in warnings:
            flash(w, "warning")
    except DomainError as err:
        _fail(err)
    q = request.form.get("q", "")
    return redirect(url_for("elections.detail", cid=cid, eid=eid, q=q or None) + "#add")


@bp.route("/elections/<int:eid>/candidates/<int:cand_id>/<action>", methods=["POST"])
@require("elections.manage")
def candidate_action(cid: int, eid: int, cand_id: int, action: str):
    _, election = _load(cid, eid)
    el.get_candidate(db.session, election, cand_id)
    if not _csrf_ok():
        return _to_detail(cid, eid, "#list")
    try:
        if action not in ("withdraw", "reinstate", "remove", "nomination"):
            raise ValidationFailed(gettext("Thao tác không hợp lệ."))
        name, warnings = run(actions.change_candidate, actor=current_actor(), cmd={
            "congress_id": cid, "election_id": election.id, "candidate_id": cand_id, "change": action,
            "reason": request.form.get("reason", ""), "nomination": request.form.get("nomination", "")})
        if action == "withdraw":
            message = gettext("%(name)s đã rút tên.", name=name)
        elif action == "reinstate":
            message = gettext("Đã đưa %(name)s trở lại danh sách.", name=name)
        elif action == "remove":
            message = gettext("Đã xoá %(name)s (nhập nhầm) khỏi danh sách.", name=name)
        else:
            candidate = el.get_candidate(db.session, election, cand_id)
            message = f"{name}: {gettext(NOMINATION_LABELS[candidate.nomination])}."
        flash(message, "success")
        for w in warnings:
            flash(w, "warning")
    except DomainError as err:
        _fail(err)
    return _to_detail(cid, eid, "#list")


# --- rounds ---------------------------------------------------------------------------------

@bp.route("/elections/<int:eid>/open", methods=["POST"])
@require("elections.count")
def open_round(cid: int, eid: int):
    _, election = _load(cid, eid)
    if _csrf_ok():
        try:
            r = run(actions.open_round, actor=current_actor(), cmd={
                "congress_id": cid, "election_id": eid, "passphrase": request.form.get("passphrase") or None})
            flash(gettext("Đã mở lần bầu thứ %(n)s (%(present)s/%(summoned)s đại biểu có mặt).", n=r.number,
                          present=r.present_at_open, summoned=r.summoned_at_open), "success")
        except DomainError as err:
            _fail(err)
    return _to_detail(cid, eid, "#round")


@bp.route("/elections/<int:eid>/close", methods=["POST"])
@require("elections.count")
def close_round(cid: int, eid: int):
    _, election = _load(cid, eid)
    if _csrf_ok():
        try:
            r = run(actions.close_round, actor=current_actor(), cmd={
                "congress_id": cid, "election_id": eid, "passphrase": request.form.get("passphrase") or None})
            flash(gettext("Đã kết thúc lần bầu thứ %(n)s: %(outcome)s.", n=r.number,
                          outcome=gettext(el.OUTCOME_LABELS[r.outcome])), "success")
            return redirect(url_for("elections.result", cid=cid, eid=eid))
        except DomainError as err:
            _fail(err)
    return _to_detail(cid, eid, "#round")


@bp.route("/elections/<int:eid>/rounds/new", methods=["GET", "POST"])
@require("elections.count")
def further_round(cid: int, eid: int):
    congress, election = _load(cid, eid)
    if request.method == "POST":
        if _csrf_ok():
            try:
                ids = [int(x) for x in request.form.getlist("candidate_id") if x.isdigit()]
                r = run(actions.create_further_round, actor=current_actor(), cmd={
                    "congress_id": cid, "election_id": eid, "candidate_ids": ids,
                    "seats": request.form.get("seats", "")})
                flash(gettext("Đã tạo lần bầu thứ %(n)s: %(seats)s chỗ, %(people)s người. In phiếu rồi mở lần bầu.",
                              n=r.number, seats=r.seats, people=len(el.round_candidates(db.session, r))), "success")
                return _to_detail(cid, eid, "#round")
            except DomainError as err:
                _fail(err)
        return redirect(url_for("elections.further_round", cid=cid, eid=eid))
    return render_template("elections/further_round.html", **_further_context(congress, election))


def _further_context(congress, election) -> dict:
    r = el.current_round(db.session, election)
    elected = set(el.elected_so_far(db.session, election))
    pool = [c for c in el.list_candidates(db.session, election) if c.id not in elected]
    preset: set[int] = set()
    if r is not None and r.status == "closed":
        rows = el.round_candidates(db.session, r)
        tied = {c.id for rc, c in rows if rc.is_tied}
        preset = tied or {c.id for rc, c in rows if not rc.is_elected}
    return {"congress": congress, "election": election, "round": r, "pool": pool, "preset": preset,
            "seats_left": el.seats_left(db.session, election), "action": ActionForm(),
            "result": el.round_result(db.session, election) if r is not None else None}


# --- ballot desk (strike-off) -----------------------------------------------------------------

@bp.route("/elections/<int:eid>/issue")
@require("elections.count")
def issue_page(cid: int, eid: int):
    congress, election = _load(cid, eid)
    r = el.current_round(db.session, election)
    q = request.args.get("q", "")
    methods = {}
    if r is not None:
        methods = dict(db.session.execute(select(RoundParticipation.delegate_id, RoundParticipation.method)
                                          .where(RoundParticipation.round_id == r.id)).all())
    delegates = [d for d in list_delegates(db.session, cid, query=q) if is_summoned(d)]
    rows = [{"d": d, "method": methods.get(d.id), "reason": el.voter_may_receive_ballot(d)} for d in delegates]
    tally = el.round_tally(db.session, r) if r is not None and r.status == "open" else None
    return render_template("elections/issue.html", congress=congress, election=election, round=r, q=q,
                           rows=rows, tally=tally, att=attendance(db.session, congress), action=ActionForm(),
                           method_labels=el.METHOD_LABELS)


@bp.route("/elections/<int:eid>/issue", methods=["POST"])
@require("elections.count")
def issue(cid: int, eid: int):
    _, election = _load(cid, eid)
    q = request.form.get("q", "")
    if _csrf_ok():
        try:
            if request.form.get("delegate_id"):
                delegate = get_delegate(db.session, cid, int(request.form["delegate_id"]))
            else:
                delegate = find_by_code(db.session, cid, request.form.get("code", ""))
            run(actions.issue_paper, actor=current_actor(),
                cmd={"congress_id": cid, "election_id": eid, "delegate_ids": [delegate.id]})
            flash(gettext("Đã phát phiếu cho %(name)s (%(code)s).", name=delegate.full_name, code=delegate.code), "success")
        except (DomainError, ValueError) as err:
            if isinstance(err, DomainError):
                _fail(err)
            else:
                db.session.rollback()
                flash(gettext("Dữ liệu không hợp lệ."), "error")
    return redirect(url_for("elections.issue_page", cid=cid, eid=eid, q=q or None))


@bp.route("/elections/<int:eid>/issued-count", methods=["POST"])
@require("elections.count")
def issued_count(cid: int, eid: int):
    _, election = _load(cid, eid)
    if _csrf_ok():
        try:
            r = run(actions.set_paper_issued, actor=current_actor(),
                    cmd={"congress_id": cid, "election_id": eid, "issued": request.form.get("issued", "").strip()})
            flash(gettext("Đã ghi số phiếu giấy phát ra: %(n)s.", n=r.paper_issued_count), "success")
        except DomainError as err:
            _fail(err)
    return redirect(url_for("elections.issue_page", cid=cid, eid=eid))


# --- keyboard entry -------------------------------------------------------------------------

def _verdict_label(info: dict) -> str:
    """``entry.describe``'s verdict label in the page's language (the same text in Vietnamese)."""
    if info["valid"]:
        return gettext("Hợp lệ")
    if info.get("words"):   # the board's own words, shown as written
        return gettext("Không hợp lệ: %(reason)s", reason=info["words"])
    reason = INVALID_REASONS[info["reason"]]
    return gettext("Không hợp lệ: %(reason)s", reason=gettext(reason))


def _team_arg(election) -> int:
    try:
        team = int(request.values.get("team", 1))
    except ValueError:
        team = 1
    return team if 1 <= team <= election.entry_teams else 1


def _void_info(e, voided: dict) -> dict:
    """Whether an entry was voided (huỷ phiếu nhập nhầm) and why, as the lists show it."""
    if not e.is_void:
        return {"void": False, "void_reason": "", "void_label": ""}
    reason = voided[e.id].reason if e.id in voided else ""
    return {"void": True, "void_reason": reason, "void_label": gettext("Đã huỷ: %(reason)s", reason=reason)}


def _describe_entry(e, numbers, seats: int, yes_no: bool) -> dict:
    if yes_no:
        return kb.describe_yes_no(json.loads(e.kept), json.loads(e.against or "[]"), e.defect, numbers, seats,
                                  e.defect_text)
    return kb.describe(json.loads(e.kept), e.defect, numbers, seats, e.defect_text)


def _entry_state(r, team: int) -> dict:
    rows = el.round_candidates(db.session, r)
    numbers = [c.id for _, c in rows]
    entries = el.paper_entries(db.session, r, team)
    yes_no = db.session.get(Election, r.election_id).is_yes_no
    count = kb.running_count(entries, numbers, r.seats, yes_no=yes_no)
    voided = el.void_reasons(db.session, r) if any(e.is_void for e in entries) else {}
    recent = []
    for e in sorted(entries, key=lambda e: -e.number)[:8]:
        info = _describe_entry(e, numbers, r.seats, yes_no)
        recent.append({"number": e.number, **info, "label": _verdict_label(info), **_void_info(e, voided)})
    # The board's words already used in this round, offered again (board-only page).
    words = sorted({e.defect_text for e in entries if e.defect_text and not e.is_void})
    return {"rows": rows, "numbers": numbers, "count": count, "recent": recent, "words": words,
            "next_number": (max((e.number for e in entries), default=0) + 1)}


@bp.route("/elections/<int:eid>/entry")
@require("elections.count")
def entry_page(cid: int, eid: int):
    congress, election = _load(cid, eid)
    r = el.current_round(db.session, election)
    team = _team_arg(election)
    state = _entry_state(r, team) if r is not None and r.status != "draft" else None
    return render_template("elections/entry.html", congress=congress, election=election, round=r, team=team,
                           state=state, defect_keys=kb.DEFECT_KEYS, defect_labels=DEFECT_REASONS,
                           action=ActionForm(), all_kept=kb.ALL_KEPT, all_struck=kb.ALL_STRUCK,
                           correct_number=request.args.get("correct", ""),
                           void_number=request.args.get("void", ""), max_words=el.MAX_DEFECT_TEXT)


def _entry_reply(cid, eid, team, ok: bool, message: str, r=None, extra: dict | None = None, status: int = 200,
                 kind: str | None = None):
    """``kind``: how the confirmation looks (success, or warning for a ballot recorded as
    invalid: the clerk must not read a green box as "valid")."""
    kind = kind or ("success" if ok else "error")
    if request.accept_mimetypes.best == "application/json":
        payload = {"ok": ok, "kind": kind, "message": message, **(extra or {})}
        if r is not None:
            state = _entry_state(r, team)
            payload.update(count=state["count"], recent=state["recent"], next_number=state["next_number"],
                           words=state["words"])
        return jsonify(payload), status
    flash(message, kind)
    return redirect(url_for("elections.entry_page", cid=cid, eid=eid, team=team))


def _read_entry_form(numbers, yes_no: bool = False) -> tuple[list, str | None, str | None, list]:
    """The entry form → (kept ids, defect code, the board's words, ids disagreed). The words
    of the "lỗi khác" box make the defect ``other`` (with no numbers typed: every name kept,
    as a defect key alone; on an agree/disagree ballot: no box read); a defect key and words
    together are refused by the service."""
    words = (request.form.get("defect_text") or "").strip() or None
    typed = f"{request.form.get('reading', '')} {request.form.get('key', '')}".strip()
    if yes_no:
        if words and not typed:
            typed = kb.MARK_BLANK * len(numbers)
        kept, against, defect = kb.parse_yes_no_reading(typed, numbers)
    else:
        if words and not typed:
            typed = kb.ALL_KEPT
        kept, defect = kb.parse_reading(typed, numbers)
        against = []
    if words and defect is None:
        defect = OTHER_DEFECT
    return kept, defect, words, against


@bp.route("/elections/<int:eid>/entry", methods=["POST"])
@require("elections.count")
def enter(cid: int, eid: int):
    _, election = _load(cid, eid)
    team = _team_arg(election)
    if not ActionForm().validate_on_submit():
        return _entry_reply(cid, eid, team, False, gettext("Phiên làm việc đã hết hạn; hãy tải lại trang."), status=400)
    r = el.current_round(db.session, election)
    try:
        if r is None:
            raise ValidationFailed(gettext("Chưa có lần bầu nào."))
        numbers = [c.id for _, c in el.round_candidates(db.session, r)]
        kept, defect, words, against = _read_entry_form(numbers, election.is_yes_no)
        e = run(actions.enter_paper_ballot, actor=current_actor(), cmd={
            "congress_id": cid, "election_id": eid, "team": team, "number": request.form.get("number") or None,
            "kept": kept, "defect": defect, "defect_text": words, "against": against})
        info = _describe_entry(e, numbers, r.seats, election.is_yes_no)
        info["label"] = _verdict_label(info)
        struck = ", ".join(map(str, info["struck"])) or gettext("không ai")
        if election.is_yes_no:
            if info["valid"]:
                message = gettext("Phiếu số %(n)s: %(label)s (%(marks)s: %(agree)s đồng ý, %(against)s không "
                                  "đồng ý).", n=e.number, label=info["label"], marks=info["marks"],
                                  agree=info["kept_count"], against=info["against_count"])
            else:
                reason = info["words"] or gettext(INVALID_REASONS[info["reason"]])
                message = gettext("Phiếu số %(n)s đã ghi là KHÔNG HỢP LỆ: %(reason)s (%(marks)s). "
                                  "Phiếu này không tính cho ai.", n=e.number, reason=reason, marks=info["marks"])
        elif info["valid"]:
            message = gettext("Phiếu số %(n)s: %(label)s (gạch %(struck)s).", n=e.number, label=info["label"],
                              struck=struck)
        else:
            reason = info["words"] or gettext(INVALID_REASONS[info["reason"]])
            message = gettext("Phiếu số %(n)s đã ghi là KHÔNG HỢP LỆ: %(reason)s (gạch %(struck)s). "
                              "Phiếu này không tính cho ai.", n=e.number, reason=reason, struck=struck)
        return _entry_reply(cid, eid, team, True, message, r, {"entry": {"number": e.number, **info}},
                            kind="success" if info["valid"] else "warning")
    except DomainError as err:
        db.session.rollback()
        return _entry_reply(cid, eid, team, False, err.message, r, status=err.status)


@bp.route("/elections/<int:eid>/entry/correct", methods=["POST"])
@require("elections.count")
def correct(cid: int, eid: int):
    _, election = _load(cid, eid)
    team = _team_arg(election)
    back = request.form.get("back") == "compare"
    if _csrf_ok():
        r = el.current_round(db.session, election)
        try:
            if r is None:
                raise ValidationFailed(gettext("Chưa có lần bầu nào."))
            numbers = [c.id for _, c in el.round_candidates(db.session, r)]
            number = request.form.get("number", "").strip()
            if not number.isdigit():
                raise ValidationFailed(gettext("Nhập số thứ tự phiếu cần sửa."))
            kept, defect, words, against = _read_entry_form(numbers, election.is_yes_no)
            run(actions.correct_paper_ballot, actor=current_actor(), cmd={
                "congress_id": cid, "election_id": eid, "team": team, "number": int(number), "kept": kept,
                "defect": defect, "defect_text": words, "reason": request.form.get("reason", ""),
                "against": against})
            flash(gettext("Đã sửa phiếu số %(n)s của tổ %(team)s.", n=number, team=team), "success")
        except DomainError as err:
            _fail(err)
    if back:
        return redirect(url_for("elections.compare", cid=cid, eid=eid))
    return redirect(url_for("elections.entry_page", cid=cid, eid=eid, team=team))


@bp.route("/elections/<int:eid>/entry/void", methods=["POST"])
@require("elections.count")
def void_entry(cid: int, eid: int):
    """Huỷ phiếu nhập nhầm: the entry stays in the log, struck through, and counts nowhere."""
    _, election = _load(cid, eid)
    team = _team_arg(election)
    back = request.form.get("back") == "compare"
    if _csrf_ok():
        r = el.current_round(db.session, election)
        try:
            if r is None:
                raise ValidationFailed(gettext("Chưa có lần bầu nào."))
            number = request.form.get("number", "").strip()
            if not number.isdigit():
                raise ValidationFailed(gettext("Nhập số thứ tự phiếu cần huỷ."))
            run(actions.void_paper_ballot, actor=current_actor(), cmd={
                "congress_id": cid, "election_id": eid, "team": team, "number": int(number),
                "reason": request.form.get("reason", "")})
            flash(gettext("Đã huỷ phiếu số %(n)s của tổ %(team)s: phiếu này không được tính.", n=number, team=team),
                  "success")
        except DomainError as err:
            _fail(err)
    if back:
        return redirect(url_for("elections.compare", cid=cid, eid=eid))
    return redirect(url_for("elections.entry_page", cid=cid, eid=eid, team=team))


@bp.route("/elections/<int:eid>/compare")
@require("elections.count")
def compare(cid: int, eid: int):
    congress, election = _load(cid, eid)
    r = el.current_round(db.session, election)
    comparison = el.compare_teams(db.session, r) if r is not None else None
    numbers = [c.id for _, c in el.round_candidates(db.session, r)] if r is not None else []
    typed = {}
    if comparison:
        for d in comparison["disagreements"]:
            typed[d["number"]] = {t: ((kb.format_yes_no_reading(v["kept"], v["against"], v["defect"], numbers,
                                                                v.get("defect_text"))
                                       if election.is_yes_no else
                                       kb.format_reading(v["kept"], v["defect"], numbers, v.get("defect_text")))
                                      if v else "")
                                  for t, v in d["readings"].items()}
    return render_template("elections/compare.html", congress=congress, election=election, round=r,
                           comparison=comparison, typed=typed, action=ActionForm())


def _format_fix(kept: str, against: str | None, defect, text, numbers, yes_no: bool) -> str:
    if yes_no:
        return kb.format_yes_no_reading(json.loads(kept), json.loads(against or "[]"), defect, numbers, text)
    return kb.format_reading(json.loads(kept), defect, numbers, text)


@bp.route("/elections/<int:eid>/rounds/<int:number>/log")
@require("elections.count")
def entry_log(cid: int, eid: int, number: int):
    congress, election = _load(cid, eid)
    r = el.get_round(db.session, election, number)
    rows = el.round_candidates(db.session, r)
    numbers = [c.id for _, c in rows]
    users = {u.id: (u.full_name or u.username) for u in db.session.scalars(select(User))}
    teams = {}
    voided = el.void_reasons(db.session, r)
    for t in range(1, election.entry_teams + 1):
        entries = el.paper_entries(db.session, r, t)
        teams[t] = []
        for e in entries:
            info = _describe_entry(e, numbers, r.seats, election.is_yes_no)
            teams[t].append({"e": e, **info, "label": _verdict_label(info), **_void_info(e, voided)})
    fixes = []
    for c, e in el.corrections(db.session, r):
        is_void = c.new_defect == el.VOID
        fixes.append({"c": c, "e": e, "void": is_void,
                      "old": _format_fix(c.old_kept, c.old_against, c.old_defect, c.old_defect_text, numbers,
                                         election.is_yes_no),
                      "new": gettext("huỷ phiếu") if is_void else
                      _format_fix(c.new_kept, c.new_against, c.new_defect, c.new_defect_text, numbers,
                                  election.is_yes_no)})
    return render_template("elections/log.html", congress=congress, election=election, round=r, rows=rows,
                           teams=teams, fixes=fixes, users=users, board=officials(db.session, cid, "board"),
                           board_label=OFFICIAL_ROLES["board"], tally=el.round_tally(db.session, r))


# --- result -----------------------------------------------------------------------------------

@bp.route("/elections/<int:eid>/result")
@require("congress.view")
def result(cid: int, eid: int):
    congress, election = _load(cid, eid)
    rounds = el.list_rounds(db.session, election)
    chosen = None
    if request.args.get("round", "").isdigit():
        chosen = el.get_round(db.session, election, int(request.args["round"]))
    data = el.round_result(db.session, election, chosen)
    r = chosen or el.current_round(db.session, election)
    tally = el.round_tally(db.session, r) if r is not None and r.status == "open" else None
    everyone = {c.id: c for c in el.list_candidates(db.session, election, include_withdrawn=True)}
    is_latest = r is None or r.number == (rounds[-1].number if rounds else 0)
    return render_template("elections/result.html", congress=congress, election=election, rounds=rounds,
                           round=r, data=data, tally=tally, everyone=everyone, is_latest=is_latest,
                           outcome_labels=el.OUTCOME_LABELS, invalid_labels=INVALID_REASONS,
                           status_labels=el.STATUS_LABELS, ranked=el.ranked_alternates(db.session, election),
                           further=_further_context(congress, election) if is_latest else None)


from . import candidate_import  # noqa: E402  (its pages are on this blueprint)
