"""elections: a paper-ballot entry can be voided (huỷ phiếu nhập nhầm), keeping its trace

Revision ID: 0003
Revises: 0002a
Create Date: 2026-11-24 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('paper_ballot_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_void', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('paper_ballot_entries', schema=None) as batch_op:
        batch_op.drop_column('is_void')
