"""publishing: mass-send and API quota per period, scheduler heartbeats

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('publish_quotas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=10), nullable=False),
    sa.Column('mass_sends', sa.Integer(), nullable=False),
    sa.Column('blocked', sa.Boolean(), nullable=False),
    sa.Column('updated_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_publish_quotas_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publish_quotas')),
    sa.UniqueConstraint('account_id', 'period', name=op.f('uq_publish_quotas_account_id_period'))
    )
    op.create_table('scheduler_heartbeats',
    sa.Column('worker', sa.String(length=64), nullable=False),
    sa.Column('beat_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('bundles_advanced', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('worker', name=op.f('pk_scheduler_heartbeats'))
    )


def downgrade() -> None:
    op.drop_table('scheduler_heartbeats')
    op.drop_table('publish_quotas')
