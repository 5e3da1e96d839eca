"""`govpost report YEAR`: the annual report in the national format, from the ledger and registers."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import CliContext, pass_cli
from publisher.core.years import year_refusal
from publisher.texts import cli as texts
from stats.report.render import FORMATS


@click.command("report")
# Which years: publisher.core.years, the rule 统计 and the ledger follow too.
@click.argument("year", type=int)
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="json", show_default=True,
              help="输出格式。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="写入的文件（默认: 标准输出）。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@click.option("--strict", is_flag=True, help="有勾稽关系不符时以状态 1 退出。")
@click.option("--county", is_flag=True, help="各账号的数字并列，加全县合计（json、xlsx、docx）。")
@pass_cli
def report_command(ctx: CliContext, year: int, fmt: str, out: Path | None, account_name: str | None, strict: bool,
                   county: bool) -> None:
    """生成 YEAR 年的政府信息公开工作年度报告。"""
    from stats.report import build_report
    from stats.report.consistency import violations
    from stats.report.render import render

    runtime = ctx.runtime
    refusal = year_refusal(year, runtime.clock.now().astimezone(runtime.settings.timezone).year)
    if refusal:
        raise click.UsageError(refusal)
    if county:
        _county_report(ctx, year, fmt, out)
        return
    with runtime.session_factory() as session:
        account = ctx.account(session, account_name)
        today = runtime.clock.now().astimezone(runtime.settings.timezone).date()
        report = build_report(session, account, year, settings=runtime.settings, today=today,
                              with_entries=fmt == "xlsx")
        data = render(report, fmt)  # in the session: the XLSX streams the ledger rows from it
    if out is None:
        if fmt in ("docx", "xlsx"):
            raise click.UsageError(texts.OUT_NEEDED)
        click.echo(data.decode("utf-8"), nl=False)
    else:
        out.write_bytes(data)
        click.echo(f"{out}", err=True)
    found = violations(report.checks)
    for line in found:
        click.echo(line, err=True)
    if strict and found:
        raise SystemExit(1)


def _county_report(ctx: CliContext, year: int, fmt: str, out: Path | None) -> None:
    from stats.county import build_county_rollup
    from stats.county.render import FORMATS as COUNTY_FORMATS
    from stats.county.render import render as render_county

    if fmt not in COUNTY_FORMATS:
        raise click.UsageError(texts.COUNTY_FORMATS.format(formats="、".join(COUNTY_FORMATS)))
    runtime = ctx.runtime
    with runtime.session_factory() as session:
        accounts = [ctx.account(session, a.name) for a in runtime.settings.accounts]
        now = runtime.clock.now()
        rollup = build_county_rollup(session, accounts, year, settings=runtime.settings,
                                     today=now.astimezone(runtime.settings.timezone).date(), now=now,
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
