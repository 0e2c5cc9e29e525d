"""Pages of electronic voting.

Public (the token in the URL is the credential): the delegate's phone page ``/v/<token>``,
the anonymous slip page ``/s/<token>`` and the published receipts of a closed round.
Staff: issuing voting links (one, or in bulk for printing), printing anonymous slips,
the ballot desk that strikes a delegate off for a slip, and the live turnout JSON.

The phone pages are self-contained (own small stylesheet and script, no external
resource), send ``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store``, post
only to their own path, and carry a CSRF token checked by the form."""
from __future__ import annotations

import io
from urllib.parse import urlsplit

from sqlalchemy import select

from flask import (Blueprint, Response, current_app, flash, g, get_flashed_messages, jsonify,
                   redirect, render_template, request, url_for)
from flask_babel import gettext as _

from flask_login import current_user

from ..auth.permissions import has_permission, public, require
from ..congress.services import get_congress
from ..db import db
from ..delegates.qr import qr_svg
from ..delegates.services import get_delegate, list_delegates
from ..elections import services as elections
from ..elections.models import RoundParticipation
from ..errors import Conflict, DomainError, ValidationFailed
from ..extensions import csrf
from ..door import page_run
from ..addresses import public_address, public_base_url
from . import actions, services, tokens
from .web import cast_in_unit, voter_for_request
from .forms import BallotForm, DeskForm, IssueLinksForm, SlipsForm

bp = Blueprint("voting", __name__)

TOKEN_PATH_PREFIXES = ("/v/", "/s/", "/api/v1/vote/")


@bp.record_once
def _install(state) -> None:
    tokens.install_log_redaction()
    state.app.config.setdefault("VOTE_FAIL_LIMIT", 20)
    state.app.config.setdefault("VOTE_FAIL_LIMIT_ADDRESS", 500)
    state.app.config.setdefault("VOTE_FAIL_WINDOW", 300)
    from .fast import VoteFastPath   # the API's well-formed ballot answered before Flask (same code)
    state.app.wsgi_app = state.app.extensions["vote_fast_path"] = VoteFastPath(state.app, state.app.wsgi_app)
    from .live import LiveFastPath   # the phones' poll answered before Flask while the version is fresh
    state.app.wsgi_app = LiveFastPath(state.app, state.app.wsgi_app)


@bp.after_app_request
def _token_page_headers(resp):
    """Nothing on a token page may carry the token elsewhere or stay in a cache."""
    if request.path.startswith(TOKEN_PATH_PREFIXES):
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


# --- the token as a credential (shared with the API) -----------------------------------

def _same_origin() -> bool:
    """A second check besides the CSRF token: an Origin naming another site is refused.
    Our own pages send ``Origin: null`` (their referrer policy is no-referrer), and old
    clients none: both are left to the CSRF token."""
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return True
    return urlsplit(origin).netloc == request.host


# --- the phone page ----------------------------------------------------------------------

def _phone_agenda(congress):
    try:
        from ..agenda import services as agenda_services
    except ImportError:
        return None
    fn = getattr(agenda_services, "phone_agenda", None)
    if fn is None:
        return None
    try:
        return fn(db.session, congress)
    except DomainError:
        return None


def _render_phone(template: str, status: int = 200, **ctx):
    congress = ctx.get("congress")
    if congress is not None:
        ctx.setdefault("live_url", _live_url(congress))
        # Read before the page's content (see _phone_page): never newer than what is shown.
        ctx.setdefault("live_version", g.get("phone_live_version") or _live_version(congress))
    html = render_template(template, **ctx)
    return Response(html, status=status, mimetype="text/html")


def _phone_error(err: DomainError):
    db.session.rollback()
    return _render_phone("voting/phone_error.html", status=err.status, message=err.message)


def _choice_for(choices, election_id) -> services.BallotChoice | None:
    for choice in choices:
        if str(choice.election.id) == str(election_id):
            return choice
    return None


def _phone_page(token: str, kind: str):
    try:
        voter = voter_for_request(token, kind)
    except DomainError as err:
        return _phone_error(err)
    # The version first, the content after: a change in between makes the phone fetch the
    # page once more, never miss the change.
    g.phone_live_version = _live_version(voter.congress)
    receipts = [m for c, m in get_flashed_messages(with_categories=True) if c == "receipt"]
    if request.method == "POST":
        return _phone_post(voter, receipts, token)
    choices = services.voter_ballots(db.session, voter=voter, token=token)
    return _render_phone("voting/phone.html", voter=voter, congress=voter.congress, choices=choices,
                         form=BallotForm(), receipts=receipts, selections={}, errors={},
                         phone_agenda=_phone_agenda(voter.congress), kind=kind)


