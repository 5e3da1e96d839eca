"""`govpost reach pull`: reads and shares from WeChat's data API, for any past days."""
from __future__ import annotations

from datetime import date

import click

from bot.cli.context import CliContext, pass_cli, progress_bar
from publisher.texts import reach as texts


@click.group("reach")
def reach_group() -> None:
    """阅读和分享数据（SPEC §7a）。"""


@reach_group.command("pull", help=texts.CLI_PULL_HELP)
@click.option("--since", "since_text", required=True, help=texts.CLI_SINCE_HELP)
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@click.option("--pause", type=click.FloatRange(min=0), help="两次调用微信接口之间的秒数（默认 0.5）。")
@pass_cli
def pull_command(ctx: CliContext, since_text: str, account_name: str | None, pause: float | None) -> None:
    # Imported here: the pull's dependencies would slow every other command's start.
    from publisher.services.reach import PAUSE_SECONDS, pull

    try:
        since = date.fromisoformat(since_text.strip())
    except ValueError:
        raise click.ClickException(texts.CLI_BAD_SINCE.format(value=since_text)) from None
    runtime = ctx.runtime
    account, gateway = ctx.account_and_gateway(account_name)
    with progress_bar(texts.CLI_PROGRESS, texts.CLI_PROGRESS_UNIT) as progress:
        result = pull(runtime.session_factory, gateway, account_id=account.id, since=since, clock=runtime.clock,
                      timezone=runtime.settings.timezone,
                      pause=PAUSE_SECONDS if pause is None else pause, progress=progress)
    click.echo(texts.CLI_DONE.format(account=account.name, calls=result.calls, stored=result.stored,
                                     unmatched=result.unmatched))
    for endpoint, day, errcode in result.failed:
        click.echo(texts.CLI_FAILED.format(endpoint=endpoint, day=day, errcode=errcode))
    if result.stopped_by is not None:
        click.echo(texts.CLI_STOPPED.format(errcode=result.stopped_by))


def register(cli: click.Group) -> None:
    cli.add_command(reach_group)
