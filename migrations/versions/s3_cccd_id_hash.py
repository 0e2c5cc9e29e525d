"""delegates: keyed hash of the citizen ID number (CCCD) for check-in by the ID card's QR

Revision ID: s3_cccd
Revises: 0007
Create Date: 2026-11-30 07:20:00

A plain ADD COLUMN and a unique index: no table rebuild, the roll stays as it is.
"""
from alembic import op
import sqlalchemy as sa


revision = 's3_cccd'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('delegates', sa.Column('id_hash', sa.String(length=64), nullable=True))
    op.create_index('ix_delegates_congress_id_hash', 'delegates', ['congress_id', 'id_hash'], unique=True)


def downgrade():
    op.drop_index('ix_delegates_congress_id_hash', table_name='delegates')
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('id_hash')
