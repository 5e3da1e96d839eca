"""freepublish: submit, poll 1 → 0, pages, the PUBLISHJOBFINISH push, failures, deletion."""

from __future__ import annotations

import pytest
import requests
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import WeChatClientException
from wechatpy.utils import check_signature

from .conftest import AES_KEY, PLAIN_APPID, SAFE_APPID, wait_until
from .samples import JPEG, article


def publish_draft(client, *titles: str) -> str:
    thumb = client.material.add("thumb", ("cover.jpg", JPEG))["media_id"]
    return client.draft.add([article(thumb, title=t) for t in titles or ("春耕",)])["media_id"]


def finished(client, publish_id: str) -> dict:
    return wait_until(lambda: (lambda r: r if r["publish_status"] != 1 else None)(client.freepublish.get(publish_id)))


def test_submitted_draft_publishes_after_the_delay_with_article_pages(make_sandbox):
    sandbox = make_sandbox(publish_delay=0.3)
    client = sandbox.client()
    media_id = publish_draft(client, "春耕备耕", "防汛演练")
    submitted = client.freepublish.submit(media_id)
    assert submitted["errcode"] == 0 and submitted["publish_id"] and submitted["msg_data_id"]
    assert client.freepublish.get(submitted["publish_id"]) == {
        "publish_id": submitted["publish_id"], "publish_status": 1, "fail_idx": []}

    result = finished(client, submitted["publish_id"])
    assert result["publish_status"] == 0 and result["fail_idx"] == []
    detail = result["article_detail"]
    assert detail["count"] == 2 and [i["idx"] for i in detail["item"]] == [1, 2]
    page = requests.get(detail["item"][1]["article_url"], timeout=5)
    assert page.status_code == 200 and "防汛演练" in page.text and "党政办" in page.text
    assert detail["item"][0]["article_url"].startswith(sandbox.url + "sandbox/articles/")
    assert client.draft.count() == {"total_count": 0}


def test_a_draft_stays_in_the_draft_box_until_its_job_ends_by_default(make_sandbox):
    # The stricter reading of what WeChat documents (see publisher/sandbox/publishing.py).
    sandbox = make_sandbox(publish_delay=0.3)
    client = sandbox.client()
    media_id = publish_draft(client, "春耕备耕")
    publish_id = client.freepublish.submit(media_id)["publish_id"]
    assert client.freepublish.get(publish_id)["publish_status"] == 1
    assert client.draft.get(media_id)["news_item"][0]["title"] == "春耕备耕"  # 发表中, still in the box
    assert finished(client, publish_id)["publish_status"] == 0
    assert client.draft.count() == {"total_count": 0}  # published: it has left

    sandbox.fault(path="cgi-bin/freepublish/submit", publish_status=3)
    failing = publish_draft(client, "防汛演练")
    publish_id = client.freepublish.submit(failing)["publish_id"]
    assert finished(client, publish_id)["publish_status"] == 3
    assert client.draft.get(failing)["news_item"][0]["title"] == "防汛演练"  # the failed job's backup


def test_with_draft_leaves_at_submit_the_draft_leaves_at_once_and_a_failed_job_puts_it_back(make_sandbox):
    sandbox = make_sandbox(publish_delay=0.3, draft_leaves_at_submit=True)
    client = sandbox.client()
    media_id = publish_draft(client, "春耕备耕")
    publish_id = client.freepublish.submit(media_id)["publish_id"]
    assert client.freepublish.get(publish_id)["publish_status"] == 1
    assert client.draft.count() == {"total_count": 0}  # 发表中: already out of the draft box
    with pytest.raises(WeChatClientException) as error:
        client.draft.get(media_id)
    assert error.value.errcode == 40007
    with pytest.raises(WeChatClientException) as error:  # and it cannot be submitted twice
        client.freepublish.submit(media_id)
    assert error.value.errcode == 40007
    assert finished(client, publish_id)["publish_status"] == 0
    assert client.draft.count() == {"total_count": 0}

    sandbox.fault(path="cgi-bin/freepublish/submit", publish_status=3)
    failing = publish_draft(client, "防汛演练")
    publish_id = client.freepublish.submit(failing)["publish_id"]
    assert client.draft.count() == {"total_count": 0}
    assert finished(client, publish_id)["publish_status"] == 3
    assert client.draft.get(failing)["news_item"][0]["title"] == "防汛演练"


