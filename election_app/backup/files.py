"""Backup files under ``instance/backups/`` (or ``BACKUP_DIR``): gzip-compressed JSON of
``services.export_congress``, named ``congress-<id>-<UTC time>-<reason>.json.gz``, written
with owner-only permissions, atomically (temporary file + rename), and rotated: the newest
``BACKUP_KEEP`` files per congress are kept (default 30).

Written automatically:
- ``before-close``: when a round is about to close (after its count and the reshuffle of its
  ballots, before the status changes), through the ``round_closing`` hook;
- ``auto``: on staff activity, at most every ``BACKUP_INTERVAL_MINUTES`` (default 15) for a
  congress whose data changed since its last backup — so a lost laptop costs at most those
  minutes;
- ``end-of-day``: the first staff request of a new day (Asia/Ho_Chi_Minh) writes the
  previous day's closing copy of every congress changed since its last backup, and
  ``flask --app election_app congress backup --all`` writes one for a cron job at 23:59."""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import re
from pathlib import Path

from sqlalchemy.orm import Session

from . import services

NAME_RE = re.compile(r"^congress-(\d+)-(\d{8}T\d{6}Z)-([a-z][a-z0-9-]*)\.json\.gz$")


def backup_dir(app) -> Path:
    """``BACKUP_DIR``; otherwise ``backups/`` beside the SQLite file (``instance/backups/`` for
    the default database), or ``instance/backups/`` for PostgreSQL."""
    configured = app.config.get("BACKUP_DIR")
    if configured:
        path = Path(configured)
    else:
        uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
        sqlite_file = uri.startswith("sqlite:///") and uri[len("sqlite:///"):] not in ("", ":memory:")
        path = (Path(uri[len("sqlite:///"):]).parent if sqlite_file else Path(app.instance_path)) / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def enabled(app) -> bool:
    """Automatic backups are on, except when switched off (``BACKUP_DISABLED``) and in tests
    on PostgreSQL without a ``BACKUP_DIR`` (they would land in the project's instance/)."""
    if app.config.get("BACKUP_DISABLED"):
        return False
    uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    return bool(app.config.get("BACKUP_DIR")) or not app.testing or uri.startswith("sqlite:///")


def write_backup(session: Session, app, *, congress_id: int, reason: str) -> Path:
    data = services.export_congress(session, congress_id=congress_id)
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    digest = hashlib.sha256(json.dumps(data["tables"], sort_keys=True).encode()).hexdigest()
    folder = backup_dir(app)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"congress-{congress_id}-{stamp}-{reason}.json.gz"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"congress-{congress_id}-{stamp}-{reason}-{n}.json.gz"
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(body)
    os.replace(tmp, path)
    (folder / f".congress-{congress_id}.digest").write_text(digest)
    rotate(app, congress_id=congress_id)
    return path


def content_changed(session: Session, app, *, congress_id: int) -> bool:
    """Whether the congress differs from its last backup (compared by a digest of its rows)."""
    marker = backup_dir(app) / f".congress-{congress_id}.digest"
    data = services.export_congress(session, congress_id=congress_id)
    digest = hashlib.sha256(json.dumps(data["tables"], sort_keys=True).encode()).hexdigest()
    return not marker.exists() or marker.read_text() != digest


def list_backups(app, congress_id: int | None = None) -> list[dict]:
    out = []
    for path in backup_dir(app).iterdir():
        m = NAME_RE.match(path.name)
        if not m or (congress_id is not None and int(m.group(1)) != congress_id):
            continue
        out.append({"name": path.name, "congress_id": int(m.group(1)), "reason": m.group(3),
                    "at": dt.datetime.strptime(m.group(2)[:15], "%Y%m%dT%H%M%S").replace(tzinfo=dt.timezone.utc),
                    "size": path.stat().st_size})
    out.sort(key=lambda b: b["name"], reverse=True)
    return out


def rotate(app, *, congress_id: int) -> None:
    keep = int(app.config.get("BACKUP_KEEP", 30))
    for old in list_backups(app, congress_id)[keep:]:
        (backup_dir(app) / old["name"]).unlink(missing_ok=True)


def read_backup(path: Path) -> dict:
    with gzip.open(path, "rb") as fh:
        raw = fh.read(512 * 1024 * 1024 + 1)
    if len(raw) > 512 * 1024 * 1024:
        raise services._bad("Bản sao lưu quá lớn.")
    return json.loads(raw.decode("utf-8"))


def load_file(path: Path) -> dict:
    """A backup file as written here (.json.gz) or plain JSON; 422 when it is neither."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
        if head == b"\x1f\x8b":
            return read_backup(path)
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError, EOFError) as err:
        raise services._bad(f"Không đọc được tệp sao lưu: {err}") from None


def _marker(app, name: str) -> Path:
    return backup_dir(app) / name


def due_backups(session: Session, app, *, now: dt.datetime | None = None) -> list[Path]:
    """The automatic backups owed now (called after a staff request that changed data):
    end-of-day copies on the first request of a new day, then periodic ones at most every
    BACKUP_INTERVAL_MINUTES, each only for congresses changed since their last backup."""
    from sqlalchemy import select
    from ..congress.models import Congress
    now = now or dt.datetime.now(dt.timezone.utc)
    local_day = (now + dt.timedelta(hours=7)).date().isoformat()   # Asia/Ho_Chi_Minh, no DST
    day_marker = _marker(app, ".last-day")
    reason = None
    if not day_marker.exists():
        day_marker.write_text(local_day)
    elif day_marker.read_text().strip() != local_day:
        day_marker.write_text(local_day)
        reason = "end-of-day"
    tick = _marker(app, ".last-auto")
    interval = float(app.config.get("BACKUP_INTERVAL_MINUTES", 15)) * 60
    if reason is None:
        if tick.exists() and now.timestamp() - tick.stat().st_mtime < interval:
            return []
        reason = "auto"
    tick.touch()
    os.utime(tick, (now.timestamp(), now.timestamp()))
    written = []
    for cid in session.scalars(select(Congress.id)).all():
        if content_changed(session, app, congress_id=cid):
            written.append(write_backup(session, app, congress_id=cid, reason=reason))
    return written
