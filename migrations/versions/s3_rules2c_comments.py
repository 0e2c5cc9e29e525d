"""comments: delegates' written comments on draft documents, grouped by the secretary (issue 16.8)

Revision ID: s3_rules2c
Revises: s3_rules2
Create Date: 2026-11-30 08:26:49.731180

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's3_rules2c'
down_revision = 's3_rules2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('draft_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('congress_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_items.id'], name=op.f('fk_draft_comments_agenda_item_id_agenda_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'], name=op.f('fk_draft_comments_congress_id_congresses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegate_id'], ['delegates.id'], name=op.f('fk_draft_comments_delegate_id_delegates'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_comments'))
    )
    with op.batch_alter_table('draft_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_draft_comments_agenda_item_id'), ['agenda_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_draft_comments_congress_id'), ['congress_id'], unique=False)



def downgrade():
    with op.batch_alter_table('draft_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_draft_comments_congress_id'))
        batch_op.drop_index(batch_op.f('ix_draft_comments_agenda_item_id'))

    op.drop_table('draft_comments')