def _phone_post(voter: services.Voter, receipts, token: str):
    form = BallotForm()
    congress = voter.congress
    if not _same_origin() or not form.validate_on_submit():
        choices = services.voter_ballots(db.session, voter=voter, token=token)
        return _render_phone("voting/phone.html", status=400, voter=voter, congress=congress,
                             choices=choices, form=BallotForm(formdata=None), receipts=receipts,
                             selections={}, phone_agenda=_phone_agenda(congress), kind=voter.kind,
                             errors={"_": _("Phiên làm việc đã hết hạn. Vui lòng tải lại trang và bỏ phiếu lại.")})
    choices = services.voter_ballots(db.session, voter=voter, token=token)
    choice = _choice_for(choices, form.election_id.data)
    kept_raw = request.form.getlist("kept")
    against_raw = request.form.getlist("against")
    yes_no = choice is not None and choice.election.is_yes_no
    if yes_no:   # the ballot page sends one choice per name: mark-<id> = agree | against | "" (blank)
        for c in choice.candidates:
            mark = request.form.get(f"mark-{c['id']}")
            if mark == "agree":
                kept_raw.append(str(c["id"]))
            elif mark == "against":
                against_raw.append(str(c["id"]))
    step = form.step.data or "review"

    def show_ballot(status: int, error: str | None = None, *, general: bool = False):
        """The ballot again, with the voter's choice; ``error`` above the ballot, or at the
        top of the page when ``general`` (or when the election is not on the page)."""
        if choice and yes_no:
            selections = {choice.election.id: {"agree": set(kept_raw), "against": set(against_raw)}}
        else:
            selections = {choice.election.id: set(kept_raw)} if choice else {}
        if error and (general or choice is None):
            errors = {"_": error}
        else:
            errors = {choice.election.id: error} if error else {}
        return _render_phone("voting/phone.html", status=status, voter=voter, congress=congress,
                             choices=choices, form=BallotForm(formdata=None), receipts=receipts,
                             selections=selections, errors=errors,
                             phone_agenda=_phone_agenda(congress), kind=voter.kind)

    if choice is None:
        return show_ballot(409, _("Cuộc bầu cử này hiện không mở để bỏ phiếu."))
    if not choice.can_vote:
        if choice.refusal:
            return show_ballot(403, choice.refusal, general=True)
        return show_ballot(409, _("Phiếu QR này đã được sử dụng.") if choice.method == "slip_used"
                           else services.already_message(choice.method), general=True)
    candidate_ids = [c["id"] for c in choice.candidates]
    try:
        kept = services.clean_kept(kept_raw, candidate_ids=candidate_ids, seats=choice.round.seats)
        against = services.clean_against(kept, against_raw, candidate_ids=candidate_ids) if yes_no else None
    except ValidationFailed as err:
        return show_ballot(422, err.message)
    # An agree/disagree ballot disagreeing with everyone is valid: no warning for it.
    all_struck = not kept and len(candidate_ids) > 1 and not yes_no
    if step == "edit":
        return show_ballot(200)
    if step == "cast":
        if all_struck and not form.confirm_invalid.data:
            return _render_review(voter, choice, kept, form, 422,
                                  _("Hãy đánh dấu ô xác nhận nếu đồng chí vẫn muốn gửi phiếu gạch hết tên."))
        try:
            code = cast_in_unit(lambda: services.cast_ballot(
                db.session, voter=voter, election_id=choice.election.id, kept=kept, token=token, against=against))
        except DomainError as err:
            db.session.rollback()
            choices = services.voter_ballots(db.session, voter=voter, token=token)
            return _render_phone("voting/phone.html", status=err.status, voter=voter, congress=congress,
                                 choices=choices, form=BallotForm(formdata=None), receipts=receipts,
                                 selections={}, errors={"_": err.message},
                                 phone_agenda=_phone_agenda(congress), kind=voter.kind)
        # The receipt in this very answer (no redirect: one round trip less on a weak network).
        # A reload re-posts and is answered "already voted", with the receipt derived again.
        choices = services.voter_ballots(db.session, voter=voter, token=token)
        resp = _render_phone("voting/phone.html", voter=voter, congress=congress, choices=choices,
                             form=BallotForm(formdata=None), receipts=[*receipts, code], selections={},
                             errors={}, phone_agenda=_phone_agenda(congress), kind=voter.kind)
        return resp
    return _render_review(voter, choice, kept, form, 200, None, against)


