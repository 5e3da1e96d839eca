"""No leaks between accounts (issue 13 item 2): two townships with the same titles, topics and staff
names. Every chat command (from bot.commands.table.COMMANDS), every console page (from the app's
routes), every CLI command that takes --account, the background tasks they queue and the periodic
jobs run for 东镇 (east); nothing of 西镇 (west) shows up in what east is shown, and no row of west's
changes.

West's rows carry the marker 西镇专有 in what may differ (paragraphs, links, subjects, messages), so a
leak is visible even though titles and names are the same."""
from __future__ import annotations

import itertools
import re
from dataclasses import replace
from datetime import date, datetime, timedelta

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import or_, select

from bot.cli import cli
from bot.commands import dispatch
from bot.commands.table import COMMANDS
from publisher.background import scheduler
from publisher.background.jobs import HANDLERS, run_due_tasks
from publisher.core.clock import FixedClock
from publisher.db import transaction
from publisher.models import Base, InboundMessage, LedgerEntry, Post, Staff, Task
from publisher.sandbox import build_image_message, build_text_message
from publisher.services import review
from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.console_users import create_login
from publisher.services.registers import add_application, add_case
from publisher.services.staff import invite, invite_key
from publisher.wechat import DownloadedMedia, Rejected, parse_message
from tests.bot.conftest import COVER
from tests.conftest import make_settings
from tests.console.conftest import PASSWORD, console_get_paths, sign_in, write_post
from tests.fakes import FakeWeChat

MARK = "西镇专有"
TITLE, NAMES = "合作社分红大会召开", ("张三", "李书记", "王主任")
ACCOUNTS = [{"name": "east", "display_name": "东镇人民政府", "slots": ["12:00", "18:00"]},
            {"name": "west", "display_name": "西镇人民政府", "slots": ["12:00", "18:00"]}]
WEST_SHOWN = (MARK, "西镇人民政府")
_msg_ids = itertools.count(1)


@pytest.fixture
def settings(database_url):
    return make_settings(database_url, accounts=ACCOUNTS)


@pytest.fixture
def wechat(clock):
    """Each township's own WeChat, in memory: what east's tasks send must reach east's only."""
    return {a["name"]: FakeWeChat(clock) for a in ACCOUNTS}


@pytest.fixture
def runtime(runtime, wechat):
    return replace(runtime, gateway_factory=lambda settings, account, store: wechat[account.name])


def _seed(session, runtime, name: str, marker: str) -> dict:
    account = account_by_name(session, name)
    now = runtime.clock.now()
    staff = {}
    for person, role in zip(NAMES, ("editor", "reviewer", "admin")):
        member = Staff(account_id=account.id, name=person, role=role, openid=f"o{name}{role}", created_at=now)
        session.add(member)
        session.flush()
        staff[role] = member.id
    session.add(InboundMessage(account_id=account.id, dedup_key=f"{name}:citizen", from_openid=f"o{name}citizen",
                               msg_type="text", received_at=now, raw=(
                                   f"<xml><Content><![CDATA[留言{marker}]]></Content></xml>")))
    entry = LedgerEntry(account_id=account.id, channel="三务公开栏", topic="乡村振兴", title=TITLE,
                        url=f"https://example.org/{name}{marker}", published_at=now, disclosed_on=now.date(),
                        source="manual", created_at=now)
    session.add(entry)
    application = add_application(session, account_id=account.id, applicant_type="natural",
                                  received_on=date(2024, 2, 1), subject=f"低保名单{marker}", actor=CLI,
                                  clock=runtime.clock)
    case = add_case(session, account_id=account.id, kind="reconsideration", filed_on=date(2024, 2, 1),
                    subject=f"低保名单{marker}", actor=CLI, clock=runtime.clock)
    code = invite(session, account, "赵六", "editor", clock=runtime.clock, actor=CLI, key=invite_key(runtime.settings))
    session.flush()
    return {"account": account.id, "staff": staff, "application": application.id, "case": case.id,
            "entry": entry.id, "code": code.code}


