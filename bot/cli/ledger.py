"""`govpost ledger add|import|delete|correct|list` and `govpost register …` (report sections 二–四).

The services and the tables are imported in each command, so that `govpost --help` loads none of them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from bot.cli.choices import LabelledChoice
from bot.cli.context import CliContext, pass_cli
from publisher.core.registers import (
    ACTION_LABELS, APPLICANT_LABELS, CASE_KIND_LABELS, CASE_RESULT_LABELS, KIND_LABELS, OPENING_LABELS, OUTCOME_LABELS,
)
from publisher.errors import Refusal
from publisher.texts import ledger as texts

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("ledger")
def ledger_group() -> None:
    """政务公开台账: 添加、导入、删除、更正。"""


@ledger_group.command("add")
@click.option("--day", type=DAY, required=True, help="日期（北京时间），YYYY-MM-DD。")
@click.option("--time", "at_time", type=click.DateTime(formats=["%H:%M"]), default="00:00", show_default=True,
              help="时间（北京时间）HH:MM，例如 9:30。")
@click.option("--channel", required=True, help="公开渠道: 三务公开栏、广播、会议、政府网站、微信公众号……")
@click.option("--topic", required=True, help="话题。")
@click.option("--title", required=True, help="标题。")
@click.option("--url", help="链接。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def ledger_add(ctx: CliContext, day: datetime, at_time: datetime, channel: str, topic: str, title: str,
               url: str | None, account_name: str | None) -> None:
    """添加一行（在 govpost 之外公开的信息）。"""
    from publisher.db import transaction
    from publisher.services.audit import CLI
    from publisher.services.ledger import add_entry, require_disclosure_year, resolve_channel, resolve_topic

    runtime = ctx.runtime
    tz = runtime.settings.timezone
    try:
        published_at = datetime.combine(day.date(), at_time.time(), tzinfo=tz)
        require_disclosure_year(day.date(), clock=runtime.clock, timezone=tz)
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            entry = add_entry(
                session, account_id=account.id, channel=resolve_channel(channel, runtime.settings.channels),
                topic=resolve_topic(session, account.id, topic), title=title, published_at=published_at, url=url,
                source="manual", actor=CLI, clock=runtime.clock, timezone=tz)
    except (Refusal, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.ADDED.format(day=entry.disclosed_on, channel=entry.channel, topic=entry.topic,
                                  title=entry.title, id=entry.id))


@ledger_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def ledger_import(ctx: CliContext, file: Path, account_name: str | None) -> None:
    """导入 FILE（.csv 或 .xlsx，列为 日期、渠道、话题、标题、链接）；要么全部导入，要么一行不导。"""
    from publisher.db import transaction
    from publisher.services.audit import CLI
    from publisher.services.ledger_import import import_file

    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            result = import_file(session, file, account_id=account.id,
                                 channels=runtime.settings.channels, actor=CLI,
                                 clock=runtime.clock, timezone=runtime.settings.timezone)
    except Refusal as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise SystemExit(1) from None
    click.echo(texts.IMPORTED.format(added=result.added, skipped=result.skipped))


@ledger_group.command("delete")
@click.argument("entry_id", type=int)
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def ledger_delete(ctx: CliContext, entry_id: int, account_name: str | None) -> None:
    """把第 ENTRY_ID 行标为已删除（仍留在台账里，不再计数）。"""
    from publisher.db import transaction
    from publisher.services.audit import CLI
    from publisher.services.ledger import flag_deleted

    runtime = ctx.runtime
    with transaction(runtime.session_factory) as session:
        entry = _entry(ctx, session, account_name, entry_id)
        flag_deleted(session, entry, actor=CLI, clock=runtime.clock)
    click.echo(texts.FLAGGED.format(id=entry_id))


@ledger_group.command("correct")
@click.argument("entry_id", type=int)
@click.option("--topic", help="新的话题。")
@click.option("--title", help="新的标题。")
@click.option("--channel", help="新的公开渠道。")
@click.option("--url", help="新的链接。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def ledger_correct(ctx: CliContext, entry_id: int, topic: str | None, title: str | None, channel: str | None,
                   url: str | None, account_name: str | None) -> None:
    """更正第 ENTRY_ID 行（记入审计）；--topic 也用来确认猜测的话题。"""
    from publisher.db import transaction
    from publisher.services.audit import CLI
    from publisher.services.ledger import correct_entry, resolve_channel, resolve_topic

    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            entry = _entry(ctx, session, account_name, entry_id)
            changes = correct_entry(
                session, entry, actor=CLI, clock=runtime.clock, timezone=runtime.settings.timezone,
                topic=resolve_topic(session, entry.account_id, topic) if topic else None, title=title,
                channel=resolve_channel(channel, runtime.settings.channels) if channel else None,
                url=url)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    described = "；".join(texts.CHANGE.format(field=texts.FIELD_NAMES[f], old=old, new=new)
                         for f, (old, new) in changes.items())
    click.echo(texts.CORRECTED.format(id=entry_id, changes=described or texts.FIELD_NAMES["topic"]))


@ledger_group.command("list")
@click.option("--year", type=int, help="年度（北京时间）；默认: 全部。")
@click.option("--guessed", is_flag=True, help="只列出话题是猜测的、还没确认的行。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def ledger_list(ctx: CliContext, year: int | None, guessed: bool, account_name: str | None) -> None:
    """逐行列出: 编号、日期、渠道、话题（猜测的带 ?）、标题，已删除的注明。"""
    from sqlalchemy import select
    
    from publisher.models import LedgerEntry

    runtime = ctx.runtime
    with runtime.read_session_factory() as session:
        account = ctx.account(session, account_name)
        query = select(LedgerEntry).where(LedgerEntry.account_id == account.id)
        if year is not None:
            query = query.where(LedgerEntry.disclosed_on >= date(year, 1, 1), LedgerEntry.disclosed_on < date(year + 1, 1, 1))
        if guessed:
            query = query.where(LedgerEntry.topic_guessed.is_(True))
        for e in session.scalars(query.order_by(LedgerEntry.disclosed_on, LedgerEntry.id)):
            flags = texts.LIST_DELETED if e.deleted_at else ""
            topic = f"{e.topic}?" if e.topic_guessed else e.topic
            click.echo(f"{e.id}\t{e.disclosed_on}\t{e.channel}\t{topic}\t{e.title}{flags}")


def _entry(ctx: CliContext, session, account_name: str | None, entry_id: int):
    """The row, if it is in the account the command is for (the ids are numbered across accounts)."""
    from publisher.models import LedgerEntry

    account = ctx.account(session, account_name)
    entry = session.get(LedgerEntry, entry_id)
    if entry is None or entry.account_id != account.id:
        raise click.ClickException(texts.ENTRY_NOT_FOUND.format(id=entry_id, account=account.name))
    return entry


# -- registers of report sections 二, 三, 四 ---------------------------------------------------


@click.group("register")
def register_group() -> None:
    """年度报告表二（第二十条）、表三（依申请公开）和表四（复议、诉讼）的登记簿。"""


@register_group.command("article20")
@click.argument("kind", type=LabelledChoice(KIND_LABELS), metavar="KIND")
@click.argument("action", type=LabelledChoice(ACTION_LABELS), metavar="ACTION")
@click.option("--day", type=DAY, required=True, help="日期（北京时间），YYYY-MM-DD。")
@click.option("--quantity", type=int, default=1, show_default=True, help="件数。")
@click.option("--amount", help="行政事业性收费金额（万元），例如 1.25。")
@click.option("--title", default="", help="名称（例如文件名）。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def register_article20(ctx, kind, action, day, quantity, amount, title, account_name) -> None:
    """登记一项第二十条事项，例如 `行政规范性文件 制发`、`行政处罚 处理决定 --quantity 3`、`行政事业性收费 收费 --amount 1.2`。"""
    from publisher.services.audit import CLI
    from publisher.services.registers import add_article20

    try:
        amount_wan = Decimal(amount) if amount is not None else None
    except InvalidOperation:
        raise click.BadParameter(amount, param_hint="--amount") from None
    _register(ctx, account_name, lambda s, a, rt: add_article20(
        s, account_id=a.id, kind=kind, action=action, occurred_on=day.date(), quantity=quantity,
        amount_wan=amount_wan, title=title, actor=CLI, clock=rt.clock))


@register_group.command("application")
@click.argument("applicant", type=LabelledChoice(APPLICANT_LABELS), metavar="APPLICANT")
@click.option("--received", type=DAY, required=True, help="收到申请的日期，YYYY-MM-DD。")
@click.option("--outcome", type=LabelledChoice(OUTCOME_LABELS), help="办理结果（键或中文名，例如 予以公开）。")
@click.option("--closed", type=DAY, help="办结日期，YYYY-MM-DD。")
@click.option("--subject", default="", help="申请的内容。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def register_application(ctx, applicant, received, outcome, closed, subject, account_name) -> None:
    """登记一件政府信息公开申请；办结时加 --outcome 和 --closed。"""
    from publisher.services.audit import CLI
    from publisher.services.registers import add_application

    _register(ctx, account_name, lambda s, a, rt: add_application(
        s, account_id=a.id, applicant_type=applicant, received_on=received.date(), subject=subject,
        outcome=outcome, closed_on=closed.date() if closed else None, actor=CLI, clock=rt.clock))


@register_group.command("close-application")
@click.argument("record_id", type=int)
@click.option("--outcome", type=LabelledChoice(OUTCOME_LABELS), required=True,
              help="办理结果（键或中文名，例如 予以公开）。")
@click.option("--closed", type=DAY, required=True, help="办结日期，YYYY-MM-DD。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def register_close_application(ctx, record_id, outcome, closed, account_name) -> None:
    """办结第 RECORD_ID 号申请。"""
    from publisher.models import DisclosureApplication
    from publisher.services.audit import CLI
    from publisher.services.registers import close_application

    _close(ctx, account_name, DisclosureApplication, record_id, lambda s, row, rt: close_application(
        s, row, outcome=outcome, closed_on=closed.date(), actor=CLI, clock=rt.clock))


@register_group.command("case")
@click.argument("kind", type=LabelledChoice(CASE_KIND_LABELS), metavar="KIND")
@click.option("--filed", type=DAY, required=True, help="立案日期，YYYY-MM-DD。")
@click.option("--result", type=LabelledChoice(CASE_RESULT_LABELS), help="结果（键或中文名，例如 结果维持）。")
@click.option("--closed", type=DAY, help="审结日期，YYYY-MM-DD。")
@click.option("--subject", default="", help="案由。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def register_case(ctx, kind, filed, result, closed, subject, account_name) -> None:
    """登记一件行政复议或行政诉讼案件；审结时加 --result 和 --closed。"""
    from publisher.services.audit import CLI
    from publisher.services.registers import add_case

    _register(ctx, account_name, lambda s, a, rt: add_case(
        s, account_id=a.id, kind=kind, filed_on=filed.date(), subject=subject, result=result,
        closed_on=closed.date() if closed else None, actor=CLI, clock=rt.clock))


@register_group.command("close-case")
@click.argument("record_id", type=int)
@click.option("--result", type=LabelledChoice(CASE_RESULT_LABELS), required=True,
              help="结果（键或中文名，例如 结果维持）。")
@click.option("--closed", type=DAY, required=True, help="审结日期，YYYY-MM-DD。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def register_close_case(ctx, record_id, result, closed, account_name) -> None:
    """登记第 RECORD_ID 号案件的结果。"""
    from publisher.models import AppealCase
    from publisher.services.audit import CLI
    from publisher.services.registers import close_case

    _close(ctx, account_name, AppealCase, record_id, lambda s, row, rt: close_case(
        s, row, result=result, closed_on=closed.date(), actor=CLI, clock=rt.clock))


@register_group.command("opening")
@click.argument("year", type=int)
@click.argument("key", type=LabelledChoice(OPENING_LABELS), metavar="KEY")
@click.argument("value", type=int)
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def register_opening(ctx, year, key, value, account_name) -> None:
    """登记 YEAR 年 1 月 1 日的期初数（使用 govpost 以前的: 现行有效件数、上年结转的申请）。"""
    from publisher.db import transaction
    from publisher.services.audit import CLI
    from publisher.services.registers import set_opening

    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            set_opening(session, account_id=account.id, year=year, key=key, value=value, actor=CLI,
                        clock=runtime.clock)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.OPENING_SET.format(year=year, key=OPENING_LABELS[key], value=value))


@register_group.command("list")
@click.option("--year", type=int, help="只列出与 YEAR 年有关的: 当年的事项，当年未办结的申请和案件。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def register_list(ctx: CliContext, year: int | None, account_name: str | None) -> None:
    """列出三个登记簿和期初数，每行一条，用制表符分隔，带编号。"""
    from publisher.services.registers import register_lines

    with ctx.runtime.read_session_factory() as session:
        account = ctx.account(session, account_name)
        for line in register_lines(session, account_id=account.id, year=year):
            click.echo("\t".join(str(cell) for cell in line))


def _register(ctx: CliContext, account_name: str | None, write) -> None:
    from publisher.db import transaction

    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            row = write(session, ctx.account(session, account_name), runtime)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.REGISTERED.format(id=row.id))


def _close(ctx: CliContext, account_name: str | None, model, record_id: int, write) -> None:
    from publisher.db import transaction

    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            row = session.get(model, record_id)
            if row is None or row.account_id != account.id:
                raise click.ClickException(texts.RECORD_NOT_FOUND.format(id=record_id, account=account.name))
            write(session, row, runtime)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.CLOSED.format(id=record_id))


def register(cli: click.Group) -> None:
    cli.add_command(ledger_group)
    cli.add_command(register_group)
