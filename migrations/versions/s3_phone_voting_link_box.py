"""voting: the personal voting link kept sealed (delegates.voting_token_box), so delegate
cards can be printed again with the links already handed out (issue 13 §5)

Revision ID: s3_phone
Revises: s3_federation
Create Date: 2026-11-30 07:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's3_phone'
down_revision = 's3_federation'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voting_token_box', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('voting_token_box')
