"""periodic_runs: one row per periodic job and period, so that several workers run each
period's staleness reminder (and the other periodic jobs) once; accounts added with
`govpost account add` keep their configuration (never their secrets) in the accounts row

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

from publisher.models.base import UTCDateTime


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "periodic_runs",
        sa.Column("job", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("worker", sa.String(length=64), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("job", "period", name=op.f("pk_periodic_runs")),
    )
    # Plain ADD COLUMN, not a batch copy: on SQLite a batch rebuilds the table, and dropping
    # the old accounts table fails while posts, staff and the ledger refer to it.
    op.add_column("accounts", sa.Column("managed", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("accounts", sa.Column("slots", sa.JSON(), nullable=True))
    op.add_column("accounts", sa.Column("account_type", sa.String(length=16), nullable=True))
    op.add_column("accounts", sa.Column("message_mode", sa.String(length=16), nullable=True))
    op.add_column("accounts", sa.Column("disabled_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        for column in ("disabled_at", "message_mode", "account_type", "slots", "managed"):
            batch.drop_column(column)
    op.drop_table("periodic_runs")
