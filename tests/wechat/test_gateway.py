"""The gateway against the sandbox WeChat API over real HTTP."""
from __future__ import annotations

import logging
import socket
import threading
import time as clock
from dataclasses import dataclass
from datetime import date, time

import pytest
import requests
from wechatpy.client.api.base import BaseWeChatAPI

from publisher.sandbox import SandboxAccount, create_app
from publisher.settings import AccountSettings
from publisher.wechat import (
    CustomerWindowClosed,
    DatabaseTokenStore,
    DraftArticle,
    DuplicateClientMsgId,
    OutcomeUnknown,
    PublishState,
    QuotaExceeded,
    RedisTokenStore,
    Rejected,
    TokenRejected,
    TransientError,
    WeChatGateway,
)
from publisher.wechat.client import AccountClient, upload_part
from publisher.wechat.tokens import RedisWithDatabaseFallback

ACCOUNT = AccountSettings(
    name="default",
    display_name="测试镇",
    appid="wx5a4db0c0ffee0001",
    secret="sandbox-secret-0123456789abcdef",
    token="govpostsandbox",
    aes_key=None,
    mode="freepublish",
    account_type="subscription",
    slots=(time(12, 0),),
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(200)
OPENID = "oStaff0000000000000000000001"


@dataclass
class Sandbox:
    base: str

    def state(self) -> dict:
        return requests.get(self.base + "sandbox/state", timeout=5).json()

    def control(self, path: str, body: dict) -> dict:
        res = requests.post(self.base + path, json=body, timeout=5)
        res.raise_for_status()
        return res.json()

    def fault(self, **rule) -> None:
        self.control("sandbox/faults", rule)

    def calls(self, path: str) -> int:
        return self.state()["calls"].get(path, 0)

    def stable_tokens_issued(self) -> int:
        return self.state()["tokens_issued"].get(ACCOUNT.appid, {}).get("stable", 0)


@pytest.fixture
def sandbox(serve):
    account = SandboxAccount(
        appid=ACCOUNT.appid, secret=ACCOUNT.secret, token=ACCOUNT.token, aes_key=None, push_url=None
    )
    box = Sandbox(serve(create_app([account], publish_delay=0)))
    yield box
    box.control("sandbox/reset", {})  # lets requests hanging on a fault return


@pytest.fixture
def store(session_factory):
    return DatabaseTokenStore(session_factory)


@pytest.fixture
def gateway(sandbox, store):
    return WeChatGateway(ACCOUNT, sandbox.base, store, timeout=5.0)


def cover_and_draft(gateway: WeChatGateway, title: str = "乡村振兴工作推进会") -> str:
    thumb = gateway.upload_thumb(JPEG, "封面.jpg")
    body_url = gateway.upload_body_image(PNG, "现场照片.png")
    return gateway.add_draft(
        [DraftArticle(title=title, content=f'<p>会议现场</p><img src="{body_url}">', thumb_media_id=thumb.media_id)]
    )


def wait_for_publish(gateway: WeChatGateway, publish_id: str):
    deadline = clock.monotonic() + 10
    while True:
        status = gateway.publish_status(publish_id)
        if status.status != PublishState.PUBLISHING or clock.monotonic() > deadline:
            return status
        clock.sleep(0.02)  # the sandbox finishes the job on a timer thread


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# API base


def test_every_endpoint_with_its_own_base_follows_the_configured_base():
    client = AccountClient("wx1", "secret", api_base="http://127.0.0.1:9/", token_store=None, timeout=1)
    assert client.API_BASE_URL == "http://127.0.0.1:9/cgi-bin/"
    bases = {
        name: api.API_BASE_URL
        for name, api in vars(client).items()
        if isinstance(api, BaseWeChatAPI) and getattr(api, "API_BASE_URL", "")
    }
    assert {"datacube", "customservice", "template"} <= set(bases)
    assert bases["datacube"] == "http://127.0.0.1:9/datacube/"
    assert bases["customservice"] == "http://127.0.0.1:9/customservice/"
    assert bases["template"] == "http://127.0.0.1:9/"
    assert all(base.startswith("http://127.0.0.1:9/") for base in bases.values())
    # The class-level defaults are untouched: another client may use another base.
    assert AccountClient("wx2", "s", api_base="", token_store=None, timeout=1).datacube.API_BASE_URL == (
        "https://api.weixin.qq.com/datacube/"
    )


def test_draft_exists_until_it_is_submitted_and_other_errors_are_raised(gateway, sandbox):
    media_id = cover_and_draft(gateway)
    assert gateway.draft_exists(media_id) is True
    assert gateway.draft_exists("no-such-draft") is False  # 40007

    sandbox.fault(path="cgi-bin/draft/get", errcode=-1)
    with pytest.raises(TransientError):
        gateway.draft_exists(media_id)

    gateway.submit_publish(media_id)
    assert gateway.draft_exists(media_id) is False


@pytest.mark.db
def test_token_cgi_bin_datacube_customservice_and_template_calls_all_reach_the_sandbox(gateway, sandbox):
    gateway.article_summary(date(2025, 3, 1))
    gateway.client.customservice.add_account("kf2001@township", "值班", "pw")
    gateway.client.template.get("TM00015")
    sandbox.control("sandbox/user_activity", {"appid": ACCOUNT.appid, "openid": OPENID})  # the user wrote
    gateway.send_text(OPENID, "你好")
    calls = sandbox.state()["calls"]
    assert calls["cgi-bin/stable_token"] == 1
    assert calls["datacube/getarticlesummary"] == 1
    assert calls["customservice/kfaccount/add"] == 1
    assert calls["cgi-bin/template/api_add_template"] == 1
    assert calls["cgi-bin/message/custom/send"] == 1
    assert "cgi-bin/token" not in calls


# the publishing operations


@pytest.mark.db
def test_draft_with_chinese_file_names_is_published_and_listed(gateway, sandbox):
    media_id = cover_and_draft(gateway)
    state = sandbox.state()
    assert state["rejected_uploads"] == []
    assert state["drafts"][0]["stripped_images"] == 0  # the body image URL is an uploadimg one

    status = wait_for_publish(gateway, gateway.submit_publish(media_id))
    assert status.status == PublishState.SUCCESS and status.fail_idx == []
    assert status.article_id and [idx for idx, _ in status.articles] == [1]

    total, items = gateway.published_page(0, 20)
    assert total == 1 and items[0].article_id == status.article_id
    assert items[0].articles[0].title == "乡村振兴工作推进会"
    assert items[0].articles[0].url == status.articles[0][1]
    assert items[0].update_time.tzinfo is not None

    gateway.delete_published(status.article_id)
    assert gateway.published_page(0, 20)[1][0].articles[0].is_deleted
    assert gateway.publish_status(status.publish_id).status == PublishState.DELETED_BY_USER


@pytest.mark.db
def sandbox_media(gateway, media_id: str) -> str:
    """Where the sandbox serves a material's bytes (its own control route, not WeChat's)."""
    return gateway.client.api_root + f"sandbox/media/{media_id}"


def test_uploaded_thumb_and_body_image_are_served_back_intact(gateway):
    thumb = gateway.upload_thumb(JPEG, "图片 1.JPG")
    assert thumb.url == ""  # WeChat answers a thumb with its media_id only
    assert requests.get(sandbox_media(gateway, thumb.media_id), timeout=5).content == JPEG
    assert requests.get(gateway.upload_body_image(PNG, "a.png"), timeout=5).content == PNG


def test_upload_file_names_are_ascii_with_the_real_image_extension():
    assert upload_part(JPEG, "封面.jpg")[::2] == ("image.jpg", "image/jpeg")
    assert upload_part(PNG, "C:\\照片\\Site Photo 3.JPG")[::2] == ("Site-Photo-3.png", "image/png")
    assert upload_part(b"%PDF-1.4", "文件.pdf")[::2] == ("image.pdf", "application/pdf")


@pytest.mark.db
def test_picture_sent_by_staff_is_downloaded_with_its_type(gateway, sandbox):
    res = requests.post(sandbox.base + "sandbox/user_media", params={"appid": ACCOUNT.appid}, data=JPEG, timeout=5)
    media = gateway.download_media(res.json()["media_id"])
    assert (media.data, media.content_type) == (JPEG, "image/jpeg")


@pytest.mark.db
def test_mass_send_repeated_with_the_same_clientmsgid_names_the_first_send(gateway, sandbox):
    media_id = cover_and_draft(gateway)
    sent = gateway.send_mass(media_id, "post-17")
    assert sent.msg_id and sent.msg_data_id
    sandbox.control("sandbox/clock", {"advance": 61})  # a repeat within the minute is 45066
    with pytest.raises(DuplicateClientMsgId) as raised:
        gateway.send_mass(media_id, "post-17")
    assert raised.value.msg_id == sent.msg_id
    assert len(sandbox.state()["mass_sends"]) == 1
    assert sandbox.state()["mass_sends"][0]["is_to_all"] is True


@pytest.mark.db
def test_second_mass_send_of_the_day_is_a_quota_error(gateway):
    gateway.send_mass(cover_and_draft(gateway), "post-1")
    with pytest.raises(QuotaExceeded) as raised:
        gateway.send_mass(cover_and_draft(gateway), "post-2")
    assert raised.value.errcode == 45028


@pytest.mark.db
def test_mass_status_and_delete(gateway):
    sent = gateway.send_mass(cover_and_draft(gateway), "post-3")
    deadline = clock.monotonic() + 10
    while (status := gateway.mass_status(sent.msg_id)) == "SENDING" and clock.monotonic() < deadline:
        clock.sleep(0.02)
    assert status == "SEND_SUCCESS"
    gateway.delete_mass(sent.msg_id)
    assert gateway.mass_status(sent.msg_id) == "DELETE"


@pytest.mark.db
def test_preview_and_customer_service_text_reach_the_user(gateway, sandbox):
    gateway.preview(cover_and_draft(gateway), OPENID)
    sandbox.control("sandbox/user_activity", {"appid": ACCOUNT.appid, "openid": OPENID})  # the user wrote
    gateway.send_text(OPENID, "您的稿件已发布")
    state = sandbox.state()
    assert len(state["previews"][OPENID]) == 1
    assert state["custom_messages"][OPENID][0]["text"]["content"] == "您的稿件已发布"


def test_text_to_a_user_who_never_wrote_is_refused_as_outside_the_window(gateway, sandbox):
    with pytest.raises(CustomerWindowClosed):
        gateway.send_text(OPENID, "从未留言")


@pytest.mark.db
def test_text_to_a_user_silent_for_48_hours_is_refused(gateway, sandbox):
    sandbox.control("sandbox/user_activity", {"appid": ACCOUNT.appid, "openid": OPENID})
    sandbox.control("sandbox/clock", {"advance": 48 * 3600 + 1})
    with pytest.raises(CustomerWindowClosed):
        gateway.send_text(OPENID, "迟到的通知")


# the token


@pytest.mark.db
def test_token_storm_ends_in_one_clear_error_after_exactly_one_retry(gateway, sandbox):
    gateway.article_summary(date(2025, 3, 1))  # a token is in the store
    sandbox.fault(path="*", errcode=40001, times=100)
    with pytest.raises(TokenRejected) as raised:
        gateway.add_draft([DraftArticle(title="t", content="c", thumb_media_id="m")])
    assert raised.value.errcode == 40001
    assert sandbox.calls("cgi-bin/draft/add") == 2
    assert sandbox.stable_tokens_issued() == 2  # the first, and one forced refresh


@pytest.mark.db
def test_upload_retried_after_a_token_error_sends_the_whole_file(gateway, sandbox):
    sandbox.fault(path="cgi-bin/material/add_material", errcode=40001, times=1)
    thumb = gateway.upload_thumb(JPEG, "cover.jpg")
    assert sandbox.calls("cgi-bin/material/add_material") == 2
    assert sandbox.state()["rejected_uploads"] == []
    assert requests.get(sandbox_media(gateway, thumb.media_id), timeout=5).content == JPEG


@pytest.mark.db
def test_token_invalidated_by_the_platform_is_renewed_transparently(gateway, sandbox):
    gateway.article_summary(date(2025, 3, 1))
    sandbox.control("sandbox/tokens/invalidate", {"appid": ACCOUNT.appid})
    gateway.article_summary(date(2025, 3, 1))
    assert sandbox.stable_tokens_issued() == 2
    assert sandbox.calls("datacube/getarticlesummary") == 3


@pytest.mark.db
def test_token_expired_on_the_platform_clock_is_renewed_transparently(gateway, sandbox):
    gateway.article_summary(date(2025, 3, 1))
    sandbox.control("sandbox/clock", {"advance": 7300})
    gateway.article_summary(date(2025, 3, 1))
    assert sandbox.stable_tokens_issued() == 2


def _eight_threads_at_once(gateway: WeChatGateway) -> None:
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def call():
        barrier.wait()
        try:
            gateway.article_summary(date(2025, 3, 1))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []


@pytest.mark.db
def test_eight_threads_calling_at_once_fetch_one_token_from_the_platform_db(sandbox, session_factory):
    # Separate gateways, as separate workers would have, sharing only the database.
    sandbox.fault(path="cgi-bin/stable_token", delay=0.3)  # a slow token endpoint widens the race
    gateways = [WeChatGateway(ACCOUNT, sandbox.base, DatabaseTokenStore(session_factory)) for _ in range(8)]
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def call(gw):
        barrier.wait()
        try:
            gw.article_summary(date(2025, 3, 1))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(gw,)) for gw in gateways]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert sandbox.calls("cgi-bin/stable_token") == 1
    assert sandbox.calls("datacube/getarticlesummary") == 8


