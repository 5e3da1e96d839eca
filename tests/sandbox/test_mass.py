"""Mass send (群发): quota per account type, clientmsgid, status, MASSSENDJOBFINISH, preview."""

from __future__ import annotations

import pytest
import requests
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.events import MassSendJobFinishEvent
from wechatpy.exceptions import WeChatClientException

from .conftest import AES_KEY, PLAIN_APPID, SAFE_APPID, wait_until
from .samples import JPEG, article

DAY = 24 * 3600
STAFF = "oStaff0000000000000000000001"


def make_draft(client, title: str = "春耕") -> str:
    thumb = client.material.add("thumb", ("cover.jpg", JPEG))["media_id"]
    return client.draft.add([article(thumb, title=title)])["media_id"]


def send(client, media_id: str, clientmsgid: str | None = None) -> dict:
    return client.message.send_mass_article(media_id, is_to_all=True, client_msg_id=clientmsgid)


def errcode_of(call) -> WeChatClientException:
    with pytest.raises(WeChatClientException) as error:
        call()
    return error.value


def test_mass_send_goes_from_sending_to_success_and_pushes_the_event(make_sandbox, receiver):
    sandbox = make_sandbox(publish_delay=0.3)
    client = sandbox.client()
    answer = send(client, make_draft(client))
    assert answer["errcode"] == 0 and answer["msg_id"] and answer["msg_data_id"]
    assert client.message.get_mass(answer["msg_id"]) == {"msg_id": answer["msg_id"], "msg_status": "SENDING"}
    wait_until(lambda: client.message.get_mass(answer["msg_id"])["msg_status"] == "SEND_SUCCESS")

    push = receiver.wait_for(1)[0]
    args = push["args"]
    xml = WeChatCrypto("safetoken", AES_KEY, SAFE_APPID).decrypt_message(
        push["body"], args["msg_signature"], args["timestamp"], args["nonce"])
    event = parse_message(xml)
    assert isinstance(event, MassSendJobFinishEvent)
    assert (event.id, event.status, event.sent_count, event.error_count) == (answer["msg_id"], "send success",
                                                                              1000, 0)
    url = xml.split("<ArticleUrl><![CDATA[")[1].split("]]>")[0]
    assert "春耕" in requests.get(url, timeout=5).text


def test_subscription_account_has_one_mass_send_per_beijing_day(sandbox, client):
    send(client, make_draft(client))
    assert errcode_of(lambda: send(client, make_draft(client))).errcode == 45028
    sandbox.advance(DAY)
    assert send(client, make_draft(client))["errcode"] == 0


def test_service_account_followers_receive_four_mass_sends_a_month_and_later_sends_skip_them(sandbox):
    client = sandbox.client(PLAIN_APPID)
    for _ in range(5):  # the fifth is not refused at the API
        msg_id = send(client, make_draft(client))["msg_id"]
        wait_until(lambda: client.message.get_mass(msg_id)["msg_status"] == "SEND_SUCCESS")
    assert [m["sent_count"] for m in sandbox.snapshot()["mass_sends"]] == [1000, 1000, 1000, 1000, 0]
    sandbox.advance(31 * DAY)
    msg_id = send(client, make_draft(client))["msg_id"]
    wait_until(lambda: client.message.get_mass(msg_id)["msg_status"] == "SEND_SUCCESS")
    assert sandbox.snapshot()["mass_sends"][-1]["sent_count"] == 1000


def test_an_unverified_account_may_not_mass_send(accounts):
    from dataclasses import replace

    from .conftest import Sandbox

    sandbox = Sandbox([replace(a, verified=False) for a in accounts], publish_delay=0)
    try:
        client = sandbox.client()
        assert errcode_of(lambda: send(client, make_draft(client))).errcode == 48001
        assert sandbox.snapshot()["mass_sends"] == []
    finally:
        sandbox.live.close()


def test_repeated_clientmsgid_answers_45065_with_the_first_msg_id(sandbox, client):
    media_id = make_draft(client)
    first = send(client, media_id, clientmsgid="post-17")
    sandbox.advance(61)  # past the minute a repeat must wait (45066)
    error = errcode_of(lambda: send(client, media_id, clientmsgid="post-17"))
    assert error.errcode == 45065
    assert error.response.json() == {"errcode": 45065, "errmsg": "clientmsgid exist", "msg_id": first["msg_id"]}
    sandbox.advance(DAY)
    assert send(client, make_draft(client), clientmsgid="post-17")["msg_id"] != first["msg_id"]


