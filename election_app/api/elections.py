"""API v1: elections (API.md "Elections"): create with the candidate list, open and close
rounds, further rounds, strike-off with paper ballots, the board's paper entry and the
result. Every handler calls the same services as the pages."""
from __future__ import annotations

from flask import current_app, g, jsonify, request

from ..auth.permissions import can_access_congress
from ..congress.services import get_congress
from ..db import db
from ..delegates.services import list_delegates
from ..door import api_run
from ..elections import actions
from ..elections import services as el
from ..errors import Conflict, Forbidden, ValidationFailed
from ..imports import Limits, legacy
from ..imports import services as imports_services
from ..imports.candidates import MAX_CANDIDATES, candidate_rows, read_candidates, sheet_problems
from .congresses import _api_mapping
from .core import api_auth, bp, json_body
from .openapi import B, I, S, obj, op

IDS = {"type": "array", "items": I}
NUM = {"type": "number"}
CANDIDATE = obj(["id", "full_name"], id=I, full_name=S, ho=S, ten_dem=S, ten=S, birth_year=I, position=S,
                unit=S, nomination=S, delegate_id=I, withdrawn=B, withdrawal_reason=S)
ELECTION = obj(["id", "title", "body", "seats", "candidates", "warnings"], id=I, congress_id=I, title=S,
               body=S, body_label=S, seats=I, entry_teams=I,
               ballot_type={"enum": ["strike", "yes_no"]}, ballot_type_label=S,
               status={"enum": ["draft", "open", "closed", "complete"]},
               candidates={"type": "array", "items": CANDIDATE}, withdrawn={"type": "array", "items": CANDIDATE},
               warnings={"type": "array", "items": S}, surplus_percent=NUM,
               rounds={"type": "array", "items": obj(None, number=I, seats=I, status=S, outcome=S)},
               elected_so_far=IDS, alternate_seats=I, ranked_alternates={"type": "object"})
RESULT = obj(["round", "status", "seats", "issued", "returned", "valid", "invalid", "candidates", "outcome",
              "elected", "tied", "elected_so_far"],
             round={"type": ["integer", "null"]},          # null before round 1 is opened (status draft)
             status={"enum": ["draft", "open", "closed"]}, seats=I, issued=I, returned=I, valid=I,
             invalid=I, ballot_type={"enum": ["strike", "yes_no"]},
             candidates={"type": "array", "items": obj(["id", "full_name", "votes", "percent", "elected"],
                                                       id=I, full_name=S, votes=I, percent=NUM, elected=B,
                                                       against=I)},
             outcome={"enum": ["pending", "complete", "tie", "insufficient"]}, elected=IDS, tied=IDS,
             elected_so_far=IDS, seats_left=I, invalid_by_reason={"type": "object"},
             invalid_by_text={"type": "array", "items": obj(["reason", "count"], reason=S, count=I)})
ROUND = obj(["round", "status", "seats"], election_id=I, round=I, status=S, seats=I, summoned_at_open=I,
            present_at_open=I, session_id=I, candidates={"type": "array", "items": obj(None, id=I, full_name=S, number=I)})

