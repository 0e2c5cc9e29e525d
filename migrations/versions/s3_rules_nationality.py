"""delegates: nationality (Luật Công đoàn 2024: members who are not Vietnamese citizens)

Revision ID: s3_rules
Revises: 0007
Create Date: 2026-11-30 07:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 's3_rules'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nationality', sa.String(length=100), nullable=False,
                                      server_default='Việt Nam'))


def downgrade():
    with op.batch_alter_table('delegates', schema=None) as batch_op:
        batch_op.drop_column('nationality')
