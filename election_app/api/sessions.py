"""API v1: the sessions (phiên họp) of a congress; the same actions as the sessions page."""
from __future__ import annotations

from flask import jsonify

from ..congress.services import get_congress
from ..db import db
from ..door import api_run
from ..sessions import actions
from ..sessions import services as ss
from .core import api_auth, bp, json_body
from .openapi import I, S, obj, op

INT_OR_NULL = {"type": ["integer", "null"]}
STR_OR_NULL = {"type": ["string", "null"]}
SESSION = obj(["id", "name", "position", "state"], id=I, congress_id=I, name=S, position=I,
              state={"enum": ["not_started", "open", "closed"]}, starts_at=STR_OR_NULL, opened_at=STR_OR_NULL,
              closed_at=STR_OR_NULL, summoned_at_open=INT_OR_NULL, present_at_open=INT_OR_NULL,
              summoned_at_close=INT_OR_NULL, present_at_close=INT_OR_NULL)
P = ["cid", "sid"]

OPENAPI_PATHS = {
    "/congresses/{cid}/sessions": {
        "get": op("Các phiên họp của đại hội, theo thứ tự", errors=(404,), params=["cid"],
                  response=obj(["sessions"], sessions={"type": "array", "items": SESSION})),
        "post": op("Thêm phiên họp (cuối danh sách)", ok=201, errors=(404, 422), params=["cid"],
                   body=actions.AddSession, response=SESSION),
    },
    "/congresses/{cid}/sessions/{sid}": {
        "patch": op("Đổi tên hoặc giờ dự kiến của phiên họp", errors=(404, 422), params=P,
                    body=actions.UpdateSession, response=SESSION),
        "delete": op("Xoá phiên họp chưa họp (đã họp → 409)", errors=(404, 409), params=P,
                     response=obj(["deleted"], deleted=S)),
    },
    "/congresses/{cid}/sessions/{sid}/move": {
        "post": op("Chuyển phiên họp lên (up) hoặc xuống (down)", errors=(404, 422), params=P,
                   body=actions.MoveSession, response=obj(["sessions"], sessions={"type": "array", "items": SESSION}))},
    "/congresses/{cid}/sessions/{sid}/open": {
        "post": op("Khai mạc phiên họp (một phiên mở một lúc; phiên khác đang mở → 409); người đang có mặt "
                   "được tính tiếp", errors=(404, 409), params=P, response=SESSION)},
    "/congresses/{cid}/sessions/{sid}/close": {
        "post": op("Kết thúc phiên họp (ghi số triệu tập và có mặt lúc bế mạc phiên)", errors=(404, 409),
                   params=P, response=SESSION)},
}


@bp.get("/congresses/<int:cid>/sessions")
@api_auth("congress.view")
def api_list_sessions(cid: int):
    get_congress(db.session, cid)
    return jsonify({"sessions": [ss.session_json(r) for r in ss.list_sessions(db.session, cid)]})


@bp.post("/congresses/<int:cid>/sessions")
@api_auth("sessions.manage")
def api_add_session(cid: int):
    get_congress(db.session, cid)
    return jsonify(ss.session_json(api_run(actions.add_session, json_body(), congress_id=cid))), 201


@bp.patch("/congresses/<int:cid>/sessions/<int:sid>")
@api_auth("sessions.manage")
def api_update_session(cid: int, sid: int):
    return jsonify(ss.session_json(api_run(actions.update_session, json_body(), congress_id=cid, session_id=sid)))


@bp.delete("/congresses/<int:cid>/sessions/<int:sid>")
@api_auth("sessions.manage")
def api_delete_session(cid: int, sid: int):
    return jsonify({"deleted": api_run(actions.delete_session, {}, congress_id=cid, session_id=sid)})


@bp.post("/congresses/<int:cid>/sessions/<int:sid>/move")
@api_auth("sessions.manage")
def api_move_session(cid: int, sid: int):
    api_run(actions.move_session, json_body(), congress_id=cid, session_id=sid)
    return jsonify({"sessions": [ss.session_json(r) for r in ss.list_sessions(db.session, cid)]})


@bp.post("/congresses/<int:cid>/sessions/<int:sid>/open")
@api_auth("sessions.run")
def api_open_session(cid: int, sid: int):
    return jsonify(ss.session_json(api_run(actions.open_session, {}, congress_id=cid, session_id=sid)))


@bp.post("/congresses/<int:cid>/sessions/<int:sid>/close")
@api_auth("sessions.run")
def api_close_session(cid: int, sid: int):
    return jsonify(ss.session_json(api_run(actions.close_session, {}, congress_id=cid, session_id=sid)))
