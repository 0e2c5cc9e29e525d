"""federation: unions tree, account grants, congress attachment, recognition dossiers

Revision ID: s3_federation
Revises: s3_cccd
Create Date: 2026-11-30 07:38:29.886162

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 's3_federation'
down_revision = 's3_cccd'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organizations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('level', sa.String(length=30), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("level IN ('tong_ldld','ldld_tinh','cd_nganh_tw','cd_nganh','ldld_huyen','cd_cap_tren_co_so','cdcs')", name=op.f('ck_organizations_org_level_known')),
    sa.ForeignKeyConstraint(['parent_id'], ['organizations.id'], name=op.f('fk_organizations_parent_id_organizations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations'))
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_parent_id'), ['parent_id'], unique=False)

    op.create_table('congress_organizations',
    sa.Column('congress_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'], name=op.f('fk_congress_organizations_congress_id_congresses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_congress_organizations_organization_id_organizations'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('congress_id', name=op.f('pk_congress_organizations'))
    )
    with op.batch_alter_table('congress_organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_congress_organizations_organization_id'), ['organization_id'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('congress_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('decision_number', sa.String(length=60), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=True),
    sa.Column('decision_scope', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('sent','recognised','returned')", name=op.f('ck_dossiers_dossier_status_known')),
    sa.ForeignKeyConstraint(['congress_id'], ['congresses.id'], name=op.f('fk_dossiers_congress_id_congresses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by'], ['users.id'], name=op.f('fk_dossiers_decided_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_dossiers_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sent_by'], ['users.id'], name=op.f('fk_dossiers_sent_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossiers'))
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_congress_id'), ['congress_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_organization_id'), ['organization_id'], unique=False)

    op.create_table('user_organizations',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('granted_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_user_organizations_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_organizations_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'organization_id', name=op.f('pk_user_organizations'))
    )
    with op.batch_alter_table('user_organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_organizations_organization_id'), ['organization_id'], unique=False)



def downgrade():
    with op.batch_alter_table('user_organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_organizations_organization_id'))

    op.drop_table('user_organizations')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_organization_id'))
        batch_op.drop_index(batch_op.f('ix_dossiers_congress_id'))

    op.drop_table('dossiers')
    with op.batch_alter_table('congress_organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_congress_organizations_organization_id'))

    op.drop_table('congress_organizations')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_parent_id'))

    op.drop_table('organizations')
