"""API v1: the congress programme (agenda) and the item on the floor."""
from __future__ import annotations

from flask import jsonify

from ..agenda import services
from ..congress.services import get_congress
from ..agenda import actions as agenda_actions
from ..db import db
from ..door import api_run
from .core import api_auth, bp, json_body
from .openapi import I, S, obj, op

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
                   body=agenda_actions.FromTemplate)},
    "/congresses/{cid}/agenda/current": {
        "post": op("Đặt mục đang diễn ra (mục trước đó chuyển thành đã xong)", errors=(404, 422),
                   params=["cid"], body=agenda_actions.ItemRef, response=AGENDA)},
    "/congresses/{cid}/agenda/next": {
        "post": op("Chuyển sang mục tiếp theo", errors=(404, 409), params=["cid"],
                   body=agenda_actions.Advance, optional_body=True, response=AGENDA)},
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
    api_run(agenda_actions.from_template, json_body(), congress_id=cid)
    return jsonify(_agenda(cid, congress)), 201


@bp.post("/congresses/<int:cid>/agenda/current")
@api_auth("agenda.run")
def api_agenda_current(cid: int):
    congress = get_congress(db.session, cid)
    api_run(agenda_actions.set_current, json_body(), congress_id=cid)
    return jsonify(_agenda(cid, congress)), 200


@bp.post("/congresses/<int:cid>/agenda/next")
@api_auth("agenda.run")
def api_agenda_next(cid: int):
    congress = get_congress(db.session, cid)
    api_run(agenda_actions.advance, json_body(optional=True), congress_id=cid)
    return jsonify(_agenda(cid, congress)), 200

