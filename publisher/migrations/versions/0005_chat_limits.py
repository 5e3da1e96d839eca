"""chat limits: failed 绑定 attempts, counted per sender to stop code guessing

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bind_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=64), nullable=False),
        sa.Column("at", publisher.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_bind_failures_account_id_accounts")),
        sa.ForeignKeyConstraint(["inbound_message_id"], ["inbound_messages.id"],
                                name=op.f("fk_bind_failures_inbound_message_id_inbound_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bind_failures")),
    )
    op.create_index("ix_bind_failures_account_id_openid_at", "bind_failures", ["account_id", "openid", "at"])


def downgrade() -> None:
    op.drop_index("ix_bind_failures_account_id_openid_at", table_name="bind_failures")
    op.drop_table("bind_failures")
