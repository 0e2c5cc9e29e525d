"""The board's camera reading page: choose the team, photograph or upload a stack, check
each reading (Enter accepts, or type the corrections; every unsure row needs a decision),
and each accepted reading is posted to ``elections.enter`` (the one door for a paper entry)."""
from __future__ import annotations

import io

from flask import Blueprint, render_template, request
from flask_babel import gettext

from ..auth.permissions import require
from ..db import db
from ..extensions import csrf
from ..elections import services as el
from ..elections.forms import ActionForm
from ..congress.services import get_congress
from . import services

bp = Blueprint("camera", __name__, url_prefix="/congresses/<int:cid>")
MAX_UPLOAD = 120 * 1024 * 1024          # a stack of phone photos; the app's usual limit is 20 MB


def _in_memory(*_args, **_kwargs):
    """Uploaded photos stay in memory: never a temporary file on disk (werkzeug spools
    files over 500 KB to one by default)."""
    return io.BytesIO()


def _load(cid: int, eid: int):
    return get_congress(db.session, cid), el.get_election(db.session, eid, cid)


def _team_arg(election) -> int:
    try:
        team = int(request.values.get("team", 1))
    except (TypeError, ValueError):
        team = 1
    return team if 1 <= team <= election.entry_teams else 1


def _page(congress, election, team, ballots=None, error=None, status=200):
    r = el.current_round(db.session, election)
    rows = el.round_candidates(db.session, r) if r is not None else []
    return render_template("camera/read.html", congress=congress, election=election, round=r, team=team,
                           rows=rows, ballots=ballots, error=error, action=ActionForm(),
                           max_photos=services.MAX_PHOTOS), status


@bp.route("/elections/<int:eid>/camera")
@require("elections.count")
def read_page(cid: int, eid: int):
    congress, election = _load(cid, eid)
    return _page(congress, election, _team_arg(election))


@bp.route("/elections/<int:eid>/camera", methods=["POST"])
@csrf.exempt          # checked below by ActionForm, after the upload limits are set for this request
@require("elections.count")
def read(cid: int, eid: int):
    request.max_content_length = MAX_UPLOAD
    request._get_file_stream = _in_memory
    congress, election = _load(cid, eid)
    team = _team_arg(election)
    if not ActionForm().validate_on_submit():
        return _page(congress, election, team, error=gettext("Phiên làm việc đã hết hạn; hãy tải lại trang."),
                     status=400)
    if election.is_yes_no:     # the reader knows struck names, not boxes
        return _page(congress, election, team, error=gettext(
            "Máy ảnh chỉ đọc phiếu gạch tên; phiếu đồng ý / không đồng ý nhập bằng bàn phím."), status=400)
    if election.entry_teams < 2:
        return _page(congress, election, team, error=gettext(
            "Máy ảnh chỉ được dùng khi có ít nhất 2 tổ nhập phiếu độc lập."), status=400)
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        return _page(congress, election, team, error=gettext("Chưa chọn ảnh nào."), status=400)
    if len(files) > services.MAX_PHOTOS:
        return _page(congress, election, team, error=gettext(
            "Mỗi lần đọc tối đa %(n)s ảnh.", n=services.MAX_PHOTOS), status=400)
    # Read each photo straight from the request into memory and let it go: never saved.
    photos = [(f.filename, f.read()) for f in files]
    ballots = services.read_photos(db.session, election=election, photos=photos)
    del photos
    db.session.rollback()       # reading changes nothing
    return _page(congress, election, team, ballots=ballots)
