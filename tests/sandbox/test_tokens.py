"""Access tokens behave as WeChat's: issued, shared, invalidated, expired, checked."""

from __future__ import annotations

import pytest
from wechatpy.exceptions import APILimitedException, WeChatClientException

from .conftest import PLAIN_APPID, SAFE_APPID, SandboxWeChatClient


def stable(sandbox, force: bool = False, secret: str = "safe-secret", appid: str = SAFE_APPID) -> dict:
    return sandbox.api("POST", "cgi-bin/stable_token", json={
        "grant_type": "client_credential", "appid": appid, "secret": secret, "force_refresh": force})


def classic(sandbox, secret: str = "safe-secret", appid: str = SAFE_APPID) -> dict:
    return sandbox.api("GET", "cgi-bin/token", params={
        "grant_type": "client_credential", "appid": appid, "secret": secret})


def draft_count(sandbox, token: str) -> dict:
    return sandbox.api("GET", "cgi-bin/draft/count", token)


def test_stable_token_is_the_same_while_valid_with_the_remaining_lifetime(sandbox):
    first = stable(sandbox)
    sandbox.advance(600)
    second = stable(sandbox)
    assert second["access_token"] == first["access_token"]
    assert first["expires_in"] == 7200
    assert second["expires_in"] == 6600
    assert sandbox.snapshot()["tokens_issued"][SAFE_APPID] == {"stable": 1}


def test_forced_stable_token_replaces_the_previous_one(sandbox):
    first = stable(sandbox)["access_token"]
    second = stable(sandbox, force=True)["access_token"]
    assert second != first
    assert draft_count(sandbox, first)["errcode"] == 40001
    assert draft_count(sandbox, second) == {"total_count": 0}


def test_forced_refresh_is_limited_to_twenty_a_day(sandbox):
    for _ in range(20):
        assert "access_token" in stable(sandbox, force=True)
    assert stable(sandbox, force=True)["errcode"] == 45009
    sandbox.advance(24 * 3600)
    assert "access_token" in stable(sandbox, force=True)


def test_classic_token_invalidates_the_previous_one_but_not_the_stable_token(sandbox):
    kept = stable(sandbox)["access_token"]
    first = classic(sandbox)["access_token"]
    second = classic(sandbox)["access_token"]
    assert draft_count(sandbox, first) == {"errcode": 40001,
                                           "errmsg": "invalid credential, access_token is invalid or not latest"}
    assert draft_count(sandbox, second) == {"total_count": 0}
    assert draft_count(sandbox, kept) == {"total_count": 0}
    assert sandbox.snapshot()["tokens_issued"][SAFE_APPID] == {"stable": 1, "token": 2}


def test_wrong_secret_and_unknown_appid_are_refused_with_wechat_codes(sandbox):
    assert classic(sandbox, secret="nope")["errcode"] == 40001
    assert stable(sandbox, secret="nope")["errcode"] == 40125
    assert stable(sandbox, appid="wxunknown")["errcode"] == 40013
    assert classic(sandbox, appid="wxunknown")["errcode"] == 40013
    assert sandbox.api("GET", "cgi-bin/token", params={"grant_type": "password", "appid": SAFE_APPID,
                                                       "secret": "safe-secret"})["errcode"] == 40002


def test_token_expires_after_its_ttl_with_42001(make_sandbox):
    sandbox = make_sandbox(token_ttl=60)
    token = stable(sandbox)["access_token"]
    sandbox.advance(59)
    assert draft_count(sandbox, token) == {"total_count": 0}
    sandbox.advance(1)
    assert draft_count(sandbox, token)["errcode"] == 42001
    assert stable(sandbox)["access_token"] != token


def test_missing_and_malformed_tokens_are_refused(sandbox):
    assert draft_count(sandbox, None)["errcode"] == 41001
    assert draft_count(sandbox, "bad token!")["errcode"] == 40014
    assert draft_count(sandbox, "x" * 64)["errcode"] == 40001


def test_tokens_belong_to_their_account(sandbox):
    token = stable(sandbox, appid=PLAIN_APPID, secret="plain-secret")["access_token"]
    assert sandbox.api("POST", "cgi-bin/draft/get", token, json={"media_id": "x"})["errcode"] == 40007
    assert sandbox.snapshot()["tokens_valid"] == {PLAIN_APPID: 1}


def test_invalidated_tokens_make_wechatpy_refetch_transparently(sandbox, client):
    assert client.draft.count() == {"total_count": 0}
    old = client.access_token
    sandbox.control("POST", "sandbox/tokens/invalidate", json={"appid": SAFE_APPID}).raise_for_status()
    assert client.draft.count() == {"total_count": 0}
    assert client.access_token != old
    assert sandbox.snapshot()["calls"]["cgi-bin/draft/count"] == 3


def test_classic_fetch_through_wechatpy_itself(sandbox):
    class ClassicClient(SandboxWeChatClient):
        def fetch_access_token(self):
            return self._fetch_access_token(url=self.base_url + "cgi-bin/token", params={
                "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})

    client = ClassicClient(sandbox.url, SAFE_APPID, "safe-secret")
    assert client.draft.count() == {"total_count": 0}
    wrong = ClassicClient(sandbox.url, SAFE_APPID, "wrong")
    with pytest.raises(WeChatClientException) as error:
        wrong.draft.count()
    assert error.value.errcode == 40001


def test_45009_reaches_wechatpy_as_api_limited(sandbox, client):
    sandbox.fault(path="cgi-bin/draft/count", errcode=45009)
    with pytest.raises(APILimitedException):
        client.draft.count()


def test_missing_appid_or_secret_is_41002_or_41004(sandbox):
    assert stable(sandbox, appid="")["errcode"] == 41002
    assert stable(sandbox, secret="")["errcode"] == 41004
    assert classic(sandbox, appid="")["errcode"] == 41002


def test_a_second_forced_refresh_within_30_seconds_answers_the_same_token(sandbox):
    first = stable(sandbox, force=True)["access_token"]
    sandbox.advance(10)
    assert stable(sandbox, force=True)["access_token"] == first
    sandbox.advance(21)
    assert stable(sandbox, force=True)["access_token"] != first


def test_normal_renewal_in_the_last_five_minutes_keeps_the_old_token_valid_until_it_expires(sandbox):
    old = stable(sandbox)["access_token"]
    sandbox.advance(7200 - 299)
    new = stable(sandbox)
    assert new["access_token"] != old and new["expires_in"] == 7200
    assert draft_count(sandbox, old) == {"total_count": 0}
    assert draft_count(sandbox, new["access_token"]) == {"total_count": 0}
    sandbox.advance(300)
    assert draft_count(sandbox, old)["errcode"] == 42001
