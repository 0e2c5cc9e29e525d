"""API v1: congresses, the roll (JSON and file import), check-in, attendance, credentials."""
from __future__ import annotations

import json

from flask import current_app, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field

from ..auth.permissions import public
from ..auth.services import guarded_authenticate, issue_api_token
from ..congress import actions as congress_actions
from ..congress.models import LEVEL_LABELS
from ..congress.services import congress_json, get_congress, list_congresses
from ..db import db
from ..delegates import actions as delegate_actions
from ..delegates import importer
from ..imports import Limits, legacy
from ..imports import services as imports_services
from ..delegates.report import credentials_summary
from ..delegates.services import (attendance, delegate_json, list_delegates)
from ..door import api_run, parse, unit
from ..errors import Unauthorized, ValidationFailed
from .core import api_auth, bp, json_body
from .openapi import B, I, S, obj, op


class TokenRequest(BaseModel):
    """Signing in for an API token (not an action: there is no actor yet)."""
    model_config = ConfigDict(extra="ignore", frozen=True)
    username: str = Field(max_length=80)
    password: str = Field(max_length=200)


CONGRESS = obj(["id", "name", "organization", "term", "kind"], id=I, name=S, organization=S,
               parent_organization=S, term=S, ordinal=S, kind={"enum": ["delegates", "all_members"]},
               level={"enum": list(LEVEL_LABELS)}, level_label=S,
               date={"type": ["string", "null"], "format": "date"}, venue=S, place=S, preset_code=S,
               chair_mode=S)
ATTENDANCE = obj(["summoned", "present", "quorum_met"], summoned=I, present=I, absent=I, quorum_met=B,
                 quorum_needed=I, quorum_fraction=S,
                 session=obj(["id", "name"], id=I, name=S))
CREATED = obj(["created", "ids"], created=I, ids={"type": "array", "items": I})

OPENAPI_PATHS = {
    "/auth/token": {"post": op("Lấy mã xác thực (bearer token)", auth=False, errors=(401, 422, 429),
                               body=TokenRequest,
                               response=obj(["token"], token=S, role=S))},
    "/congresses": {
        "post": op("Tạo đại hội", ok=201, errors=(422,), response=CONGRESS,
                   body=congress_actions.CreateCongress),
        "get": op("Danh sách đại hội", response=obj(["congresses"], congresses={"type": "array", "items": CONGRESS})),
    },
    "/congresses/{cid}": {
        "get": op("Một đại hội", errors=(404,), response=CONGRESS, params=["cid"]),
        "patch": op("Sửa thông tin đại hội (chỉ các trường gửi lên); đổi bộ quy tắc bị từ chối (409) khi đại hội "
                    "đã có lần bầu mở/đóng hoặc biểu quyết đã ghi kết quả",
                    errors=(404, 409, 422), response=CONGRESS, params=["cid"],
                    body=congress_actions.UpdateCongress),
    },
    "/congresses/{cid}/delegates": {
        "post": op("Thêm đại biểu (tất cả hoặc không)", ok=201, errors=(404, 422), response=CREATED,
                   body=delegate_actions.AddDelegates, fixed=("row_offset", "source"), params=["cid"]),
        "get": op("Danh sách đại biểu (thứ tự tiếng Việt)", errors=(404,), params=["cid"],
                  response=obj(["delegates"], delegates={"type": "array", "items": {"type": "object"}})),
    },
    "/congresses/{cid}/delegates/import": {
        "post": op("Nhập danh sách từ .xlsx/.xls/.ods/.csv (tất cả hoặc không)", ok=201, errors=(404, 422),
                   response=CREATED, multipart=True, params=["cid"],
                   body=obj(["file"], file={"type": "string", "format": "binary"},
                            encoding={"type": "string", "enum": ["unicode", "tcvn3", "vni"]},
                            mapping={"type": "string"}))},
    "/congresses/{cid}/delegates/{did}/check-in": {
        "post": op("Điểm danh (lặp lại không đổi gì)", errors=(404,), params=["cid", "did"],
                   response=obj(["delegate_id", "checked_in"], delegate_id=I, checked_in=B, already=B,
                                warning=S, attendance=ATTENDANCE))},
    "/congresses/{cid}/delegates/{did}/undo-check-in": {
        "post": op("Huỷ điểm danh", errors=(404, 409), params=["cid", "did"],
                   response=obj(["delegate_id", "checked_in"], delegate_id=I, checked_in=B, attendance=ATTENDANCE))},
    "/congresses/{cid}/delegates/{did}/credentials": {
        "post": op("Thẩm tra tư cách", errors=(404, 422), params=["cid", "did"],
                   body=delegate_actions.DecideCredentials)},
    "/congresses/{cid}/credentials/accept-pending": {
        "post": op("Công nhận tư cách tất cả đại biểu còn chờ (đại hội biểu quyết báo cáo thẩm tra)",
                   errors=(404,), params=["cid"], response=obj(["accepted"], accepted=I))},
    "/congresses/{cid}/attendance": {"get": op("Số triệu tập, có mặt, đủ điều kiện tiến hành (tỷ lệ của bộ quy tắc)", errors=(404,),
                                              response=ATTENDANCE, params=["cid"])},
    "/congresses/{cid}/credentials": {"get": op("Số liệu báo cáo thẩm tra tư cách", errors=(404,),
                                               params=["cid"])},
}


