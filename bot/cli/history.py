"""`govpost import-history`: articles published outside govpost into the ledger."""
from __future__ import annotations

import sys
from datetime import datetime

import click

from bot.cli.context import CliContext, pass_cli
from publisher.services.audit import CLI
from publisher.texts import ledger as texts


@click.command("import-history")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only articles from this day (北京时间).")
@click.option("--account", "account_name", help="Account name (default: the first).")
@pass_cli
def import_history_command(ctx: CliContext, since: datetime | None, account_name: str | None) -> None:
    """Read published articles (freepublish/batchget) into the ledger; safe to run again."""
    # Imported here: wechatpy and tqdm would slow every other command's start.
    from tqdm import tqdm

    from publisher.services.import_history import import_history
    from publisher.wechat import WeChatError, make_gateway, token_store_for

    runtime = ctx.runtime
    settings = runtime.settings
    with runtime.session_factory() as session:
        account = ctx.account(session, account_name)
    gateway = make_gateway(settings, account.settings, token_store_for(settings, runtime.session_factory, runtime.clock))
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=texts.HISTORY_PROGRESS, unit=texts.HISTORY_UNIT, file=sys.stderr)
        bar.update(done - bar.n)

    try:
        result = import_history(
            runtime.session_factory, gateway, account_id=account.id, timezone=settings.timezone, actor=CLI,
            clock=runtime.clock, since=since.date() if since else None, progress=progress)
    except WeChatError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    click.echo(texts.HISTORY_DONE.format(seen=result.seen, added=result.added, guessed=result.guessed,
                                         skipped=result.skipped))
    for topic, count in result.by_topic.most_common():
        click.echo(texts.HISTORY_BY_TOPIC.format(topic=topic, count=count))


def register(cli: click.Group) -> None:
    cli.add_command(import_history_command)
