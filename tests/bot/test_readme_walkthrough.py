"""The README's chat walkthrough, step by step as written there, at 10:00 and at 21:30 北京时间
(a wished time like 今晚8点 would fail after 20:00): every reply asserted."""
from __future__ import annotations

import shlex
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.commands.registry import commands_for
from bot.commands.table import COMMANDS
from publisher.background.jobs import run_due_tasks
from publisher.core.timeparse import format_beijing, parse_time
from publisher.db import transaction
from publisher.models import Post, Staff
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.staff import invite, invite_key
from publisher.texts import article as article_texts
from publisher.texts import chat as texts
from publisher.texts import ledger as ledger_texts
from publisher.texts import publishing as publishing_texts
from publisher.texts import reach as reach_texts
from publisher.texts import staff as staff_texts
from publisher.wechat.client import DownloadedMedia
from tests.bot.chat import say, send_picture
from tests.conftest import BEIJING
from tests.fakes import FakeWeChat, with_gateway

ROOT = Path(__file__).resolve().parents[2]
OPENIDS = {"张三": "oEditor00000000000000000901", "李书记": "oReviewer000000000000000901"}
CITIZEN = "o-citizen"
TYPING = timedelta(seconds=20)  # between two steps: a person typing


def readme_steps() -> list[tuple[str, str]]:
    """The walkthrough's chat steps: (who, message); who is a staff name or an openid, a
    picture is ("name", "--image PATH")."""
    block = (ROOT / "README.md").read_text(encoding="utf-8").split("### Try the bot from a terminal")[1]
    steps = []
    for line in block.split("```sh")[1].split("```")[0].splitlines():
        if not line.startswith("$G say "):
            continue
        flag, who, *message = shlex.split(line, comments=True)[2:]
        assert flag in ("--as", "--openid"), line
        steps.append((who, " ".join(message)))
    return steps


def test_the_walkthrough_the_test_runs_is_the_readmes():
    assert readme_steps() == [
        ("张三", "绑定 <张三的码>"), ("李书记", "绑定 <李书记的码>"), ("张三", "帮助"),
        ("张三", "投稿 #乡村振兴 合作社分红大会召开"), ("张三", "今天上午，村合作社召开分红大会，全体社员参加。"),
        ("张三", "--image config/covers/default.jpg"), ("张三", "完成"), ("张三", "提交 1 30分钟后"),
        ("李书记", "待审"), ("李书记", "通过 1"), ("张三", "队列"), ("张三", "查看 1"), ("张三", "统计"),
        (CITIZEN, "通过 1"),
    ]


