"""The admin console: a login belongs to one account (or, with none, is a county user who sees
all), may act as a staff member in review, and failed logins are counted for the lock-out

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UTC = publisher.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("admin_users") as batch:
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("staff_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_admin_users_account_id_accounts", "accounts", ["account_id"], ["id"])
        batch.create_foreign_key("fk_admin_users_staff_id_staff", "staff", ["staff_id"], ["id"])
    op.create_table(
        "console_login_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_login_failures")),
    )
    op.create_index("ix_console_login_failures_username_at", "console_login_failures", ["username", "at"])


def downgrade() -> None:
    op.drop_index("ix_console_login_failures_username_at", table_name="console_login_failures")
    op.drop_table("console_login_failures")
    with op.batch_alter_table("admin_users") as batch:
        batch.drop_constraint("fk_admin_users_staff_id_staff", type_="foreignkey")
        batch.drop_constraint("fk_admin_users_account_id_accounts", type_="foreignkey")
        batch.drop_column("staff_id")
        batch.drop_column("account_id")
