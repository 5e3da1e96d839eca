"""队列, 定时, 撤回, 删除 called with a CommandContext built here, like the dispatcher does."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.commands import publishing as commands
from bot.commands.registry import CommandContext
from bot.commands.table import COMMANDS, EVENT_HANDLERS
from publisher.services.accounts import account_context
from publisher.services.audit import Actor
from publisher.db import transaction
from publisher.errors import Refusal
from publisher.models import LedgerEntry, Post, Staff, Task
from publisher.background.jobs import run_due_tasks
from tests.publishing_support import (
    add_staff,
    post_row,
    queue_post,
    run_until_settled,
)

BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def chat(runtime):
    return make_chat(runtime)


def make_chat(runtime):
    def say(handler, args: str, staff_id: int) -> str:
        with transaction(runtime.session_factory) as session:
            staff = session.get(Staff, staff_id)
            ctx = CommandContext(session=session, runtime=runtime, account=account_context(session, runtime.settings, "default"),
                                 staff=staff, actor=Actor.staff(staff_id), now=runtime.clock.now(),
                                 openid=staff.openid)
            try:
                with session.begin_nested():
                    return handler(ctx, args)
            except Refusal as refusal:  # answered and rolled back, as the dispatcher does
                return str(refusal)

    return say


def test_queue_shows_each_slot_in_beijing_time_with_its_posts_numbered_once_by_post(chat, runtime):
    editor = add_staff(runtime)
    assert chat(commands.show_queue, "", editor) == "队列为空：没有待发布的文章。"
    first = queue_post(runtime, "春耕", priority=1)
    second = queue_post(runtime, "防汛")
    later = queue_post(runtime, "晚间通知", scheduled_at=datetime(2024, 3, 2, 18, 0, tzinfo=BEIJING))

    reply = chat(commands.show_queue, "", editor).splitlines()

    assert reply == [
        "待发出的文章（本账号发布，不推送给关注者）：",
        "2024年3月1日（星期五）12:00（北京时间）：2 篇",
        f"  {first}号《春耕》",
        f"  {second}号《防汛》",
        "2024年3月2日（星期六）18:00（北京时间）：1 篇",
        f"  {later}号《晚间通知》",
    ]


def test_schedule_sets_the_time_and_echoes_it_in_full(chat, runtime):
    author = add_staff(runtime)
    post = queue_post(runtime, "春耕", author_id=author)
    reply = chat(commands.set_time, f"{post} 2024-03-05 09:00", author)
    assert reply == f"{post}号《春耕》将在 2024年3月5日（星期二）09:00（北京时间） 发布。"
    assert post_row(runtime, post).scheduled_at == datetime(2024, 3, 5, 9, 0, tzinfo=BEIJING)


def test_schedule_requeues_a_failed_post(chat, runtime):
    author = add_staff(runtime)
    post = queue_post(runtime, "春耕", author_id=author)
    with transaction(runtime.session_factory) as session:
        row = session.get(Post, post)
        row.status, row.failure_reason = "failed", "未通过微信平台审核"
    assert "已重新排队" in chat(commands.set_time, f"{post} 明天上午9点", author)
    row = post_row(runtime, post)
    assert row.status == "approved" and row.failure_reason is None


def test_only_the_author_or_a_reviewer_may_schedule_or_withdraw(chat, runtime):
    author, other = add_staff(runtime, "张三"), add_staff(runtime, "李四")
    reviewer = add_staff(runtime, "王五", role="reviewer")
    post = queue_post(runtime, "春耕", author_id=author)
    assert chat(commands.withdraw, str(post), other) == "只有作者或审核人可以这样做。"
    assert chat(commands.set_time, f"{post} 明天上午9点", other) == "只有作者或审核人可以这样做。"
    assert "已撤回" in chat(commands.withdraw, str(post), reviewer)
    assert post_row(runtime, post).status == "draft"


def test_withdrawing_a_published_post_is_refused_in_chinese(chat, runtime):
    author = add_staff(runtime)
    post = queue_post(runtime, "春耕", author_id=author)
    with transaction(runtime.session_factory) as session:
        session.get(Post, post).status = "published"
    assert chat(commands.withdraw, str(post), author) == f"{post}号现在是「已发布」，不能撤回。"


def test_delete_removes_the_article_from_wechat_and_flags_its_ledger_row(make_runtime, sandbox_server, clock):
    runtime = make_runtime()
    admin = add_staff(runtime, "管理员", role="admin")
    queue_post(runtime, "第一篇")
    second = queue_post(runtime, "第二篇")
    clock.set(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING))
    run_until_settled(runtime, clock)
    with runtime.session_factory() as session:
        session.execute(Task.__table__.delete())
        session.commit()
    reply = make_chat(runtime)(commands.delete, str(second), admin)
    assert "正在从公众号删除" in reply
    run_due_tasks(runtime)

    with runtime.session_factory() as session:
        article_id = session.scalar(select(LedgerEntry.external_key).where(LedgerEntry.post_id == second))
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.post_id == second))
    published = sandbox_server.state()["published"]
    assert published[0]["article_id"] == article_id.split(":")[1]
    assert published[0]["deleted_idx"] == [2]
    assert post_row(runtime, second).status == "deleted"
    assert entry.deleted_at is not None  # flagged, not removed
    with runtime.session_factory() as session:
        notices = [t.payload["text"] for t in session.scalars(select(Task).where(Task.kind == "send_text"))]
    assert any("已从公众号删除" in n for n in notices)


def test_commands_and_job_finish_events_are_registered():
    assert {w: COMMANDS[w].role for w in ("队列", "定时", "撤回", "删除")} == {
        "队列": "staff", "定时": "editor", "撤回": "editor", "删除": "admin"}
    assert {"publishjobfinish", "masssendjobfinish"} <= set(EVENT_HANDLERS)
