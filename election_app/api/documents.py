"""API v1: documents (API.md "Documents"). Every document is a GET that answers
``application/pdf``; big ones may also be asked for as a background job
(``POST …/documents/jobs``, then poll and download), which any app process finishes."""
from __future__ import annotations

from flask import g, jsonify, request, url_for

from ..auth.permissions import can_access_congress
from ..congress.services import get_congress
from ..db import db
from ..documents import actions as doc_actions
from ..door import api_run
from ..documents import jobs
from ..addresses import public_base_url
from ..documents.web import pdf_response, produce_now
from ..elections import services as el
from ..errors import Forbidden
from .core import api_auth, bp, json_body
from .openapi import B, I, S, obj, op

PDF_RESPONSE = {"type": "string", "format": "binary"}
JOB = obj(["id", "kind", "status", "progress", "total"], id=S, kind={"enum": list(jobs.KINDS)}, title=S,
          status={"enum": ["queued", "running", "done", "failed"]}, progress=I, total=I, percent=I,
          error={"type": ["string", "null"]}, has_result=B, collected=B, voting_links=B, reissue_links=B,
          created_at=S, finished_at={"type": ["string", "null"]}, status_url=S, result_url=S)

CONGRESS_DOCS = {
    "delegate-cards": "Thẻ đại biểu (QR điểm danh; ?codes=001,002 để in lại một số thẻ)",
    "delegate-list": "Danh sách đại biểu dự đại hội",
    "attendance-sheet": "Danh sách ký tên dự đại hội",
    "credentials-report": "Báo cáo thẩm tra tư cách đại biểu (toàn thể: số lượng và tư cách đoàn viên)",
    "minutes": "Biên bản đại hội, kèm các biên bản kiểm phiếu",
    "resolution": "Nghị quyết đại hội",
    "dossier": "Hồ sơ đề nghị công nhận: tờ trình, biên bản, danh sách trích ngang",
}


def _pdf_op(summary: str, params: list[str], errors=(404,)) -> dict:
    return op(summary, errors=errors, params=params, content_type="application/pdf", response=PDF_RESPONSE)


OPENAPI_PATHS = {
    **{f"/congresses/{{cid}}/documents/{kind}.pdf": {"get": _pdf_op(title, ["cid"], errors=(404, 409, 422))}
       for kind, title in CONGRESS_DOCS.items()},
    "/elections/{eid}/documents/ballot.pdf": {
        "get": _pdf_op("Phiếu bầu in sẵn (?round=n lần bầu, mặc định lần sắp phát; ?copies=N số bản)",
                       ["eid"], errors=(404, 409, 422))},
    "/elections/{eid}/documents/count-minutes.pdf": {
        "get": _pdf_op("Biên bản kiểm phiếu của lần bầu đã kết thúc gần nhất (?round=n); 409 khi chưa có",
                       ["eid"], errors=(404, 409, 422))},
    "/congresses/{cid}/documents/jobs": {
        "post": op("Tạo tài liệu ở chế độ nền (tài liệu lớn, ví dụ thẻ cho 1.000 đại biểu); "
                   "voting_links cần quyền quản lý đại biểu", ok=202, errors=(404, 409, 422), params=["cid"],
                   body=doc_actions.CreateJob, response=JOB)},
    "/congresses/{cid}/documents/jobs/{job_id}": {
        "get": op("Tiến độ tạo tài liệu", errors=(404,), params=["cid", "job_id"], response=JOB)},
    "/congresses/{cid}/documents/jobs/{job_id}/result": {
        "get": _pdf_op("Tải tài liệu đã tạo (409 khi chưa xong, thất bại, hoặc đã tải tệp có liên kết bỏ phiếu)",
                       ["cid", "job_id"], errors=(404, 409))},
}
for _path, _ops in OPENAPI_PATHS.items():  # path parameters named in the spec
    for _op in _ops.values():
        for p in _op.get("parameters", []):
            if p["name"] == "job_id":
                p["schema"] = {"type": "string"}


def _election(eid: int):
    election = el.get_election(db.session, eid)
    if not can_access_congress(g.api_user, election.congress_id):
        raise Forbidden("Tài khoản không được phép làm việc với đại hội này.")
    return election


def _job_payload(cid: int, job) -> dict:
    return {**jobs.job_json(job),
            "status_url": url_for("api.api_document_job", cid=cid, job_id=job.id),
            "result_url": url_for("api.api_document_job_result", cid=cid, job_id=job.id)}


def _congress_document_view(kind: str):
    def view(cid: int):
        congress = get_congress(db.session, cid)
        params = {"codes": request.args.get("codes")} if kind == "delegate-cards" else {}
        return pdf_response(produce_now(congress, kind, params))
    view.__name__ = "api_document_" + kind.replace("-", "_")
    return view


# One route per document, as API.md names them (and as openapi.json lists them).
for _kind in CONGRESS_DOCS:
    _view = _congress_document_view(_kind)
    bp.add_url_rule(f"/congresses/<int:cid>/documents/{_kind}.pdf", endpoint=_view.__name__,
                    view_func=api_auth("documents.print")(_view), methods=["GET"])


@bp.get("/elections/<int:eid>/documents/ballot.pdf")
@api_auth("documents.print")
def api_ballot(eid: int):
    election = _election(eid)
    congress = get_congress(db.session, election.congress_id)
    return pdf_response(produce_now(congress, "ballot", {
        "election_id": eid, "round": request.args.get("round"), "copies": request.args.get("copies")}))


@bp.get("/elections/<int:eid>/documents/count-minutes.pdf")
@api_auth("documents.print")
def api_count_minutes(eid: int):
    election = _election(eid)
    congress = get_congress(db.session, election.congress_id)
    return pdf_response(produce_now(congress, "count-minutes", {
        "election_id": eid, "round": request.args.get("round")}))


@bp.post("/congresses/<int:cid>/documents/jobs")
@api_auth("documents.print")
def api_create_document_job(cid: int):
    congress = get_congress(db.session, cid)
    job = api_run(doc_actions.create_job, json_body(), base_url=public_base_url(), congress_id=congress.id)
    jobs.start(job)
    job = jobs.get_job(db.session, cid, job.id)
    return jsonify(_job_payload(cid, job)), 202


@bp.get("/congresses/<int:cid>/documents/jobs/<job_id>")
@api_auth("documents.print")
def api_document_job(cid: int, job_id: str):
    job = jobs.get_job(db.session, cid, job_id)
    jobs.nudge(job)
    return jsonify(_job_payload(cid, job))


@bp.get("/congresses/<int:cid>/documents/jobs/<job_id>/result")
@api_auth("documents.print")
def api_document_job_result(cid: int, job_id: str):
    produced = api_run(doc_actions.take_result, {}, congress_id=cid, job_id=job_id)
    return pdf_response(produced, download=True)
