"""documents: a unique register of document numbers per congress and series

- document_numbers (congress_id, series, number, round_id): one row per number given; the
  unique key (congress_id, series, number) refuses a count-minutes number given twice, even
  when two rounds close at the same moment (the close retries on the key). Filled from
  rounds.minutes_number (migration 0005); a number already given twice in a congress (a race
  before this revision) keeps its first round (closed first) and the later ones get the next
  free numbers.

Revision ID: s3_addr
Revises: s3_phone
Create Date: 2026-11-30 07:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's3_addr'
down_revision = 's3_phone'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'document_numbers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('congress_id', sa.Integer(), nullable=False),
        sa.Column('series', sa.String(length=20), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'],
                                name=op.f('fk_document_numbers_congress_id_congresses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'],
                                name=op.f('fk_document_numbers_round_id_rounds'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_numbers')),
        sa.UniqueConstraint('congress_id', 'series', 'number',
                            name=op.f('uq_document_numbers_congress_id_series_number')),
        sa.UniqueConstraint('round_id', name=op.f('uq_document_numbers_round_id')),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT r.id, e.congress_id, r.minutes_number FROM rounds r JOIN elections e ON e.id = r.election_id "
        "WHERE r.minutes_number IS NOT NULL ORDER BY e.congress_id, r.closed_at, r.id")).fetchall()
    given: dict[int, set[int]] = {}
    later = []
    for round_id, congress_id, number in rows:
        taken = given.setdefault(congress_id, set())
        if number in taken:
            later.append((round_id, congress_id))
            continue
        taken.add(number)
        conn.execute(sa.text("INSERT INTO document_numbers (congress_id, series, number, round_id) "
                             "VALUES (:c, 'BB-BBC', :n, :r)"), {"c": congress_id, "n": number, "r": round_id})
    for round_id, congress_id in later:
        number = max(given[congress_id]) + 1
        given[congress_id].add(number)
        conn.execute(sa.text("INSERT INTO document_numbers (congress_id, series, number, round_id) "
                             "VALUES (:c, 'BB-BBC', :n, :r)"), {"c": congress_id, "n": number, "r": round_id})
        conn.execute(sa.text("UPDATE rounds SET minutes_number = :n WHERE id = :r"), {"n": number, "r": round_id})


def downgrade():
    op.drop_table('document_numbers')
