"""voting: the sealed ballot box (per-round key pair, sealed ballots while open) and
round_participations WITHOUT ROWID on SQLite

Revision ID: 0007
Revises: 0010
Create Date: 2026-11-30 03:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0010'
branch_labels = None
depends_on = None

_PART_COLUMNS = "round_id, delegate_id, method"


def _participations_table(name, with_rowid):
    return op.create_table(
        name,
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('delegate_id', sa.Integer(), nullable=False),
        sa.Column('method', sa.String(length=12), nullable=False),
        sa.CheckConstraint("method IN ('paper','electronic','slip')",
                           name=op.f('ck_round_participations_method_known')),
        sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'],
                                name=op.f('fk_round_participations_delegate_id_delegates'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'],
                                name=op.f('fk_round_participations_round_id_rounds'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('round_id', 'delegate_id', name=op.f('pk_round_participations')),
        sqlite_with_rowid=with_rowid,
    )


def _rebuild_participations(with_rowid):
    """SQLite cannot ALTER a table into WITHOUT ROWID: build the new one, copy (in key
    order, so no insertion order survives), swap."""
    _participations_table('round_participations_new', with_rowid)
    op.execute(f"INSERT INTO round_participations_new ({_PART_COLUMNS}) "
               f"SELECT {_PART_COLUMNS} FROM round_participations ORDER BY round_id, delegate_id")
    op.drop_table('round_participations')
    op.rename_table('round_participations_new', 'round_participations')


def upgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('box_mode', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('box_public_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('box_wrapped_key', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('box_salt', sa.String(length=64), nullable=True))
    op.create_table(
        'sealed_ballots',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('ciphertext', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_sealed_ballots_round_id_rounds'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sealed_ballots')),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sealed_ballots_round_id'), ['round_id'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_participations(with_rowid=False)
    op.create_table(
        'voting_policies',
        sa.Column('congress_id', sa.Integer(), nullable=False),
        sa.Column('two_person_reissue', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'],
                                name=op.f('fk_voting_policies_congress_id_congresses'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('congress_id', name=op.f('pk_voting_policies')),
    )
    op.create_table(
        'credential_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('congress_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('delegate_id', sa.Integer(), nullable=True),
        sa.Column('round_id', sa.Integer(), nullable=True),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('in_open_round', sa.Boolean(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_by', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'],
                                name=op.f('fk_credential_events_congress_id_congresses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'],
                                name=op.f('fk_credential_events_delegate_id_delegates'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'],
                                name=op.f('fk_credential_events_round_id_rounds'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_credential_events_user_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['confirmed_by'], ['users.id'],
                                name=op.f('fk_credential_events_confirmed_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_events')),
    )
    with op.batch_alter_table('credential_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_events_congress_id'), ['congress_id'], unique=False)


def downgrade():
    with op.batch_alter_table('credential_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_events_congress_id'))
    op.drop_table('credential_events')
    op.drop_table('voting_policies')
    if op.get_bind().dialect.name == 'sqlite':
        _rebuild_participations(with_rowid=True)
    with op.batch_alter_table('sealed_ballots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sealed_ballots_round_id'))
    op.drop_table('sealed_ballots')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('box_salt')
        batch_op.drop_column('box_wrapped_key')
        batch_op.drop_column('box_public_key')
        batch_op.drop_column('box_mode')
