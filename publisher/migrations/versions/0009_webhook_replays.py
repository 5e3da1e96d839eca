"""webhook_replays: the (timestamp, nonce, signature) of each accepted webhook request, so
that a copied query string cannot carry another message

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

from publisher.models.base import UTCDateTime


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_replays",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("dedup_key", sa.String(length=160), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_webhook_replays")),
    )
    op.create_index(op.f("ix_webhook_replays_expires_at"), "webhook_replays", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_webhook_replays_expires_at"), table_name="webhook_replays")
    op.drop_table("webhook_replays")