def test_a_clientmsgid_repeated_within_a_minute_is_45066_and_sends_nothing(sandbox, client):
    media_id = make_draft(client)
    first = send(client, media_id, clientmsgid="post-19")
    sandbox.advance(30)
    assert errcode_of(lambda: send(client, media_id, clientmsgid="post-19")).errcode == 45066
    sandbox.advance(30)  # a minute after the first try; the refused one did not restart it
    assert errcode_of(lambda: send(client, media_id, clientmsgid="post-19")).response.json()["msg_id"] == first["msg_id"]
    assert len(sandbox.snapshot()["mass_sends"]) == 1


def test_mass_send_of_an_unknown_draft_is_40007(client):
    assert errcode_of(lambda: send(client, "nope")).errcode == 40007


def test_injected_mass_failure_ends_as_send_fail(sandbox, client, receiver):
    sandbox.fault(path="cgi-bin/message/mass/sendall", mass_status="err(30003)")
    msg_id = send(client, make_draft(client))["msg_id"]
    wait_until(lambda: client.message.get_mass(msg_id)["msg_status"] == "SEND_FAIL")
    assert receiver.wait_for(1)


def test_deleting_a_mass_send_removes_its_page(sandbox, client):
    msg_id = send(client, make_draft(client))["msg_id"]
    wait_until(lambda: client.message.get_mass(msg_id)["msg_status"] == "SEND_SUCCESS")
    url = sandbox.snapshot()["published"][0]["urls"][0]
    assert requests.get(url, timeout=5).status_code == 200
    client.message.delete_mass(msg_id)
    assert client.message.get_mass(msg_id)["msg_status"] == "DELETE"
    assert requests.get(url, timeout=5).status_code == 404


def test_preview_is_recorded_per_openid(sandbox, client):
    media_id = make_draft(client, "预览稿")
    answer = client.message.send_mass_article(media_id, STAFF, preview=True)
    assert answer["errcode"] == 0 and answer["msg_id"]
    previews = sandbox.snapshot()["previews"][STAFF]
    assert previews[0]["titles"] == ["预览稿"] and previews[0]["media_id"] == media_id
    assert sandbox.snapshot()["mass_sends"] == []


def test_clientmsgid_longer_than_64_bytes_is_45067(sandbox, client):
    media_id = make_draft(client)
    error = errcode_of(lambda: send(client, media_id, clientmsgid="x" * 65))
    assert error.response.json() == {"errcode": 45067, "errmsg": "clientmsgid size out of limit"}
    assert sandbox.snapshot()["mass_sends"] == []
    assert send(client, media_id, clientmsgid="x" * 64)["errcode"] == 0


def test_successful_mass_send_takes_the_draft_out_of_the_draft_box(sandbox, client):
    media_id = make_draft(client)
    msg_id = send(client, media_id, clientmsgid="post-18")["msg_id"]
    wait_until(lambda: client.message.get_mass(msg_id)["msg_status"] == "SEND_SUCCESS")
    assert client.draft.count() == {"total_count": 0}
    assert errcode_of(lambda: client.draft.get(media_id)).errcode == 40007
    sandbox.advance(61)
    # A retry of the same send still learns the first msg_id, though its draft is gone.
    assert errcode_of(lambda: send(client, media_id, clientmsgid="post-18")).response.json()["msg_id"] == msg_id


def test_with_mass_protection_a_send_to_all_waits_for_the_administrator_and_fails_if_refused(accounts):
    from dataclasses import replace

    from .conftest import Sandbox

    sandbox = Sandbox([replace(a, mass_protection=True) for a in accounts], publish_delay=0.3)
    try:
        client = sandbox.client()
        confirmed = send(client, make_draft(client))["msg_id"]
        assert client.message.get_mass(confirmed)["msg_status"] == "SENDING"  # waiting for the administrator
        wait_until(lambda: client.message.get_mass(confirmed)["msg_status"] == "SEND_SUCCESS")

        sandbox.advance(DAY)
        sandbox.control("POST", "sandbox/faults", json={"path": "cgi-bin/message/mass/sendall",
                                                       "protection": "refuse"}).raise_for_status()
        media_id = make_draft(client, "被拒绝")
        refused = send(client, media_id)["msg_id"]
        wait_until(lambda: client.message.get_mass(refused)["msg_status"] == "SEND_FAIL")
        assert sandbox.snapshot()["mass_sends"][-1]["status"] == "send fail"
        assert client.draft.get(media_id)["news_item"][0]["title"] == "被拒绝"  # nothing went out
    finally:
        sandbox.live.close()
