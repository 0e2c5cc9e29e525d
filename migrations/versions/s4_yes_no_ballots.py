"""agree/disagree ballots (phiếu đồng ý / không đồng ý): the election's ballot type, the
names disagreed on ballots, paper entries and their corrections, the votes against per
candidate of a round (issue 16.4)

Revision ID: s4_yesno
Revises: s3_rules2c
Create Date: 2026-11-30 11:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's4_yesno'
down_revision = 's3_rules2c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ballot_type', sa.String(length=10), server_default='strike', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_elections_ballot_type_known'), "ballot_type IN ('strike','yes_no')")
    # Plain ALTER TABLE ADD COLUMN: the ballots table is WITHOUT ROWID on SQLite and must not
    # be rebuilt.
    op.add_column('ballots', sa.Column('against', sa.Text(), nullable=True))
    op.add_column('paper_ballot_entries', sa.Column('against', sa.Text(), server_default='[]', nullable=False))
    op.add_column('paper_ballot_corrections', sa.Column('old_against', sa.Text(), nullable=True))
    op.add_column('paper_ballot_corrections', sa.Column('new_against', sa.Text(), nullable=True))
    op.add_column('round_candidates', sa.Column('against', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('round_candidates', schema=None) as batch_op:
        batch_op.drop_column('against')
    with op.batch_alter_table('paper_ballot_corrections', schema=None) as batch_op:
        batch_op.drop_column('new_against')
        batch_op.drop_column('old_against')
    with op.batch_alter_table('paper_ballot_entries', schema=None) as batch_op:
        batch_op.drop_column('against')
    op.drop_column('ballots', 'against')
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_elections_ballot_type_known'), type_='check')
        batch_op.drop_column('ballot_type')