@pytest.mark.parametrize("hour, minute", [(10, 0), (21, 30)])
def test_the_readme_walkthrough_works_at_any_hour(runtime, hour, minute):
    runtime.clock.set(datetime(2024, 3, 1, hour, minute, tzinfo=BEIJING))
    # The auto-reply of the example configuration, which the README has people copy.
    example = tomllib.loads((ROOT / "config" / "govpost.example.toml").read_text(encoding="utf-8"))
    runtime.settings = runtime.settings.with_overrides(citizen_auto_reply=example["webhook"]["citizen_auto_reply"])
    wechat = FakeWeChat(runtime.clock)
    runtime = with_gateway(runtime, wechat)
    tz = runtime.settings.timezone
    codes = {name: _invite(runtime, name, role) for name, role in (("张三", "editor"), ("李书记", "reviewer"))}
    steps = readme_steps()
    times = [runtime.clock.now() + i * TYPING for i in range(len(steps))]  # when each step is sent
    wished = parse_time("30分钟后", times[7], tz)
    replies = []
    for who, message in steps:
        openid = OPENIDS.get(who, who)
        if message.startswith("--image "):
            data = (ROOT / message.split(" ", 1)[1]).read_bytes()
            wechat.media["media-cover"] = DownloadedMedia(data, "image/jpeg")
            replies.append(send_picture(runtime, openid, "media-cover"))
            run_due_tasks(runtime)  # the picture is fetched in the background
        else:
            for name, code in codes.items():
                message = message.replace(f"<{name}的码>", code)
            replies.append(say(runtime, openid, message))
        runtime.clock.advance(seconds=TYPING.total_seconds())

    with runtime.session_factory() as session:
        post = session.get(Post, 1)
        submitted_at = post.submitted_at
        editor = session.query(Staff).filter_by(name="张三").one()
    at = lambda moment: moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")  # noqa: E731
    help_lines = [texts.HELP_HEADER.format(name="张三", role=staff_texts.ROLE_NAMES["editor"]),
                  *(c.help_line for c in commands_for(COMMANDS, editor)), texts.HELP_FOOTER]
    expected = [
        staff_texts.BOUND.format(name="张三", role=staff_texts.ROLE_NAMES["editor"]),
        staff_texts.BOUND.format(name="李书记", role=staff_texts.ROLE_NAMES["reviewer"]),
        "\n".join(help_lines),
        texts.DRAFT_OPENED.format(post_id=1, title="合作社分红大会召开", topic=texts.DRAFT_TOPIC_SUFFIX.format(topic="乡村振兴")),
        texts.PARAGRAPH_ADDED.format(number=1, post_id=1),
        texts.IMAGE_ADDED.format(number=2, post_id=1, cover=texts.IMAGE_IS_COVER),
        "\n".join([texts.DRAFT_DONE.format(post_id=1, title="合作社分红大会召开", paragraphs=1, images=1),
                   texts.FINDINGS_NONE, texts.DRAFT_NEXT_STEPS.format(post_id=1)]),
        "\n".join([texts.SUBMITTED.format(post_id=1, title="合作社分红大会召开",
                                          when=texts.SUBMIT_WHEN.format(when=format_beijing(wished, tz))),
                   texts.SUBMIT_REVIEWERS_TOLD.format(names="李书记")]),
        "\n".join([texts.AWAITING_HEADER.format(count=1),
                   texts.AWAITING_LINE.format(post_id=1, title="合作社分红大会召开", author="张三",
                                              submitted=format_beijing(submitted_at, tz),
                                              when=format_beijing(wished, tz), level=1, levels=1, findings=0),
                   texts.AWAITING_FOOTER]),
        texts.APPROVED_FINAL.format(post_id=1, title="合作社分红大会召开",
                                    when=texts.APPROVED_WHEN.format(when=format_beijing(wished, tz))),
        "\n".join([publishing_texts.QUEUE_HEADER.format(mode=publishing_texts.MODE_NAMES["freepublish"]),
                   publishing_texts.QUEUE_SLOT.format(when=format_beijing(wished, tz), count=1),
                   publishing_texts.QUEUE_ITEM.format(post_id=1, title="合作社分红大会召开", note="")]),
        "\n".join([
            texts.VIEW_TITLE.format(post_id=1, title="合作社分红大会召开"), texts.VIEW_AUTHOR.format(author="张三"),
            article_texts.VIEW_BYLINE.format(byline="优干宁镇人民政府"),
            texts.VIEW_TOPIC.format(topic="乡村振兴"), texts.VIEW_STATUS.format(status="已通过，排队中"),
            texts.VIEW_TIME.format(when=format_beijing(wished, tz)),
            texts.VIEW_APPROVALS.format(count=1, levels=1, names="李书记"),
            texts.VIEW_BODY, texts.VIEW_TEXT_BLOCK.format(number=1, text="今天上午，村合作社召开分红大会，全体社员参加。"),
            texts.VIEW_IMAGE_BLOCK.format(number=2, cover=texts.VIEW_IMAGE_COVER, pending=""),
            article_texts.VIEW_FOOTER.format(footer=article_texts.FOOTER_SEPARATOR.join([
                article_texts.FOOTER_WROTE.format(names="张三"), article_texts.FOOTER_SIGNED.format(names="李书记")])),
            texts.VIEW_NO_FINDINGS, texts.VIEW_HISTORY,
            *[texts.VIEW_HISTORY_LINE.format(when=at(times[i]), who=who, what=what, detail=detail) for i, who, what, detail in [
                (3, "张三", texts.HISTORY_ACTIONS["draft.open"], ""),
                (4, "张三", texts.HISTORY_ACTIONS["draft.paragraph"], ""),
                (5, "张三", texts.HISTORY_ACTIONS["draft.image"], ""),
                (6, "张三", texts.HISTORY_ACTIONS["draft.close"], ""),
                (7, "张三", "提交审核", ""),
                (9, "李书记", texts.HISTORY_ACTIONS["review.approve"], texts.VIEW_HISTORY_LEVEL.format(level=1, levels=1)),
            ]],
        ]),
        "\n".join([ledger_texts.STATS_HEADER.format(year=2024, total=0),  # nothing is published yet
                   reach_texts.STATS_READS_UNKNOWN]),
        example["webhook"]["citizen_auto_reply"],
    ]
    assert len(replies) == len(expected)
    for (who, message), reply, want in zip(steps, replies, expected):
        assert reply == want, f"{who}: {message}"
    with runtime.session_factory() as session:
        assert session.get(Post, 1).status == "approved"  # the citizen's 通过 changed nothing


def _invite(runtime, name: str, role: str) -> str:
    with transaction(runtime.session_factory) as session:
        return invite(session, account_by_name(session, "default"), name, role, clock=runtime.clock, actor=CLI,
                      key=invite_key(runtime.settings)).code
