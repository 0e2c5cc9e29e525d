"""API v1: the congress programme (agenda) and the item on the floor."""
from __future__ import annotations

from flask import jsonify, request

from ..agenda import services
from ..congress.services import get_congress
from ..agenda import actions as agenda_actions
from ..db import db
from ..door import api_run
from ..errors import ValidationFailed
from .core import api_auth, bp, json_body
from .openapi import B, I, S, obj, op

ITEM = obj(["id", "position", "section", "title", "status"], id=I, position=I,
           section={"enum": ["A", "B", "C", "D"]}, section_label=S, title=S, presenter=S,
           planned_time=S, duration_min={"type": ["integer", "null"]}, kind=S, code=S,
           motion_id={"type": ["integer", "null"]}, election_id={"type": ["integer", "null"]},
           status={"enum": ["pending", "current", "done"]}, notes=S,
           started_at={"type": ["string", "null"]}, ended_at={"type": ["string", "null"]})
AGENDA = obj(["items", "current_item_id"], items={"type": "array", "items": ITEM},
             current_item_id={"type": ["integer", "null"]})

OPENAPI_PATHS = {
    "/congresses/{cid}/agenda": {
        "get": op("Chương trình đại hội (theo thứ tự)", errors=(404,), params=["cid"], response=AGENDA)},
    "/congresses/{cid}/agenda/from-template": {
        "post": op("Tạo chương trình từ chương trình mẫu (RULES §7); 409 nếu đã có, trừ khi replace",
                   ok=201, errors=(404, 409, 422), params=["cid"], response=AGENDA,
                   body=obj([], replace=B, start={"type": "string", "pattern": "^[0-2]?[0-9]:[0-5][0-9]$"}))},
    "/congresses/{cid}/agenda/current": {
        "post": op("Đặt mục đang diễn ra (mục trước đó chuyển thành đã xong)", errors=(404, 422),
                   params=["cid"], body=obj(["item_id"], item_id=I), response=AGENDA)},
    "/congresses/{cid}/agenda/next": {
        "post": op("Chuyển sang mục tiếp theo", errors=(404, 409), params=["cid"],
                   body=obj([], expected_current_id={"type": ["integer", "null"]}), response=AGENDA)},
}


def _agenda(cid: int, congress) -> dict:
    return {"items": [services.item_json(i) for i in services.list_items(db.session, cid)],
            "current_item_id": congress.current_agenda_item_id}


@bp.get("/congresses/<int:cid>/agenda")
@api_auth("congress.view")
def api_agenda(cid: int):
    congress = get_congress(db.session, cid)
    return jsonify(_agenda(cid, congress))


@bp.post("/congresses/<int:cid>/agenda/from-template")
@api_auth("agenda.manage")
def api_agenda_from_template(cid: int):
    congress = get_congress(db.session, cid)
    data = json_body()
    api_run(agenda_actions.from_template, {"replace": bool(data.get("replace")),
                                           "start": str(data.get("start") or "07:30")[:5]}, congress_id=cid)
    return jsonify(_agenda(cid, congress)), 201


@bp.post("/congresses/<int:cid>/agenda/current")
@api_auth("agenda.run")
def api_agenda_current(cid: int):
    congress = get_congress(db.session, cid)
    item_id = json_body().get("item_id")
    if isinstance(item_id, bool) or not isinstance(item_id, int):
        raise ValidationFailed("Cần «item_id» là mã số của một mục trong chương trình.",
                               [{"field": "item_id", "message": "Cần một số nguyên."}])
    api_run(agenda_actions.set_current, {}, congress_id=cid, item_id=item_id)
    return jsonify(_agenda(cid, congress)), 200


@bp.post("/congresses/<int:cid>/agenda/next")
@api_auth("agenda.run")
def api_agenda_next(cid: int):
    congress = get_congress(db.session, cid)
    body = request.get_json(silent=True)
    expected = body.get("expected_current_id") if isinstance(body, dict) else None
    if expected is not None and (isinstance(expected, bool) or not isinstance(expected, int)):
        raise ValidationFailed("«expected_current_id» phải là số nguyên.",
                               [{"field": "expected_current_id", "message": "Cần một số nguyên."}])
    api_run(agenda_actions.advance, {"expected_current_id": expected}, congress_id=cid)
    return jsonify(_agenda(cid, congress)), 200

