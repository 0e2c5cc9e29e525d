"""API v1 of the federation (issue 17): the district dashboard's summary, the recognition
dossier sent up by a grassroots congress, and the upper union's decision on it."""
from __future__ import annotations

from flask import g, jsonify

from ..db import db
from ..documents.web import produce_now
from ..congress.services import get_congress
from ..door import api_run
from ..errors import NotFound
from ..federation import actions, services
from ..federation.models import Dossier
from .core import api_auth, bp, json_body
from .openapi import I, S, obj, op

NULL_S = {"type": ["string", "null"]}
NULL_I = {"type": ["integer", "null"]}
DOSSIER = obj(["id", "congress_id", "status", "sent_at", "sha256", "pages"], id=I, congress_id=I,
              organization_id=NULL_I, status=S, status_label=S, sent_at=S, sha256=S, pages=I,
              decision_number=S, decision_date=NULL_S, decision_scope=S, decided_at=NULL_S)
ELECTION = obj(["id", "title", "status", "elected"], id=I, title=S, seats=I, status=S, rounds=I,
               elected={"type": "array", "items": S})
SUMMARY = obj(["id", "name", "status", "attendance", "elections"], id=I, name=S, organization=NULL_S,
              organization_id=NULL_I, date=NULL_S, status=S, status_label=S,
              attendance={"type": "object"}, elections={"type": "array", "items": ELECTION},
              dossier={"oneOf": [DOSSIER, {"type": "null"}]})

OPENAPI_PATHS = {
    "/federation/congresses": {
        "get": op("Các đại hội thuộc các công đoàn mà tài khoản theo dõi (bảng theo dõi của công đoàn cấp trên)",
                  response=obj(["congresses", "counts"], congresses={"type": "array", "items": SUMMARY},
                               counts={"type": "object"}))},
    "/congresses/{cid}/dossier": {
        "post": op("Gửi hồ sơ đề nghị công nhận lên công đoàn cấp trên (tạo PDF lúc gửi, giữ nguyên)",
                   ok=201, errors=(404, 409), params=["cid"], response=DOSSIER),
        "get": op("Các lần gửi hồ sơ của đại hội và quyết định của cấp trên", errors=(404,), params=["cid"],
                  response=obj(["dossiers"], dossiers={"type": "array", "items": DOSSIER}))},
    "/dossiers/{dossier_id}/decision": {
        "post": op("Công đoàn cấp trên ghi quyết định: công nhận (số, ngày, nội dung) hoặc trả lại",
                   errors=(404, 409, 422), params=["dossier_id"], body=actions.DecideDossier, response=DOSSIER)},
}


def dossier_json(d: Dossier) -> dict:
    return {"id": d.id, "congress_id": d.congress_id, "organization_id": d.organization_id, "status": d.status,
            "status_label": d.status_label, "sent_at": d.sent_at.isoformat(), "sha256": d.sha256, "pages": d.pages,
            "decision_number": d.decision_number,
            "decision_date": d.decision_date.isoformat() if d.decision_date else None,
            "decision_scope": d.decision_scope, "decided_at": d.decided_at.isoformat() if d.decided_at else None}


@bp.get("/federation/congresses")
@api_auth("federation.view")
def api_federation_congresses():
    data = services.dashboard(db.session, g.api_user)
    out = []
    for s in data["congresses"]:
        c, org = s["congress"], s["organization"]
        out.append({"id": c.id, "name": c.name, "organization": org.name if org else None,
                    "organization_id": org.id if org else None, "date": c.date.isoformat() if c.date else None,
                    "status": s["status"], "status_label": s["status_label"], "attendance": s["attendance"],
                    "elections": s["elections"], "dossier": dossier_json(s["dossier"]) if s["dossier"] else None})
    return jsonify({"congresses": out, "counts": data["counts"]})


@bp.post("/congresses/<int:cid>/dossier")
@api_auth("dossier.send")
def api_send_dossier(cid: int):
    congress = get_congress(db.session, cid)
    pdf = produce_now(congress, "dossier", {}).pdf
    dossier = api_run(actions.send_dossier, {"pdf": pdf}, congress_id=cid)
    return jsonify(dossier_json(dossier)), 201


@bp.get("/congresses/<int:cid>/dossier")
@api_auth("congress.view")
def api_list_dossiers(cid: int):
    get_congress(db.session, cid)
    from sqlalchemy import select
    rows = db.session.scalars(select(Dossier).where(Dossier.congress_id == cid)
                              .order_by(Dossier.sent_at.desc(), Dossier.id.desc()))
    return jsonify({"dossiers": [dossier_json(d) for d in rows]})


@bp.post("/dossiers/<int:dossier_id>/decision")
@api_auth("dossier.decide")
def api_decide_dossier(dossier_id: int):
    payload = json_body()
    if not (0 < dossier_id < 2**63) or db.session.get(Dossier, dossier_id) is None:
        raise NotFound("Không có hồ sơ này.")
    dossier = api_run(actions.decide_dossier, payload, dossier_id=dossier_id)
    return jsonify(dossier_json(dossier))
