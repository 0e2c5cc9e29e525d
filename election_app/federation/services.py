"""The federation's rules (issue 17): the union tree, who sees what of it, the district
dashboard's summary of each congress, and the recognition dossier. Services flush, never
commit (the one door commits)."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..congress.models import Congress
from ..db import utcnow
from ..delegates.services import attendance_of_many
from ..elections.models import Candidate, Election, Round, RoundCandidate
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..rules import normalize_text
from .models import (LEVEL_LABELS, CongressOrganization, Dossier, Organization, UserOrganization)

VN = dt.timezone(dt.timedelta(hours=7))

CONGRESS_STATUS = {
    "preparing": "Đang chuẩn bị",
    "in_session": "Đang họp",
    "elections_done": "Đã bầu xong",
    "dossier_sent": "Đã gửi hồ sơ",
    "recognised": "Đã công nhận",
}

# A grassroots union (CĐCS) has no union below it.
LEAF_LEVELS = {"cdcs"}


def _bad(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": field, "message": message}])


# --- the tree -------------------------------------------------------------------------------


def _parents(session: Session) -> dict[int, int | None]:
    return dict(session.execute(select(Organization.id, Organization.parent_id)).all())


def subtree_ids(session: Session, roots: Iterable[int]) -> set[int]:
    """Every union at or below ``roots`` (the tree is read once: a few thousand rows)."""
    children: dict[int | None, list[int]] = {}
    for oid, parent in _parents(session).items():
        children.setdefault(parent, []).append(oid)
    seen: set[int] = set()
    todo = [r for r in roots]
    while todo:
        oid = todo.pop()
        if oid in seen:
            continue
        seen.add(oid)
        todo.extend(children.get(oid, []))
    return seen


def ancestors(session: Session, org_id: int) -> list[int]:
    """``org_id``'s parent, grandparent, … (nearest first)."""
    parents, out, cur = _parents(session), [], org_id
    while True:
        cur = parents.get(cur)
        if cur is None or cur in out:
            return out
        out.append(cur)


def granted_org_ids(session: Session, user_id: int) -> set[int]:
    return set(session.scalars(select(UserOrganization.organization_id)
                               .where(UserOrganization.user_id == user_id)))


def visible_org_ids(session: Session, user) -> set[int] | None:
    """The unions whose congresses this account watches; None means every one (admin)."""
    if getattr(user, "role", None) == "admin":
        return None
    return subtree_ids(session, granted_org_ids(session, user.id))


def visible_congress_ids(session: Session, user) -> set[int]:
    orgs = visible_org_ids(session, user)
    q = select(CongressOrganization.congress_id)
    if orgs is not None:
        if not orgs:
            return set()
        q = q.where(CongressOrganization.organization_id.in_(orgs))
    return set(session.scalars(q))


def organization_of(session: Session, congress_id: int) -> Organization | None:
    link = session.get(CongressOrganization, congress_id)
    return session.get(Organization, link.organization_id) if link else None


