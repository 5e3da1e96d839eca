"""Customer-service messages and their 48-hour window; datacube; the other API bases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from wechatpy.exceptions import WeChatClientException

from publisher.sandbox import build_text_message, wechat_post
from publisher.sandbox.clock import beijing

from .conftest import SAFE_APPID, wait_until
from .mornings import next_morning
from .samples import JPEG, article

STAFF = "oStaff0000000000000000000001"
HOUR = 3600


def errcode_of(call) -> int:
    with pytest.raises(WeChatClientException) as error:
        call()
    return error.value.errcode


def test_custom_messages_are_recorded_per_openid(sandbox, client):
    client.message.send_text(STAFF, "您的稿件已发布")
    client.message.send_articles(STAFF, [{"title": "春耕", "description": "d", "url": "http://x/1", "image": ""}])
    recorded = sandbox.snapshot()["custom_messages"][STAFF]
    assert [m["msgtype"] for m in recorded] == ["text", "news"]
    assert recorded[0]["text"] == {"content": "您的稿件已发布"}


def test_window_closes_48_hours_after_the_users_last_message(sandbox, client):
    sandbox.control("POST", "sandbox/user_activity", json={"appid": SAFE_APPID, "openid": STAFF}).raise_for_status()
    sandbox.advance(48 * HOUR - 1)
    client.message.send_text(STAFF, "还来得及")
    sandbox.advance(2)
    assert errcode_of(lambda: client.message.send_text(STAFF, "太晚了")) == 45015


def test_at_most_five_messages_per_window_until_the_user_writes_again(sandbox, client, receiver):
    account = sandbox.accounts[SAFE_APPID]
    xml = build_text_message(account.original_id, STAFF, "帮助")
    wechat_post(receiver.url + "wechat", xml, account, mode="safe", sandbox_url=sandbox.url)
    for n in range(5):
        client.message.send_text(STAFF, f"第{n}条")
    assert errcode_of(lambda: client.message.send_text(STAFF, "第六条")) == 45047
    wechat_post(receiver.url + "wechat", xml, account, mode="safe", sandbox_url=sandbox.url)
    client.message.send_text(STAFF, "新窗口")


def test_custom_message_needs_a_recipient_and_content(client):
    assert errcode_of(lambda: client.message.send_text("", "x")) == 40003
    assert errcode_of(lambda: client.message.send_text(STAFF, "")) == 44003


def _published_on(sandbox, client, titles, *, mass: bool) -> date:
    thumb = client.material.add("thumb", ("c.jpg", JPEG))["media_id"]
    media_id = client.draft.add([article(thumb, title=t) for t in titles])["media_id"]
    if mass:
        msg_id = client.message.send_mass_article(media_id, is_to_all=True)["msg_id"]
        wait_until(lambda: client.message.get_mass(msg_id)["msg_status"] == "SEND_SUCCESS")
    else:
        publish_id = client.freepublish.submit(media_id)["publish_id"]
        wait_until(lambda: client.freepublish.get(publish_id)["publish_status"] == 0)
    return beijing(sandbox.snapshot()["published"][-1]["published_at"]).date()


def test_article_summary_lists_mass_sent_articles_deterministically_and_never_today(sandbox, client):
    ref = _published_on(sandbox, client, ["一", "二"], mass=True)
    assert errcode_of(lambda: client.datacube.get_article_summary(ref, ref)) == 61501  # today: not yet
    next_morning(sandbox)  # yesterday's figures exist from 08:00
    rows = client.datacube.get_article_summary(ref, ref)
    assert [r["title"] for r in rows] == ["一", "二"]
    assert rows[0]["msgid"].endswith("_1") and rows[0]["ref_date"] == ref.isoformat()
    assert rows == client.datacube.get_article_summary(ref, ref)
    assert errcode_of(lambda: client.datacube.get_article_summary(ref, ref + timedelta(days=1))) == 61501


def test_article_summary_lists_older_articles_read_that_day_and_only_with_three_interactions(sandbox, client):
    ref = _published_on(sandbox, client, ["旧文"], mass=True)
    next_morning(sandbox, days=40)
    later = ref + timedelta(days=1)
    assert [r["title"] for r in client.datacube.get_article_summary(later, later)] == ["旧文"]
    faded = ref + timedelta(days=39)  # read so little by now that WeChat lists no row
    assert client.datacube.get_article_summary(faded, faded) == []


def test_article_summary_has_no_rows_for_freepublish_articles(sandbox, client):
    ref = _published_on(sandbox, client, ["发布的"], mass=False)
    next_morning(sandbox)  # yesterday's figures exist from 08:00
    assert client.datacube.get_article_summary(ref, ref) == []


def test_customservice_and_template_follow_the_api_base(sandbox, client):
    client.customservice.add_account("kf1@township", "小助手", "pw")
    template_id = client.template.get("TM00015")
    state = sandbox.snapshot()
    assert state["kf_accounts"][0]["kf_account"] == "kf1@township"
    assert state["templates"][0]["template_id"] == template_id