@pytest.mark.redis
def test_eight_threads_calling_at_once_fetch_one_token_from_the_platform_redis(sandbox, redis_client, redis_prefix):
    sandbox.fault(path="cgi-bin/stable_token", delay=0.3)
    gateway = WeChatGateway(ACCOUNT, sandbox.base, RedisTokenStore(redis_client, key_prefix=redis_prefix))
    _eight_threads_at_once(gateway)
    assert sandbox.calls("cgi-bin/stable_token") == 1


# failures


@pytest.mark.db
@pytest.mark.parametrize(
    "errcode, error",
    [(-1, TransientError), (45009, QuotaExceeded), (53503, Rejected), (45003, Rejected)],
)
def test_platform_errcodes_become_domain_errors(gateway, sandbox, errcode, error):
    sandbox.fault(path="cgi-bin/freepublish/submit", errcode=errcode)
    with pytest.raises(error) as raised:
        gateway.submit_publish("some-draft")
    assert raised.value.errcode == errcode


@pytest.mark.db
def test_submit_answered_late_is_outcome_unknown_and_was_applied(sandbox, store):
    gateway = WeChatGateway(ACCOUNT, sandbox.base, store, timeout=0.5)
    media_id = cover_and_draft(gateway)
    sandbox.fault(path="cgi-bin/freepublish/submit", after="hang", hang=5)
    with pytest.raises(OutcomeUnknown):
        gateway.submit_publish(media_id)
    assert len(sandbox.state()["publish_jobs"]) == 1  # hence: reconcile, never resubmit blindly


