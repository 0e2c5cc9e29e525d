"""congress sessions (phiên họp): the sessions table; the session of each vote, round and
door event (issue 16.6), as FKs so a congress backup carries them

Revision ID: s4_sessions
Revises: s4_yesno
Create Date: 2026-11-30 11:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's4_sessions'
down_revision = 's4_yesno'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('congress_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('congress_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('summoned_at_open', sa.Integer(), nullable=True),
    sa.Column('present_at_open', sa.Integer(), nullable=True),
    sa.Column('summoned_at_close', sa.Integer(), nullable=True),
    sa.Column('present_at_close', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('not_started','open','closed')", name=op.f('ck_congress_sessions_state_known')),
    sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'], name=op.f('fk_congress_sessions_congress_id_congresses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_congress_sessions'))
    )
    with op.batch_alter_table('congress_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_congress_sessions_congress_id'), ['congress_id'], unique=False)
        batch_op.create_index('uq_congress_sessions_one_open', ['congress_id'], unique=True,
                              sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
    for table in ('motions', 'rounds', 'attendance_events'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('congress_session_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_congress_session_id_congress_sessions'),
                                        'congress_sessions', ['congress_session_id'], ['id'], ondelete='SET NULL')


def downgrade():
    for table in ('attendance_events', 'rounds', 'motions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_congress_session_id_congress_sessions'),
                                     type_='foreignkey')
            batch_op.drop_column('congress_session_id')
    with op.batch_alter_table('congress_sessions', schema=None) as batch_op:
        batch_op.drop_index('uq_congress_sessions_one_open', sqlite_where=sa.text("state = 'open'"),
                            postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index(batch_op.f('ix_congress_sessions_congress_id'))
    op.drop_table('congress_sessions')