@pytest.fixture
def towns(runtime):
    with transaction(runtime.session_factory) as session:
        east, west = _seed(session, runtime, "east", ""), _seed(session, runtime, "west", MARK)
        create_login(session, "east-admin", PASSWORD, account=account_by_name(session, "east"), clock=runtime.clock)
    for town, marker in ((east, ""), (west, MARK)):
        town["posts"] = [write_post(runtime, town["staff"]["editor"], TITLE, f"正文{marker}。"),
                         write_post(runtime, town["staff"]["editor"], TITLE, f"草稿{marker}。", submit=False)]
    # What the seeding queued for each town runs now (the idle-draft checks reschedule themselves),
    # so that below only what east's actions cause is left to run.
    run_due_tasks(runtime, limit=100)
    return east, west


def rows_of(runtime, town: dict) -> dict[str, list]:
    """Every row that is the town's: its account's, its posts', its staff's."""
    posts, staff = set(town["posts"]), set(town["staff"].values())
    found = {}
    with runtime.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            columns = table.columns.keys()
            picks = [table.c.account_id == town["account"]] if "account_id" in columns else []
            picks += [table.c.post_id.in_(posts)] if "post_id" in columns else []
            picks += [table.c.staff_id.in_(staff)] if "staff_id" in columns else []
            if table.name == "posts":
                picks.append(table.c.id.in_(posts))
            if picks:
                found[table.name] = sorted(map(repr, connection.execute(select(table).where(or_(*picks))).all()))
    return found


def assert_no_west(text: str | None, what: str) -> None:
    for shown in WEST_SHOWN:
        assert shown not in (text or ""), f"{what} shows west's {shown!r}"


# Each placeholder of a command's usage, as east's admin would type it; {post} is replaced by
# east's post ids and by west's (which must be "not found" at east).
PLACEHOLDERS = {
    "<号>": "{post}", "<标题>": TITLE, "[#话题]": "#乡村振兴", "#话题": "#乡村振兴", "<段号>": "1",
    "<新文字>": "新的文字", "<话题>": "乡村振兴", "<时间>": "明天 18:00", "[时间]": "", "<原因>": "请补充",
    "[年份]": "2024", "<绑定码>": "{west_code}", "[@渠道]": "@三务公开栏", "<作者>": "张三", "（或「默认」）": "",
    "<新标题>": "新的标题", "<新摘要>": "新的摘要",
}


def chat_lines(word: str, usage: str, posts: list[int], west_code: str) -> list[str]:
    unknown = [p for p in re.findall(r"<[^>]+>|\[[^\]]+\]|#话题", usage) if p not in PLACEHOLDERS]
    assert not unknown, f"add {unknown} of 「{usage}」 to PLACEHOLDERS"
    line = usage
    for placeholder, value in PLACEHOLDERS.items():
        line = line.replace(placeholder, value)
    line = " ".join(line.split())
    return sorted({line.format(post=p, west_code=west_code) for p in posts}) if "{post}" in line \
        else [line.format(west_code=west_code)]


def say(runtime, openid: str, text: str) -> str | None:
    xml = build_text_message("gh_east", openid, text, msg_id=next(_msg_ids),
                             create_time=int(runtime.clock.now().timestamp()))
    return dispatch.handle_message(runtime, "east", parse_message(xml), xml)


def test_every_chat_command_at_east_shows_and_changes_nothing_of_west(runtime, towns, wechat):
    east, west = towns
    west_before, west_calls = rows_of(runtime, west), list(wechat["west"].calls)
    ran = set()
    for word, command in COMMANDS.items():
        for line in chat_lines(word, command.usage, east["posts"] + west["posts"], west["code"]):
            for role in ("editor", "reviewer", "admin"):
                reply = say(runtime, f"oeast{role}", line)
                assert_no_west(reply, f"「{line}」 as east's {role}")
            ran.add(word)
    run_due_tasks(runtime, limit=100)  # what the commands queued (previews, notices, idle closes)
    assert ran == set(COMMANDS)
    assert rows_of(runtime, west) == west_before
    assert wechat["west"].calls == west_calls
    assert wechat["east"].texts and wechat["east"].previews  # east's own tasks did run, at east's WeChat
    for openid, text in wechat["east"].texts:
        assert openid.startswith("oeast"), openid
        assert_no_west(text, f"a message to {openid}")
    with runtime.session_factory() as session:
        assert session.get(Staff, west["staff"]["editor"]).openid == "owesteditor"
        assert session.scalar(select(Staff).where(Staff.name == "赵六", Staff.account_id == west["account"])).openid \
            is None  # west's invitation did not bind east's admin


