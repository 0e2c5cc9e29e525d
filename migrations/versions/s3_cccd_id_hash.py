"""delegates: keyed hash of the citizen ID number (CCCD) for check-in by the ID card's QR

Revision ID: s3_cccd
Revises: s3_rules
Create Date: 2026-11-30 07:20:00

A plain ADD COLUMN and a unique index: no table rebuild, the roll stays as it is. Rolls imported
before this revision kept a "Số CCCD" / "CMND" column aside as written (``delegates.extra``): each
such number becomes its keyed hash and leaves ``extra``, so no ID number stays in clear.
The hash is written here as ``election_app/delegates/idcard.py`` computed it at this revision.
"""
import hashlib
import hmac
import re
import unicodedata

from alembic import op
from flask import current_app
import sqlalchemy as sa


revision = 's3_cccd'
down_revision = 's3_rules'
branch_labels = None
depends_on = None

_ID_LABEL = re.compile(r"^(so )?(cccd|cmnd|cmt|can cuoc|dinh danh)( cccd| cmnd| cong dan| ca nhan| so)*$|^so dinh danh")


def _fold(label):
    text = unicodedata.normalize("NFC", str(label)).replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def _number(value):
    digits = re.sub(r"[\s.\-]", "", str(value or ""))
    if not (digits.isdigit() and digits.isascii()):
        return None
    if len(digits) in (10, 11):
        digits = digits.zfill(12)
    elif len(digits) == 8:
        digits = digits.zfill(9)
    return digits if len(digits) in (9, 12) and set(digits) != {"0"} else None


def _hash(number):
    secret = current_app.config["SECRET_KEY"]
    key = hmac.new(secret.encode(), b"election_app/citizen-id-number/v1", hashlib.sha256).digest()
    return hmac.new(key, f"cccd:{number}".encode(), hashlib.sha256).hexdigest()


def upgrade():
    op.add_column('delegates', sa.Column('id_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_delegates_congress_id_hash', 'delegates', ['congress_id', 'id_hash'], unique=True)
    delegates = sa.table('delegates', sa.column('id', sa.Integer), sa.column('congress_id', sa.Integer),
                         sa.column('extra', sa.JSON), sa.column('id_hash', sa.String))
    conn = op.get_bind()
    taken = set()
    for did, cid, extra in conn.execute(sa.select(delegates.c.id, delegates.c.congress_id, delegates.c.extra)
                                        .where(delegates.c.extra.is_not(None)).order_by(delegates.c.id)).all():
        if not isinstance(extra, dict):
            continue
        keys = [k for k in extra if _ID_LABEL.search(_fold(k))]
        if not keys:
            continue
        hashed = None
        for k in keys:
            number = _number(extra[k])
            if number and hashed is None and (cid, _hash(number)) not in taken:
                hashed = _hash(number)
                taken.add((cid, hashed))
        rest = {k: v for k, v in extra.items() if k not in keys}
        conn.execute(delegates.update().where(delegates.c.id == did).values(extra=rest or None, id_hash=hashed))


def downgrade():
    op.drop_index('ix_delegates_congress_id_hash', table_name='delegates')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('id_hash')