def _render_review(voter, choice, kept, form, status, error, against=None):
    yes_no = choice.election.is_yes_no
    return _render_phone("voting/review.html", status=status, voter=voter, congress=voter.congress,
                         choice=choice, kept=set(kept), kept_list=kept, form=BallotForm(formdata=None),
                         against=set(against or []), against_list=list(against or []), yes_no=yes_no,
                         all_struck=not kept and len(choice.candidates) > 1 and not yes_no, error=error)


@bp.route("/v/<token>", methods=["GET", "POST"])
@public("the delegate's personal voting link: the token in the URL is the credential")
@csrf.exempt  # the ballot form checks its own CSRF token (Flask-WTF) and the Origin header
def phone(token: str):
    return _phone_page(token, "link")


@bp.route("/s/<token>", methods=["GET", "POST"])
@public("an anonymous one-time voting slip: the token in the URL is the credential")
@csrf.exempt  # as above
def slip(token: str):
    return _phone_page(token, "slip")


# --- the phone page follows the hall (issue 13 §4) -------------------------------------

@bp.route("/live/<int:cid>.json")
@public("what the delegates' phone pages poll: one opaque version per congress, nothing about anyone "
        "(signed ``k`` in the URL, as the published receipts)")
def phone_live(cid: int):
    """The version of what every phone page of the congress shows (open rounds, the item
    on the floor). Cheap on purpose (two indexed queries, cached 0.3 s per process) and
    revalidated by ETag: a phone that is up to date gets a bodiless 304. The phone page
    then fetches itself again only when the version changed."""
    version = _live_version_of(cid)
    resp = jsonify({"v": version})
    resp.set_etag(version)
    resp.headers["Cache-Control"] = "no-cache"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp.make_conditional(request)


def _live_url(congress) -> str | None:
    return url_for("voting.phone_live", cid=congress.id) if congress is not None else None


def _live_version_of(cid: int) -> str:
    app = current_app
    return services.phone_live_version(db.session, congress_id=cid, ttl=float(app.config.get("PHONE_LIVE_TTL", 0.3)),
                                       cache=app.extensions.setdefault("phone_live_versions", {}))


def _live_version(congress) -> str:
    return _live_version_of(congress.id)


# --- published receipts ------------------------------------------------------------------

@bp.route("/congresses/<int:cid>/elections/<int:eid>/receipts")
@public("receipts and ballots are published after a round closes (RULES §5)")
def receipts(cid: int, eid: int):
    congress = get_congress(db.session, cid)
    election = elections.get_election(db.session, eid, cid)
    rounds = [r for r in elections.list_rounds(db.session, election) if r.status == "closed"]
    number = request.args.get("round", type=int)
    rnd = next((r for r in rounds if r.number == number), rounds[-1] if rounds else None)
    code = tokens.normalize_receipt_code(request.args.get("code", "")) if request.args.get("code") else ""
    codes = services.round_receipts(db.session, round=rnd) if rnd else []
    published = services.published_ballots(db.session, round=rnd) if rnd else None
    numbers = {}
    if rnd:
        numbers = {c["id"]: c for c in services.ballot_candidates(db.session, round=rnd)}
    return render_template("voting/receipts.html", congress=congress, election=election, rounds=rounds,
                           round=rnd, codes=codes, code=code, found=(code in codes) if code else None,
                           published=published, numbers=numbers)


# --- staff: the hub ---------------------------------------------------------------------------

@bp.route("/congresses/<int:cid>/voting")
@require("congress.view")
def hub(cid: int):
    """Electronic voting at a glance: per election, the current round and its turnout
    (counts only), with the links to slips, the slip desk and the published receipts."""
    congress = get_congress(db.session, cid)
    rows = []
    for election in elections.list_elections(db.session, cid):
        rnd = elections.current_round(db.session, election)
        rows.append({"election": election, "round": rnd,
                     "turnout": services.turnout(db.session, rnd) if rnd is not None else None})
    linked = sum(1 for d in list_delegates(db.session, cid) if d.voting_token_hash)
    watch = services.insider_watch(db.session, congress=congress) if has_permission(current_user, "elections.count") \
        else None
    return render_template("voting/hub.html", congress=congress, rows=rows, linked=linked, watch=watch,
                           kind_labels=WATCH_LABELS, action=DeskForm())


