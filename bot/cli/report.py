"""`govpost report YEAR`: the annual report in the national format, from the ledger and registers."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from bot.cli.context import CliContext, pass_cli
from publisher.core.years import year_refusal
from publisher.texts import cli as texts
from publisher.texts import report as report_texts
from stats.report.render import FORMATS  # a dict of module names: imports no renderer


@click.command("report")
# Which years: publisher.core.years, the rule 统计 and the ledger follow too.
@click.argument("year", type=int)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="json", show_default=True,
              help="输出格式。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="写入的文件（默认: 标准输出）。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@click.option("--strict", is_flag=True, help="有勾稽关系不符时以状态 1 退出。")
@click.option("--county", is_flag=True, help="各账号的数字并列，加全县合计（json、xlsx、docx）。")
# The cover letter (上报函); each overrides the template's [cover_letter] value.
@click.option("--doc-number", "doc_number", metavar="N", help="上报函文号的顺序号，如 5（优政〔2024〕5号）；不给则留空待手填。")
@click.option("--date", "filed_on", metavar="YYYY-MM-DD", help="上报函和落款的日期，如 2024-02-22；不给则留空待手填，不会自动填今天。")
@click.option("--addressee", help="主送机关，如「县政府办：」。")
@click.option("--office-code", "office_code", help="机关代字，如「优政」。")
@pass_cli
def report_command(ctx: CliContext, year: int, fmt: str, out: Path | None, account_name: str | None, strict: bool,
                   county: bool, doc_number: str | None, filed_on: str | None, addressee: str | None,
                   office_code: str | None) -> None:
    """生成 YEAR 年的政府信息公开工作年度报告（首页为上报函）。"""
    from stats.report.build import build_report
    from stats.report.consistency import violations
    from stats.report.cover_letter import LetterError
    from stats.report.render import render

    runtime = ctx.runtime
    refusal = year_refusal(year, runtime.clock.now().astimezone(runtime.settings.timezone).year)
    if refusal:
        raise click.UsageError(refusal)
    if county:
        _county_report(ctx, year, fmt, out)
        return
    letter = _letter_options(doc_number, filed_on, addressee, office_code)
    with runtime.read_session_factory() as session:
        account = ctx.account(session, account_name)
        try:
            report = build_report(session, account, year, settings=runtime.settings, letter=letter,
                                  with_entries=fmt == "xlsx")
        except LetterError as exc:
            _refuse(str(exc))
        # In the session: the XLSX streams the ledger rows from it.
        if out is None:
            if fmt in ("docx", "xlsx"):
                raise click.UsageError(texts.OUT_NEEDED)
            click.echo(render(report, fmt).decode("utf-8"), nl=False)
        else:
            _write_whole(out, report, fmt)
            click.echo(f"{out}", err=True)
    found = violations(report.checks)
    for line in found:
        click.echo(line, err=True)
    for line in report.warnings:
        click.echo(report_texts.CLI_WARNING_LINE.format(message=line), err=True)
    if strict and found:
        raise SystemExit(1)


def _write_whole(out: Path, report, fmt: str) -> None:
    """The file is written beside `out` and renamed onto it once complete: a render that fails
    half-way (the XLSX is written as its rows stream) leaves no truncated report behind."""
    from stats.report.render import write

    partial = out.with_name(f".{out.name}.part")
    try:
        with partial.open("wb") as file:
            write(report, fmt, file)
        os.replace(partial, out)
    except OSError as exc:
        if exc.filename != str(partial):
            raise
        # Staff asked for `out`: a missing directory or a full disk is said of that name.
        raise OSError(exc.errno, exc.strerror, str(out)) from exc
    finally:
        partial.unlink(missing_ok=True)


def _letter_options(doc_number: str | None, filed_on: str | None, addressee: str | None, office_code: str | None):
    """The cover letter's values from the command line, refused in Chinese when malformed."""
    from stats.report.cover_letter import LetterOptions

    number = None
    if doc_number is not None:
        if not doc_number.strip().isdigit() or int(doc_number) == 0:
            _refuse(report_texts.CLI_DOC_NUMBER_INVALID.format(value=doc_number))
        number = int(doc_number)
    day = None
    if filed_on is not None:
        try:
            day = date.fromisoformat(filed_on.strip())
        except ValueError:
            _refuse(report_texts.CLI_DATE_INVALID.format(value=filed_on))
    return LetterOptions(office_code=office_code, number=number, date=day, addressee=addressee)


def _refuse(message: str) -> NoReturn:
    click.echo(report_texts.CLI_ERROR_LINE.format(message=message), err=True)
    raise SystemExit(2)


def _county_report(ctx: CliContext, year: int, fmt: str, out: Path | None) -> None:
    from stats.county.build import build_county_rollup
    from stats.county.render import FORMATS as COUNTY_FORMATS
    from stats.county.render import render as render_county

    if fmt not in COUNTY_FORMATS:
        raise click.UsageError(texts.COUNTY_FORMATS.format(formats="、".join(COUNTY_FORMATS)))
    runtime = ctx.runtime
    with runtime.read_session_factory() as session:
        accounts = [ctx.account(session, a.name) for a in runtime.settings.accounts]
        now = runtime.clock.now()
        rollup = build_county_rollup(session, accounts, year, settings=runtime.settings, now=now,
                                     stale_after_days=runtime.settings.stale_days_urgent)
    data = render_county(rollup, fmt)
    if out is None:
        if fmt != "json":
            raise click.UsageError(texts.OUT_NEEDED)
        click.echo(data.decode("utf-8"), nl=False)
    else:
        out.write_bytes(data)
        click.echo(f"{out}", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(report_command)