def test_publishjobfinish_is_pushed_signed_and_encrypted(sandbox, client, receiver):
    publish_id = client.freepublish.submit(publish_draft(client))["publish_id"]
    article_id = finished(client, publish_id)["article_id"]
    push = receiver.wait_for(1)[0]
    args = push["args"]
    assert push["path"] == "wechat" and args["encrypt_type"] == "aes"
    check_signature("safetoken", args["signature"], args["timestamp"], args["nonce"])
    xml = WeChatCrypto("safetoken", AES_KEY, SAFE_APPID).decrypt_message(
        push["body"], args["msg_signature"], args["timestamp"], args["nonce"])
    # Stock wechatpy does not model this event (govpost's adapter registers it), so the push
    # is checked field by field in the XML WeChat documents.
    event = xmltodict.parse(xml)["xml"]
    assert (event["MsgType"], event["Event"], event["ToUserName"]) == ("event", "PUBLISHJOBFINISH",
                                                                       sandbox.accounts[SAFE_APPID].original_id)
    info = event["PublishEventInfo"]
    assert info["publish_id"] == publish_id and info["publish_status"] == "0"
    assert info["article_id"] == article_id
    assert info["article_detail"]["count"] == "1"
    assert info["article_detail"]["item"]["article_url"].endswith(f"/{article_id}/1")
    # The sandbox records a push once its answer is in, a moment after the receiver has it.
    recorded = wait_until(lambda: sandbox.snapshot()["events"])
    assert recorded[0]["delivered"] is True


def test_plain_account_gets_a_plain_signed_push(sandbox, receiver):
    client = sandbox.client(PLAIN_APPID)
    client.freepublish.submit(publish_draft(client))
    push = receiver.wait_for(1)[0]
    assert push["path"] == "plain" and "encrypt_type" not in push["args"]
    check_signature("plaintoken", push["args"]["signature"], push["args"]["timestamp"], push["args"]["nonce"])
    assert "<Event><![CDATA[PUBLISHJOBFINISH]]></Event>" in push["body"]


def test_failed_push_is_retried_then_left_to_polling(sandbox, client, receiver):
    receiver.status = 500
    publish_id = client.freepublish.submit(publish_draft(client))["publish_id"]
    events = wait_until(lambda: sandbox.snapshot()["events"])
    assert events[0]["attempts"] == 3 and events[0]["delivered"] is False
    assert len(receiver.requests) == 3
    assert client.freepublish.get(publish_id)["publish_status"] == 0


def test_rejected_job_ends_with_the_injected_status_and_fail_idx(sandbox, client, receiver):
    sandbox.fault(path="cgi-bin/freepublish/submit", publish_status=4, fail_idx=[2])
    media_id = publish_draft(client, "一", "二")
    result = finished(client, client.freepublish.submit(media_id)["publish_id"])
    assert result["publish_status"] == 4 and result["fail_idx"] == [2] and "article_id" not in result
    assert client.draft.count() == {"total_count": 1}
    body = receiver.wait_for(1)[0]["body"]
    xml = WeChatCrypto("safetoken", AES_KEY, SAFE_APPID).decrypt_message(
        body, receiver.requests[0]["args"]["msg_signature"], receiver.requests[0]["args"]["timestamp"],
        receiver.requests[0]["args"]["nonce"])
    assert "<fail_idx>2</fail_idx>" in xml and "<publish_status>4</publish_status>" in xml


def test_submit_errcode_fault_applies_nothing(sandbox, client):
    sandbox.fault(path="cgi-bin/freepublish/submit", errcode=53503)
    with pytest.raises(WeChatClientException) as error:
        client.freepublish.submit(publish_draft(client))
    assert error.value.errcode == 53503
    assert sandbox.snapshot()["publish_jobs"] == []


def test_submit_of_an_unknown_draft_is_40007(client):
    with pytest.raises(WeChatClientException) as error:
        client.freepublish.submit("nope")
    assert error.value.errcode == 40007


def test_batchget_lists_published_newest_first_and_getarticle_reads_one(sandbox, client):
    ids = []
    for title in ("第一篇", "第二篇", "第三篇"):
        ids.append(finished(client, client.freepublish.submit(publish_draft(client, title))["publish_id"]))
        sandbox.advance(60)
    listed = client.freepublish.batchget(0, 2)
    assert listed["total_count"] == 3 and listed["item_count"] == 2
    assert [i["content"]["news_item"][0]["title"] for i in listed["item"]] == ["第三篇", "第二篇"]
    assert client.freepublish.batchget(2, 20)["item"][0]["article_id"] == ids[0]["article_id"]
    item = client.freepublish.getarticle(ids[1]["article_id"])["news_item"][0]
    assert item["title"] == "第二篇" and item["is_deleted"] is False and item["url"].endswith("/1")
    with pytest.raises(WeChatClientException) as error:
        client.freepublish.batchget(0, 21)
    assert error.value.errcode == 40097


def test_deleted_article_reports_status_5_and_its_page_is_gone(sandbox, client):
    result = finished(client, client.freepublish.submit(publish_draft(client, "一", "二"))["publish_id"])
    urls = [i["article_url"] for i in result["article_detail"]["item"]]
    client.freepublish.delete(result["article_id"], 2)
    assert requests.get(urls[1], timeout=5).status_code == 404
    assert requests.get(urls[0], timeout=5).status_code == 200
    assert client.freepublish.get(result["publish_id"])["publish_status"] == 0
    client.freepublish.delete(result["article_id"], 0)
    assert client.freepublish.get(result["publish_id"])["publish_status"] == 5
    assert [i["is_deleted"] for i in client.freepublish.getarticle(result["article_id"])["news_item"]] == [True, True]
    assert sandbox.snapshot()["published"][0]["deleted_idx"] == [1, 2]