WATCH_LABELS = {"link_issued": "Cấp liên kết", "link_reissued": "Cấp lại liên kết",
                "slips_printed": "In phiếu QR ẩn danh", "slip_issued": "Gạch tên nhận phiếu QR"}


# --- staff: voting links ---------------------------------------------------------------------

@bp.route("/congresses/<int:cid>/voting-links", methods=["GET"])
@require("delegates.manage")
def links(cid: int):
    congress = get_congress(db.session, cid)
    delegates = list_delegates(db.session, cid, query=request.args.get("q", ""))
    names = {d.id: d for d in list_delegates(db.session, cid)}
    pending = [{"id": e.id, "delegate": names.get(e.delegate_id), "by": e.user_id, "at": e.at}
               for e in services.pending_link_requests(db.session, congress=congress)]
    return render_template("voting/links.html", congress=congress, delegates=delegates,
                           form=IssueLinksForm(), q=request.args.get("q", ""), pending=pending,
                           two_person=services.two_person_reissue(db.session, congress_id=cid),
                           round_open=services.round_open_in(db.session, congress_id=cid),
                           action=DeskForm(), me=current_user.id)


@bp.route("/congresses/<int:cid>/voting-policy", methods=["POST"])
@require("delegates.manage")
def set_policy(cid: int):
    congress = get_congress(db.session, cid)
    if DeskForm().validate_on_submit():
        enabled = request.form.get("two_person_reissue") == "1"
        page_run(actions.set_policy, {"congress_id": congress.id, "two_person_reissue": enabled},
                 success=_("Đã bật quy tắc hai người khi cấp lại liên kết trong lúc bỏ phiếu.") if enabled
                 else _("Đã tắt quy tắc hai người."))
    return redirect(url_for("voting.links", cid=cid))


def _unreachable_voting_address() -> str | None:
    """A voting QR no phone in the hall can open is a credential printed for nothing (issue 13
    §1): the pages that print them refuse, before any link or slip is made. The refusal in
    Vietnamese, or None when the address is reachable."""
    addr = public_address()
    if addr.reachable:
        return None
    return _("Không tạo mã QR bỏ phiếu với địa chỉ %(url)s: %(reason)s. Chưa cấp liên kết hay phiếu nào. "
             "Hãy nối máy này vào mạng Wi-Fi của hội trường và chạy máy chủ với HOST=0.0.0.0 (hoặc đặt "
             "PUBLIC_BASE_URL là địa chỉ mạng của máy, ví dụ http://192.168.1.10:5000) rồi làm lại.",
             url=addr.url, reason=addr.reason)


@bp.route("/congresses/<int:cid>/voting-link-requests/<int:rid>/confirm", methods=["POST"])
@require("delegates.manage")
def confirm_link(cid: int, rid: int):
    congress = get_congress(db.session, cid)
    if not DeskForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ, vui lòng thử lại."), "error")
        return redirect(url_for("voting.links", cid=cid))
    refusal = _unreachable_voting_address()
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("voting.links", cid=cid))
    done, result = page_run(actions.confirm_link, {"congress_id": cid, "request_id": rid})
    if not done:
        return redirect(url_for("voting.links", cid=cid))
    delegate, token = result
    url = tokens.link_url(public_base_url(), token)
    cards = [{"delegate": delegate, "url": url, "qr": qr_svg(url, scale=3)}]
    resp = Response(render_template("voting/links_print.html", congress=congress, cards=cards))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/congresses/<int:cid>/voting-links", methods=["POST"])
@require("delegates.manage")
def issue_links(cid: int):
    """Issue links and show them once, as printable cards with QR codes. Not a redirect:
    the tokens exist only in this answer (only their hashes are stored)."""
    congress = get_congress(db.session, cid)
    form = IssueLinksForm()
    if not form.validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ, vui lòng thử lại."), "error")
        return redirect(url_for("voting.links", cid=cid))
    roll = list_delegates(db.session, cid)
    if form.mode.data == "selected":
        chosen = {str(x) for x in request.form.getlist("delegate_ids")}
        ids = [d.id for d in roll if str(d.id) in chosen]
    elif form.mode.data == "all":
        ids = [d.id for d in roll]
    else:
        ids = [d.id for d in roll if not d.voting_token_hash]
    if not ids:
        flash(_("Không có đại biểu nào để cấp liên kết."), "warning")
        return redirect(url_for("voting.links", cid=cid))
    refusal = _unreachable_voting_address()
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("voting.links", cid=cid))
    done, issued = page_run(actions.issue_links, {"congress_id": cid, "delegate_ids": ids})
    if not done:
        return redirect(url_for("voting.links", cid=cid))
    base = public_base_url()
    by_id = {d.id: d for d in roll}
    cards = [{"delegate": by_id[i], "url": tokens.link_url(base, t), "qr": qr_svg(tokens.link_url(base, t), scale=3)}
             for i, t in issued.items()]
    resp = Response(render_template("voting/links_print.html", congress=congress, cards=cards))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/congresses/<int:cid>/delegates/<int:did>/voting-link", methods=["POST"])
