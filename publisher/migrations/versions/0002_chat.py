"""chat: open draft dialogues and review approvals

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

UTC = publisher.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "draft_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("last_message_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_draft_sessions_account_id_accounts")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_draft_sessions_post_id_posts")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_draft_sessions_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_sessions")),
        sa.UniqueConstraint("staff_id", name=op.f("uq_draft_sessions_staff_id")),
    )
    op.create_index(op.f("ix_draft_sessions_account_id"), "draft_sessions", ["account_id"])
    op.create_index(op.f("ix_draft_sessions_post_id"), "draft_sessions", ["post_id"])
    op.create_table(
        "approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", UTC, nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("approved_at", UTC, nullable=False),
        sa.Column("inbound_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["inbound_message_id"], ["inbound_messages.id"], name=op.f("fk_approvals_inbound_message_id_inbound_messages")
        ),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_approvals_post_id_posts")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["staff.id"], name=op.f("fk_approvals_reviewer_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approvals")),
        sa.UniqueConstraint("post_id", "submitted_at", "reviewer_id", name=op.f("uq_approvals_post_id_submitted_at_reviewer_id")),
    )
    op.create_index(op.f("ix_approvals_post_id"), "approvals", ["post_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_approvals_post_id"), table_name="approvals")
    op.drop_table("approvals")
    op.drop_index(op.f("ix_draft_sessions_post_id"), table_name="draft_sessions")
    op.drop_index(op.f("ix_draft_sessions_account_id"), table_name="draft_sessions")
    op.drop_table("draft_sessions")
