"""Export and import of a whole congress, written over the SQLAlchemy metadata rather than
table by table, so that a table any feature adds later is carried without a change here.

What a congress is: its ``congresses`` row and every row reachable from it by walking
foreign keys from parent to child (delegates → attendance, elections → rounds → ballots,
receipts, participations, paper entries → corrections, agenda, motions, files, …).
Left out on purpose (``EXCLUDED``): accounts, their tokens and their congress scopes
(installation-wide: a restored copy is scoped by the admin of the installation it lands on;
a user column is carried as the username and matched on import, else left empty),
rate-limit counters, render-job caches, and the installation's hash-chained audit log
(``audit_*``: a chain cannot be spliced into another installation's).

Secrecy (RULES §5): rows are written ordered by primary key; ballots have random ids and no
delegate, time or serial column, and round participations are ordered by (round, delegate),
so nothing in a backup relates a ballot to a voter, even for a round still open. Ballots get
new random ids on import. Token hashes (voting links, slips, the hall display) are HMACs
under the installation's SECRET_KEY: they work again only on an installation with the same
key, and are voided when they would collide with rows already there (a copy next to its
original must not open the original's ballots).

Import remaps every integer id (new rows, new ids), keeps every value otherwise, so results,
receipts, seals and documents' numbers are the same. Services flush, never commit."""
from __future__ import annotations

import base64
import datetime as dt
import secrets
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..errors import Conflict, NotFound, ValidationFailed

FORMAT = "election_app/congress-backup"
VERSION = 1
ROOT_TABLE = "congresses"
EXCLUDED = {"users", "api_tokens", "user_congresses", "rate_limit_buckets", "render_jobs",
            # the federation's tree is the server's own: a congress uploaded from a laptop is
            # attached on the server; a dossier's "sent to" union is left empty on import
            "organizations", "user_organizations", "congress_organizations"}
EXCLUDED_PREFIXES = ("audit",)
USER_TABLE = "users"


def _metadata() -> sa.MetaData:
    from ..db import Base
    from .. import models  # noqa: F401  (every model registered)
    return Base.metadata


def _excluded(name: str) -> bool:
    return name in EXCLUDED or name.startswith(EXCLUDED_PREFIXES)


def _single_pk(table: sa.Table) -> sa.Column | None:
    cols = list(table.primary_key.columns)
    return cols[0] if len(cols) == 1 else None


def _is_int(col: sa.Column) -> bool:
    try:
        return col.type.python_type is int
    except NotImplementedError:  # pragma: no cover
        return False


def congress_tables() -> list[sa.Table]:
    """The tables of a congress, parents before children (root first)."""
    md = _metadata()
    reachable = {ROOT_TABLE}
    ordered = []
    for table in md.sorted_tables:
        if table.name == ROOT_TABLE:
            ordered.append(table)
            continue
        if _excluded(table.name):
            continue
        if any(fk.column.table.name in reachable and fk.column.table is not table for fk in table.foreign_keys):
            reachable.add(table.name)
            ordered.append(table)
    return ordered


# --- values ---------------------------------------------------------------------------------

