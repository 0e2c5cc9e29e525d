"""audit log (hash-chained, one chain per congress) and tenancy (accounts scoped to congresses)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'audit_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chain', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('actor_name', sa.String(length=80), nullable=False),
        sa.Column('congress_id', sa.Integer(), nullable=True),
        sa.Column('action', sa.String(length=80), nullable=False),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('outcome', sa.String(length=500), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries')),
        sa.UniqueConstraint('chain', 'seq', name='uq_audit_entries_chain_seq'),
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_chain'), ['chain'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
    op.create_table(
        'audit_heads',
        sa.Column('chain', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_heads')),
    )
    op.create_table(
        'user_congresses',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('congress_id', sa.Integer(), nullable=False),
        sa.Column('granted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'],
                                name=op.f('fk_user_congresses_congress_id_congresses'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_user_congresses_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'congress_id', name=op.f('pk_user_congresses')),
    )
    with op.batch_alter_table('user_congresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_congresses_congress_id'), ['congress_id'], unique=False)
    # An account bound to one congress keeps that scope; an unbound non-admin account kept
    # "every congress" before: it is scoped to every congress that exists now.
    op.execute(sa.text(
        "INSERT INTO user_congresses (user_id, congress_id, granted_at) "
        "SELECT id, congress_id, CURRENT_TIMESTAMP FROM users WHERE congress_id IS NOT NULL"))
    op.execute(sa.text(
        "INSERT INTO user_congresses (user_id, congress_id, granted_at) "
        "SELECT u.id, c.id, CURRENT_TIMESTAMP FROM users u CROSS JOIN congresses c "
        "WHERE u.congress_id IS NULL AND u.role <> 'admin'"))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('fk_users_congress_id_congresses', type_='foreignkey')
        batch_op.drop_column('congress_id')


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('congress_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_users_congress_id_congresses', 'congresses', ['congress_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('user_congresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_congresses_congress_id'))
    op.drop_table('user_congresses')
    op.drop_table('audit_heads')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_chain'))
    op.drop_table('audit_entries')