def get_organization(session: Session, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound(f"Không có công đoàn số {org_id}.")
    return org


def create_organization(session: Session, *, name: str, level: str, parent_id: int | None) -> Organization:
    name = normalize_text(name or "")
    if not name:
        raise _bad("name", "Hãy nhập tên công đoàn.")
    if level not in LEVEL_LABELS:
        raise _bad("level", "Cấp công đoàn không hợp lệ.")
    if parent_id is not None:
        parent = session.get(Organization, parent_id)
        if parent is None:
            raise _bad("parent_id", f"Không có công đoàn cấp trên số {parent_id}.")
        if parent.level in LEAF_LEVELS:
            raise _bad("parent_id", "Công đoàn cơ sở không có công đoàn cấp dưới.")
    elif level in LEAF_LEVELS:
        raise _bad("parent_id", "Công đoàn cơ sở phải có công đoàn cấp trên trực tiếp.")
    same = session.scalar(select(Organization.id).where(Organization.name == name,
                                                        Organization.parent_id.is_(parent_id) if parent_id is None
                                                        else Organization.parent_id == parent_id))
    if same is not None:
        raise Conflict(f"Đã có công đoàn “{name}” ở cùng cấp trên (số {same}).", code="org_exists")
    org = Organization(name=name, level=level, parent_id=parent_id)
    session.add(org)
    session.flush()
    return org


def attach_congress(session: Session, *, congress_id: int, organization_id: int) -> None:
    if session.get(Congress, congress_id) is None:
        raise NotFound(f"Không có đại hội số {congress_id}.")
    get_organization(session, organization_id)
    link = session.get(CongressOrganization, congress_id)
    if link is None:
        session.add(CongressOrganization(congress_id=congress_id, organization_id=organization_id))
    else:
        link.organization_id = organization_id
    session.flush()


def grant_organization(session: Session, *, user_id: int, organization_id: int) -> bool:
    get_organization(session, organization_id)
    if session.get(UserOrganization, (user_id, organization_id)) is not None:
        return False
    session.add(UserOrganization(user_id=user_id, organization_id=organization_id))
    session.flush()
    return True


def check_org_in_reach(session: Session, user, organization_id: int) -> None:
    """An upper-union account may act only inside the subtree it is granted."""
    orgs = visible_org_ids(session, user)
    if orgs is not None and organization_id not in orgs:
        raise Forbidden("Tài khoản không thuộc công đoàn cấp trên của đơn vị này.")


# --- the dashboard --------------------------------------------------------------------------


def latest_dossier(session: Session, congress_id: int) -> Dossier | None:
    return session.scalar(select(Dossier).where(Dossier.congress_id == congress_id)
                          .order_by(Dossier.sent_at.desc(), Dossier.id.desc()).limit(1))


def congress_status(session: Session, congress: Congress, elections: list[dict], present: int,
                    dossier: Dossier | None, today: dt.date | None = None) -> str:
    if dossier is not None and dossier.status == "recognised":
        return "recognised"
    if dossier is not None and dossier.status == "sent":
        return "dossier_sent"
    if elections and all(e["status"] == "complete" for e in elections):
        return "elections_done"
    today = today or dt.datetime.now(VN).date()
    open_round = any(e["status"] == "open" for e in elections)
    if open_round or present > 0 or (congress.date is not None and congress.date == today):
        return "in_session"
    return "preparing"


def congress_summary(session: Session, congress: Congress) -> dict:
    """What the district dashboard shows of one congress: read-only."""
    return congress_summaries(session, [congress])[0]


def congress_summaries(session: Session, congresses: list[Congress]) -> list[dict]:
    """``congress_summary`` of many congresses in a fixed number of queries (seven, however
    many congresses: the dashboard of a province lists hundreds), each restricted to these
    congresses: attendance, elections, their rounds, the elected, their names, the dossiers."""
    ids = [c.id for c in congresses] or [-1]
    att = attendance_of_many(session, congresses)
    elections = list(session.scalars(select(Election).where(Election.congress_id.in_(ids))
                                     .order_by(Election.congress_id, Election.position, Election.id)))
    eids = [e.id for e in elections] or [-1]
    rounds: dict[int, list[Round]] = {}
    for r in session.scalars(select(Round).where(Round.election_id.in_(eids)).order_by(Round.number)):
        rounds.setdefault(r.election_id, []).append(r)
    elected: dict[int, list[tuple]] = {}
    for eid, cid, votes, number in session.execute(
            select(Round.election_id, RoundCandidate.candidate_id, RoundCandidate.votes, Round.number)
            .join(Round, Round.id == RoundCandidate.round_id)
            .where(Round.election_id.in_(eids), Round.status == "closed", RoundCandidate.is_elected.is_(True))):
        elected.setdefault(eid, []).append((number, -(votes or 0), cid))
    names = dict(session.execute(select(Candidate.id, Candidate.full_name).where(
        Candidate.id.in_({cid for rows in elected.values() for _, _, cid in rows} or {-1}))).all())
    dossiers: dict[int, Dossier] = {}
    for d in session.scalars(select(Dossier).where(Dossier.congress_id.in_(ids))
                             .order_by(Dossier.sent_at.desc(), Dossier.id.desc())):
        dossiers.setdefault(d.congress_id, d)
    by_congress: dict[int, list[dict]] = {}
    for e in elections:
        chosen = [cid for _, _, cid in sorted(elected.get(e.id, []))]       # round by round, in vote order
        current = rounds.get(e.id, [])[-1] if rounds.get(e.id) else None
        by_congress.setdefault(e.congress_id, []).append({
            "id": e.id, "title": e.title, "seats": e.seats, "status": _election_status(current, e.seats - len(chosen)),
            "elected": [names.get(c, "") for c in chosen], "rounds": len(rounds.get(e.id, []))})
    out = []
    for congress in congresses:
        items = by_congress.get(congress.id, [])
        dossier = dossiers.get(congress.id)
        code = congress_status(session, congress, items, att[congress.id]["present"], dossier)
        out.append({"congress": congress, "attendance": att[congress.id], "elections": items, "dossier": dossier,
                    "status": code, "status_label": CONGRESS_STATUS[code]})
    return out


def _election_status(current: Round | None, seats_left: int) -> str:
    """``elections.services.election_status`` from what the dashboard has already read."""
    if current is None or current.status == "draft":
        return "draft"
    if current.status == "open":
        return "open"
    return "complete" if seats_left <= 0 else "closed"


def dashboard(session: Session, user, root_id: int | None = None) -> dict:
    """The congresses of every union the account watches (or of ``root_id``'s subtree),
    grouped by union in tree order, with a count per status."""
    orgs = visible_org_ids(session, user)
    if root_id is not None:
        if orgs is not None and root_id not in orgs:
            raise NotFound("Không có công đoàn này trong phạm vi của tài khoản.")
        orgs = subtree_ids(session, [root_id])
    q = (select(Congress, CongressOrganization.organization_id)
         .join(CongressOrganization, CongressOrganization.congress_id == Congress.id))
    if orgs is not None:
        q = q.where(CongressOrganization.organization_id.in_(orgs or {-1}))
    rows = session.execute(q.order_by(Congress.date, Congress.id)).all()
    org_rows = session.scalars(select(Organization).where(Organization.id.in_({o for _, o in rows} or {-1})))
    by_id = {o.id: o for o in org_rows}
    summaries = []
    counts = {code: 0 for code in CONGRESS_STATUS}
    for (congress, org_id), s in zip(rows, congress_summaries(session, [c for c, _ in rows])):
        s["organization"] = by_id.get(org_id)
        counts[s["status"]] += 1
        summaries.append(s)
    summaries.sort(key=lambda s: (s["congress"].date or dt.date.max, s["organization"].name if s["organization"]
                                  else "", s["congress"].id))
    return {"congresses": summaries, "counts": counts, "statuses": CONGRESS_STATUS}


def tree(session: Session, user) -> list[tuple[int, Organization]]:
    """The unions the account sees, depth first, with their depth (for indented lists)."""
    orgs = visible_org_ids(session, user)
    every = list(session.scalars(select(Organization)))
    visible = [o for o in every if orgs is None or o.id in orgs]
    ids = {o.id for o in visible}
    children: dict[int | None, list[Organization]] = {}
    for o in visible:
        children.setdefault(o.parent_id if o.parent_id in ids else None, []).append(o)
    for kids in children.values():
        kids.sort(key=lambda o: o.name)
    out: list[tuple[int, Organization]] = []

    def walk(parent, depth):
        for o in children.get(parent, []):
            out.append((depth, o))
            walk(o.id, depth + 1)
    walk(None, 0)
    return out


# --- the recognition dossier ---------------------------------------------------------------


def send_dossier(session: Session, *, congress: Congress, user_id: int | None, pdf: bytes, pages: int) -> Dossier:
    """Record the dossier sent to the union above the congress's union. The PDF is the one
    made now and kept as sent: later changes in the congress do not change what was sent."""
    org = organization_of(session, congress.id)
    if org is None:
        raise Conflict("Đại hội chưa được gắn với công đoàn nào trên máy chủ: chưa gửi được hồ sơ. "
                       "Hãy nhờ quản trị viên gắn đại hội vào công đoàn của mình.", code="no_organization")
    if org.parent_id is None:
        raise Conflict("Công đoàn tổ chức đại hội không có công đoàn cấp trên trên máy chủ này.",
                       code="no_upper_union")
    pending = latest_dossier(session, congress.id)
    if pending is not None and pending.status in ("sent", "recognised"):
        word = "đã được công nhận" if pending.status == "recognised" else "đang chờ công đoàn cấp trên xem xét"
        raise Conflict(f"Hồ sơ gửi lúc {pending.sent_at:%H:%M %d/%m/%Y} {word}: không gửi lại.",
                       code="dossier_pending")
    dossier = Dossier(congress_id=congress.id, organization_id=org.parent_id, sent_by=user_id, pdf=pdf,
                      sha256=hashlib.sha256(pdf).hexdigest(), pages=pages, status="sent")
    session.add(dossier)
    session.flush()
    return dossier


def get_dossier(session: Session, dossier_id: int) -> Dossier:
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFound("Không có hồ sơ này.")
    return dossier


def decide_dossier(session: Session, *, dossier: Dossier, user, status: str, number: str,
                   date: dt.date | None, scope: str) -> Dossier:
    """The upper union's decision: recognised (with the decision's number, date and what it
    recognises) or returned for completion (with the reason in ``scope``)."""
    if dossier.organization_id is None:
        raise Conflict("Hồ sơ này không gửi tới công đoàn nào trên máy chủ này.", code="no_upper_union")
    check_org_in_reach(session, user, dossier.organization_id)
    if getattr(user, "role", None) != "admin" and dossier.congress_id in _own_congresses(session, user):
        raise Forbidden("Người của đại hội không tự công nhận hồ sơ của mình.")
    if dossier.status != "sent":
        raise Conflict(f"Hồ sơ đã được xử lý ({dossier.status_label.lower()}).", code="dossier_decided")
    latest = latest_dossier(session, dossier.congress_id)
    if latest is not None and latest.id != dossier.id:
        raise Conflict("Đã có hồ sơ gửi sau hồ sơ này.", code="dossier_superseded")
    scope = normalize_text(scope or "")
    number = normalize_text(number or "")
    if status == "recognised":
        if not number:
            raise _bad("number", "Hãy nhập số quyết định công nhận.")
        if date is None:
            raise _bad("date", "Hãy nhập ngày ký quyết định.")
        if not scope:
            raise _bad("scope", "Hãy ghi những gì được công nhận (Ban Chấp hành, Chủ tịch, …).")
    elif status == "returned":
        if not scope:
            raise _bad("scope", "Hãy ghi lý do trả lại hồ sơ.")
    else:
        raise _bad("status", "Quyết định không hợp lệ.")
    dossier.status = status
    dossier.decision_number = number
    dossier.decision_date = date
    dossier.decision_scope = scope
    dossier.decided_at = utcnow()
    dossier.decided_by = getattr(user, "id", None)
    session.flush()
    return dossier


def _own_congresses(session: Session, user) -> set[int]:
    from ..auth.services import congress_ids_of
    uid = getattr(user, "id", None)
    return congress_ids_of(session, uid) if uid is not None else set()


def dossiers_for(session: Session, user, *, status: str | None = None) -> list[Dossier]:
    """Dossiers sent to a union the account watches (newest first)."""
    orgs = visible_org_ids(session, user)
    q = select(Dossier)
    if orgs is not None:
        q = q.where(Dossier.organization_id.in_(orgs or {-1}))
    if status:
        q = q.where(Dossier.status == status)
    return list(session.scalars(q.order_by(Dossier.sent_at.desc(), Dossier.id.desc())))


def can_see_dossier(session: Session, user, dossier: Dossier) -> bool:
    """The union it was sent to (and above), and the congress's own staff."""
    orgs = visible_org_ids(session, user)
    if orgs is None:
        return True
    if dossier.organization_id is not None and dossier.organization_id in orgs:
        return True
    return dossier.congress_id in _own_congresses(session, user)
