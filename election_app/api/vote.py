"""API v1: delegate voting (API.md "Delegate voting", "voting-link", "ballots").

- the personal voting link of a delegate, one or many at once;
- casting a ballot with a token (personal link or anonymous slip): no account, the token
  in the URL is the credential;
- the anonymous slips of a round and the ballot desk's strike-off for a slip;
- live turnout (counts only) and, once a round is closed, its receipts and ballots."""
from __future__ import annotations

from flask import jsonify, request

from ..auth.permissions import public
from ..congress.services import get_congress
from ..db import db
from ..elections import services as elections
from ..errors import Conflict
from ..door import api_run
from ..voting.inputs import CastBallot
from ..voting import actions, services, tokens
from ..addresses import public_base_url
from ..voting.web import api_ballot, voter_for_request
from .core import api_auth, bp, json_body
from .openapi import I, S, obj, op

IDS = {"type": "array", "items": I}
TURNOUT = obj(["issued_paper", "voted_electronic", "slips", "total", "present"],
              round=I, status=S, issued_paper=I, voted_electronic=I, slips=I, slips_issued=I, total=I,
              present=I)
BALLOT_OUT = {"oneOf": [obj(["kept"], kept=IDS, against=IDS),
                        obj(["invalid"], invalid={"const": True}, reason=S, kept=IDS, against=IDS)]}

OPENAPI_PATHS = {
    "/congresses/{cid}/delegates/{did}/voting-link": {
        "post": op("Cấp (hoặc cấp lại) liên kết bỏ phiếu cá nhân; liên kết cũ mất hiệu lực",
                   errors=(404,), params=["cid", "did"], response=obj(["url"], url=S))},
    "/congresses/{cid}/voting-link-requests/{rid}/confirm": {
        "post": op("Tài khoản thứ hai xác nhận đề nghị cấp lại liên kết (quy tắc hai người)",
                   errors=(403, 404, 409), params=["cid", "rid"], response=obj(["url"], url=S, delegate_id=I))},
    "/congresses/{cid}/voting-policy": {
        "get": op("Quy tắc cấp lại liên kết bỏ phiếu của đại hội", errors=(404,), params=["cid"],
                  response=obj(["two_person_reissue"], two_person_reissue={"type": "boolean"})),
        "post": op("Bật / tắt quy tắc hai người khi cấp lại liên kết trong lúc có lần bầu mở",
                   errors=(404, 422), params=["cid"],
                   body=actions.SetPolicy,
                   response=obj(["two_person_reissue"], two_person_reissue={"type": "boolean"}))},
    "/congresses/{cid}/voting-monitor": {
        "get": op("Giám sát của Ban bầu cử khi có lần bầu mở: liên kết cấp / cấp lại, phiếu QR, điểm danh",
                  errors=(404,), params=["cid"],
                  response=obj(["open", "events", "checkins"], open={"type": "boolean"},
                               since={"type": ["string", "null"]}, links_reissued=I,
                               events={"type": "array"}, checkins={"type": "array"}))},
    "/congresses/{cid}/voting-links": {
        "post": op("Cấp liên kết bỏ phiếu cho nhiều đại biểu (để in thẻ); tất cả hoặc không",
                   errors=(404, 409, 422), params=["cid"], body=actions.IssueLinks,
                   response=obj(["links"], links={"type": "array", "items": obj(
                       ["delegate_id", "url"], delegate_id=I, url=S)}))},
    "/vote/{token}": {
        "get": op("Trạng thái của người giữ liên kết / phiếu QR: các lần bầu đang mở và phiếu bầu",
                  auth=False, errors=(403, 429), params=["token"])},
    "/vote/{token}/elections/{eid}": {
        "post": op("Bỏ phiếu điện tử (bí mật); trả về mã biên nhận", auth=False, ok=201,
                   errors=(403, 404, 409, 422, 429), params=["token", "eid"],
                   body=CastBallot, response=obj(["receipt"], receipt=S))},
    "/elections/{eid}/ballots": {
        "get": op("Mã biên nhận (đã sắp xếp) và toàn bộ phiếu đã kiểm của lần bầu đã kết thúc",
                  errors=(404, 409), params=["eid"],
                  response=obj(["receipts", "ballots"], round=I, receipts={"type": "array", "items": S},
                               ballots={"type": "array", "items": BALLOT_OUT},
                               seal_sha256={"type": ["string", "null"]}))},
    "/elections/{eid}/turnout": {
        "get": op("Số người đã nhận phiếu / đã bỏ phiếu (chỉ số lượng)", errors=(404, 409),
                  params=["eid"], response=TURNOUT)},
    "/elections/{eid}/slips": {
        "post": op("In phiếu QR ẩn danh cho lần bầu hiện tại (mã chỉ trả về một lần)", ok=201,
                   errors=(404, 409, 422), params=["eid"], body=actions.GenerateSlips,
                   response=obj(["urls"], round=I, urls={"type": "array", "items": S}))},
    "/elections/{eid}/issue-slip": {
        "post": op("Gạch tên đại biểu nhận phiếu QR ẩn danh tại bàn phát phiếu", errors=(403, 404, 409, 422),
                   params=["eid"], body=actions.IssueSlips,
                   response=obj(["issued"], issued=IDS))},
}

# Under the two-person rule a reissue during an open round is only a request (202).
OPENAPI_PATHS["/congresses/{cid}/delegates/{did}/voting-link"]["post"]["responses"]["202"] = {
    "description": "Đã ghi đề nghị cấp lại; cần tài khoản thứ hai xác nhận", "content": {"application/json": {
        "schema": obj(["pending", "request_id", "message"], pending={"type": "boolean"}, request_id=I,
                      message=S)}}}