def test_every_console_page_for_an_east_login_shows_nothing_of_west(app, runtime, towns):
    east, west = towns
    west_before = rows_of(runtime, west)
    client = app.test_client()
    assert sign_in(client, "east-admin").status_code == 302
    for town in (east, west):
        ids = {"post_id": town["posts"][0], "record_id": town["application"], "staff_id": town["staff"]["editor"],
               "fmt": "json"}
        for path in console_get_paths(app, ids) + ["/registers?year=2024", "/report?year=2024", "/ledger?year=2024"]:
            response = client.get(path)
            assert response.status_code in (200, 302, 403, 404), path  # 403: the county page
            if response.mimetype.startswith(("text/", "application/json")):
                assert_no_west(response.get_data(as_text=True), path)
    assert rows_of(runtime, west) == west_before


# Each CLI command that takes --account, with what it needs besides; a new one fails below until listed.
CLI_ARGS = {
    "staff invite": ["王五", "--role", "editor"], "staff list": [], "staff unbind": ["张三"],
    "staff deactivate": ["李书记"], "admin create": ["east-clerk", "--password", "a-long-password-1"],
    "ledger add": ["--day", "2024-03-01", "--channel", "三务公开栏", "--topic", "乡村振兴", "--title", TITLE],
    "ledger list": ["--year", "2024"],
    "register article20": ["normative", "issued", "--day", "2024-03-01", "--title", TITLE],
    "register application": ["natural", "--received", "2024-03-01", "--subject", "低保名单"],
    "register case": ["reconsideration", "--filed", "2024-03-01", "--subject", "低保名单"],
    "register opening": ["2024", "in_force:regulation", "3"], "register list": ["--year", "2024"],
    "report": ["2024", "--format", "json"], "inspect": ["--quarter", "2024Q1", "--format", "json"],
}
# Commands given a row's id, here one of west's: with `--account east` they must find nothing.
CLI_GIVEN_A_ROW = {
    "ledger delete": lambda west: [str(west["entry"])],
    "ledger correct": lambda west: [str(west["entry"]), "--title", "改错了"],
    "register close-application": lambda west: [str(west["application"]), "--outcome", "not_held",
                                                "--closed", "2024-03-20"],
    "register close-case": lambda west: [str(west["case"]), "--result", "upheld", "--closed", "2024-03-20"],
}
# Commands that talk to a WeChat server or to a running govpost: their account's own credentials
# and URL are what they use (tests/bot/test_say.py, test_cli_reach.py, the history import's tests).
CLI_NEEDS_A_SERVER = {"say", "import-history", "reach pull", "ledger import"}


def cli_commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        path = f"{prefix} {name}".strip()
        if isinstance(command, click.Group):
            yield from cli_commands(command, path)
        elif any(p.name == "account_name" for p in command.params):
            yield path


def test_every_cli_command_with_account_east_shows_and_changes_nothing_of_west(runtime, towns, database_url,
                                                                                 tmp_path):
    east, west = towns
    assert set(cli_commands(cli)) == set(CLI_ARGS) | set(CLI_GIVEN_A_ROW) | CLI_NEEDS_A_SERVER
    config = tmp_path / "govpost.toml"
    config.write_text(f'database_url = "{database_url}"\nsecret_key = "test-secret-key"\n' + "".join(
        f'[[accounts]]\nname = "{a["name"]}"\ndisplay_name = "{a["display_name"]}"\n' for a in ACCOUNTS),
        encoding="utf-8")
    env = {"GOVPOST_CONFIG": str(config), "GOVPOST_DATABASE_URL": "", "GOVPOST_SECRET_FILE": ""}
    west_before = rows_of(runtime, west)
    for path, args in CLI_ARGS.items():
        result = CliRunner().invoke(cli, [*path.split(), *args, "--account", "east"], env=env)
        assert result.exit_code == 0, (path, result.output)
        assert_no_west(result.output, f"govpost {path}")
    for path, args in CLI_GIVEN_A_ROW.items():
        result = CliRunner().invoke(cli, [*path.split(), *args(west), "--account", "east"], env=env)
        assert result.exit_code == 1, (path, result.output)
        assert_no_west(result.output, f"govpost {path}")
    assert rows_of(runtime, west) == west_before


