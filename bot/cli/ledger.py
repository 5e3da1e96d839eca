"""`govpost ledger add|import|delete|correct|list` and `govpost register …` (report sections 二–四)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click
from sqlalchemy import select

from bot.cli.context import CliContext, pass_cli
from publisher.services.audit import CLI
from publisher.db import transaction
from publisher.errors import Refusal
from publisher.services.ledger import (add_entry, correct_entry, flag_deleted, require_disclosure_year, resolve_channel,
                                      resolve_topic)
from publisher.models import AppealCase, DisclosureApplication, LedgerEntry
from publisher.services.registers import (
    ACTIONS_BY_KIND, APPLICANT_TYPES, CASE_KINDS, CASE_RESULTS, OPENING_KEYS, OUTCOMES,
    add_application, add_article20, add_case, close_application, close_case, register_lines, set_opening,
)
from publisher.texts import ledger as texts

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.group("ledger")
def ledger_group() -> None:
    """The disclosure ledger (公开台账): add, import, delete, correct."""


@ledger_group.command("add")
@click.option("--day", type=DAY, required=True, help="北京时间 day, YYYY-MM-DD.")
@click.option("--time", "at_time", type=click.DateTime(formats=["%H:%M"]), default="00:00", show_default=True,
              help="北京时间 HH:MM, e.g. 9:30.")
@click.option("--channel", required=True, help="三务公开栏, 广播, 会议, 政府网站, 微信公众号 …")
@click.option("--topic", required=True)
@click.option("--title", required=True)
@click.option("--url")
@click.option("--account", "account_name")
@pass_cli
def ledger_add(ctx: CliContext, day: datetime, at_time: datetime, channel: str, topic: str, title: str,
               url: str | None, account_name: str | None) -> None:
    """Add one row (an item disclosed outside govpost)."""
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
@click.option("--account", "account_name")
@pass_cli
def ledger_import(ctx: CliContext, file: Path, account_name: str | None) -> None:
    """Import FILE (.csv or .xlsx with 日期, 渠道, 话题, 标题, 链接); all rows or none."""
    from publisher.services.ledger_import import import_file  # openpyxl: only for this command

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
@pass_cli
def ledger_delete(ctx: CliContext, entry_id: int) -> None:
    """Flag row ENTRY_ID as deleted (it stays in the ledger, not counted)."""
    runtime = ctx.runtime
    with transaction(runtime.session_factory) as session:
        entry = _entry(session, entry_id)
        flag_deleted(session, entry, actor=CLI, clock=runtime.clock)
    click.echo(texts.FLAGGED.format(id=entry_id))


@ledger_group.command("correct")
@click.argument("entry_id", type=int)
@click.option("--topic")
@click.option("--title")
@click.option("--channel")
@click.option("--url")
@pass_cli
def ledger_correct(ctx: CliContext, entry_id: int, topic: str | None, title: str | None, channel: str | None,
                   url: str | None) -> None:
    """Correct row ENTRY_ID (audited); --topic also confirms a guessed topic."""
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            entry = _entry(session, entry_id)
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
@click.option("--year", type=int, help="Report year (北京时间); default: all.")
@click.option("--guessed", is_flag=True, help="Only rows whose topic was guessed and is not yet confirmed.")
@click.option("--account", "account_name")
@pass_cli
def ledger_list(ctx: CliContext, year: int | None, guessed: bool, account_name: str | None) -> None:
    """Rows as: id, day, channel, topic (? when guessed), title, and 已删除 when flagged."""
    runtime = ctx.runtime
    with runtime.session_factory() as session:
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


def _entry(session, entry_id: int) -> LedgerEntry:
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:
        raise click.ClickException(texts.ENTRY_NOT_FOUND.format(id=entry_id))
    return entry


# -- registers of report sections 二, 三, 四 ---------------------------------------------------


@click.group("register")
def register_group() -> None:
    """Registers of the report's tables 二 (第二十条), 三 (applications) and 四 (复议/诉讼)."""


@register_group.command("article20")
@click.argument("kind", type=click.Choice(list(ACTIONS_BY_KIND)))
@click.argument("action", type=click.Choice(sorted({a for v in ACTIONS_BY_KIND.values() for a in v})))
@click.option("--day", type=DAY, required=True)
@click.option("--quantity", type=int, default=1, show_default=True)
@click.option("--amount", help="行政事业性收费 in 万元, e.g. 1.25")
@click.option("--title", default="")
@click.option("--account", "account_name")
@pass_cli
def register_article20(ctx, kind, action, day, quantity, amount, title, account_name) -> None:
    """A 第二十条 item: e.g. `normative issued`, `penalty decided --quantity 3`, `fee charged --amount 1.2`."""
    try:
        amount_wan = Decimal(amount) if amount is not None else None
    except InvalidOperation:
        raise click.BadParameter(amount, param_hint="--amount") from None
    _register(ctx, account_name, lambda s, a, rt: add_article20(
        s, account_id=a.id, kind=kind, action=action, occurred_on=day.date(), quantity=quantity,
        amount_wan=amount_wan, title=title, actor=CLI, clock=rt.clock))


