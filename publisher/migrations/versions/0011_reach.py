"""Reach: reads and shares from WeChat's data API, and which days each endpoint has given

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UTC = publisher.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reach_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=16), nullable=False),
        sa.Column("msgid", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("source", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("read_users", sa.Integer(), nullable=False),
        sa.Column("shares", sa.Integer(), nullable=False),
        sa.Column("share_users", sa.Integer(), nullable=False),
        sa.Column("favourites", sa.Integer(), nullable=False),
        sa.Column("fetched_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.ForeignKeyConstraint(["ledger_entry_id"], ["ledger_entries.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "endpoint", "msgid", "day", "source"),
    )
    op.create_index("ix_reach_account_day", "reach_figures", ["account_id", "day"])
    op.create_index(op.f("ix_reach_figures_ledger_entry_id"), "reach_figures", ["ledger_entry_id"])
    op.create_table(
        "reach_pulls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("endpoint", sa.String(length=16), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("pulled_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_id", "endpoint", "day"),
    )


def downgrade() -> None:
    op.drop_table("reach_pulls")
    op.drop_index(op.f("ix_reach_figures_ledger_entry_id"), table_name="reach_figures")
    op.drop_index("ix_reach_account_day", table_name="reach_figures")
    op.drop_table("reach_figures")
