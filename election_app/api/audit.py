"""API v1: a congress's audit log (read-only; entries are written by the one door)."""
from __future__ import annotations

import datetime as dt

from flask import jsonify, request

from ..audit.services import chain_head, entry_json, list_entries, verify_chains
from ..congress.services import get_congress
from ..db import db
from ..errors import ValidationFailed
from .core import api_auth, bp
from .openapi import I, S, obj, op

ENTRY = obj(["seq", "at", "actor", "action", "data", "outcome", "hash"], id=I, seq=I, at=S, actor=S,
            actor_id={"type": ["integer", "null"]}, congress_id={"type": ["integer", "null"]}, action=S,
            data={"type": "object"}, outcome=S, hash=S, prev_hash=S)

OPENAPI_PATHS = {
    "/congresses/{cid}/audit": {
        "get": op("Nhật ký thao tác của đại hội (mới nhất trước), lọc theo người, thao tác, thời gian",
                  errors=(404, 422), params=["cid"],
                  response=obj(["entries", "intact"], entries={"type": "array", "items": ENTRY},
                               intact={"type": "boolean"}, head={"type": ["string", "null"]},
                               count={"type": "integer"}))},
}


def _when(name: str) -> dt.datetime | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationFailed("Thời điểm không hợp lệ.",
                               [{"field": name, "message": "Dùng dạng YYYY-MM-DD hoặc YYYY-MM-DDTHH:MM."}]) from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


@bp.get("/congresses/<int:cid>/audit")
@api_auth("audit.view")
def api_audit(cid: int):
    get_congress(db.session, cid)
    try:
        limit = min(max(int(request.args.get("limit", 500)), 1), 5000)
    except ValueError:
        raise ValidationFailed("«limit» phải là số nguyên.", [{"field": "limit", "message": "Số nguyên."}]) from None
    entries = list_entries(db.session, congress_id=cid, actor=request.args.get("actor"),
                           action=request.args.get("action"), since=_when("since"), until=_when("until"),
                           limit=limit)
    checked, faults = verify_chains(db.session, chain=cid)
    head = chain_head(db.session, cid)
    return jsonify({"entries": [entry_json(e) for e in entries], "intact": not faults,
                    "faults": [str(f) for f in faults], "head": head.hash if head else None,
                    "count": checked})
