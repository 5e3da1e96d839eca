"""改作者 and what 查看 shows of the author line and the 三级审查 footer (issue 11 item 9)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.commands import byline as commands
from bot.commands import posts
from bot.commands.table import COMMANDS
from publisher.db import transaction
from publisher.models import AuditEntry, Post, Staff
from publisher.texts import article as texts
from publisher.texts import chat as chat_texts
from tests.bot.test_commands_publishing import make_chat
from tests.byline_support import FOOTER, approve, reviewed_post, submit, team, write
from tests.conftest import make_settings
from tests.publishing_support import post_row


@pytest.fixture
def settings(database_url):
    return make_settings(database_url, review={"levels": 2})


@pytest.fixture
def chat(runtime):
    return make_chat(runtime)


@pytest.fixture
def members(runtime):
    return team(runtime)


def test_change_author_is_a_command_of_its_own_in_the_table():
    assert COMMANDS["改作者"].handler is commands.set_byline
    assert COMMANDS["改作者"].role == "editor"


def test_change_author_sets_the_posts_author_line(chat, runtime, members):
    post = write(runtime, members["张三"])

    reply = chat(commands.set_byline, f"{post} 党政办", members["张三"])

    assert reply == texts.BYLINE_SET.format(post_id=post, byline="党政办")
    assert post_row(runtime, post).byline == "党政办"


def test_change_author_to_default_goes_back_to_the_accounts_author_line(chat, runtime, members):
    post = write(runtime, members["张三"])
    chat(commands.set_byline, f"{post} 党政办", members["张三"])

    reply = chat(commands.set_byline, f"{post} 默认", members["张三"])

    assert reply == texts.BYLINE_RESET.format(post_id=post, byline="优干宁镇人民政府")
    assert post_row(runtime, post).byline is None


def test_an_author_line_longer_than_wechat_allows_is_refused_and_nothing_changes(chat, runtime, members):
    post = write(runtime, members["张三"])

    reply = chat(commands.set_byline, f"{post} 优干宁镇人民政府办公室", members["张三"])

    assert reply == texts.BYLINE_TOO_LONG.format(byline="优干宁镇人民政府办公室", length=22, limit=16, chinese=8)
    assert post_row(runtime, post).byline is None


def test_change_author_without_a_name_answers_with_its_usage(chat, runtime, members):
    post = write(runtime, members["张三"])

    assert chat(commands.set_byline, f"{post}", members["张三"]) == chat_texts.USAGE.format(usage=texts.BYLINE_USAGE)
    assert chat(commands.set_byline, "党政办", members["张三"]) == chat_texts.POST_ID_NEEDED.format(word="改作者")


def test_change_author_is_refused_once_the_post_is_in_review(chat, runtime, members):
    post = write(runtime, members["张三"])
    submit(runtime, post)

    reply = chat(commands.set_byline, f"{post} 党政办", members["张三"])

    assert reply == texts.BYLINE_LOCKED.format(post_id=post, status="待审核")
    assert post_row(runtime, post).byline is None


def test_an_editor_cannot_change_the_author_line_of_someone_elses_post(chat, runtime, members):
    post = write(runtime, members["张三"])
    with transaction(runtime.session_factory) as session:
        other = Staff(account_id=session.get(Post, post).account_id, name="赵六", role="editor", openid="o-zhao",
                      active=True, created_at=runtime.clock.now())
        session.add(other)
        session.flush()
        other_id = other.id

    reply = chat(commands.set_byline, f"{post} 党政办", other_id)

    assert reply == chat_texts.NOT_YOUR_POST.format(post_id=post, action=texts.BYLINE_ACTION)


def test_change_author_is_recorded_in_the_posts_trail(chat, runtime, members):
    post = write(runtime, members["张三"])
    chat(commands.set_byline, f"{post} 党政办", members["张三"])

    with runtime.session_factory() as session:
        entry = session.query(AuditEntry).filter_by(post_id=post, action="post.byline").one()
    assert entry.detail == {"from": None, "to": "党政办"}


def test_an_author_line_too_long_for_wechat_blocks_the_submit_check(runtime, members):
    from publisher.services import drafting

    runtime = replace(runtime, settings=replace(runtime.settings, accounts=tuple(
        replace(a, author="优干宁镇人民政府办公室") for a in runtime.settings.accounts)))
    post = write(runtime, members["张三"])

    with runtime.session_factory() as session:
        codes = [f.code for f in drafting.check_post(session, session.get(Post, post), runtime.settings)]
    assert "author_too_long" in codes


def test_view_shows_the_author_line_and_the_footer_as_published(chat, runtime, members):
    post = reviewed_post(runtime, members)

    lines = chat(posts.view, str(post), members["张三"]).splitlines()

    assert texts.VIEW_BYLINE.format(byline="优干宁镇人民政府") in lines
    assert texts.VIEW_FOOTER.format(footer=FOOTER) in lines


def test_view_of_a_post_in_review_shows_the_footers_pending_names(chat, runtime, members):
    post = write(runtime, members["张三"])
    submit(runtime, post)
    approve(runtime, post, members["李四"])

    lines = chat(posts.view, str(post), members["张三"]).splitlines()

    assert texts.VIEW_FOOTER.format(footer="撰稿：张三\u3000审核：李四\u3000审签：（待审）") in lines