def _encode(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _decode(col: sa.Column, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dict) and "b64" in value:
        return base64.b64decode(value["b64"])
    try:
        kind = col.type.python_type
    except NotImplementedError:  # pragma: no cover
        return value
    if kind is dt.datetime and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    if kind is dt.date and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind is dt.time and isinstance(value, str):
        return dt.time.fromisoformat(value)
    return value


# --- export -----------------------------------------------------------------------------

def export_congress(session: Session, *, congress_id: int) -> dict:
    """Every row of the congress as plain JSON-able data (see the module docstring)."""
    md = _metadata()
    root = md.tables[ROOT_TABLE]
    if session.execute(sa.select(root.c.id).where(root.c.id == congress_id)).first() is None:
        raise NotFound(f"Không có đại hội số {congress_id}.")
    owned: dict[str, set] = {ROOT_TABLE: {congress_id}}
    tables: dict[str, dict] = {}
    user_ids: set[int] = set()
    for table in congress_tables():
        if table.name == ROOT_TABLE:
            where = root.c.id == congress_id
        else:
            conds = []
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent in owned and fk.column.table is not table:
                    ids = owned[parent]
                    conds.append(fk.parent.in_(ids) if ids else sa.false())
            where = sa.or_(*conds)
        order = list(table.primary_key.columns)
        rows = session.execute(sa.select(table).where(where).order_by(*order)).mappings().all()
        cols = [c.name for c in table.columns]
        tables[table.name] = {"columns": cols, "rows": [[_encode(r[c]) for c in cols] for r in rows]}
        pk = _single_pk(table)
        if pk is not None:
            owned[table.name] = {r[pk.name] for r in rows}
        for fk in table.foreign_keys:
            if fk.column.table.name == USER_TABLE:
                user_ids |= {r[fk.parent.name] for r in rows if r[fk.parent.name] is not None}
    users = {}
    if user_ids:
        ut = md.tables[USER_TABLE]
        users = {str(uid): name for uid, name in
                 session.execute(sa.select(ut.c.id, ut.c.username).where(ut.c.id.in_(user_ids)))}
    return {"format": FORMAT, "version": VERSION, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "schema_revision": _schema_revision(session), "congress_id": congress_id,
            "users": users, "tables": tables}


def _schema_revision(session: Session) -> str | None:
    try:
        return session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # pragma: no cover - a database built without Alembic
        return None


# --- import -----------------------------------------------------------------------------

def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(message, [{"field": "file", "message": message}])


def import_congress(session: Session, *, data: dict) -> int:
    """Insert the congress of ``data`` (from ``export_congress``) with new ids; returns the
    new congress id. Refuses a file that is not a backup of this format (422) and a copy
    whose receipts are already in this database (409)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise _bad("Tệp không phải là bản sao lưu đại hội của election_app.")
    if data.get("version") != VERSION:
        raise _bad(f"Phiên bản bản sao lưu {data.get('version')!r} không được hỗ trợ.")
    md = _metadata()
    known = {t.name for t in congress_tables()}
    unknown = set(data["tables"]) - known
    if unknown:
        raise _bad("Bản sao lưu có bảng không có trong phiên bản này: " + ", ".join(sorted(unknown)) +
                   ". Hãy nâng cấp phần mềm (flask db upgrade) rồi nhập lại.")
    if ROOT_TABLE not in data["tables"] or len(data["tables"][ROOT_TABLE].get("rows", [])) != 1:
        raise _bad("Bản sao lưu không có đúng một đại hội.")
    users_by_old = _user_map(session, md, data.get("users") or {})
    idmap: dict[str, dict] = {}
    new_root = None
    for table in congress_tables():
        block = data["tables"].get(table.name)
        if not block:
            continue
        cols = block.get("columns") or []
        pk = _single_pk(table)
        remap_pk = pk is not None and _is_int(pk) and pk.autoincrement in (True, "auto")
        random_pk = pk is not None and _is_random_default(pk)
        self_fks = [fk for fk in table.foreign_keys if fk.column.table is table]
        deferred: list[tuple[Any, dict]] = []
        table_map = idmap.setdefault(table.name, {})
        for raw in block.get("rows") or []:
            if not isinstance(raw, list) or len(raw) != len(cols):
                raise _bad(f"Dòng hỏng trong bảng {table.name}.")
            row = {c: _decode(table.c[c], v) for c, v in zip(cols, raw) if c in table.c}
            old_pk = row.get(pk.name) if pk is not None else None
            for fk in table.foreign_keys:
                col, parent = fk.parent.name, fk.column.table.name
                if col not in row or row[col] is None:
                    continue
                if fk.column.table is table:
                    continue  # set once the whole table is in (below)
                if parent == USER_TABLE:
                    row[col] = users_by_old.get(str(row[col]))
                elif _excluded(parent):
                    row[col] = None
                elif parent in idmap and row[col] in idmap[parent]:
                    row[col] = idmap[parent][row[col]]
                elif parent in idmap:
                    raise _bad(f"Bảng {table.name} trỏ tới {parent} số {row[col]} không có trong bản sao lưu.")
            for col in table.columns:
                target = col.info.get("ids_of")
                if target and isinstance(row.get(col.name), str):
                    row[col.name] = _remap_id_list(row[col.name], idmap.get(target, {}), table.name)
            self_values = {fk.parent.name: row.pop(fk.parent.name, None) for fk in self_fks}
            _void_collisions(session, table, row)
            if remap_pk:
                row.pop(pk.name, None)
            elif random_pk:
                row[pk.name] = secrets.token_hex(16)
            result = session.execute(sa.insert(table).values(**row))
            if remap_pk:
                new_pk = result.inserted_primary_key[0]
                table_map[old_pk] = new_pk
            elif pk is not None:
                table_map[old_pk] = row[pk.name]
            if any(v is not None for v in self_values.values()):
                deferred.append((table_map.get(old_pk, old_pk), self_values))
            if table.name == ROOT_TABLE:
                new_root = table_map.get(old_pk, old_pk)
        for new_pk, values in deferred:
            mapped = {k: table_map.get(v) for k, v in values.items() if v is not None}
            session.execute(sa.update(table).where(pk == new_pk).values(**mapped))
    session.flush()
    return int(new_root)


def _is_random_default(col: sa.Column) -> bool:
    """A primary key the app draws at random (``db.random_id``): a new one is drawn on import."""
    default = getattr(col.default, "arg", None)
    return callable(default) and getattr(default, "__name__", "") == "random_id"


def _remap_id_list(text: str, mapping: dict, table: str) -> str:
    """A JSON list of ids held in a text column (``info={"ids_of": ...}``), remapped in place
    (new ids are given in the old order, so a sorted list stays sorted)."""
    import json
    try:
        ids = json.loads(text)
    except ValueError:
        raise _bad(f"Dữ liệu hỏng trong bảng {table}.") from None
    if not isinstance(ids, list):
        return text
    try:
        new = [mapping[i] for i in ids]
    except (KeyError, TypeError):
        raise _bad(f"Bảng {table} trỏ tới ứng cử viên không có trong bản sao lưu.") from None
    return json.dumps(new)


def _user_map(session: Session, md: sa.MetaData, users: dict) -> dict:
    ut = md.tables[USER_TABLE]
    names = [n for n in users.values() if isinstance(n, str)]
    found = dict(session.execute(sa.select(ut.c.username, ut.c.id).where(ut.c.username.in_(names))).all()) if names else {}
    return {old: found.get(name) for old, name in users.items()}


def _void_collisions(session: Session, table: sa.Table, row: dict) -> None:
    """A unique value already in this database: a token hash is voided (the copy's links
    must not open the original's); any other collision (a receipt code) refuses the import."""
    uniques = [list(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    pk = list(table.primary_key.columns)
    if len(pk) == 1 and not _is_int(pk[0]) and not pk[0].foreign_keys:
        uniques.append(pk)
    for cols in uniques:
        if len(cols) != 1:
            continue
        col = cols[0]
        value = row.get(col.name)
        if value is None:
            continue
        if session.execute(sa.select(col).where(col == value).limit(1)).first() is None:
            continue
        if "token" in col.name:
            row[col.name] = None if col.nullable else secrets.token_hex(max(8, (col.type.length or 64) // 2))
        elif table.name == "ballots":
            continue  # a new random id is given anyway
        else:
            raise Conflict(f"Đại hội này đã có trong cơ sở dữ liệu ({table.name}.{col.name} trùng). "
                           "Hãy nhập vào một bản cài đặt khác, hoặc xoá bản gốc trước.")
