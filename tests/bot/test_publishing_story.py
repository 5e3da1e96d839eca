"""From chat to the account: a post written and approved over the webhook goes out in its
slot through the sandbox, lands in the ledger, and the author gets the link in WeChat."""
from dataclasses import replace

from sqlalchemy import select

from publisher.background.scheduler import tick
from publisher.core.clock import FixedClock
from publisher.models import LedgerEntry, Post
from tests.bot.conftest import COVER
from tests.support import cover_saved, next_slot

EDITOR, REVIEWER = "oEditor000000000000000000007", "oReviewer00000000000000000007"


def test_post_approved_in_chat_is_published_in_its_slot_and_the_author_gets_the_link(live):
    say = live.say
    assert "绑定成功" in say(EDITOR, f"绑定 {live.invite('张三', 'editor')}")
    assert "绑定成功" in say(REVIEWER, f"绑定 {live.invite('李书记', 'reviewer')}")
    opened = say(EDITOR, "投稿 #乡村振兴 合作社分红大会召开")
    post_id = int(opened.split("稿件 ")[1].split("「")[0])
    say(EDITOR, "3月1日，我镇召开合作社分红大会。")
    live.send_image(EDITOR, COVER.read_bytes())
    live.wait_for(lambda: cover_saved(live, post_id))
    say(EDITOR, "完成")
    say(EDITOR, f"提交 {post_id}")
    assert "审核通过" in say(REVIEWER, f"通过 {post_id}")
    assert "合作社分红大会召开" in say(EDITOR, "队列")

    # The scheduler, at the moment of the next slot.
    settings = live.runtime.settings
    slot = next_slot(live.runtime.clock.now(), settings)
    at_slot = replace(live.runtime, clock=FixedClock(slot))
    tick(at_slot, "story-worker")
    tick(at_slot, "story-worker")  # the job's result (event or poll), then the notices

    with live.runtime.session_factory() as session:
        post = session.get(Post, post_id)
        entry = session.scalar(select(LedgerEntry).where(LedgerEntry.post_id == post_id))
    assert post.status == "published" and post.article_url.startswith(live.url)
    assert entry.title == "合作社分红大会召开" and entry.topic == "乡村振兴" and entry.url == post.article_url
    assert live.state()["published"][0]["titles"] == ["合作社分红大会召开"]
    live.wait_for(lambda: any(post.article_url in t for t in live.texts_to(EDITOR)))
    assert any(post.article_url in t for t in live.texts_to(REVIEWER))
