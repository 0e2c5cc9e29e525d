"""The hall display (màn hình hội trường): its link and what it shows.

Owns the display token (random; only its keyed hash is stored on the congress, so a
database leak does not give the link away, and issuing a new one kills the old one) and
``display_state``: a small dict with a ``version`` that the projector page (and any
number of phones) poll. Building it costs a handful of indexed queries, never a list of
delegates: it carries counts only, never who is present or who voted."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..delegates.services import attendance
from ..elections.models import Election, Round, RoundParticipation
from ..errors import NotFound
from ..motions.models import Motion
from ..rules import format_percent_vi, percent
from .models import AgendaItem
from .presets import SECTION_LABELS


def display_token_hash(secret: str, token: str) -> str:
    return hmac.new(secret.encode(), f"display:{token}".encode(), hashlib.sha256).hexdigest()


def issue_display_token(session: Session, *, congress: Congress, secret: str) -> str:
    """A new display link token for the congress; the previous link stops working."""
    token = secrets.token_urlsafe(24)
    congress.display_token_hash = display_token_hash(secret, token)
    session.flush()
    return token


def revoke_display_token(session: Session, *, congress: Congress) -> None:
    congress.display_token_hash = None
    session.flush()


def congress_for_display(session: Session, *, token: str, secret: str) -> Congress:
    if not token or len(token) > 100:
        raise NotFound("Liên kết màn hình không đúng hoặc đã được thay.")
    congress = session.scalar(select(Congress).where(
        Congress.display_token_hash == display_token_hash(secret, token)))
    if congress is None:
        raise NotFound("Liên kết màn hình không đúng hoặc đã được thay.")
    return congress


# A closed round's result never changes while it stays closed: keep the last few so a
# hall full of polling screens does not recount it every second.
_RESULT_CACHE: dict[tuple, dict] = {}
_RESULT_LOCK = threading.Lock()


def _closed_result(session: Session, election: Election, rnd: Round) -> dict:
    from ..elections.services import round_result

    key = (election.id, rnd.id, rnd.closed_at.isoformat() if rnd.closed_at else "")
    with _RESULT_LOCK:
        hit = _RESULT_CACHE.get(key)
    if hit is not None:
        return hit
    result = round_result(session, election, rnd)
    rows = [{"name": c["full_name"], "votes": c["votes"], "against": c.get("against"),
             "percent": _percent_text(c.get("percent")), "elected": bool(c.get("elected")),
             "tied": c["id"] in (result.get("tied") or [])}
            for c in result.get("candidates", [])]
    rows.sort(key=lambda r: (-(r["votes"] or 0)))
    summary = {"issued": result.get("issued"), "returned": result.get("returned"),
               "valid": result.get("valid"), "invalid": result.get("invalid"),
               "outcome": result.get("outcome"), "rows": rows,
               # agree/disagree ballots: both columns, and the rulebook's threshold in votes
               "yes_no": result.get("ballot_type") == "yes_no", "votes_needed": result.get("votes_needed")}
    with _RESULT_LOCK:
        if len(_RESULT_CACHE) > 64:
            _RESULT_CACHE.clear()
        _RESULT_CACHE[key] = summary
    return summary


def _percent_text(value) -> str:
    if value is None:
        return ""
    from decimal import Decimal
    try:
        return format_percent_vi(Decimal(str(value)))
    except (ArithmeticError, TypeError, ValueError):
        return str(value)


def turnout_count(session: Session, rnd: Round) -> int:
    """How many have received a ballot in the round (a number, never who): paper, slip and
    electronic alike are one participation row each."""
    from sqlalchemy import func
    return int(session.scalar(select(func.count()).select_from(RoundParticipation)
                              .where(RoundParticipation.round_id == rnd.id)))


def _rounds_to_show(session: Session, election: Election) -> tuple[Round | None, Round | None]:
    """(the latest round, the round whose numbers to show): a further round not yet open
    leaves the previous round's result on screen."""
    from ..elections.services import current_round, get_round

    latest = current_round(session, election)
    if latest is not None and latest.status == "draft" and latest.number > 1:
        return latest, get_round(session, election, latest.number - 1)
    return latest, latest