OPENAPI_PATHS = {
    "/congresses/{cid}/elections": {
        "post": op("Tạo cuộc bầu cử với danh sách bầu cử (lỗi §4.1 → 422; cảnh báo số dư trong warnings)",
                   ok=201, errors=(404, 422), params=["cid"], response=ELECTION, body=actions.CreateElection),
        "get": op("Các cuộc bầu cử của đại hội", errors=(404,), params=["cid"],
                  response=obj(["elections"], elections={"type": "array", "items": ELECTION})),
    },
    "/congresses/{cid}/elections/import": {
        "post": op("Tạo cuộc bầu cử với danh sách ứng cử, đề cử từ tệp .xlsx/.xls/.ods/.csv (đọc như danh sách "
                   "đại biểu; tất cả hoặc không; tệp gõ TCVN3/VNI → 422 confirm_encoding cho đến khi gửi encoding)",
                   ok=201, errors=(404, 422), params=["cid"], multipart=True,
                   response=obj(["id", "title", "body", "seats", "candidates", "warnings"], **ELECTION["properties"],
                                encoding={"enum": ["unicode", "tcvn3", "vni"]},
                                columns={"type": "array", "items": obj(["column", "label", "field"], column=S,
                                                                       label=S, field=S)},
                                file_warnings={"type": "array", "items": S}),
                   body=obj(["file", "title", "seats"], file={"type": "string", "format": "binary"}, title=S,
                            body={"enum": ["executive_committee", "inspection_committee", "chair",
                                           "upper_delegates", "upper_alternates", "other"]},
                            seats=I, entry_teams={"enum": [1, 2, 3]},
                            ballot_type={"enum": ["strike", "yes_no"]},
                            encoding={"type": "string", "enum": ["unicode", "tcvn3", "vni"]},
                            mapping={"type": "string"}))},
    "/elections/{eid}": {"get": op("Một cuộc bầu cử", errors=(404,), params=["eid"], response=ELECTION)},
    "/elections/{eid}/candidates": {
        "post": op("Thêm người vào danh sách bầu cử (khi chưa mở lần bầu nào đang diễn ra)", ok=201,
                   errors=(404, 409, 422), params=["eid"], body=actions.AddCandidate,
                   response=obj(["candidate", "warnings"], candidate=CANDIDATE, warnings={"type": "array", "items": S}))},
    "/elections/{eid}/candidates/{cand_id}/withdraw": {
        "post": op("Rút tên khỏi danh sách (trước lần bầu thứ nhất), có lý do", errors=(404, 409, 422),
                   params=["eid", "cand_id"], body=actions.CandidateChange, fixed=("change", "nomination"),
                   response=ELECTION)},
    "/elections/{eid}/open": {"post": op("Mở lần bầu (lần 1 lập từ danh sách; lần sau: lần đã tạo)",
                                         errors=(404, 409, 422), params=["eid"], response=ROUND,
                                         body=actions.SealedRoundRef, optional_body=True)},
    "/elections/{eid}/close": {"post": op("Kết thúc lần bầu; từ chối (409) khi số liệu chưa khớp hoặc các tổ nhập phiếu chưa khớp",
                                          errors=(404, 409, 422), params=["eid"], response=RESULT,
                                          body=actions.SealedRoundRef, optional_body=True)},
    "/elections/{eid}/rounds": {
        "post": op("Tạo lần bầu tiếp theo (sau khi lần trước đã kết thúc)", ok=201, errors=(404, 409, 422),
                   params=["eid"], body=actions.FurtherRound,
                   response=ROUND)},
    "/elections/{eid}/issue-paper": {
        "post": op("Phát phiếu giấy (gạch tên người nhận phiếu); đã nhận phiếu / đã bỏ phiếu → 409, không phát cho ai",
                   errors=(404, 409, 422), params=["eid"], body=actions.IssuePaper,
                   response=obj(["issued"], issued=IDS, round=I, paper_issued=I))},
    "/elections/{eid}/paper-ballots": {
        "post": op("Ghi phiếu giấy do Ban bầu cử kiểm (tất cả hoặc không)", ok=201, errors=(404, 409, 422),
                   params=["eid"],
                   body=actions.RecordBallots,
                   response=obj(["recorded"], recorded=I, round=I))},
    "/elections/{eid}/paper-ballots/void": {
        "post": op("Huỷ một phiếu giấy nhập nhầm (có lý do, khi lần bầu đang mở): phiếu vẫn ở nhật ký, "
                   "không được tính; số thứ tự không dùng lại. Đã huỷ / lần bầu không mở → 409",
                   errors=(404, 409, 422), params=["eid"],
                   body=actions.VoidBallot,
                   response=obj(["voided", "round"], voided=obj(["team", "number"], team=I, number=I, reason=S),
                                round=I, returned=I))},
    "/elections/{eid}/result": {"get": op("Kết quả lần bầu hiện tại", errors=(404,), params=["eid"],
                                          response=RESULT)},
}


def _load(eid: int):
    election = el.get_election(db.session, eid)
    if not can_access_congress(g.api_user, election.congress_id):
        raise Forbidden("Tài khoản không được phép làm việc với đại hội này.")
    return election


def _round_json(election, r) -> dict:
    return {"election_id": election.id, "round": r.number, "status": r.status, "seats": r.seats,
            "summoned_at_open": r.summoned_at_open, "present_at_open": r.present_at_open,
            "session_id": r.congress_session_id,
            "candidates": [{"id": c.id, "full_name": c.full_name, "number": rc.ballot_number}
                           for rc, c in el.round_candidates(db.session, r)]}


@bp.post("/congresses/<int:cid>/elections")
@api_auth("elections.manage")
def api_create_election(cid: int):
    get_congress(db.session, cid)
    election, warnings = api_run(actions.create_election, json_body(), congress_id=cid)
    return jsonify(el.election_json(db.session, election, warnings)), 201