def approve(runtime, town: dict, post_id: int) -> None:
    with transaction(runtime.session_factory) as session:
        reviewer = session.get(Staff, town["staff"]["reviewer"])
        review.approve(session, post=session.get(Post, post_id), reviewer=reviewer, settings=runtime.settings,
                       actor=CLI, clock=runtime.clock, planner=lambda post: None)


def articles(fake: FakeWeChat) -> str:
    return repr(fake.added)


def test_periodic_jobs_and_every_background_task_keep_each_township_to_its_own(runtime, towns, wechat, clock):
    east, west = towns
    for town in towns:
        approve(runtime, town, town["posts"][0])
    # The scheduler at the next slot publishes both townships, each through its own WeChat.
    at_slot = replace(runtime, clock=FixedClock(datetime(2024, 3, 1, 12, 0, tzinfo=clock.now().tzinfo)))
    for _ in range(3):
        scheduler.tick(at_slot, "worker-1")
    assert MARK in articles(wechat["west"]) and MARK not in articles(wechat["east"])
    assert TITLE in articles(wechat["east"])
    with runtime.session_factory() as session:
        for town in towns:
            post = session.get(Post, town["posts"][0])
            assert post.status == "published" and post.account_id == town["account"]
            entry = session.scalar(select(LedgerEntry).where(LedgerEntry.post_id == post.id))
            assert entry.account_id == town["account"]

    # The tasks east's staff cause (a picture fetched, a published article and a draft deleted),
    # then the daily jobs, a week later, for both townships at once.
    wechat["east"].media["media-east"] = DownloadedMedia(COVER.read_bytes(), "image/jpeg")
    west_before, west_calls = rows_of(runtime, west), list(wechat["west"].calls)
    say(runtime, "oeasteditor", f"修改 {east['posts'][1]}")
    picture = build_image_message("gh_east", "oeasteditor", "media-east", msg_id=next(_msg_ids),
                                  create_time=int(runtime.clock.now().timestamp()))
    dispatch.handle_message(runtime, "east", parse_message(picture), picture)
    say(runtime, "oeastadmin", f"删除 {east['posts'][0]}")
    say(runtime, "oeasteditor", "取消")
    say(runtime, "oeasteditor", f"预览 {east['posts'][0]}")
    # A post WeChat refuses at 18:00: its draft is removed from east's draft box, in the background.
    refused = write_post(runtime, east["staff"]["editor"], TITLE, "第三篇。")
    approve(runtime, east, refused)
    wechat["east"].fail_next("submit_publish", Rejected(45003, "title size out of limit"))
    evening = replace(runtime, clock=FixedClock(datetime(2024, 3, 1, 18, 0, tzinfo=clock.now().tzinfo)))
    for _ in range(3):
        scheduler.tick(evening, "worker-1")
    run_due_tasks(evening, limit=100)
    assert rows_of(runtime, west) == west_before and wechat["west"].calls == west_calls

    later = replace(runtime, clock=FixedClock(clock.now() + timedelta(days=20)))
    scheduler.remind_if_stale(later, "worker-1")
    scheduler.pull_every_account(later, sleep=lambda seconds: None)
    run_due_tasks(later, limit=100)
    for name, fake in wechat.items():
        assert fake.texts, name
        for openid, text in fake.texts:
            assert openid.startswith(f"o{name}"), (name, openid)
            if name == "east":
                assert_no_west(text, f"a message to {openid}")
    with runtime.session_factory() as session:
        kinds_run = set(session.scalars(select(Task.kind).where(Task.account_id == east["account"])))
    assert kinds_run == set(HANDLERS), set(HANDLERS) - kinds_run