@pytest.mark.db
def test_draft_whose_connection_dropped_is_outcome_unknown(gateway, sandbox):
    thumb = gateway.upload_thumb(JPEG, "c.jpg")
    sandbox.fault(path="cgi-bin/draft/add", after="drop")
    with pytest.raises(OutcomeUnknown):
        gateway.add_draft([DraftArticle(title="t", content="c", thumb_media_id=thumb.media_id)])
    assert len(sandbox.state()["drafts"]) == 1


@pytest.mark.db
def test_bad_gateway_on_submit_is_outcome_unknown_but_on_a_read_is_transient(gateway, sandbox):
    sandbox.fault(path="cgi-bin/freepublish/submit", http_status=502)
    with pytest.raises(OutcomeUnknown) as raised:
        gateway.submit_publish("some-draft")
    assert raised.value.http_status == 502
    sandbox.fault(path="cgi-bin/freepublish/batchget", http_status=502)
    with pytest.raises(TransientError):
        gateway.published_page()


@pytest.mark.db
def test_read_answered_late_is_transient(sandbox, store):
    gateway = WeChatGateway(ACCOUNT, sandbox.base, store, timeout=0.5)
    gateway.article_summary(date(2025, 3, 1))
    sandbox.fault(path="cgi-bin/freepublish/get", after="hang", hang=5)
    with pytest.raises(TransientError):
        gateway.publish_status("123")


