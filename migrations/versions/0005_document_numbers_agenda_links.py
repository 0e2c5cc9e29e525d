"""documents: stored count-minutes numbers, agenda links of motions and elections

- rounds.minutes_number: the "Số: NN/BB-BBC" of a round's count minutes, given once when the
  round closes (the next free number of the congress) and never changed, so a reprint
  after another round closes reads the same. Rounds closed before this revision get their
  numbers in the order they were closed.
- motions.agenda_item_id, elections.agenda_item_id: the agenda item a show-of-hands vote
  or an election belongs to (by default the item running when it was created), so the
  congress minutes tell it where it happened. Plain integers (no foreign key): deleting an
  agenda item must not rebuild these tables on SQLite; an unknown id reads as unlinked.

Revision ID: 0005
Revises: 0006
Create Date: 2026-11-30 03:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes_number', sa.Integer(), nullable=True))
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
    # Number the rounds already closed, per congress, in the order they closed.
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT r.id, e.congress_id FROM rounds r JOIN elections e ON e.id = r.election_id "
        "WHERE r.status = 'closed' ORDER BY e.congress_id, r.closed_at, r.id")).fetchall()
    seen: dict[int, int] = {}
    for round_id, congress_id in rows:
        seen[congress_id] = seen.get(congress_id, 0) + 1
        conn.execute(sa.text("UPDATE rounds SET minutes_number = :n WHERE id = :i"),
                     {"n": seen[congress_id], "i": round_id})


def downgrade():
    with op.batch_alter_table('elections', schema=None) as batch_op:
        batch_op.drop_column('agenda_item_id')
    with op.batch_alter_table('motions', schema=None) as batch_op:
        batch_op.drop_column('agenda_item_id')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('minutes_number')
