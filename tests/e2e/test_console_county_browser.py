"""全县汇总 in a real browser: a county login with five townships, at desktop and phone width
(screenshots under tests/e2e/screenshots/, docs/console-county.png with GOVPOST_UPDATE_DOCS=1)."""
from __future__ import annotations

from datetime import timedelta

from publisher.db import transaction
from publisher.services.accounts import account_by_name
from publisher.services.audit import SYSTEM
from publisher.services.console_users import create_login
from publisher.services.ledger import add_entry
from publisher.services.registers import set_opening
from publisher.texts import console as texts
from publisher.texts import county as county_texts
from tests.bot.conftest import serving
from tests.e2e.browsing import BROWSER_MARKS, DESKTOP, PASSWORD, PHONE, shot

pytestmark = BROWSER_MARKS

TOWNS = [("youganning", "优干宁镇人民政府", 2), ("xiangyang", "向阳乡人民政府", 9), ("hexi", "河西镇人民政府", 19),
         ("dongshan", "东山乡人民政府", None), ("county-env", "县生态环境局", 1)]
CHANNELS = ("微信公众号", "三务公开栏", "广播", "政府网站")
TOPICS = ("乡村振兴", "民生改善", "生态环保", "党组织建设", "平安建设")


def _seed(runtime) -> None:
    now, tz = runtime.clock.now(), runtime.settings.timezone
    with transaction(runtime.session_factory) as session:
        for number, (name, _, last_days) in enumerate(TOWNS):
            account = account_by_name(session, name)
            for i in range(6 + 3 * number):
                channel = CHANNELS[(i + number) % len(CHANNELS)]
                days = 30 + 11 * i if channel == "微信公众号" or last_days is None else 3 + 7 * i
                if channel == "微信公众号" and last_days is None:
                    channel = "三务公开栏"  # 东山乡 has never published on WeChat
                add_entry(session, account_id=account.id, channel=channel, topic=TOPICS[(i * 2 + number) % len(TOPICS)],
                          title=f"第{i + 1}期公开", published_at=now - timedelta(days=min(days, 300)), source="manual",
                          actor=SYSTEM, clock=runtime.clock, timezone=tz)
            if last_days is not None:
                add_entry(session, account_id=account.id, channel="微信公众号", topic="乡村振兴", title="最新一期",
                          published_at=now - timedelta(days=last_days, hours=2), source="publish", actor=SYSTEM,
                          clock=runtime.clock, timezone=tz)
        # 河西镇 brought two applications into the year that last year's register does not carry out.
        set_opening(session, account_id=account_by_name(session, "hexi").id, year=now.astimezone(tz).year,
                    key="carried_in:natural", value=2, actor=SYSTEM, clock=runtime.clock)
        create_login(session, "county", PASSWORD, account=None, clock=runtime.clock)


def test_the_county_page_in_a_real_browser(browser, database_url):
    accounts = [{"name": name, "display_name": display} for name, display, _ in TOWNS]
    with serving(database_url, accounts) as (url, runtime, _settings):
        _seed(runtime)
        year = runtime.clock.now().astimezone(runtime.settings.timezone).year
        for viewport, name in ((DESKTOP, "county"), (PHONE, "county-phone")):
            context = browser.new_context(viewport=viewport, locale="en-US")
            page = context.new_page()
            page.goto(url + "/login")
            page.fill("#username", "county")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.click(f"nav >> text={texts.NAV_COUNTY}")
            page.wait_for_selector("text=" + county_texts.TITLE.format(year=year))
            assert page.locator(".days.urgent").count() == 1 and page.locator(".days.never").count() == 1
            assert page.locator(".days.warn").count() == 1
            assert page.locator("tr.total").count() == 2
            shot(page, name, keep=True)
            context.close()
