"""Two townships on one govpost (SPEC §10): each account's staff, posts, WeChat credentials and
ledger stay its own, over the real webhook paths /wechat and /wechat/<name>."""
from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from publisher.background.scheduler import tick
from publisher.core.clock import FixedClock
from publisher.models import LedgerEntry, Post
from publisher.services.accounts import account_by_name
from publisher.settings import SANDBOX_AES_KEY
from tests.bot.conftest import COVER, Live, serving
from tests.support import cover_saved, next_slot

EDITOR_A, REVIEWER_A = "oTownA_Editor00000000000001", "oTownA_Reviewer000000000001"
EDITOR_B, REVIEWER_B = "oTownB_Editor00000000000001", "oTownB_Reviewer000000000001"


@pytest.fixture
def towns(database_url):
    accounts = [
        {"name": "default", "display_name": "优干宁镇人民政府", "aes_key": SANDBOX_AES_KEY, "slots": ["12:00"]},
        {"name": "xiangyang", "display_name": "向阳乡人民政府", "slots": ["12:00"]},
    ]
    with serving(database_url, accounts) as (url, runtime, settings):
        first, second = settings.accounts
        yield Live(url, runtime, first), Live(url, runtime, second, path="/wechat/xiangyang")


def _bind(town: Live, openid: str, name: str, role: str) -> None:
    assert "绑定成功" in town.say(openid, f"绑定 {town.invite(name, role)}")


def _approved_post(town: Live, editor: str, reviewer: str, title: str) -> int:
    opened = town.say(editor, f"投稿 #乡村振兴 {title}")
    post_id = int(opened.split("稿件 ")[1].split("「")[0])
    town.say(editor, f"{title}，全体村民参加。")
    town.send_image(editor, COVER.read_bytes())
    town.wait_for(lambda: cover_saved(town, post_id))
    town.say(editor, "完成")
    town.say(editor, f"提交 {post_id}")
    assert "审核通过" in town.say(reviewer, f"通过 {post_id}")
    return post_id


def test_each_township_commands_only_its_own_account_and_publishes_under_its_own_appid(towns):
    town_a, town_b = towns
    assert town_a.account.appid != town_b.account.appid

    # An invitation is for one account: the code of 优干宁镇 binds nobody at 向阳乡.
    code_a = town_a.invite("王五", "editor")
    assert "绑定成功" not in town_b.say(EDITOR_B, f"绑定 {code_a}")
    _bind(town_a, EDITOR_A, "张三", "editor")
    _bind(town_a, REVIEWER_A, "李书记", "reviewer")
    _bind(town_b, EDITOR_B, "赵六", "editor")
    _bind(town_b, REVIEWER_B, "钱书记", "reviewer")

    post_a = _approved_post(town_a, EDITOR_A, REVIEWER_A, "优干宁镇召开合作社分红大会")
    # 向阳乡's reviewer cannot see or approve 优干宁镇's post, whatever number he types.
    opened = town_b.say(EDITOR_B, "投稿 #乡村振兴 向阳乡开展冬季植树")
    post_b = int(opened.split("稿件 ")[1].split("「")[0])
    assert town_b.say(REVIEWER_B, f"通过 {post_a}").startswith(f"没有找到稿件 {post_a}")
    assert town_b.say(REVIEWER_B, f"查看 {post_a}").startswith(f"没有找到稿件 {post_a}")
    town_b.say(EDITOR_B, "取消")
    post_b = _approved_post(town_b, EDITOR_B, REVIEWER_B, "向阳乡开展冬季植树")

    runtime = town_a.runtime
    at_slot = replace(runtime, clock=FixedClock(next_slot(runtime.clock.now(), runtime.settings)))
    tick(at_slot, "county-worker")
    tick(at_slot, "county-worker")

    published = {p["appid"]: p["titles"] for p in town_a.state()["published"]}
    assert published == {town_a.account.appid: ["优干宁镇召开合作社分红大会"],
                         town_b.account.appid: ["向阳乡开展冬季植树"]}
    with runtime.session_factory() as session:
        ids = {name: account_by_name(session, name).id for name in ("default", "xiangyang")}
        posts = {p.id: (p.account_id, p.status) for p in session.scalars(select(Post).where(Post.id.in_([post_a, post_b])))}
        ledger = sorted((e.account_id, e.title) for e in session.scalars(select(LedgerEntry)))
    assert posts == {post_a: (ids["default"], "published"), post_b: (ids["xiangyang"], "published")}
    assert ledger == sorted([(ids["default"], "优干宁镇召开合作社分红大会"), (ids["xiangyang"], "向阳乡开展冬季植树")])
    # Each township's 统计 counts its own article only.
    assert "主动公开 1 条" in town_a.say(EDITOR_A, "统计") and "主动公开 1 条" in town_b.say(EDITOR_B, "统计")