@bp.post("/auth/token")
@public("exchanges a password for a token")
def auth_token():
    data = parse(TokenRequest, json_body())

    def sign_in():
        user = guarded_authenticate(db.session, username=data.username, password=data.password,
                                    client=request.remote_addr or "unknown")
        token = issue_api_token(db.session, user=user, hours=current_app.config["API_TOKEN_HOURS"]) \
            if user is not None else None
        return user, token

    # Signing in is not a staff action (no actor until the token exists): one unit of work
    # without audit keeps the attempt's bookkeeping and the token, whatever the answer.
    user, token = unit(sign_in)
    if user is None:
        raise Unauthorized("Tên đăng nhập hoặc mật khẩu không đúng.")
    return jsonify({"token": token, "role": user.role}), 200


@bp.post("/congresses")
@api_auth("congress.manage")
def api_create_congress():
    congress = api_run(congress_actions.create_congress, json_body())
    return jsonify(congress_json(congress)), 201


@bp.get("/congresses")
@api_auth("congress.view")
def api_list_congresses():
    return jsonify({"congresses": [congress_json(c) for c in
                                   list_congresses(db.session, user=g.api_user)]})


@bp.get("/congresses/<int:cid>")
@api_auth("congress.view")
def api_get_congress(cid: int):
    return jsonify(congress_json(get_congress(db.session, cid)))


@bp.patch("/congresses/<int:cid>")
@api_auth("congress.manage")
def api_update_congress(cid: int):
    get_congress(db.session, cid)
    congress = api_run(congress_actions.update_congress, json_body(), congress_id=cid)
    return jsonify(congress_json(congress))


@bp.post("/congresses/<int:cid>/delegates")
@api_auth("delegates.manage")
def api_add_delegates(cid: int):
    get_congress(db.session, cid)
    made = api_run(delegate_actions.add_delegates, json_body(), source="api", row_offset=1, congress_id=cid)
    return jsonify({"created": len(made), "ids": [d.id for d in made]}), 201