@pytest.mark.db
def test_unreachable_api_is_transient(store, session_factory):
    gateway = WeChatGateway(ACCOUNT, f"http://127.0.0.1:{closed_port()}/", store, timeout=2)
    with pytest.raises(TransientError):
        gateway.submit_publish("draft")  # the token fetch cannot connect
    store._ensure_row(ACCOUNT.appid)
    store._write(ACCOUNT.appid, "a-stored-token", store.clock.now().replace(year=2100))
    with pytest.raises(TransientError) as raised:
        gateway.submit_publish("draft")  # the call itself cannot connect: it was never sent
    assert "could not connect" in str(raised.value)


@pytest.mark.db
def test_errors_are_logged_with_errcode_and_never_with_the_token(gateway, sandbox, store, caplog):
    caplog.set_level(logging.DEBUG)
    gateway.article_summary(date(2025, 3, 1))
    token = store.get(ACCOUNT.appid, lambda force: pytest.fail("the token should be stored"))
    sandbox.fault(path="cgi-bin/freepublish/submit", errcode=45009)
    sandbox.fault(path="cgi-bin/draft/add", after="drop")
    with pytest.raises(QuotaExceeded):
        gateway.submit_publish("d")
    with pytest.raises(OutcomeUnknown) as raised:
        gateway.add_draft([DraftArticle(title="t", content="c", thumb_media_id="m")])
    wechat_lines = [r.getMessage() for r in caplog.records if r.name.startswith("publisher.wechat")]
    assert any("45009" in line and "cgi-bin/freepublish/submit" in line for line in wechat_lines)
    assert all(token not in line and ACCOUNT.secret not in line for line in wechat_lines)
    assert token not in str(raised.value) and raised.value.__cause__ is None


