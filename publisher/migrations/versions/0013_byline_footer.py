"""The article's author line (an account's `author`, a post's `byline` from 改作者), the
三级审查 footer switch per managed account, and the footer each published post went out with

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, as in 0012: a batch copy of accounts or posts fails on SQLite while
    # other tables refer to them.
    op.add_column("accounts", sa.Column("author", sa.String(length=32), nullable=True))
    op.add_column("accounts", sa.Column("review_footer", sa.Boolean(), nullable=True))
    op.add_column("posts", sa.Column("byline", sa.String(length=32), nullable=True))
    op.add_column("posts", sa.Column("published_footer", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("published_footer")
        batch.drop_column("byline")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("review_footer")
        batch.drop_column("author")
