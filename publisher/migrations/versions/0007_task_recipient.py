"""tasks.recipient: whom a customer-service message goes to, so notices can be counted
against WeChat's five per 48-hour window

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("recipient", sa.String(length=64), nullable=True))
        batch.create_index("ix_tasks_recipient", ["recipient"])


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_index("ix_tasks_recipient")
        batch.drop_column("recipient")
