"""History import against the sandbox WeChat API over HTTP, driven by the real client."""
from __future__ import annotations

import time
from collections import Counter
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from publisher.models import LedgerEntry
from publisher.sandbox import SandboxAccount, create_app
from publisher.services.audit import CLI
from publisher.services.import_history import TopicGuesser, import_history
from publisher.wechat import DatabaseTokenStore, DraftArticle, PublishState, WeChatGateway
from tests.support import LiveServer

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) + b"\xff\xd9"
# Titles whose keywords point at one topic each (config/topics.toml), and one that matches none.
TITLES = {
    "党组织建设": "镇党委召开主题党日活动", "生态环保": "河长巡河保护生态环境", "乡村振兴": "合作社带动产业增收",
    "平安建设": "开展消防安全应急演练", "法治宣传": "宪法宣传周普法进村", "其他": "元宵节文艺汇演",
}


@pytest.fixture
def sandbox_gateway(runtime):
    configured = runtime.settings.default_account
    account = SandboxAccount(appid=configured.appid, secret=configured.secret, token=configured.token,
                             aes_key=None, push_url=None)
    server = LiveServer(create_app([account], publish_delay=0))
    yield WeChatGateway(configured, server.url, DatabaseTokenStore(runtime.session_factory), timeout=5.0)
    server.close()


def publish(gateway: WeChatGateway, titles: list[str]) -> None:
    thumb = gateway.upload_thumb(JPEG, "cover.jpg").media_id
    media_id = gateway.add_draft([DraftArticle(title=t, content=f"<p>{t}</p>", thumb_media_id=thumb) for t in titles])
    publish_id = gateway.submit_publish(media_id)
    deadline = time.monotonic() + 10
    while gateway.publish_status(publish_id).status == PublishState.PUBLISHING and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture
def published_250(sandbox_gateway):
    """250 articles: 230 single-article items and 10 items of two, topics in a known mix."""
    topics = list(TITLES)
    expected = Counter()
    n = 0
    for item in range(240):
        count = 2 if item < 10 else 1
        titles = []
        for _ in range(count):
            topic = topics[n % len(topics)]
            titles.append(f"{TITLES[topic]} {n}")  # within 32, counting a Chinese character as two
            expected[topic] += 1
            n += 1
        publish(sandbox_gateway, titles)
    assert sum(expected.values()) == 250
    return expected


def _account_id(runtime) -> int:
    from publisher.services.accounts import account_by_name

    with runtime.session_factory() as session:
        return account_by_name(session, runtime.settings.default_account.name).id


def ledger_count(runtime) -> int:
    with runtime.session_factory() as session:
        return session.scalar(select(func.count()).select_from(LedgerEntry))


def run(runtime, gateway, **kwargs):
    account_id = _account_id(runtime)
    return import_history(runtime.session_factory, gateway, account_id=account_id, timezone=runtime.settings.timezone,
                          actor=CLI, clock=runtime.clock, **kwargs)


def test_250_published_articles_come_in_once_with_guessed_topics_even_when_run_twice(
        runtime, sandbox_gateway, published_250):
    pages = []
    first = run(runtime, sandbox_gateway, progress=lambda done, total: pages.append((done, total)))
    assert (first.seen, first.added, first.guessed, first.skipped) == (250, 250, 250, 0)
    assert pages[-1] == (240, 240) and len(pages) == 12  # 240 items, 20 a page
    assert dict(first.by_topic) == dict(published_250)
    second = run(runtime, sandbox_gateway)
    assert (second.added, second.skipped) == (0, 250)
    assert ledger_count(runtime) == 250
    with runtime.session_factory() as session:
        rows = session.scalars(select(LedgerEntry)).all()
    assert {(r.source, r.channel, r.topic_guessed) for r in rows} == {("history", "微信公众号", True)}
    assert len({r.external_key for r in rows}) == 250 and all(r.url for r in rows)


def test_since_stops_at_older_articles(runtime, sandbox_gateway):
    publish(sandbox_gateway, ["合作社带动产业增收"])
    tomorrow = runtime.clock.now().astimezone(runtime.settings.timezone).date().replace(year=2999)
    assert run(runtime, sandbox_gateway, since=tomorrow).added == 0
    assert run(runtime, sandbox_gateway, since=date(2000, 1, 1)).added == 1


