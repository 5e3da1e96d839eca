"""Faults on demand, driven over HTTP, as govpost's publishing tests will drive them."""

from __future__ import annotations

import time

import pytest
import requests
from wechatpy.exceptions import WeChatClientException

from .conftest import SAFE_APPID, wait_until
from .samples import JPEG, article


def thumb_and_draft(client) -> str:
    thumb = client.material.add("thumb", ("cover.jpg", JPEG))["media_id"]
    return client.draft.add([article(thumb)])["media_id"]


def test_errcode_fault_answers_without_applying_for_the_given_times(sandbox, client):
    sandbox.fault(path="cgi-bin/draft/count", errcode=45009, errmsg="reach max api daily quota limit", times=2)
    for _ in range(2):
        with pytest.raises(WeChatClientException) as error:
            client.draft.count()
        assert error.value.errcode == 45009
    assert client.draft.count() == {"total_count": 0}
    assert sandbox.snapshot()["faults"] == []


def test_delay_fault_slows_the_answer_but_applies_the_call(sandbox, client):
    client.draft.count()
    sandbox.fault(path="cgi-bin/material/add_material", delay=0.3)
    started = time.monotonic()
    client.material.add("thumb", ("cover.jpg", JPEG))
    assert time.monotonic() - started >= 0.3
    assert sandbox.snapshot()["materials"] == {"thumb": 1}


def test_hang_fault_applies_the_call_then_the_client_times_out(sandbox):
    client = sandbox.client(timeout=0.3)
    media_id = thumb_and_draft(client)
    sandbox.fault(path="cgi-bin/freepublish/submit", after="hang", hang=5)
    with pytest.raises(requests.Timeout):
        client.freepublish.submit(media_id)
    assert len(sandbox.snapshot()["publish_jobs"]) == 1


def test_drop_fault_applies_the_call_then_closes_the_connection(sandbox, client):
    media_id = thumb_and_draft(client)
    sandbox.fault(path="cgi-bin/freepublish/submit", after="drop")
    with pytest.raises(requests.ConnectionError):
        client.freepublish.submit(media_id)
    job = wait_until(lambda: [j for j in sandbox.snapshot()["publish_jobs"] if j["publish_status"] == 0])
    assert job[0]["draft_media_id"] == media_id


def test_http_status_fault_reaches_wechatpy_as_an_error_without_errcode(sandbox, client):
    client.draft.count()
    sandbox.fault(path="cgi-bin/draft/count", http_status=502, times=1)
    with pytest.raises(WeChatClientException) as error:
        client.draft.count()
    assert error.value.errcode is None and error.value.response.status_code == 502


def test_token_storm_answers_40001_everywhere_but_token_fetching(sandbox, client):
    client.draft.count()
    sandbox.fault(path="*", errcode=40001, times=100)
    token = client.access_token
    for path in ("cgi-bin/draft/count", "cgi-bin/freepublish/batchget", "datacube/getarticlesummary"):
        assert sandbox.api("POST", path, token, json={})["errcode"] == 40001
    fetched = sandbox.api("POST", "cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": SAFE_APPID, "secret": "safe-secret"})
    assert fetched["access_token"] == token
    assert sandbox.snapshot()["faults"][0]["times"] == 97


def test_bounded_token_storm_is_outlasted_by_wechatpy_refetching(sandbox, client):
    sandbox.fault(path="cgi-bin/draft/count", errcode=40001, times=3)
    assert client.draft.count() == {"total_count": 0}
    assert sandbox.snapshot()["calls"]["cgi-bin/draft/count"] == 4


def test_clearing_faults_and_resetting_state(sandbox, client):
    thumb_and_draft(client)
    sandbox.fault(path="cgi-bin/draft/count", errcode=45009, times=5)
    sandbox.control("DELETE", "sandbox/faults").raise_for_status()
    assert client.draft.count() == {"total_count": 1}
    sandbox.control("POST", "sandbox/reset").raise_for_status()
    state = sandbox.snapshot()
    assert state["drafts"] == [] and state["materials"] == {} and state["calls"] == {}
    assert [a["appid"] for a in state["accounts"]] == list(sandbox.accounts)
    assert client.material.add("thumb", ("c.jpg", JPEG))["media_id"]


def test_state_shows_accounts_without_secrets(sandbox):
    text = sandbox.control("GET", "sandbox/state").text
    assert "safe-secret" not in text and "safetoken" not in text
    assert sandbox.snapshot()["accounts"][0]["safe_mode"] is True


@pytest.mark.parametrize("rule", [
    {"errcode": 1},
    {"path": "x", "times": 0},
    {"path": "x", "after": "explode"},
    {"path": "x", "publish_status": 0},
    {"path": "x", "unknown": 1},
])
def test_malformed_fault_rules_are_refused(sandbox, rule):
    assert sandbox.control("POST", "sandbox/faults", json=rule).status_code == 400


def test_drop_before_fault_closes_the_connection_without_applying_the_call(sandbox, client):
    media_id = thumb_and_draft(client)
    sandbox.fault(path="cgi-bin/freepublish/submit", before="drop")
    with pytest.raises(requests.ConnectionError):
        client.freepublish.submit(media_id)
    assert sandbox.snapshot()["publish_jobs"] == []


def test_garble_fault_applies_the_call_and_answers_a_body_that_is_not_json(sandbox, client):
    media_id = thumb_and_draft(client)
    sandbox.fault(path="cgi-bin/freepublish/submit", after="garble")
    answer = client.freepublish.submit(media_id)
    assert isinstance(answer, requests.Response)  # wechatpy hands back what it cannot decode
    assert len(sandbox.snapshot()["publish_jobs"]) == 1


@pytest.mark.parametrize("status", [5, 6])
def test_injected_deleted_or_banned_status_goes_out_and_is_gone(sandbox, client, status):
    media_id = thumb_and_draft(client)
    sandbox.fault(path="cgi-bin/freepublish/submit", publish_status=status)
    publish_id = client.freepublish.submit(media_id)["publish_id"]
    job = wait_until(lambda: [j for j in sandbox.snapshot()["publish_jobs"] if j["publish_status"] == status])
    answer = client.freepublish.get(publish_id)
    assert job and answer["publish_status"] == status
    items = client.freepublish.getarticle(answer["article_id"])["news_item"]
    assert [i["is_deleted"] for i in items] == [True]


def test_unknown_article_id_is_wechats_53600(sandbox, client):
    with pytest.raises(WeChatClientException) as error:
        client.freepublish.getarticle("no-such-article")
    assert error.value.errcode == 53600


def test_bad_draft_update_index_is_wechats_40114(sandbox, client):
    media_id = thumb_and_draft(client)
    thumb = client.material.add("thumb", ("cover.jpg", JPEG))["media_id"]
    with pytest.raises(WeChatClientException) as error:
        client.draft.update(media_id, 3, article(thumb))
    assert error.value.errcode == 40114


def test_malformed_datacube_date_is_61500_and_a_bad_range_61501(sandbox, client):
    def errcode(begin, end):
        with pytest.raises(WeChatClientException) as error:
            client.post("datacube/getarticlesummary", data={"begin_date": begin, "end_date": end},
                        api_base_url=client.API_BASE_URL.replace("cgi-bin/", ""))
        return error.value.errcode

    assert errcode("2024/03/01", "2024/03/01") == 61500
    assert errcode("2024-03-01", "2024-03-02") == 61501