@require("delegates.manage")
def issue_link(cid: int, did: int):
    congress = get_congress(db.session, cid)
    delegate = get_delegate(db.session, cid, did)
    if not DeskForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ, vui lòng thử lại."), "error")
        return redirect(url_for("voting.links", cid=cid))
    refusal = _unreachable_voting_address()
    if refusal:
        flash(refusal, "error")
        return redirect(url_for("voting.links", cid=cid))
    done, result = page_run(actions.issue_link, {"congress_id": cid, "delegate_id": did})
    if not done:
        return redirect(url_for("voting.links", cid=cid))
    token = result[1]
    if token is None:
        flash(_("Đang có lần bầu mở và đại hội áp dụng quy tắc hai người: đã ghi đề nghị cấp lại liên kết cho "
                "%(name)s; một tài khoản khác phải xác nhận.", name=delegate.full_name), "warning")
        return redirect(url_for("voting.links", cid=cid))
    url = tokens.link_url(public_base_url(), token)
    cards = [{"delegate": delegate, "url": url, "qr": qr_svg(url, scale=3)}]
    resp = Response(render_template("voting/links_print.html", congress=congress, cards=cards))
    resp.headers["Cache-Control"] = "no-store"
    return resp


# --- staff: anonymous slips and the ballot desk ---------------------------------------

def _election_round(cid: int, eid: int):
    congress = get_congress(db.session, cid)
    election = elections.get_election(db.session, eid, cid)
    return congress, election, elections.current_round(db.session, election)


@bp.route("/congresses/<int:cid>/elections/<int:eid>/slips", methods=["GET", "POST"])
@require("elections.count")
def slips(cid: int, eid: int):
    congress, election, rnd = _election_round(cid, eid)
    form = SlipsForm()
    if form.validate_on_submit():
        if rnd is None:
            flash(_("Cuộc bầu cử chưa có lần bầu nào: hãy mở lần bầu trước khi in phiếu QR."), "error")
            return redirect(url_for("voting.slips", cid=cid, eid=eid))
        refusal = _unreachable_voting_address()
        if refusal:
            flash(refusal, "error")
            return redirect(url_for("voting.slips", cid=cid, eid=eid))
        done, result = page_run(actions.generate_slips, {"congress_id": cid, "election_id": eid,
                                                         "count": form.count.data})
        if not done:
            return redirect(url_for("voting.slips", cid=cid, eid=eid))
        rnd, issued = result
        base = public_base_url()
        items = [{"url": tokens.slip_url(base, t), "qr": qr_svg(tokens.slip_url(base, t), scale=3)} for t in issued]
        html = render_template("voting/slips_print.html", congress=congress, election=election,
                               round=rnd, slips=items, pdf=form.output.data == "pdf")
        if form.output.data == "pdf":
            pdf = _html_to_pdf(html)
            return Response(pdf, mimetype="application/pdf", headers={
                "Content-Disposition": f"attachment; filename=phieu-qr-bau-cu-{eid}-lan-{rnd.number}.pdf",
                "Cache-Control": "no-store"})
        return Response(html, headers={"Cache-Control": "no-store"})
    counts = services.slip_counts(db.session, round=rnd) if rnd else None
    return render_template("voting/slips.html", congress=congress, election=election, round=rnd,
                           form=form, counts=counts)


def _html_to_pdf(html: str) -> bytes:
    """WeasyPrint with a fetcher that refuses everything (the page has no external file)."""
    from weasyprint import HTML

    def no_fetch(url, *args, **kwargs):
        raise ValueError(f"tài nguyên ngoài bị chặn: {url[:40]}")
    out = io.BytesIO()
    HTML(string=html, url_fetcher=no_fetch).write_pdf(out)
    return out.getvalue()