def test_deleted_articles_are_imported_flagged(runtime, sandbox_gateway):
    publish(sandbox_gateway, ["误发的通知"])
    _, items = sandbox_gateway.published_page(0, 20)
    sandbox_gateway.delete_published(items[0].article_id)
    run(runtime, sandbox_gateway)
    with runtime.session_factory() as session:
        entry = session.scalars(select(LedgerEntry)).one()
    assert entry.deleted_at is not None


def test_topic_guess_prefers_the_title_and_falls_back_to_other():
    guesser = TopicGuesser([("党组织建设", ["党员"]), ("民生改善", ["医保"]), ("其他", [])])
    assert guesser.guess("党员冬训", digest="医保 医保") == "党组织建设"
    assert guesser.guess("春节慰问", digest="为群众办理医保") == "民生改善"
    assert guesser.guess("春节慰问") == "其他"


def test_topic_guess_with_no_active_topic_still_answers_other():
    assert TopicGuesser([]).guess("党员冬训") == "其他"


def test_cli_import_history_reports_what_it_imported(database_url, runtime, sandbox_gateway):
    from bot.cli import cli

    publish(sandbox_gateway, ["宪法宣传周普法进村"])
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": "",
           "GOVPOST_WECHAT_API_BASE": sandbox_gateway.client.API_BASE_URL.removesuffix("cgi-bin/")}
    result = CliRunner().invoke(cli, ["import-history"], env=env)
    assert result.exit_code == 0, result.output
    assert "新增 1 篇" in result.stdout and "#法治宣传：1 篇" in result.stdout
    assert ledger_count(runtime) == 1


def test_articles_govpost_published_itself_are_not_counted_again(runtime, account, sandbox_gateway):
    from publisher.db import transaction
    from publisher.publishing.outcome import ledger_key  # the publishing side's key, shared on purpose
    from publisher.services.ledger import add_entry

    publish(sandbox_gateway, ["镇党委召开主题党日活动"])
    _, items = sandbox_gateway.published_page(0, 20)
    bundle = type("Bundle", (), {"article_id": items[0].article_id, "msg_id": None})()
    with transaction(runtime.session_factory) as session:
        add_entry(session, account_id=account.id, channel="微信公众号", topic="党组织建设", title="镇党委召开主题党日活动",
                  published_at=items[0].update_time, source="publish", external_key=ledger_key(bundle, 1),
                  actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone)
    result = run(runtime, sandbox_gateway)
    assert (result.added, result.skipped) == (0, 1) and ledger_count(runtime) == 1


def test_an_article_deleted_after_its_import_is_flagged_by_the_next_run(runtime, sandbox_gateway):
    publish(sandbox_gateway, ["误发的通知"])
    run(runtime, sandbox_gateway)
    _, items = sandbox_gateway.published_page(0, 20)
    sandbox_gateway.delete_published(items[0].article_id)
    again = run(runtime, sandbox_gateway)
    assert (again.added, again.skipped) == (0, 1)
    with runtime.session_factory() as session:
        entry = session.scalars(select(LedgerEntry)).one()
    assert entry.deleted_at is not None


def test_articles_entered_by_hand_before_the_import_are_not_counted_again(runtime, account, sandbox_gateway):
    from datetime import datetime
    from datetime import time as day_start

    from publisher.db import transaction
    from publisher.services.ledger import add_entry, local_day

    publish(sandbox_gateway, ["镇党委召开主题党日活动"])
    publish(sandbox_gateway, ["宪法宣传周普法进村"])
    _, items = sandbox_gateway.published_page(0, 20)
    entered = next(i for i in items if i.articles[0].title == "镇党委召开主题党日活动")
    tz = runtime.settings.timezone
    with transaction(runtime.session_factory) as session:  # a row of the secretary's spreadsheet: a day, no time
        add_entry(session, account_id=account.id, channel="微信公众号", topic="党组织建设", title="镇党委召开主题党日活动",
                  published_at=datetime.combine(local_day(entered.update_time, tz), day_start(), tzinfo=tz),
                  source="import", external_key="sheet:0123", actor=CLI, clock=runtime.clock, timezone=tz)
    result = run(runtime, sandbox_gateway)
    assert (result.added, result.skipped) == (1, 1) and ledger_count(runtime) == 2
