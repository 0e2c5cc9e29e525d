"""agenda: who and when last saved an item's notes

Revision ID: 0002a
Revises: 0001
Create Date: 2026-11-23 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0002a'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notes_updated_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('notes_updated_by', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_agenda_items_notes_updated_by_users'), 'users',
                                    ['notes_updated_by'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('agenda_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_agenda_items_notes_updated_by_users'), type_='foreignkey')
        batch_op.drop_column('notes_updated_by')
        batch_op.drop_column('notes_updated_at')