def _desk_matches(cid: int, q: str) -> list:
    """Who the desk's search box names: a card number typed or scanned is one person; else
    the roll's search (a part of the name, the unit)."""
    found = list_delegates(db.session, cid, query=q) if q else []
    key = q.strip().casefold()
    exact = [d for d in found if d.code and (d.code.casefold() == key
                                             or (key.isdigit() and d.code.lstrip("0") == key.lstrip("0")))]
    return exact if len(exact) == 1 else found


@bp.route("/congresses/<int:cid>/elections/<int:eid>/desk", methods=["GET"])
@require("elections.count")
def desk(cid: int, eid: int):
    congress, election, rnd = _election_round(cid, eid)
    q = request.args.get("q", "")
    delegates = _desk_matches(cid, q)
    methods = {}
    if rnd is not None and delegates:
        methods = dict(db.session.execute(
            select(RoundParticipation.delegate_id, RoundParticipation.method)
            .where(RoundParticipation.round_id == rnd.id,
                   RoundParticipation.delegate_id.in_([d.id for d in delegates]))).all())
    return render_template("voting/desk.html", congress=congress, election=election, round=rnd, q=q,
                           delegates=delegates, methods=methods, form=DeskForm(),
                           labels=services.METHOD_STATUS,
                           counts=services.slip_counts(db.session, round=rnd) if rnd else None,
                           may=elections.voter_may_receive_ballot)


@bp.route("/congresses/<int:cid>/elections/<int:eid>/desk", methods=["POST"])
@require("elections.count")
def desk_strike(cid: int, eid: int):
    """The desk in one step (issue 13 §6): the name or card number typed (or scanned), Enter:
    exactly one person → struck off at once, or refused here with the reason (already has a
    ballot, not checked in…) before any slip is drawn; several → the list to pick from; the
    search box is empty and focused again for the next voter."""
    congress, election, rnd = _election_round(cid, eid)
    q = (request.form.get("q") or "").strip()[:200]
    if not DeskForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ, vui lòng thử lại."), "error")
        return redirect(url_for("voting.desk", cid=cid, eid=eid), code=303)
    if not q:
        return redirect(url_for("voting.desk", cid=cid, eid=eid), code=303)
    matches = _desk_matches(cid, q)
    if not matches:
        flash(_("Không tìm thấy đại biểu «%(q)s».", q=q), "error")
        return redirect(url_for("voting.desk", cid=cid, eid=eid), code=303)
    if len(matches) > 1:
        return redirect(url_for("voting.desk", cid=cid, eid=eid, q=q), code=303)
    delegate = matches[0]
    if rnd is None:
        flash(_("Cuộc bầu cử chưa có lần bầu nào đang mở."), "error")
    else:
        page_run(actions.issue_slips, {"congress_id": cid, "election_id": eid, "delegate_ids": [delegate.id]},
                 success=_("Đã gạch tên %(name)s: mời đồng chí rút một phiếu QR bất kỳ.", name=delegate.full_name))
    return redirect(url_for("voting.desk", cid=cid, eid=eid), code=303)


@bp.route("/congresses/<int:cid>/elections/<int:eid>/desk/<int:did>/slip", methods=["POST"])
@require("elections.count")
def desk_issue_slip(cid: int, eid: int, did: int):
    congress, election, rnd = _election_round(cid, eid)
    delegate = get_delegate(db.session, cid, did)
    if not DeskForm().validate_on_submit():
        flash(_("Biểu mẫu không hợp lệ, vui lòng thử lại."), "error")
    elif rnd is None:
        flash(_("Cuộc bầu cử chưa có lần bầu nào đang mở."), "error")
    else:
        page_run(actions.issue_slips, {"congress_id": cid, "election_id": eid, "delegate_ids": [delegate.id]},
                 success=_("Đã gạch tên %(name)s: mời đồng chí rút một phiếu QR bất kỳ.", name=delegate.full_name))
    # The list picked from stays (the box itself is empty and focused for the next voter).
    return redirect(url_for("voting.desk", cid=cid, eid=eid, q=request.form.get("q", "")), code=303)


@bp.route("/congresses/<int:cid>/elections/<int:eid>/turnout.json")
@require("attendance.view")
def turnout_json(cid: int, eid: int):
    _, election, rnd = _election_round(cid, eid)
    if rnd is None:
        raise Conflict(_("Cuộc bầu cử chưa có lần bầu nào."))
    resp = jsonify(services.turnout(db.session, rnd))
    resp.headers["Cache-Control"] = "private, max-age=1"
    return resp
