"""API v1: show-of-hands motions (API.md "Motions"). "abstain" in the API is our
"other" (ý kiến khác)."""
from __future__ import annotations

from flask import g, jsonify

from ..auth.permissions import can_access_congress
from ..congress.services import get_congress
from ..db import db
from ..door import api_run
from ..motions import actions
from ..errors import Forbidden
from ..motions import services as mo
from .core import api_auth, bp, json_body
from .openapi import B, I, S, obj, op

NUM_OR_NULL = {"type": ["number", "null"]}
INT_OR_NULL = {"type": ["integer", "null"]}
MOTION = obj(["id", "title"], id=I, congress_id=I, title=S, kind=S, position=I, recorded=B,
             agree=INT_OR_NULL, disagree=INT_OR_NULL, abstain=INT_OR_NULL, present=INT_OR_NULL,
             summoned=INT_OR_NULL, session_id=INT_OR_NULL, passed={"type": ["boolean", "null"]}, agree_percent=NUM_OR_NULL,
             disagree_percent=NUM_OR_NULL, abstain_percent=NUM_OR_NULL,
             recorded_at={"type": ["string", "null"]})
RESULT = obj(["agree", "disagree", "abstain", "passed"], agree=INT_OR_NULL, disagree=INT_OR_NULL,
             abstain=INT_OR_NULL, passed={"type": ["boolean", "null"]}, present=INT_OR_NULL,
             agree_percent=NUM_OR_NULL)

OPENAPI_PATHS = {
    "/congresses/{cid}/motions": {
        "post": op("Tạo nội dung biểu quyết", ok=201, errors=(404, 422), params=["cid"],
                   body=actions.CreateMotion, response=MOTION),
        "get": op("Các nội dung biểu quyết của đại hội", errors=(404,), params=["cid"],
                  response=obj(["motions"], motions={"type": "array", "items": MOTION})),
    },
    "/congresses/{cid}/motions/standard": {
        "post": op("Tạo các nội dung biểu quyết chuẩn còn thiếu", ok=201, errors=(404,), params=["cid"],
                   response=obj(["created", "motions"], created=I, motions={"type": "array", "items": MOTION}))},
    "/motions/{mid}/result": {
        "post": op("Ghi kết quả biểu quyết giơ tay (nhiều hơn số có mặt → 422; đại hội có phiên họp mà chưa "
                   "phiên nào mở → 409)", errors=(404, 409, 422),
                   params=["mid"], body=actions.RecordResult, fixed=("standard_code",),
                   response=RESULT),
        "get": op("Kết quả biểu quyết", errors=(404,), params=["mid"], response=RESULT),
    },
}


def _load(mid: int):
    motion = mo.get_motion(db.session, mid)
    if not can_access_congress(g.api_user, motion.congress_id):
        raise Forbidden("Tài khoản không được phép làm việc với đại hội này.")
    return motion


def _result(motion) -> dict:
    data = mo.motion_json(motion)
    return {k: data[k] for k in ("agree", "disagree", "abstain", "passed", "present", "agree_percent")}


@bp.post("/congresses/<int:cid>/motions")
@api_auth("motions.record")
def api_create_motion(cid: int):
    get_congress(db.session, cid)
    motion = api_run(actions.create_motion, json_body(), congress_id=cid)
    return jsonify(mo.motion_json(motion)), 201


@bp.get("/congresses/<int:cid>/motions")
@api_auth("congress.view")
def api_list_motions(cid: int):
    get_congress(db.session, cid)
    return jsonify({"motions": [mo.motion_json(m) for m in mo.list_motions(db.session, cid)]})


@bp.post("/congresses/<int:cid>/motions/standard")
@api_auth("motions.record")
def api_standard_motions(cid: int):
    get_congress(db.session, cid)
    made = api_run(actions.ensure_standard_motions, {}, congress_id=cid)
    return jsonify({"created": len(made), "motions": [mo.motion_json(m) for m in mo.list_motions(db.session, cid)]}), 201


@bp.post("/motions/<int:mid>/result")
@api_auth("motions.record")
def api_record_motion(mid: int):
    motion = api_run(actions.record_result, json_body(), standard_code=None, motion_id=mid)
    return jsonify(_result(motion)), 200


@bp.get("/motions/<int:mid>/result")
@api_auth("congress.view")
def api_motion_result(mid: int):
    return jsonify(_result(_load(mid)))
