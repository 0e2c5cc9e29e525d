"""Producing the documents: the catalogue (kind → data → templates → PDF) and the render
jobs that make big ones without blocking a request.

``produce()`` is the one way any document is made, inline (API, small documents) or by a
job. A job is a ``RenderJob`` row, so every app process sees it: any process may run the
worker, which claims queued jobs with an atomic ``UPDATE … WHERE status = 'queued'``
(only one claimer wins, across threads and processes), writes progress (cards laid out)
and finally the PDF bytes. ``RENDER_INLINE`` (tests) runs a job at once in the caller.

Personal voting links on delegate cards are issued by the job itself, right before the
cards are laid out: the tokens never sit in the job's parameters, and the result holding
them is stored encrypted (voting.box.seal_document: a key derived from SECRET_KEY and the
job id, so a copy of the database alone holds no token), handed out once and then deleted."""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import threading
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from ..congress.models import Congress
from ..db import db, utcnow
from ..door import unit
from ..elections import services as el
from ..elections.models import Election
from ..errors import Conflict, NotFound, ValidationFailed
from .. import addresses
from ..elections import box
from ..omr import sheets as omr_sheets
from . import render, services, text
from .models import RenderJob

log = logging.getLogger(__name__)

CARDS_PER_CHUNK = 200          # one render part: at most 25 sheets of 8 cards (card_chunk_size)
STALE_AFTER = dt.timedelta(minutes=15)
KEEP_FOR = dt.timedelta(days=2)
MAX_COPIES = 500


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    filename: str
    scope: str = "congress"       # or "election"


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("delegate-cards", "Thẻ đại biểu", "the-dai-bieu.pdf"),
    Kind("delegate-list", "Danh sách đại biểu", "danh-sach-dai-bieu.pdf"),
    Kind("attendance-sheet", "Danh sách ký tên dự đại hội", "danh-sach-ky-ten.pdf"),
    Kind("credentials-report", "Báo cáo thẩm tra tư cách đại biểu", "bao-cao-tham-tra-tu-cach.pdf"),
    Kind("minutes", "Biên bản đại hội (kèm biên bản kiểm phiếu)", "bien-ban-dai-hoi.pdf"),
    Kind("resolution", "Nghị quyết đại hội", "nghi-quyet-dai-hoi.pdf"),
    Kind("dossier", "Hồ sơ đề nghị công nhận", "ho-so-de-nghi-cong-nhan.pdf"),
    Kind("ballot", "Phiếu bầu", "phieu-bau.pdf", scope="election"),
    Kind("count-minutes", "Biên bản kiểm phiếu", "bien-ban-kiem-phieu.pdf", scope="election"),
)}


@dataclass
class Produced:
    filename: str
    pdf: bytes


# --- templates ------------------------------------------------------------------------

def _html(template: str, **context) -> str:
    """Render a document template with plain data only (no request, no user, no ORM)."""
    env = current_app.jinja_env
    # The typography helpers (text.nb, text.name, text.nb_within) are globals, so imported
    # macros see them.
    env.globals.setdefault("nb", text.nb)
    env.globals.setdefault("nb_within", text.nb_within)
    env.globals.setdefault("name", text.name)
    return env.get_template(f"documents/{template}").render(**context)


def _noop(done: int) -> None:
    return None


# --- the catalogue -----------------------------------------------------------------------

