"""`govpost inspect --quarter 2025Q1 --county`: the county's quarterly 政务新媒体 check."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import CliContext, pass_cli
from stats.county.render_inspection import FORMATS


@click.command("inspect")
@click.option("--quarter", required=True, help="季度，例如 2025Q1。")
@click.option("--county", is_flag=True, help="检查全县每个账号（不写 --account 时即如此）。")
@click.option("--account", "account_name", help="只检查这一个账号。")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="json", show_default=True,
              help="输出格式。")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="写入的文件（默认：标准输出）。")
@pass_cli
def inspect_command(ctx: CliContext, quarter: str, county: bool, account_name: str | None, fmt: str,
                    out: Path | None) -> None:
    """政务新媒体季度检查：更新频率、留言回复、敏感词、三级审查标注，每个账号给出合格与否和原因。"""
    from publisher.errors import Refusal
    from publisher.texts import inspection as texts
    from stats.county.inspection import inspect_county, parse_quarter
    from stats.county.render_inspection import render

    if out is None and fmt != "json":
        raise click.UsageError(texts.OUT_NEEDED)
    try:
        wanted = parse_quarter(quarter)  # before the database: a typo needs none
        runtime = ctx.runtime
        with runtime.read_session_factory() as session:
            names = [account_name] if account_name else [a.name for a in runtime.settings.accounts]
            accounts = [ctx.account(session, name) for name in names]
            result = inspect_county(session, accounts, wanted, settings=runtime.settings, now=runtime.clock.now())
    except Refusal as refusal:
        raise click.ClickException(str(refusal)) from None
    data = render(result, fmt)
    if out is None:
        click.echo(data.decode("utf-8"))
    else:
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise click.ClickException(texts.OUT_FAILED.format(path=out, reason=exc.strerror or exc)) from None
        click.echo(f"{out}", err=True)
    for account in result.accounts:
        click.echo(texts.CLI_LINE.format(account=account.account_name, display_name=account.display_name,
                                         verdict=texts.PASSED if account.passed else texts.FAILED,
                                         reasons="；".join(account.reasons) or texts.NONE), err=True)


def register(cli: click.Group) -> None:
    cli.add_command(inspect_command)
