"""invite_codes.cancelled_at (a new invite voids the earlier codes) and
publish_bundles.draft_requested_at (the draft of a draft/add whose answer was lost is removed).

Invite codes are now kept as an HMAC keyed with the secret key. The codes still open from
before were stored as bare SHA-256 and cannot be re-hashed (only their hash is known), so
they are cancelled here: an admin re-invites whoever had not bound yet.

Revision ID: 0009
Revises: 0007
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invite_codes") as batch:
        batch.add_column(sa.Column("cancelled_at", publisher.models.base.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("publish_bundles") as batch:
        batch.add_column(sa.Column("draft_requested_at", publisher.models.base.UTCDateTime(timezone=True),
                                   nullable=True))
    codes = sa.table("invite_codes", sa.column("used_at", publisher.models.base.UTCDateTime(timezone=True)),
                     sa.column("cancelled_at", publisher.models.base.UTCDateTime(timezone=True)))
    op.execute(codes.update().where(codes.c.used_at.is_(None)).values(cancelled_at=datetime.now(timezone.utc)))


def downgrade() -> None:
    with op.batch_alter_table("publish_bundles") as batch:
        batch.drop_column("draft_requested_at")
    with op.batch_alter_table("invite_codes") as batch:
        batch.drop_column("cancelled_at")