@bp.post("/congresses/<int:cid>/delegates/import")
@api_auth("delegates.manage")
def api_import_delegates(cid: int):
    """The same reading as the page. Form fields besides ``file``: ``encoding``
    (unicode|tcvn3|vni: needed to confirm a file detected in an old font) and ``mapping`` (JSON:
    a list of one field per column, or {"D": "birth", ...} by column letter)."""
    congress = get_congress(db.session, cid)
    upload = request.files.get("file")
    if upload is None:
        raise ValidationFailed("Thiếu tệp (trường «file»).", [{"field": "file", "message": "Chưa gửi tệp."}])
    limits = Limits(max_rows=current_app.config["IMPORT_MAX_ROWS"],
                    max_bytes=current_app.config.get("IMPORT_MAX_BYTES", Limits.max_bytes))
    data = upload.read(limits.max_bytes + 1)
    encoding = request.form.get("encoding") or None
    remembered = lambda sig: imports_services.remembered_mapping(db.session, kind="roll", signature=sig)  # noqa: E731
    reading, _rows = importer.read_roll(upload.filename or "", data, limits=limits, encoding=encoding,
                                        remembered=remembered)
    if request.form.get("mapping"):
        reading, _rows = importer.read_roll(upload.filename or "", data, limits=limits, encoding=encoding,
                                            mapping=_api_mapping(request.form["mapping"], reading))
    if reading.detected != "unicode" and encoding is None:
        raise ValidationFailed(
            f"Tệp có vẻ được gõ bằng bảng mã {legacy.LABELS[reading.detected]}"
            + (f" (ví dụ «{reading.example[0]}» → «{reading.example[1]}»)" if reading.example else "")
            + f". Gửi lại với encoding={reading.detected} để chuyển sang Unicode, hoặc encoding=unicode để giữ nguyên.",
            [{"field": "encoding", "message": f"Cần xác nhận bảng mã: {reading.detected}."}], code="confirm_encoding")
    try:
        made = api_run(delegate_actions.add_delegates, {"rows": _rows, "row_offset": 2, "source": "file"},
                       congress_id=congress.id)
    except ValidationFailed as err:
        err.details = importer.with_columns(reading, err.details)
        raise
    return jsonify({"created": len(made), "ids": [d.id for d in made], "encoding": reading.encoding,
                    "columns": [{"column": c.letter, "label": c.label, "field": c.field} for c in reading.layout.columns],
                    "warnings": reading.warnings}), 201


def _api_mapping(raw: str, reading) -> list[str]:
    try:
        given = json.loads(raw)
    except ValueError:
        given = None
    fields = [c.field for c in reading.layout.columns]
    if isinstance(given, list) and all(isinstance(x, str) for x in given):
        return given
    if isinstance(given, dict):
        for i, col in enumerate(reading.layout.columns):
            if isinstance(given.get(col.letter), str):
                fields[i] = given[col.letter]
        return fields
    raise ValidationFailed("«mapping» phải là JSON: một danh sách tên trường hoặc {\"cột\": \"trường\"}.",
                           [{"field": "mapping", "message": "JSON không hợp lệ."}])


@bp.get("/congresses/<int:cid>/delegates")
@api_auth("congress.view")
def api_list_delegates(cid: int):
    get_congress(db.session, cid)
    return jsonify({"delegates": [delegate_json(d) for d in list_delegates(db.session, cid)]})


@bp.post("/congresses/<int:cid>/delegates/<int:did>/check-in")
@api_auth("checkin")
def api_check_in(cid: int, did: int):
    congress = get_congress(db.session, cid)
    result = api_run(delegate_actions.check_in, {"method": "api"}, congress_id=cid, delegate_id=did)
    payload = {"delegate_id": result.delegate.id, "checked_in": True, "already": result.already,
               "warning": result.warning, "attendance": attendance(db.session, congress)}
    return jsonify(payload), 200


@bp.post("/congresses/<int:cid>/delegates/<int:did>/undo-check-in")
@api_auth("checkin")
def api_undo_check_in(cid: int, did: int):
    congress = get_congress(db.session, cid)
    api_run(delegate_actions.undo_check_in, {}, congress_id=cid, delegate_id=did)
    return jsonify({"delegate_id": did, "checked_in": False,
                    "attendance": attendance(db.session, congress)})


@bp.post("/congresses/<int:cid>/delegates/<int:did>/credentials")
@api_auth("credentials.decide")
def api_decide_credentials(cid: int, did: int):
    delegate = api_run(delegate_actions.decide_credentials, json_body(), congress_id=cid, delegate_id=did)
    return jsonify(delegate_json(delegate)), 200


@bp.post("/congresses/<int:cid>/credentials/accept-pending")
@api_auth("credentials.decide")
def api_accept_pending(cid: int):
    accepted = api_run(delegate_actions.accept_pending, {}, congress_id=cid)
    return jsonify({"accepted": accepted}), 200


@bp.get("/congresses/<int:cid>/attendance")
@api_auth("attendance.view")
def api_attendance(cid: int):
    return jsonify(attendance(db.session, get_congress(db.session, cid)))


@bp.get("/congresses/<int:cid>/credentials")
@api_auth("congress.view")
def api_credentials(cid: int):
    summary = credentials_summary(db.session, get_congress(db.session, cid))
    return jsonify(_jsonable(summary))


def _jsonable(value):
    from decimal import Decimal
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value
