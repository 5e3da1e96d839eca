"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 04:09:52.593970
"""
from alembic import op
import sqlalchemy as sa
import publisher.models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('appid', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('appid', name=op.f('uq_accounts_appid')),
    sa.UniqueConstraint('name', name=op.f('uq_accounts_name'))
    )
    op.create_table('admin_users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_users')),
    sa.UniqueConstraint('username', name=op.f('uq_admin_users_username'))
    )
    op.create_table('wechat_tokens',
    sa.Column('appid', sa.String(length=32), nullable=False),
    sa.Column('access_token', sa.String(length=512), nullable=True),
    sa.Column('expires_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('lock_owner', sa.String(length=64), nullable=True),
    sa.Column('lock_until', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('fetch_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('appid', name=op.f('pk_wechat_tokens'))
    )
    op.create_table('publish_bundles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('slot_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claim_expires_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('draft_media_id', sa.String(length=128), nullable=True),
    sa.Column('publish_id', sa.String(length=64), nullable=True),
    sa.Column('client_msg_id', sa.String(length=64), nullable=True),
    sa.Column('msg_id', sa.String(length=64), nullable=True),
    sa.Column('msg_data_id', sa.String(length=64), nullable=True),
    sa.Column('article_id', sa.String(length=128), nullable=True),
    sa.Column('last_errcode', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_publish_bundles_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publish_bundles')),
    sa.UniqueConstraint('client_msg_id', name=op.f('uq_publish_bundles_client_msg_id'))
    )
    with op.batch_alter_table('publish_bundles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publish_bundles_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publish_bundles_msg_id'), ['msg_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publish_bundles_publish_id'), ['publish_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publish_bundles_slot_at'), ['slot_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_publish_bundles_status'), ['status'], unique=False)

    op.create_table('staff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('openid', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('bound_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_staff_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff')),
    sa.UniqueConstraint('account_id', 'openid', name=op.f('uq_staff_account_id_openid'))
    )
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_account_id'), ['account_id'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=48), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('run_after', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('locked_by', sa.String(length=64), nullable=True),
    sa.Column('locked_until', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('dedup_key', sa.String(length=160), nullable=True),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_tasks_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks')),
    sa.UniqueConstraint('dedup_key', name=op.f('uq_tasks_dedup_key'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_run_after'), ['run_after'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_status'), ['status'], unique=False)

    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_topics_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('account_id', 'name', name=op.f('uq_topics_account_id_name'))
    )
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topics_account_id'), ['account_id'], unique=False)

    op.create_table('inbound_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('dedup_key', sa.String(length=160), nullable=False),
    sa.Column('from_openid', sa.String(length=64), nullable=False),
    sa.Column('msg_type', sa.String(length=32), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('received_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=True),
    sa.Column('handled_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_inbound_messages_account_id_accounts')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_inbound_messages_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
    sa.UniqueConstraint('account_id', 'dedup_key', name=op.f('uq_inbound_messages_account_id_dedup_key'))
    )
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_messages_from_openid'), ['from_openid'], unique=False)

    op.create_table('invite_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_invite_codes_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invite_codes')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_invite_codes_code_hash'))
    )
    with op.batch_alter_table('invite_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invite_codes_staff_id'), ['staff_id'], unique=False)

    op.create_table('posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('author_name', sa.String(length=32), nullable=False),
    sa.Column('digest', sa.String(length=400), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('scheduled_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('bundle_id', sa.Integer(), nullable=True),
    sa.Column('bundle_position', sa.Integer(), nullable=True),
    sa.Column('article_url', sa.String(length=512), nullable=True),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_posts_account_id_accounts')),
    sa.ForeignKeyConstraint(['author_id'], ['staff.id'], name=op.f('fk_posts_author_id_staff')),
    sa.ForeignKeyConstraint(['bundle_id'], ['publish_bundles.id'], name=op.f('fk_posts_bundle_id_publish_bundles')),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_posts_topic_id_topics')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts'))
    )
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_posts_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_bundle_id'), ['bundle_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_posts_status'), ['status'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=48), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('inbound_message_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_audit_log_account_id_accounts')),
    sa.ForeignKeyConstraint(['inbound_message_id'], ['inbound_messages.id'], name=op.f('fk_audit_log_inbound_message_id_inbound_messages')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_audit_log_post_id_posts')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_audit_log_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_post_id'), ['post_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('topic_guessed', sa.Boolean(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('published_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disclosed_on', sa.Date(), nullable=False),
    sa.Column('url', sa.String(length=512), nullable=True),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('external_key', sa.String(length=160), nullable=True),
    sa.Column('deleted_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_ledger_entries_account_id_accounts')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_ledger_entries_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('account_id', 'external_key', name=op.f('uq_ledger_entries_account_id_external_key'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_ledger_account_day', ['account_id', 'disclosed_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_post_id'), ['post_id'], unique=False)

    op.create_table('post_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('is_cover', sa.Boolean(), nullable=False),
    sa.Column('source_media_id', sa.String(length=128), nullable=True),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('content_type', sa.String(length=64), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('fetched_at', publisher.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('thumb_media_id', sa.String(length=128), nullable=True),
    sa.Column('thumb_url', sa.String(length=512), nullable=True),
    sa.Column('body_url', sa.String(length=512), nullable=True),
    sa.Column('created_at', publisher.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_images_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_images'))
    )
    with op.batch_alter_table('post_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_images_post_id'), ['post_id'], unique=False)

    op.create_table('post_blocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('image_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['image_id'], ['post_images.id'], name=op.f('fk_post_blocks_image_id_post_images')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_blocks_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post_blocks')),
    sa.UniqueConstraint('post_id', 'position', name=op.f('uq_post_blocks_post_id_position'))
    )
    with op.batch_alter_table('post_blocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_blocks_post_id'), ['post_id'], unique=False)



def downgrade() -> None:
    op.drop_table('tasks')
    with op.batch_alter_table('post_blocks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_blocks_post_id'))

    op.drop_table('post_blocks')
    with op.batch_alter_table('post_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_images_post_id'))

    op.drop_table('post_images')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_post_id'))
        batch_op.drop_index('ix_ledger_account_day')

    op.drop_table('ledger_entries')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_post_id'))
        batch_op.drop_index(batch_op.f('ix_audit_log_account_id'))

    op.drop_table('audit_log')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_posts_status'))
        batch_op.drop_index(batch_op.f('ix_posts_bundle_id'))
        batch_op.drop_index(batch_op.f('ix_posts_author_id'))
        batch_op.drop_index(batch_op.f('ix_posts_account_id'))

    op.drop_table('posts')
    with op.batch_alter_table('invite_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invite_codes_staff_id'))

    op.drop_table('invite_codes')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_messages_from_openid'))

    op.drop_table('inbound_messages')
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topics_account_id'))

    op.drop_table('topics')
    with op.batch_alter_table('staff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_account_id'))

    op.drop_table('staff')
    with op.batch_alter_table('publish_bundles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publish_bundles_status'))
        batch_op.drop_index(batch_op.f('ix_publish_bundles_slot_at'))
        batch_op.drop_index(batch_op.f('ix_publish_bundles_publish_id'))
        batch_op.drop_index(batch_op.f('ix_publish_bundles_msg_id'))
        batch_op.drop_index(batch_op.f('ix_publish_bundles_account_id'))

    op.drop_table('publish_bundles')
    op.drop_table('wechat_tokens')
    op.drop_table('admin_users')
    op.drop_table('accounts')
