"""`govpost reach pull`: reads and shares from WeChat's data API, for any past days."""
from __future__ import annotations

import sys
from datetime import date

import click

from bot.cli.context import CliContext, pass_cli
from publisher.texts import reach as texts


@click.group("reach")
def reach_group() -> None:
    """Reads and shares (SPEC §7a)."""


@reach_group.command("pull", help=texts.CLI_PULL_HELP)
@click.option("--since", "since_text", required=True, help=texts.CLI_SINCE_HELP)
@click.option("--account", "account_name", help="Account name (default: the first).")
@click.option("--pause", type=click.FloatRange(min=0), help="Seconds between two calls to WeChat (default 0.5).")
@pass_cli
def pull_command(ctx: CliContext, since_text: str, account_name: str | None, pause: float | None) -> None:
    # Imported here: wechatpy, SQLAlchemy and tqdm would slow every other command's start.
    from tqdm import tqdm

    from publisher.services.reach import PAUSE_SECONDS, pull
    from publisher.wechat import make_gateway, token_store_for

    try:
        since = date.fromisoformat(since_text.strip())
    except ValueError:
        raise click.ClickException(texts.CLI_BAD_SINCE.format(value=since_text)) from None
    runtime = ctx.runtime
    settings = runtime.settings
    with runtime.session_factory() as session:
        account = ctx.account(session, account_name)
    gateway = make_gateway(settings, account.settings, token_store_for(settings, runtime.session_factory, runtime.clock))
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=texts.CLI_PROGRESS, unit="次", file=sys.stderr)
        bar.update(done - bar.n)

    try:
        result = pull(runtime.session_factory, gateway, account_id=account.id, since=since, clock=runtime.clock,
                      timezone=settings.timezone,
                      pause=PAUSE_SECONDS if pause is None else pause, progress=progress)
    finally:
        if bar is not None:
            bar.close()
    click.echo(texts.CLI_DONE.format(account=account.name, calls=result.calls, stored=result.stored,
                                     unmatched=result.unmatched))
    for endpoint, day, errcode in result.failed:
        click.echo(texts.CLI_FAILED.format(endpoint=endpoint, day=day, errcode=errcode))
    if result.stopped_by is not None:
        click.echo(texts.CLI_STOPPED.format(errcode=result.stopped_by))


def register(cli: click.Group) -> None:
    cli.add_command(reach_group)
