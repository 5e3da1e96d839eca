"""draft_sessions.snapshot: the post's body as it was at 修改, so that 取消 during an edit
throws away only the edits since, not the post; posts once withdrawn become drafts, as 撤回
now leaves them (the status `withdrawn` is gone)

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("draft_sessions", sa.Column("snapshot", sa.JSON(), nullable=True))
    op.execute("UPDATE posts SET status = 'draft' WHERE status = 'withdrawn'")


def downgrade() -> None:
    # Withdrawn posts stay drafts: which drafts were once withdrawn is in the audit log only.
    with op.batch_alter_table("draft_sessions") as batch:
        batch.drop_column("snapshot")
