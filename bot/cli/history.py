"""`govpost import-history`: articles published outside govpost into the ledger."""
from __future__ import annotations

from datetime import datetime

import click

from bot.cli.context import CliContext, pass_cli, progress_bar
from publisher.texts import ledger as texts


@click.command("import-history")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="只导入这一天（北京时间）以后的文章，YYYY-MM-DD。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def import_history_command(ctx: CliContext, since: datetime | None, account_name: str | None) -> None:
    """把公众号上已发布的文章（freepublish/batchget）导入台账；可以重复运行。"""
    from publisher.services.audit import CLI
    from publisher.services.import_history import import_history

    runtime = ctx.runtime
    account, gateway = ctx.account_and_gateway(account_name)
    # WeChat's failures are shown, with the API's URL, by bot/cli/failures.py.
    with progress_bar(texts.HISTORY_PROGRESS, texts.HISTORY_UNIT) as progress:
        result = import_history(
            runtime.session_factory, gateway, account_id=account.id, timezone=runtime.settings.timezone,
            actor=CLI, clock=runtime.clock, since=since.date() if since else None, progress=progress)
    click.echo(texts.HISTORY_DONE.format(seen=result.seen, added=result.added, guessed=result.guessed,
                                         skipped=result.skipped))
    for topic, count in result.by_topic.most_common():
        click.echo(texts.HISTORY_BY_TOPIC.format(topic=topic, count=count))


def register(cli: click.Group) -> None:
    cli.add_command(import_history_command)
