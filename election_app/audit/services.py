"""Appending to and checking the audit log.

``record_audit`` is called by the unit of work (``election_app.door``) inside the action's own
transaction, so a failed action leaves no entry and a committed one always has its entry.
Each entry carries the SHA-256 of the previous entry of its chain; ``verify_chains`` recomputes
every link and names the first entry that was edited, removed or reordered."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from .models import AuditEntry, AuditHead

GENESIS = "0" * 64

# Keys never written to the log, at any depth: credentials and ballot contents.
SECRET_KEYS = frozenset({
    "password", "new_password", "old_password", "current_password", "passphrase", "token",
    "tokens", "csrf_token", "secret", "kept", "ballots", "ballot", "content", "receipt",
    "receipt_code", "image", "images", "file", "cccd", "id_number", "qr",
})


def _plain(value: Any) -> Any:
    """JSON-able, NFC, with secrets left out."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if str(k).lower() not in SECRET_KEYS}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return _plain(value.model_dump())
    return str(value)


def canonical(data: Any) -> str:
    return json.dumps(_plain(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _stamp(at: dt.datetime) -> str:
    if at.tzinfo is None:                      # SQLite hands back naive UTC
        at = at.replace(tzinfo=dt.timezone.utc)
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(*, prev_hash: str, chain: int, seq: int, at: dt.datetime, actor_id: int | None,
               actor_name: str, congress_id: int | None, action: str, data: str, outcome: str) -> str:
    body = json.dumps([prev_hash, chain, seq, _stamp(at), actor_id, actor_name, congress_id, action,
                       data, outcome], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def audit_note(session: Session, **details: Any) -> None:
    """Let an action add facts to its own audit entry (e.g. the value it overwrote)."""
    session.info.setdefault("audit_note", {}).update(details)


def take_note(session: Session) -> dict:
    return session.info.pop("audit_note", {}) or {}


def record_audit(session: Session, *, actor_id: int | None, actor_name: str, congress_id: int | None,
                 action: str, data: Any = None, outcome: str = "ok") -> AuditEntry:
    """Append one entry to the congress's chain, in the caller's transaction."""
    chain = int(congress_id or 0)
    # Take the chain's head row first: on PostgreSQL the UPDATE locks it until commit, on SQLite
    # it takes the database's write lock, so two writers of one chain never share a link.
    bumped = session.execute(update(AuditHead).where(AuditHead.chain == chain)
                             .values(seq=AuditHead.seq + 1)
                             .execution_options(synchronize_session=False)).rowcount
    if not bumped:
        session.add(AuditHead(chain=chain, seq=1, hash=GENESIS))
        session.flush()
        prev_hash, seq = GENESIS, 1
    else:
        head_seq, prev_hash = session.execute(
            select(AuditHead.seq, AuditHead.hash).where(AuditHead.chain == chain)).one()
        seq = head_seq
    data_text = canonical(data if data is not None else {})
    outcome = unicodedata.normalize("NFC", str(outcome))[:500]
    actor_name = (actor_name or "")[:80]
    at = utcnow()
    digest = entry_hash(prev_hash=prev_hash, chain=chain, seq=seq, at=at, actor_id=actor_id,
                        actor_name=actor_name, congress_id=congress_id, action=action,
                        data=data_text, outcome=outcome)
    entry = AuditEntry(chain=chain, seq=seq, at=at, actor_id=actor_id, actor_name=actor_name,
                       congress_id=congress_id, action=action, data=data_text, outcome=outcome,
                       prev_hash=prev_hash, hash=digest)
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.chain == chain).values(hash=digest)
                    .execution_options(synchronize_session=False))
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainFault:
    chain: int
    entry_id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        where = f"mục #{self.entry_id} (số {self.seq})" if self.entry_id is not None else "cuối chuỗi"
        return f"Chuỗi {self.chain}, {where}: {self.reason}"


def verify_chains(session: Session, chain: int | None = None) -> tuple[int, list[ChainFault]]:
    """Recompute every link. Returns (entries checked, faults: at most the first of each chain)."""
    chains = [chain] if chain is not None else sorted(set(
        session.scalars(select(AuditEntry.chain).distinct()).all()) | set(
        session.scalars(select(AuditHead.chain)).all()))
    faults: list[ChainFault] = []
    checked = 0
    for ch in chains:
        prev, expected_seq, fault = GENESIS, 1, None
        # Read the rows as they are on disk now (never objects this session cached earlier).
        rows = session.execute(select(*AuditEntry.__table__.c).where(AuditEntry.chain == ch)
                               .order_by(AuditEntry.seq, AuditEntry.id))
        for e in rows:
            checked += 1
            if e.seq != expected_seq:
                fault = ChainFault(ch, e.id, e.seq, f"số thứ tự {e.seq}, cần {expected_seq} "
                                   "(một mục đã bị xoá hoặc chèn)")
            elif e.prev_hash != prev:
                fault = ChainFault(ch, e.id, e.seq, "không nối với mục trước (bị xoá hoặc đảo thứ tự)")
            else:
                digest = entry_hash(prev_hash=e.prev_hash, chain=e.chain, seq=e.seq, at=e.at,
                                    actor_id=e.actor_id, actor_name=e.actor_name,
                                    congress_id=e.congress_id, action=e.action, data=e.data,
                                    outcome=e.outcome)
                if digest != e.hash:
                    fault = ChainFault(ch, e.id, e.seq, "nội dung đã bị sửa (mã băm không khớp)")
            if fault:
                break
            prev, expected_seq = e.hash, expected_seq + 1
        if fault is None:
            head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.chain == ch)).first()
            last_seq = expected_seq - 1
            if head is not None and (head.seq != last_seq or head.hash != prev):
                fault = ChainFault(ch, None, None, f"đầu chuỗi ghi {head.seq} mục, nhật ký còn {last_seq} "
                                   "(mục cuối đã bị xoá hoặc sửa)")
        if fault:
            faults.append(fault)
    return checked, faults


def chain_head(session: Session, congress_id: int) -> AuditHead | None:
    return session.get(AuditHead, int(congress_id))


def list_entries(session: Session, *, congress_id: int, actor: str | None = None,
                 action: str | None = None, since: dt.datetime | None = None,
                 until: dt.datetime | None = None, limit: int = 500, offset: int = 0) -> list[AuditEntry]:
    q = select(AuditEntry).where(AuditEntry.chain == int(congress_id))
    if actor:
        q = q.where(func.lower(AuditEntry.actor_name) == actor.strip().lower())
    if action:
        q = q.where(AuditEntry.action.like(action.strip() + "%"))
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at <= until)
    return list(session.scalars(q.order_by(AuditEntry.seq.desc()).limit(limit).offset(offset)))


def entry_json(e: AuditEntry) -> dict:
    return {"id": e.id, "seq": e.seq, "at": _stamp(e.at), "actor": e.actor_name, "actor_id": e.actor_id,
            "congress_id": e.congress_id, "action": e.action, "data": json.loads(e.data or "{}"),
            "outcome": e.outcome, "hash": e.hash, "prev_hash": e.prev_hash}
