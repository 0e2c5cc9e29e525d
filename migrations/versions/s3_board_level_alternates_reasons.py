"""congress level; upper-congress alternates taken by ranking; the board's own words for a
spoiled paper ballot (issue 13, points 8, 9, 10)

Revision ID: s3_board
Revises: s3_addr
Create Date: 2026-11-30 07:20:00

Only nullable (or server-defaulted) columns are added, with ALTER TABLE ADD COLUMN: no
table is rebuilt (rebuilding ``congresses`` on SQLite would cascade into every table that
points at it). The allowed values of ``congresses.level`` are checked by the service.
"""
from alembic import op
import sqlalchemy as sa


revision = 's3_board'
down_revision = 's3_addr'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('congresses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=20), nullable=False,
                                      server_default='cdcs'))
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('alternate_seats', sa.Integer(), nullable=True))
    with op.batch_alter_table('paper_ballot_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('defect_text', sa.Text(), nullable=True))
    with op.batch_alter_table('paper_ballot_corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('old_defect_text', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('new_defect_text', sa.Text(), nullable=True))
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invalid_by_text', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('invalid_by_text')
    with op.batch_alter_table('paper_ballot_corrections', schema=None) as batch_op:
        batch_op.drop_column('new_defect_text')
        batch_op.drop_column('old_defect_text')
    with op.batch_alter_table('paper_ballot_entries', schema=None) as batch_op:
        batch_op.drop_column('defect_text')
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_column('alternate_seats')
    with op.batch_alter_table('congresses', schema=None) as batch_op:
        batch_op.drop_column('level')
