"""The console in a real headless Chromium (Debian's, never a downloaded one), driven by
Playwright: the story of issue 12 from the login to the DOCX report, with screenshots under
tests/e2e/screenshots/ (not committed) of every page, at desktop and at phone width."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import select

from publisher.background.scheduler import tick
from publisher.db import transaction
from publisher.models import LedgerEntry, Post, PostImage
from publisher.services.console_users import create_login
from publisher.settings import SANDBOX_AES_KEY
from publisher.texts import console as texts
from tests.bot.conftest import COVER, serving
from tests.e2e.browsing import BROWSER_MARKS, DESKTOP, PASSWORD, PHONE, shot

pytestmark = BROWSER_MARKS


@pytest.fixture
def console(database_url):
    township = {"name": "default", "display_name": "优干宁镇人民政府", "aes_key": SANDBOX_AES_KEY,
                "slots": ["12:00", "18:00"]}
    with serving(database_url, [township]) as (url, runtime, _settings):
        with transaction(runtime.session_factory) as session:
            create_login(session, "wang", PASSWORD, account=None, clock=runtime.clock)
        yield url, runtime


def say(page, text: str) -> str:
    """Send in the chat window and return the bot's reply (the newest bot bubble)."""
    before = page.locator(".bubble.bot").count()
    page.fill("#text", text)
    page.click(".phone button[type=submit]")
    page.wait_for_function(f"document.querySelectorAll('.bubble.bot').length > {before}", timeout=15000)
    return page.locator(".bubble.bot").last.inner_text()


def choose(page, name: str) -> None:
    page.select_option("#as", label=name)
    page.click("aside button[type=submit]")


def test_the_issue_story_in_a_real_browser(browser, console):
    url, runtime = console
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    page = context.new_page()

    # Log in; the dashboard.
    page.goto(url + "/")
    assert "/login" in page.url
    page.fill("#username", "wang")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("text=" + texts.DASHBOARD_TITLE.format(year=_year(runtime)))

    # Invite two members; each code is shown once.
    codes = {}
    for name, role in (("张三", "编辑"), ("李书记", "审核人")):
        page.click(f"nav >> text={texts.NAV_STAFF}")
        page.fill("#name", name)
        page.select_option("#role", label=role)
        page.click(f"button:has-text('{texts.INVITE_SUBMIT}')")
        codes[name] = page.inner_text("[data-code]").strip()
    shot(page, "staff")
    # This login reviews as 李书记.
    page.click(f"tr:has-text('李书记') >> button:has-text('{texts.LINK_THIS}')")
    page.wait_for_selector("text=" + texts.LINKED.format(name="李书记"))

    # Bind both in the sandbox chat; 投稿 with two paragraphs and a picture, 完成, 提交.
    page.click(f"nav >> text={texts.NAV_CHAT}")
    for name in codes:
        choose(page, name)
        assert "绑定成功" in say(page, f"绑定 {codes[name]}")
    choose(page, "张三")
    opened = say(page, "投稿 #乡村振兴 合作社分红大会召开")
    post_id = int(re.search(r"稿件 (\d+)", opened)[1])
    say(page, "3月1日，我镇召开合作社分红大会，向牧户发放分红。")
    say(page, "会议强调，要把集体经济的收益更多用在民生上。")
    before = page.locator(".bubble.bot").count()
    page.set_input_files("#picture", str(COVER))
    page.click(".phone button[type=submit]")
    page.wait_for_function(f"document.querySelectorAll('.bubble.bot').length > {before}")

    def images_saved():
        with runtime.session_factory() as s:
            images = s.scalars(select(PostImage).where(PostImage.post_id == post_id)).all()
            return images and all(i.data for i in images)
    _wait(images_saved)
    say(page, "完成")
    submitted = say(page, f"提交 {post_id}")
    assert "李书记" in submitted, submitted
    shot(page, "chat", keep=True)
    context_phone = browser.new_context(viewport=PHONE, locale="zh-CN", storage_state=context.storage_state(),
                                        device_scale_factor=2, is_mobile=True)
    phone = context_phone.new_page()
    phone.goto(page.url)
    shot(phone, "chat-phone", keep=True)

    # Approve as the reviewer in the console.
    page.goto(f"{url}/posts/{post_id}")
    shot(page, "post", keep=True)
    page.click(f"button:has-text('{texts.APPROVE_SUBMIT}')")
    page.wait_for_selector(".flash.ok")
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).status == "approved"

    # See it in the queue; move it to another slot, then to now; a scheduler tick publishes it.
    page.click(f"nav >> text={texts.NAV_QUEUE}")
    assert page.locator("text=合作社分红大会召开").count() >= 1
    options = page.locator(f"#slot-{post_id} option")
    second_slot = options.nth(2).get_attribute("value")
    page.select_option(f"#slot-{post_id}", value=second_slot)
    page.click(f"li:has(#slot-{post_id}) >> button:has-text('{texts.MOVE_SUBMIT}')")
    page.wait_for_selector(".flash.ok")
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).scheduled_at == datetime.fromisoformat(second_slot)
    shot(page, "queue", keep=True)
    now = (runtime.clock.now() - timedelta(minutes=1)).astimezone(runtime.settings.timezone)
    page.fill(f"#at-{post_id}", now.strftime("%Y-%m-%d %H:%M"))
    page.click(f"li:has(#slot-{post_id}) >> button:has-text('{texts.MOVE_SUBMIT}')")
    page.wait_for_selector(".flash.ok")

    def published():
        tick(runtime, "browser-test")
        with runtime.session_factory() as s:
            return s.get(Post, post_id).status == "published"
    _wait(published, timeout=30)

    page.goto(f"{url}/posts/{post_id}")
    link = page.locator(f"text={texts.POST_LINK} >> xpath=.. >> a")
    assert link.get_attribute("href").startswith(url + "/sandbox/articles/")
    page.click(f"nav >> text={texts.NAV_DASHBOARD}")
    assert page.locator(".tile").nth(1).locator("strong").inner_text() == "1"
    assert page.locator(".tile").first.locator("strong").inner_text() == "0"

    # A 三务公开栏 item, then the report.
    page.click(f"nav >> text={texts.NAV_LEDGER}")
    page.select_option("#channel", label="三务公开栏")
    page.select_option("#topic", label="乡村振兴")
    page.fill("#title", "三月村务公开")
    page.click(f"button:has-text('{texts.LEDGER_ADD_SUBMIT}')")
    page.wait_for_selector(".flash.ok")
    with runtime.session_factory() as session:
        channels = sorted(session.scalars(select(LedgerEntry.channel)))
    assert channels == ["三务公开栏", "微信公众号"]
    page.click(f"nav >> text={texts.NAV_DASHBOARD}")
    shot(page, "dashboard", keep=True)
    phone.goto(url + "/")
    shot(phone, "dashboard-phone", keep=True)

    page.click(f"nav >> text={texts.NAV_REPORT}")
    shot(page, "report", keep=True)
    with page.expect_download() as download:
        page.click(f"text={texts.REPORT_FORMATS['docx']}")
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "通过微信公众号公开信息1条" in text and "通过三务公开栏公开信息1条" in text

    for name in ("posts", "calendar", "registers", "messages"):
        page.goto(f"{url}/{name}")
        shot(page, name)
    context_phone.close()
    context.close()


def _year(runtime) -> int:
    return runtime.clock.now().astimezone(runtime.settings.timezone).year


def _wait(predicate, timeout: float = 15.0):
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")
