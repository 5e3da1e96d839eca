"""registers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 04:16:16.470088
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appeal_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_appeal_cases_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appeal_cases'))
    )
    with op.batch_alter_table('appeal_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appeal_cases_account_id'), ['account_id'], unique=False)

    op.create_table('article20_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('amount_wan', sa.Numeric(precision=14, scale=4), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_article20_entries_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article20_entries'))
    )
    with op.batch_alter_table('article20_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article20_entries_account_id'), ['account_id'], unique=False)

    op.create_table('disclosure_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('applicant_type', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=24), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_disclosure_applications_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_applications'))
    )
    with op.batch_alter_table('disclosure_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_applications_account_id'), ['account_id'], unique=False)

    op.create_table('register_openings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_register_openings_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_openings')),
    sa.UniqueConstraint('account_id', 'year', 'key', name=op.f('uq_register_openings_account_id_year_key'))
    )


def downgrade() -> None:
    op.drop_table('register_openings')
    with op.batch_alter_table('disclosure_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_applications_account_id'))

    op.drop_table('disclosure_applications')
    with op.batch_alter_table('article20_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_article20_entries_account_id'))

    op.drop_table('article20_entries')
    with op.batch_alter_table('appeal_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appeal_cases_account_id'))

    op.drop_table('appeal_cases')
