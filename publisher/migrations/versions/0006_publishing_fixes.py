"""publishing fixes: when a bundle's unanswered submit was made, for its reconcile wait

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("publish_bundles") as batch:
        batch.add_column(sa.Column("submitting_since", publisher.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("publish_bundles") as batch:
        batch.drop_column("submitting_since")