def election_panel(session: Session, election: Election, present: int) -> dict:
    from ..elections.services import OUTCOME_LABELS

    latest, shown = _rounds_to_show(session, election)
    panel = {"id": election.id, "title": election.title, "round": shown.number if shown else None,
             "status": shown.status if shown else "draft",
             "seats": shown.seats if shown else election.seats}
    if shown is None or shown.status == "draft":
        return panel
    if shown.status == "open":
        from ..elections.services import hall_counts
        # issue 10: the hall also sees how many voting links were reissued during the round
        panel["turnout"], panel["links_reissued"] = hall_counts(session, round=shown)
        panel["present"] = present
    else:
        result = _closed_result(session, election, shown)
        panel["result"] = {**result, "outcome_label": OUTCOME_LABELS.get(result.get("outcome") or "", "")}
        if latest is not shown:
            panel["next_round"] = latest.number
    return panel


def _motion_panel(motion: Motion) -> dict:
    if motion.recorded_at is None:
        return {"title": motion.title, "recorded": False}
    present = motion.present_at_vote or 0
    agree, disagree, other = motion.agree or 0, motion.disagree or 0, motion.other or 0

    def pct(n: int) -> str:
        return format_percent_vi(percent(n, present)) if present else ""
    return {"title": motion.title, "recorded": True, "agree": agree, "disagree": disagree, "other": other,
            "present": present, "passed": bool(motion.passed),
            "agree_percent": pct(agree), "disagree_percent": pct(disagree), "other_percent": pct(other)}


def display_state(session: Session, *, congress: Congress) -> dict:
    """What the hall display shows now, with a ``version`` that changes iff it does."""
    att = attendance(session, congress)
    item = None
    if congress.current_agenda_item_id is not None:
        item = session.get(AgendaItem, congress.current_agenda_item_id)
        if item is not None and item.congress_id != congress.id:
            item = None
    nxt = None
    if item is not None:
        nxt = session.scalars(select(AgendaItem.title).where(
            AgendaItem.congress_id == congress.id,
            (AgendaItem.position > item.position)
            | ((AgendaItem.position == item.position) & (AgendaItem.id > item.id)))
            .order_by(AgendaItem.position, AgendaItem.id).limit(1)).first()
    # The election on the floor follows the presidium: the current item's election; when the
    # item has none, the round opened last (the hall moves on to cultural items during the
    # count). Every other open round is listed under it with its own title and turnout, so
    # no number is ever shown under another election's heading.
    open_elections = list(session.scalars(
        select(Election).join(Round, Round.election_id == Election.id)
        .where(Election.congress_id == congress.id, Round.status == "open")
        .order_by(Round.opened_at.desc(), Election.id.desc())))
    election = None
    if item is not None and item.election_id is not None:
        election = session.get(Election, item.election_id)
    if election is None and open_elections:
        election = open_elections[0]
    election_box = None if election is None else election_panel(session, election, att["present"])
    also_open = [election_panel(session, e, att["present"]) for e in open_elections
                 if election is None or e.id != election.id]
    item_motion = session.get(Motion, item.motion_id) if item is not None and item.motion_id else None
    # What the big panel under the title shows, decided once here for both renderers.
    motion = None
    if election_box is not None and election_box["status"] == "open":
        panel = "voting"
    elif item_motion is not None:
        panel, motion = ("motion" if item_motion.recorded_at else "motion_pending"), item_motion
    elif election_box is not None:
        panel = "result" if "result" in election_box else "election_draft"
    else:
        motion = session.scalars(select(Motion).where(Motion.congress_id == congress.id,
                                                      Motion.recorded_at.is_not(None))
                                 .order_by(Motion.recorded_at.desc(), Motion.id.desc()).limit(1)).first()
        panel = "motion_recent" if motion is not None else None
    state = {
        "congress": {"name": congress.name, "organization": congress.organization,
                     "term": congress.term},
        "item": None if item is None else {
            "id": item.id, "title": item.title, "section": item.section,
            "section_label": SECTION_LABELS.get(item.section, ""), "presenter": item.presenter,
            "kind": item.kind},
        "next": None if nxt is None else {"title": nxt},
        "quorum": {"present": att["present"], "summoned": att["summoned"],
                   "needed": att["quorum_needed"], "met": att["quorum_met"],
                   "fraction": att["quorum_fraction"],
                   # the open session (phiên họp) whose quorum this is, when one is open
                   **({"session": att["session"]["name"]} if "session" in att else {})},
        "panel": panel,
        "election": election_box,
        "also_open": [{k: p.get(k) for k in ("id", "title", "round", "turnout", "present")} for p in also_open],
        "motion": None if motion is None else _motion_panel(motion),
    }
    state["version"] = hashlib.sha256(json.dumps(state, sort_keys=True, ensure_ascii=False)
                                      .encode()).hexdigest()[:16]
    return state
