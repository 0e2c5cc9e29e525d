"""The audit log page of a congress: every staff action, newest first, with filters."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template, request

from ..audit.services import chain_head, list_entries, verify_chains
from ..auth.permissions import require
from ..db import db
from .services import get_congress

bp = Blueprint("audit", __name__)

VN = dt.timezone(dt.timedelta(hours=7))


def _day(raw: str | None, end: bool) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    t = dt.time(23, 59, 59, 999999) if end else dt.time(0, 0)
    return dt.datetime.combine(day, t, tzinfo=VN)


@bp.route("/congresses/<int:cid>/audit")
@require("audit.view")
def log_page(cid: int):
    congress = get_congress(db.session, cid)
    actor = (request.args.get("actor") or "").strip()
    action = (request.args.get("action") or "").strip()
    since, until = _day(request.args.get("since"), False), _day(request.args.get("until"), True)
    entries = list_entries(db.session, congress_id=cid, actor=actor or None, action=action or None,
                           since=since, until=until, limit=1000)
    checked, faults = verify_chains(db.session, chain=cid)
    head = chain_head(db.session, cid)
    return render_template("audit/log.html", congress=congress, entries=entries, faults=faults,
                           checked=checked, head=head, actor=actor, action=action,
                           since=request.args.get("since", ""), until=request.args.get("until", ""))