@register_group.command("application")
@click.argument("applicant", type=click.Choice(APPLICANT_TYPES))
@click.option("--received", type=DAY, required=True)
@click.option("--outcome", type=click.Choice(OUTCOMES))
@click.option("--closed", type=DAY)
@click.option("--subject", default="")
@click.option("--account", "account_name")
@pass_cli
def register_application(ctx, applicant, received, outcome, closed, subject, account_name) -> None:
    """A disclosure application; --outcome and --closed when it is concluded."""
    _register(ctx, account_name, lambda s, a, rt: add_application(
        s, account_id=a.id, applicant_type=applicant, received_on=received.date(), subject=subject,
        outcome=outcome, closed_on=closed.date() if closed else None, actor=CLI, clock=rt.clock))


@register_group.command("close-application")
@click.argument("record_id", type=int)
@click.option("--outcome", type=click.Choice(OUTCOMES), required=True)
@click.option("--closed", type=DAY, required=True)
@pass_cli
def register_close_application(ctx, record_id, outcome, closed) -> None:
    """Conclude application RECORD_ID."""
    _close(ctx, DisclosureApplication, record_id, lambda s, row, rt: close_application(
        s, row, outcome=outcome, closed_on=closed.date(), actor=CLI, clock=rt.clock))


@register_group.command("case")
@click.argument("kind", type=click.Choice(CASE_KINDS))
@click.option("--filed", type=DAY, required=True)
@click.option("--result", type=click.Choice(CASE_RESULTS))
@click.option("--closed", type=DAY)
@click.option("--subject", default="")
@click.option("--account", "account_name")
@pass_cli
def register_case(ctx, kind, filed, result, closed, subject, account_name) -> None:
    """A 行政复议 or 行政诉讼 case; --result and --closed when decided."""
    _register(ctx, account_name, lambda s, a, rt: add_case(
        s, account_id=a.id, kind=kind, filed_on=filed.date(), subject=subject, result=result,
        closed_on=closed.date() if closed else None, actor=CLI, clock=rt.clock))


@register_group.command("close-case")
@click.argument("record_id", type=int)
@click.option("--result", type=click.Choice(CASE_RESULTS), required=True)
@click.option("--closed", type=DAY, required=True)
@pass_cli
def register_close_case(ctx, record_id, result, closed) -> None:
    """Record the result of case RECORD_ID."""
    _close(ctx, AppealCase, record_id, lambda s, row, rt: close_case(
        s, row, result=result, closed_on=closed.date(), actor=CLI, clock=rt.clock))


@register_group.command("opening")
@click.argument("year", type=int)
@click.argument("key", type=click.Choice(OPENING_KEYS))
@click.argument("value", type=int)
@click.option("--account", "account_name")
@pass_cli
def register_opening(ctx, year, key, value, account_name) -> None:
    """A figure on 1 January of YEAR from before govpost (documents in force, carried-over applications)."""
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            set_opening(session, account_id=account.id, year=year, key=key, value=value, actor=CLI,
                        clock=runtime.clock)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.OPENING_SET.format(year=year, key=key, value=value))


@register_group.command("list")
@click.option("--year", type=int, help="Only what concerns YEAR: entries of that year, applications and cases open in it.")
@click.option("--account", "account_name")
@pass_cli
def register_list(ctx: CliContext, year: int | None, account_name: str | None) -> None:
    """Rows of the three registers and the opening figures, one per line, tab-separated, with their ids."""
    with ctx.runtime.session_factory() as session:
        account = ctx.account(session, account_name)
        for line in register_lines(session, account_id=account.id, year=year):
            click.echo("\t".join(str(cell) for cell in line))


def _register(ctx: CliContext, account_name: str | None, write) -> None:
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            row = write(session, ctx.account(session, account_name), runtime)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.REGISTERED.format(id=row.id))


def _close(ctx: CliContext, model, record_id: int, write) -> None:
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            row = session.get(model, record_id)
            if row is None:
                raise click.ClickException(texts.RECORD_NOT_FOUND.format(id=record_id))
            write(session, row, runtime)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.CLOSED.format(id=record_id))


def register(cli: click.Group) -> None:
    cli.add_command(ledger_group)
    cli.add_command(register_group)