# wiring from settings


@pytest.mark.db
def test_settings_with_a_redis_url_get_the_redis_store_and_others_the_database(session_factory):
    from publisher.settings import settings_from_mapping
    from publisher.wechat import make_gateway, token_store_for

    with_redis = settings_from_mapping({}, {"GOVPOST_REDIS_URL": "redis://127.0.0.1:6379/0"})
    assert isinstance(token_store_for(with_redis, session_factory), RedisWithDatabaseFallback)
    plain = settings_from_mapping({}, {"GOVPOST_WECHAT_API_BASE": "http://127.0.0.1:9"})
    store = token_store_for(plain, session_factory)
    assert isinstance(store, DatabaseTokenStore)
    gateway = make_gateway(plain, plain.default_account, store)
    assert gateway.client.API_BASE_URL == "http://127.0.0.1:9/cgi-bin/"
    real = make_gateway(settings_from_mapping({}, {}), plain.default_account, store)
    assert real.client.API_BASE_URL == "https://api.weixin.qq.com/cgi-bin/"


# events pushed by the platform


@pytest.mark.db
def test_encrypted_publishjobfinish_pushed_by_the_sandbox_is_decrypted_and_parsed(serve, session_factory):
    from dataclasses import replace

    from flask import Flask, request

    from publisher.wechat import decrypt_message, parse_message, verify_signature

    safe_account = replace(ACCOUNT, aes_key="abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
    received = []
    webhook = Flask("webhook")

    @webhook.post("/wechat")
    def wechat():
        args = request.args
        assert verify_signature(safe_account.token, args["signature"], args["timestamp"], args["nonce"])
        xml = decrypt_message(safe_account, args["msg_signature"], args["timestamp"], args["nonce"], request.data)
        received.append(parse_message(xml))
        return "success"

    push_url = serve(webhook) + "wechat"
    account = SandboxAccount(
        appid=ACCOUNT.appid, secret=ACCOUNT.secret, token=ACCOUNT.token, aes_key=safe_account.aes_key, push_url=push_url
    )
    base = serve(create_app([account], publish_delay=0))
    gateway = WeChatGateway(ACCOUNT, base, DatabaseTokenStore(session_factory))
    status = wait_for_publish(gateway, gateway.submit_publish(cover_and_draft(gateway)))

    deadline = clock.monotonic() + 10
    while not received and clock.monotonic() < deadline:
        clock.sleep(0.02)  # the sandbox pushes from a timer thread
    job = received[0].publish_job
    assert received[0].event == "publishjobfinish"
    assert (job.publish_id, job.status, job.article_id, job.articles) == (
        status.publish_id,
        PublishState.SUCCESS,
        status.article_id,
        status.articles,
    )


@pytest.mark.db
def test_cover_in_a_format_wechat_refuses_is_rejected_not_retried(gateway):
    with pytest.raises(Rejected) as raised:
        gateway.upload_thumb(PNG, "cover.png")  # thumb material is JPEG only
    assert raised.value.errcode == 40005


@pytest.mark.parametrize("errcode", [40243, 50007, 41002, 89503])
def test_frozen_secret_or_account_and_unconfirmed_ip_are_configuration_errors(errcode):
    from publisher.wechat.errors import ConfigurationError, error_for

    assert isinstance(error_for(errcode, "x"), ConfigurationError)


@pytest.mark.parametrize("errcode", [40004, 40005, 45001, 45008, 40114, 41039, 53600])
def test_documented_refusals_of_the_request_itself_are_rejections(errcode):
    from publisher.wechat.errors import error_for

    assert isinstance(error_for(errcode, "x"), Rejected)


def _forced_refreshes(sandbox) -> int:
    return sandbox.state()["forced_token_refreshes"].get(ACCOUNT.appid, 0)


@pytest.mark.db
def test_a_revoked_token_is_replaced_without_spending_a_forced_refresh(gateway, sandbox):
    gateway.article_summary(date(2025, 3, 1))
    sandbox.control("sandbox/tokens/invalidate", {"appid": ACCOUNT.appid})
    gateway.article_summary(date(2025, 3, 1))
    assert _forced_refreshes(sandbox) == 0


@pytest.mark.db
def test_a_refused_token_that_stable_token_still_returns_is_force_refreshed_once(gateway, sandbox):
    gateway.article_summary(date(2025, 3, 1))
    sandbox.control("sandbox/faults", {"path": "datacube/getarticlesummary", "errcode": 40001, "times": 1})
    gateway.article_summary(date(2025, 3, 1))
    assert _forced_refreshes(sandbox) == 1


@pytest.mark.db
def test_used_up_forced_refreshes_are_a_token_problem_not_a_publishing_quota(gateway, sandbox):
    for _ in range(20):  # another program spent the day's forced refreshes
        requests.post(sandbox.base + "cgi-bin/stable_token", json={
            "grant_type": "client_credential", "appid": ACCOUNT.appid, "secret": ACCOUNT.secret,
            "force_refresh": True}, timeout=5).raise_for_status()
    gateway.article_summary(date(2025, 3, 1))
    sandbox.control("sandbox/faults", {"path": "datacube/getarticlesummary", "errcode": 40001, "times": 1})
    with pytest.raises(TokenRejected):
        gateway.article_summary(date(2025, 3, 1))


@pytest.mark.parametrize("proxy_variable", ["HTTPS_PROXY", "https_proxy", "ALL_PROXY"])
def test_the_clients_http_session_takes_the_proxy_from_the_environment(monkeypatch, proxy_variable):
    # Read once when the client is made (requests would read os.environ on every call).
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(proxy_variable, "http://proxy.township.example:3128")
    client = AccountClient("wx1", "secret", api_base="https://api.weixin.qq.com/", token_store=None, timeout=1)
    assert client._http.proxies.get("https") == "http://proxy.township.example:3128" \
        or client._http.proxies.get("all") == "http://proxy.township.example:3128"
    prepared = client._http.prepare_request(requests.Request("GET", "https://api.weixin.qq.com/cgi-bin/x"))
    settings = client._http.merge_environment_settings(prepared.url, {}, None, None, None)
    assert "proxy.township.example:3128" in str(settings["proxies"])


def test_no_proxy_for_the_api_host_and_a_ca_bundle_are_honoured(monkeypatch, tmp_path):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.township.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,sandbox.local")
    bundle = tmp_path / "township-ca.pem"
    bundle.write_text("")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    client = AccountClient("wx1", "secret", api_base="http://127.0.0.1:9/", token_store=None, timeout=1)
    assert client._http.proxies == {} and client._http.verify == str(bundle)