def clean_params(kind: str, params: dict | None) -> dict:
    """Validate and normalise a document's parameters (all-or-nothing, Vietnamese)."""
    if kind not in KINDS:
        raise NotFound("Không có loại tài liệu này.")
    params = dict(params or {})
    out: dict = {}
    problems: list[dict] = []

    def integer(name: str, low: int, high: int | None = None):
        raw = params.get(name)
        if raw in (None, ""):
            return None
        try:
            value = int(raw)
        except (TypeError, ValueError):
            problems.append({"field": name, "message": f"«{name}» phải là số nguyên."})
            return None
        if value < low or (high is not None and value > high):
            problems.append({"field": name, "message": f"«{name}» phải từ {low}"
                             + (f" đến {high}." if high is not None else " trở lên.")})
            return None
        return value

    if KINDS[kind].scope == "election":
        out["election_id"] = integer("election_id", 1)
        if out["election_id"] is None and not problems:
            problems.append({"field": "election_id", "message": "Cần mã cuộc bầu cử."})
        out["round"] = integer("round", 1)
    if kind == "ballot":
        out["copies"] = integer("copies", 1, MAX_COPIES) or 1
    if kind == "delegate-cards":
        out["voting_links"] = str(params.get("voting_links", "")).lower() in ("1", "true", "on", "yes")
        out["reissue_links"] = out["voting_links"] and \
            str(params.get("reissue_links", "")).lower() in ("1", "true", "on", "yes")
        codes = params.get("codes")
        if isinstance(codes, str):
            codes = [c for c in codes.replace(";", ",").split(",")]
        if codes not in (None, "") and not isinstance(codes, list):
            problems.append({"field": "codes", "message": "«codes» là danh sách số thẻ."})
            codes = None
        out["codes"] = [str(c).strip() for c in (codes or []) if str(c).strip()]
        if out["voting_links"]:
            base = str(params.get("base_url") or "")
            if not base.startswith(("http://", "https://")):
                problems.append({"field": "base_url", "message": "Thiếu địa chỉ công khai cho liên kết bỏ phiếu."})
            elif addresses.unreachable_reason(base):
                # A voting QR no phone can open is a credential printed for nothing (issue 12).
                problems.append({"field": "base_url", "message": (
                    "Không in mã QR bỏ phiếu với địa chỉ " + base + ": "
                    + addresses.unreachable_reason(base) + ". Hãy đặt PUBLIC_BASE_URL là địa chỉ mạng "
                    "của máy chủ trong hội trường (ví dụ http://192.168.1.10:5000) rồi in lại.")})
            out["base_url"] = base.rstrip("/")
    if kind in ("count-minutes", "minutes", "dossier"):
        out["base_url"] = str(params.get("base_url") or "").rstrip("/")
    if problems:
        raise ValidationFailed(problems[0]["message"], problems)
    return out


def _election(session, congress: Congress, params: dict) -> Election:
    return el.get_election(session, params["election_id"], congress.id)


def total_for(session, congress: Congress, kind: str, params: dict) -> int:
    """Units of progress: cards for delegate cards, else 1."""
    if kind == "delegate-cards":
        return len(services.card_delegates(session, congress=congress, codes=params.get("codes") or None))
    return 1


def _count_minutes_parts(session, rounds, base_url: str) -> list[str]:
    return [_html("count_minutes.html", **services.count_minutes_doc(session, round=r, base_url=base_url))
            for r in rounds]


def _minutes_parts(session, congress: Congress, base_url: str) -> list[str]:
    data = services.congress_minutes_data(session, congress=congress)
    return [_html("minutes.html", **data),
            *_count_minutes_parts(session, services.closed_rounds(session, congress=congress), base_url)]


def ballot_layout(session, election: Election, round_number: int | None = None):
    """The ballot of a round laid out for printing and for the camera reader (issue 18):
    corner markers and a sheet code per page (election, round, page, layout; no serial).
    Returns (renderer, omr ``LaidOutBallot``, the ballot data)."""
    data = services.ballot_data(session, election=election, round_number=round_number)
    renderer, laid = lay_out_ballot_data(data, election_id=election.id)
    return renderer, laid, data


def lay_out_ballot_data(data: dict, *, election_id: int):
    """``ballot_layout`` from the ballot's plain data (``services.ballot_data``)."""
    renderer = render.Renderer()
    multipage = len(renderer.layout(_html("ballot.html", **data, multipage=False, omr_sheet=None)).pages) > 1
    laid = omr_sheets.lay_out(lambda sheet: _html("ballot.html", **data, multipage=multipage, omr_sheet=sheet),
                              renderer.layout, election_id=election_id, round_number=int(data["round"]))
    return renderer, laid


def _ballot_pdf(session, congress: Congress, params: dict) -> bytes:
    """The ballot, laid out once; if it runs over one page it is laid out again with
    "(tiếp theo) – trang n/N" on the continued pages, then with the reading aids of
    ``ballot_layout``. Copies repeat the laid-out pages."""
    election = _election(session, congress, params)
    renderer, laid, _data = ballot_layout(session, election, params.get("round"))
    document = laid.document
    copies = params.get("copies") or 1
    blank = None
    if copies > 1 and len(document.pages) > 1 and len(document.pages) % 2 == 1:
        blank = renderer.layout(_html("blank.html"))
    return render.render_copies(renderer, document, copies=copies, blank=blank)