@bp.post("/congresses/<int:cid>/delegates/<int:did>/voting-link")
@api_auth("delegates.manage")
def api_voting_link(cid: int, did: int):
    _, token, pending = api_run(actions.issue_link, {}, congress_id=cid, delegate_id=did)
    if token is None:
        return jsonify({"pending": True, "request_id": pending.id,
                        "message": "Đang có lần bầu mở và đại hội áp dụng quy tắc hai người: đã ghi đề nghị cấp "
                                   "lại liên kết; một tài khoản khác phải xác nhận."}), 202
    return jsonify({"url": tokens.link_url(public_base_url(), token)}), 200


@bp.post("/congresses/<int:cid>/voting-link-requests/<int:rid>/confirm")
@api_auth("delegates.manage")
def api_confirm_link_request(cid: int, rid: int):
    delegate, token = api_run(actions.confirm_link, {}, congress_id=cid, request_id=rid)
    return jsonify({"delegate_id": delegate.id, "url": tokens.link_url(public_base_url(), token)}), 200


@bp.get("/congresses/<int:cid>/voting-policy")
@api_auth("congress.view")
def api_voting_policy(cid: int):
    get_congress(db.session, cid)
    return jsonify({"two_person_reissue": services.two_person_reissue(db.session, congress_id=cid)})


@bp.post("/congresses/<int:cid>/voting-policy")
@api_auth("delegates.manage")
def api_set_voting_policy(cid: int):
    enabled = api_run(actions.set_policy, json_body(), congress_id=cid)
    return jsonify({"two_person_reissue": enabled}), 200


@bp.get("/congresses/<int:cid>/voting-monitor")
@api_auth("elections.count")
def api_voting_monitor(cid: int):
    congress = get_congress(db.session, cid)
    watch = services.insider_watch(db.session, congress=congress)
    iso = (lambda v: v.isoformat() if v is not None else None)  # noqa: E731
    return jsonify({"open": watch["open"], "since": iso(watch["since"]),
                    "links_reissued": watch.get("reissued", 0),
                    "events": [{**e, "at": iso(e["at"])} for e in watch["events"]],
                    "checkins": [{**c, "at": iso(c["at"])} for c in watch["checkins"]]})


@bp.post("/congresses/<int:cid>/voting-links")
@api_auth("delegates.manage")
def api_voting_links(cid: int):
    get_congress(db.session, cid)
    issued = api_run(actions.issue_links, json_body(), congress_id=cid)
    base = public_base_url()
    return jsonify({"links": [{"delegate_id": did, "url": tokens.link_url(base, t)}
                              for did, t in issued.items()]}), 200


@bp.get("/vote/<token>")
@public("delegate voting: the token in the URL is the credential")
def api_vote_status(token: str):
    voter = voter_for_request(token)
    choices = services.voter_ballots(db.session, voter=voter, token=token)
    return jsonify({
        "congress": {"id": voter.congress.id, "name": voter.congress.name},
        "kind": voter.kind,
        "elections": [{"id": c.election.id, "title": c.election.title, "round": c.round.number,
                       "ballot_type": c.election.ballot_type,
                       "seats": c.round.seats, "candidates": c.candidates,
                       "may_vote": c.can_vote, "status": c.status, "refusal": c.refusal,
                       "receipt": c.receipt}
                      for c in choices]})


@bp.post("/vote/<token>/elections/<int:eid>")
@public("delegate voting: the token in the URL is the credential")
def api_cast(token: str, eid: int):
    # The same code as the path in front of Flask (voting/fast.py), which answers a well-formed
    # ballot without a request context and hands everything else to this view.
    code = api_ballot(token, eid, json_body, address=request.remote_addr, agent=request.headers.get("User-Agent"))
    return jsonify({"receipt": code}), 201


@bp.get("/elections/<int:eid>/ballots")
@api_auth("congress.view")
def api_ballots(eid: int):
    election = elections.get_election(db.session, eid)
    _check_congress(election)
    number = request.args.get("round", type=int)
    rnd = services.published_round(db.session, election=election, number=number)
    return jsonify(services.published_ballots(db.session, round=rnd))


@bp.get("/elections/<int:eid>/turnout")
@api_auth("attendance.view")
def api_turnout(eid: int):
    election = elections.get_election(db.session, eid)
    _check_congress(election)
    rnd = elections.current_round(db.session, election)
    if rnd is None:
        raise Conflict("Cuộc bầu cử chưa có lần bầu nào.", code="no_round")
    resp = jsonify(services.turnout(db.session, rnd))
    resp.headers["Cache-Control"] = "private, max-age=1"
    return resp


@bp.post("/elections/<int:eid>/slips")
@api_auth("elections.count")
def api_slips(eid: int):
    election = elections.get_election(db.session, eid)
    _check_congress(election)
    if elections.current_round(db.session, election) is None:
        raise Conflict("Cuộc bầu cử chưa có lần bầu nào: hãy mở lần bầu trước.", code="no_round")
    rnd, issued = api_run(actions.generate_slips, json_body(), election_id=eid)
    base = public_base_url()
    return jsonify({"round": rnd.number, "urls": [tokens.slip_url(base, t) for t in issued]}), 201


@bp.post("/elections/<int:eid>/issue-slip")
@api_auth("elections.count")
def api_issue_slip(eid: int):
    election = elections.get_election(db.session, eid)
    _check_congress(election)
    people = api_run(actions.issue_slips, json_body(), election_id=eid)
    return jsonify({"issued": [d.id for d in people]}), 200


def _check_congress(election) -> None:
    """An account bound to one congress sees only that congress's elections."""
    from flask import g

    from ..auth.permissions import can_access_congress
    from ..errors import Forbidden
    if not can_access_congress(g.api_user, election.congress_id):
        raise Forbidden("Tài khoản không được phép làm việc với đại hội này.")
