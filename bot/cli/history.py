"""`govpost import-history`: articles published outside govpost into the ledger."""
from __future__ import annotations

from datetime import datetime

import click

from bot.cli.context import CliContext, pass_cli, progress_bar
from publisher.services.audit import CLI
from publisher.texts import ledger as texts


@click.command("import-history")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only articles from this day (北京时间).")
@click.option("--account", "account_name", help="Account name (default: the first).")
@pass_cli
def import_history_command(ctx: CliContext, since: datetime | None, account_name: str | None) -> None:
    """Read published articles (freepublish/batchget) into the ledger; safe to run again."""
    # Imported here: wechatpy would slow every other command's start.
    from publisher.services.import_history import import_history
    from publisher.wechat import WeChatError

    runtime = ctx.runtime
    account, gateway = ctx.account_and_gateway(account_name)
    try:
        with progress_bar(texts.HISTORY_PROGRESS, texts.HISTORY_UNIT) as progress:
            result = import_history(
                runtime.session_factory, gateway, account_id=account.id, timezone=runtime.settings.timezone,
                actor=CLI, clock=runtime.clock, since=since.date() if since else None, progress=progress)
    except WeChatError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.HISTORY_DONE.format(seen=result.seen, added=result.added, guessed=result.guessed,
                                         skipped=result.skipped))
    for topic, count in result.by_topic.most_common():
        click.echo(texts.HISTORY_BY_TOPIC.format(topic=topic, count=count))


def register(cli: click.Group) -> None:
    cli.add_command(import_history_command)