def card_chunk_size(cards: int, processes: int) -> int:
    """Cards per render part: at most ``CARDS_PER_CHUNK``, in a number of parts that is a
    multiple of ``processes``, all of the same number of sheets but the last, so that every
    render process lays out the same number of sheets (issue 17: 1,000 cards on 2 processes
    are 6 parts of 21 sheets, 63 + 62 sheets per process; 5 parts of 25 gave one process 75)."""
    runs = max(1, processes)
    sheets = math.ceil(cards / services.CARDS_PER_PAGE)
    parts = runs * math.ceil(cards / (runs * CARDS_PER_CHUNK))
    return max(1, math.ceil(sheets / parts)) * services.CARDS_PER_PAGE


def _cards_pdf(session, congress: Congress, params: dict, progress, secret: str) -> bytes:
    people = services.card_delegates(session, congress=congress, codes=params.get("codes") or None)
    if not people:
        raise Conflict("Chưa có ai trong danh sách để in thẻ.")
    urls: dict[int, str] = {}
    if params.get("voting_links"):
        # Its own short unit of work (committed now): the render below must not hold a write lock.
        urls = unit(lambda: services.issue_card_voting_links(session, congress=congress, delegates=people,
                                                             base_url=params["base_url"], secret=secret,
                                                             reissue=bool(params.get("reissue_links"))),
                    session=session)
    info = services.congress_info(congress)
    # The QR codes are only named here (render.qr_url) and drawn by the render processes.
    cards = [services.delegate_card(info, d, secret=secret, vote_url=urls.get(d.id)) for d in people]
    # A big card sheet is laid out on every core (issue 17: 1,000 cards in ≤ 10 s).
    processes = int(current_app.config.get("RENDER_PROCESSES") or 1)
    chunks = services.chunk_cards(cards, card_chunk_size(len(cards), processes))
    sizes = [sum(len(p) for p in chunk) for chunk in chunks]
    parts = [_html("delegate_cards.html", info=info, pages=chunk) for chunk in chunks]

    def per_part(i: int) -> None:
        progress(sum(sizes[:i]))

    return render.render_parts_parallel(parts, processes=processes, progress=per_part)


def produce(session, *, congress: Congress, kind: str, params: dict, secret: str,
            progress=None) -> Produced:
    """Make one document as PDF bytes. ``params`` must come from ``clean_params``."""
    progress = progress or _noop
    spec = KINDS[kind]
    filename = spec.filename
    if kind == "delegate-cards":
        pdf = _cards_pdf(session, congress, params, progress, secret)
    elif kind == "delegate-list":
        pdf = render.render_pdf(_html("delegate_list.html", **services.delegate_list_data(session, congress=congress)))
    elif kind == "attendance-sheet":
        pdf = render.render_pdf(_html("attendance_sheet.html",
                                      **services.attendance_sheet_data(session, congress=congress)))
    elif kind == "credentials-report":
        pdf = render.render_pdf(_html("credentials_report.html",
                                      **services.credentials_report_data(session, congress=congress)))
    elif kind == "minutes":
        pdf = render.render_parts(_minutes_parts(session, congress, params.get("base_url", "")))
    elif kind == "resolution":
        pdf = render.render_pdf(_html("resolution.html", **services.resolution_data(session, congress=congress)))
    elif kind == "dossier":
        data = services.dossier_data(session, congress=congress)
        pdf = render.render_parts([_html("dossier_letter.html", **data),
                                   *_minutes_parts(session, congress, params.get("base_url", "")),
                                   _html("dossier_list.html", **data)])
    elif kind == "ballot":
        pdf = _ballot_pdf(session, congress, params)
        r = params.get("round") or services.ballot_data(session, election=_election(session, congress, params))["round"]
        filename = f"phieu-bau-{params['election_id']}-lan-{r}.pdf"
    elif kind == "count-minutes":
        election = _election(session, congress, params)
        r = (el.get_round(session, election, params["round"]) if params.get("round")
             else services.latest_closed_round(session, election=election))
        if r.status != "closed":
            raise Conflict(f"Lần bầu thứ {r.number} chưa kết thúc: chưa có biên bản kiểm phiếu chính thức.",
                           code="round_not_closed")
        pdf = render.render_pdf(_html("count_minutes.html",
                                      **services.count_minutes_doc(session, round=r, base_url=params.get("base_url", ""))))
        filename = f"bien-ban-kiem-phieu-{election.id}-lan-{r.number}.pdf"
    else:  # pragma: no cover - KINDS and this switch are kept in step
        raise NotFound("Không có loại tài liệu này.")
    return Produced(filename, pdf)


