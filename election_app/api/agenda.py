"""API v1: the congress programme (agenda) and the item on the floor."""
from __future__ import annotations

from flask import jsonify

from ..agenda import appointments as appointment_services
from ..agenda import services
from ..comments import actions as comment_actions
from ..comments import services as comment_services
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
PERSON = obj(["full_name"], full_name=S, position=S, unit=S, gender=S,
             birth_year={"type": ["integer", "null"]})
APPOINTMENT = obj(["id", "item_id", "body", "decision_number", "decision_date", "issuer", "people"],
                  id=I, item_id=I, body=S, body_label=S, decision_number=S,
                  decision_date={"type": ["string", "null"]}, issuer=S,
                  people={"type": "array", "items": PERSON}, recorded_at={"type": ["string", "null"]})
COMMENT = obj(["id", "item_id", "text", "topic"], id=I, item_id=I, text=S, topic=S,
              delegate={"type": ["string", "null"]})
COMMENT_GROUP = obj(["topic", "count", "texts"], topic=S, count=I, texts={"type": "array", "items": S})
COMMENTS = obj(["comments", "summary"], comments={"type": "array", "items": COMMENT},
               summary={"type": "array", "items": COMMENT_GROUP})
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
    "/congresses/{cid}/appointments": {
        "get": op("Các quyết định chỉ định đã công bố tại đại hội (theo thứ tự chương trình)",
                  errors=(404,), params=["cid"],
                  response=obj(["appointments"], appointments={"type": "array", "items": APPOINTMENT}))},
    "/congresses/{cid}/agenda/{iid}/appointment": {
        "post": op("Ghi quyết định chỉ định công bố tại mục này (số, ngày, cơ quan ban hành, người được "
                   "chỉ định); không tạo cuộc bầu cử nào", errors=(404, 422), params=["cid", "iid"],
                   body=agenda_actions.RecordAppointment, response=APPOINTMENT)},
    "/congresses/{cid}/agenda/{iid}/comments": {
        "get": op("Góp ý dự thảo văn kiện của đại biểu ở mục này, và bản tổng hợp theo nhóm (đưa vào biên bản)",
                  errors=(404,), params=["cid", "iid"], response=COMMENTS)},
    "/congresses/{cid}/agenda/{iid}/comments/topics": {
        "post": op("Thư ký đặt nhóm (chủ đề) cho các góp ý", errors=(404, 422), params=["cid", "iid"],
                   body=comment_actions.GroupComments, response=COMMENTS)},
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


@bp.get("/congresses/<int:cid>/appointments")
@api_auth("congress.view")
def api_appointments(cid: int):
    get_congress(db.session, cid)
    return jsonify({"appointments": [appointment_services.appointment_json(a)
                                     for a in appointment_services.list_appointments(db.session, cid)]})


@bp.post("/congresses/<int:cid>/agenda/<int:iid>/appointment")
@api_auth("agenda.manage")
def api_record_appointment(cid: int, iid: int):
    get_congress(db.session, cid)
    row = api_run(agenda_actions.record_appointment, json_body(), congress_id=cid, item_id=iid)
    return jsonify(appointment_services.appointment_json(row)), 200


def _comments(cid: int, iid: int) -> dict:
    from ..delegates.models import Delegate
    item = services.get_item(db.session, cid, iid)
    rows = comment_services.comments_of(db.session, item)
    return {"comments": [comment_services.comment_json(c, db.session.get(Delegate, c.delegate_id)
                                                       if c.delegate_id else None) for c in rows],
            "summary": comment_services.summary(db.session, item)}


@bp.get("/congresses/<int:cid>/agenda/<int:iid>/comments")
@api_auth("notes.write")
def api_comments(cid: int, iid: int):
    get_congress(db.session, cid)
    return jsonify(_comments(cid, iid))


@bp.post("/congresses/<int:cid>/agenda/<int:iid>/comments/topics")
@api_auth("notes.write")
def api_comment_topics(cid: int, iid: int):
    get_congress(db.session, cid)
    api_run(comment_actions.group_comments, json_body(), congress_id=cid, item_id=iid)
    return jsonify(_comments(cid, iid)), 200
