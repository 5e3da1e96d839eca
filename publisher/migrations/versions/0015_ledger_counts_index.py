"""ledger_entries: the (account_id, disclosed_on) index also holds channel, topic,
topic_guessed and deleted_at, so the year's counts read the index alone, grouped in its order
(4 s → 0.3 s at a million rows on SQLite); every query the old index served, it serves

Revision ID: 0015
Revises: 0014
"""
from alembic import op


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COLUMNS = ["account_id", "disclosed_on", "channel", "topic", "topic_guessed", "deleted_at"]


def upgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.create_index("ix_ledger_account_day_counts", COLUMNS, unique=False)
        batch.drop_index("ix_ledger_account_day")


def downgrade() -> None:
    with op.batch_alter_table("ledger_entries") as batch:
        batch.create_index("ix_ledger_account_day", ["account_id", "disclosed_on"], unique=False)
        batch.drop_index("ix_ledger_account_day_counts")