@bp.post("/congresses/<int:cid>/elections/import")
@api_auth("elections.manage")
def api_import_election(cid: int):
    """The candidate list from a file, read as the page reads it (issue 15 §4). Form fields:
    ``file``, ``title``, ``body`` (default executive_committee), ``seats``, ``entry_teams``,
    ``encoding`` (unicode|tcvn3|vni: needed to confirm a file detected in an old font) and
    ``mapping`` (JSON: one field per column, or {"F": "nomination", ...} by column letter).
    People on the roll (same name and birth year) are taken from the roll."""
    get_congress(db.session, cid)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed("Thiếu tệp (trường «file»).", [{"field": "file", "message": "Chưa gửi tệp."}])
    limits = Limits(max_rows=MAX_CANDIDATES, max_bytes=current_app.config.get("IMPORT_MAX_BYTES", Limits.max_bytes))
    data = upload.read(limits.max_bytes + 1)
    encoding = request.form.get("encoding") or None
    remembered = lambda sig: imports_services.remembered_mapping(db.session, kind="candidates", signature=sig)  # noqa: E731
    reading, rows = read_candidates(upload.filename or "", data, limits=limits, encoding=encoding,
                                    remembered=remembered)
    if request.form.get("mapping"):
        reading, rows = read_candidates(upload.filename or "", data, limits=limits, encoding=encoding,
                                        mapping=_api_mapping(request.form["mapping"], reading))
    if reading.detected != legacy.UNICODE and encoding is None:
        raise ValidationFailed(
            f"Tệp có vẻ được gõ bằng bảng mã {legacy.LABELS[reading.detected]}"
            + (f" (ví dụ «{reading.example[0]}» → «{reading.example[1]}»)" if reading.example else "")
            + f". Gửi lại với encoding={reading.detected} để chuyển sang Unicode, hoặc encoding=unicode để giữ nguyên.",
            [{"field": "encoding", "message": f"Cần xác nhận bảng mã: {reading.detected}."}], code="confirm_encoding")
    candidates, lines = candidate_rows(rows, list_delegates(db.session, cid))
    form = request.form
    try:
        election, warnings = api_run(actions.create_election, {
            "title": form.get("title") or "", "body": form.get("body") or "executive_committee",
            "seats": form.get("seats"), "entry_teams": form.get("entry_teams") or 1, "candidates": candidates,
            "ballot_type": form.get("ballot_type") or "strike"},
            congress_id=cid)
    except ValidationFailed as err:
        err.details = sheet_problems(err.details or [], first=1, lines=lines, reading=reading)
        raise
    answer = el.election_json(db.session, election, warnings)
    answer.update(encoding=reading.encoding, file_warnings=reading.warnings,
                  columns=[{"column": c.letter, "label": c.label, "field": c.field} for c in reading.layout.columns])
    return jsonify(answer), 201


@bp.get("/congresses/<int:cid>/elections")
@api_auth("congress.view")
def api_list_elections(cid: int):
    get_congress(db.session, cid)
    return jsonify({"elections": [el.election_json(db.session, e) for e in el.list_elections(db.session, cid)]})


@bp.get("/elections/<int:eid>")
@api_auth("congress.view")
def api_get_election(eid: int):
    return jsonify(el.election_json(db.session, _load(eid)))


@bp.post("/elections/<int:eid>/candidates")
@api_auth("elections.manage")
def api_add_candidate(eid: int):
    candidate, warnings = api_run(actions.add_candidate, json_body(), election_id=eid)
    return jsonify({"candidate": el.candidate_json(candidate), "warnings": warnings}), 201


@bp.post("/elections/<int:eid>/candidates/<int:cand_id>/withdraw")
@api_auth("elections.manage")
def api_withdraw_candidate(eid: int, cand_id: int):
    _name, warnings = api_run(actions.change_candidate, json_body(), change="withdraw",
                              election_id=eid, candidate_id=cand_id)
    return jsonify(el.election_json(db.session, _load(eid), warnings)), 200


@bp.post("/elections/<int:eid>/open")
@api_auth("elections.count")
def api_open_round(eid: int):
    r = api_run(actions.open_round, json_body(optional=True), election_id=eid)
    return jsonify(_round_json(_load(eid), r)), 200


@bp.post("/elections/<int:eid>/close")
@api_auth("elections.count")
def api_close_round(eid: int):
    api_run(actions.close_round, json_body(optional=True), election_id=eid)
    return jsonify(el.round_result(db.session, _load(eid))), 200


@bp.post("/elections/<int:eid>/rounds")
@api_auth("elections.count")
def api_create_round(eid: int):
    r = api_run(actions.create_further_round, json_body(), election_id=eid)
    return jsonify(_round_json(_load(eid), r)), 201


@bp.post("/elections/<int:eid>/issue-paper")
@api_auth("elections.count")
def api_issue_paper(eid: int):
    issued = api_run(actions.issue_paper, json_body(), election_id=eid)
    election = _load(eid)
    r = el.current_round(db.session, election)
    return jsonify({"issued": issued, "round": r.number, "paper_issued": el.participation(db.session, r)["paper"]}), 200


@bp.post("/elections/<int:eid>/paper-ballots")
@api_auth("elections.count")
def api_paper_ballots(eid: int):
    recorded = api_run(actions.record_paper_ballots, json_body(), election_id=eid)
    return jsonify({"recorded": recorded, "round": el.current_round(db.session, _load(eid)).number}), 201


@bp.post("/elections/<int:eid>/paper-ballots/void")
@api_auth("elections.count")
def api_void_paper_ballot(eid: int):
    election = _load(eid)
    data = json_body()
    r = el.current_round(db.session, election)
    if r is None:
        raise Conflict("Không có lần bầu nào đang mở cho cuộc bầu cử này.")
    entry = api_run(actions.void_paper_ballot, data, election_id=eid)
    reason = el.void_reasons(db.session, r)[entry.id].reason
    return jsonify({"voided": {"team": entry.team, "number": entry.number, "reason": reason}, "round": r.number,
               "returned": el.round_tally(db.session, r)["returned"]}), 200


@bp.get("/elections/<int:eid>/result")
@api_auth("congress.view")
def api_election_result(eid: int):
    return jsonify(el.round_result(db.session, _load(eid)))