# --- jobs --------------------------------------------------------------------------------

def job_json(job: RenderJob) -> dict:
    params = json.loads(job.params or "{}")
    return {
        "id": job.id, "kind": job.kind, "title": KINDS[job.kind].title if job.kind in KINDS else job.kind,
        "status": job.status, "progress": job.progress, "total": job.total,
        "percent": int(100 * job.progress / job.total) if job.total else (100 if job.status == "done" else 0),
        "error": job.error or None,
        "has_result": job.result is not None,
        "collected": job.status == "done" and job.result is None,
        "voting_links": bool(params.get("voting_links")),
        "reissue_links": bool(params.get("reissue_links")),
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def voting_card_jobs(session, *, congress_id: int, limit: int = 5) -> list[dict]:
    """The congress's kept card sheets with personal voting QRs, newest first (issue 13 §5:
    downloadable again from the documents page). The PDFs themselves are not read."""
    rows = session.execute(select(RenderJob.id, RenderJob.params, RenderJob.finished_at)
                           .where(RenderJob.congress_id == congress_id, RenderJob.kind == "delegate-cards",
                                  RenderJob.status == "done", RenderJob.result.is_not(None))
                           .order_by(RenderJob.created_at.desc()).limit(50)).all()
    out = []
    for job_id, params, finished in rows:
        p = json.loads(params or "{}")
        if p.get("voting_links"):
            out.append({"id": job_id, "reissue_links": bool(p.get("reissue_links")),
                        "finished_at": finished.isoformat() if finished else None})
    return out[:limit]


def create_job(session, *, congress: Congress, kind: str, params: dict | None) -> RenderJob:
    """Queue a document. Validates the parameters and the target now, so a bad request is
    refused at once rather than failing in the background. Flushes only."""
    cleaned = clean_params(kind, params)
    if KINDS[kind].scope == "election":
        _election(session, congress, cleaned)
    total = total_for(session, congress, kind, cleaned)
    if kind == "delegate-cards" and total == 0:
        raise Conflict("Chưa có ai trong danh sách để in thẻ.", code="nothing_to_print")
    session.execute(delete(RenderJob).where(RenderJob.created_at < utcnow() - KEEP_FOR)
                    .execution_options(synchronize_session=False))
    job = RenderJob(congress_id=congress.id, kind=kind, params=json.dumps(cleaned, ensure_ascii=False),
                    status="queued", progress=0, total=total, error="")
    session.add(job)
    session.flush()
    return job


def get_job(session, congress_id: int, job_id: str) -> RenderJob:
    job = session.get(RenderJob, job_id)
    if job is None or job.congress_id != congress_id:
        raise NotFound("Không tìm thấy yêu cầu tạo tài liệu.")
    return job


def take_result(session, job: RenderJob) -> Produced:
    """The finished PDF. A job with personal voting links keeps its result sealed (a key from
    SECRET_KEY and the job id) and hands it out again, as every document job, for KEEP_FOR;
    the action restricts and logs who takes it (issue 13 §5). Flushes only."""
    if job.status in ("queued", "running"):
        raise Conflict("Tài liệu đang được tạo, vui lòng chờ.", code="not_ready")
    if job.status == "failed":
        raise Conflict(f"Không tạo được tài liệu: {job.error}", code="failed")
    if job.result is None:
        raise Conflict("Tệp này đã được tải về một lần và đã xoá vì chứa liên kết bỏ phiếu cá nhân. "
                       "Hãy tạo lại (liên kết cũ sẽ hết hiệu lực).", code="collected")
    params = json.loads(job.params or "{}")
    pdf = job.result
    if params.get("voting_links"):
        try:
            pdf = box.open_document(pdf, secret=current_app.config["SECRET_KEY"], name=job.id)
        except box.BoxError:
            raise Conflict("Không mở được tệp thẻ có liên kết bỏ phiếu (khoá bí mật của máy chủ đã đổi). "
                           "Hãy tạo lại.", code="failed")
    return Produced(_job_filename(job, params), pdf)


def _job_filename(job: RenderJob, params: dict) -> str:
    return KINDS[job.kind].filename if job.kind in KINDS else "tai-lieu.pdf"


def _set(job_id: str, **values) -> int:
    """Write job fields in their own short transaction (seen at once by every process)."""
    with db.engine.begin() as conn:
        return conn.execute(update(RenderJob).where(RenderJob.id == job_id).values(**values)).rowcount


def claim(job_id: str) -> bool:
    """Atomically take a queued job: only one caller, in any process, gets True."""
    with db.engine.begin() as conn:
        result = conn.execute(update(RenderJob)
                              .where(RenderJob.id == job_id, RenderJob.status == "queued")
                              .values(status="running", progress=0, error=""))
        return result.rowcount == 1


def requeue_stale() -> int:
    """Jobs left 'running' by a process that died are queued again."""
    with db.engine.begin() as conn:
        return conn.execute(update(RenderJob)
                            .where(RenderJob.status == "running",
                                   RenderJob.created_at < utcnow() - STALE_AFTER)
                            .values(status="queued", progress=0)).rowcount


def claim_next() -> str | None:
    """Claim the oldest queued job, or None when there is none."""
    requeue_stale()
    with db.engine.connect() as conn:
        ids = conn.execute(select(RenderJob.id).where(RenderJob.status == "queued")
                           .order_by(RenderJob.created_at).limit(20)).scalars().all()
    for job_id in ids:
        if claim(job_id):
            return job_id
    return None


def run_claimed(job_id: str) -> None:
    """Render a job this process has claimed and store the result (or the error)."""
    session = db.session
    try:
        job = session.get(RenderJob, job_id)
        if job is None:
            return
        congress = session.get(Congress, job.congress_id)
        params = json.loads(job.params or "{}")
        kind, total = job.kind, job.total
        session.rollback()  # nothing of ours open while laying out

        def progress(done: int) -> None:
            _set(job_id, progress=min(done, total) if total else done)

        produced = produce(session, congress=congress, kind=kind, params=params,
                           secret=current_app.config["SECRET_KEY"], progress=progress)
        session.rollback()
        result = produced.pdf
        if params.get("voting_links"):   # tokens inside: never stored in clear (issue 10)
            result = box.seal_document(result, secret=current_app.config["SECRET_KEY"], name=job_id)
        _set(job_id, status="done", result=result, progress=total, finished_at=utcnow(), error="")
    except Exception as err:  # noqa: BLE001 - the job must end as failed, whatever broke
        session.rollback()
        message = getattr(err, "message", None) or "Lỗi hệ thống khi tạo tệp PDF."
        if not getattr(err, "message", None):
            log.exception("render job %s failed", job_id)
        _set(job_id, status="failed", error=message, finished_at=utcnow())


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs in this thread until none is left (or ``limit`` ran)."""
    done = 0
    while limit is None or done < limit:
        job_id = claim_next()
        if job_id is None:
            break
        run_claimed(job_id)
        done += 1
    return done


# One background worker thread per process, started on demand.
_worker_lock = threading.Lock()
_worker_running = False


def _worker(app: Flask) -> None:
    global _worker_running
    while True:
        with app.app_context():
            try:
                job_id = claim_next()
                if job_id is None:
                    with _worker_lock:
                        # Decide to stop under the lock: a job queued after this check
                        # starts a new worker (ensure_worker takes the same lock).
                        job_id = claim_next()
                        if job_id is None:
                            _worker_running = False
                            return
                run_claimed(job_id)
            except Exception:  # noqa: BLE001 - keep the worker alive for the next job
                log.exception("render worker error")
                with _worker_lock:
                    _worker_running = False
                return
            finally:
                db.session.remove()


def ensure_worker(app: Flask) -> None:
    """Start this process's worker thread unless it is already running."""
    global _worker_running
    with _worker_lock:
        if _worker_running:
            return
        _worker_running = True
    thread = threading.Thread(target=_worker, args=(app,), name="render-worker", daemon=True)
    thread.start()


def start(job: RenderJob) -> None:
    """After the job's row is committed: render it now (``RENDER_INLINE``) or wake the
    background worker."""
    app = current_app._get_current_object()
    if app.config.get("RENDER_INLINE"):
        if claim(job.id):
            run_claimed(job.id)
        db.session.expire_all()
    else:
        ensure_worker(app)


def nudge(job: RenderJob) -> None:
    """Called when someone polls a job: if it is still queued (its process may be gone),
    let this process's worker take it."""
    if job.status == "queued" or (job.status == "running" and job.created_at
                                  and _aware(job.created_at) < utcnow() - STALE_AFTER):
        app = current_app._get_current_object()
        if app.config.get("RENDER_INLINE"):
            start(job)
        else:
            ensure_worker(app)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
