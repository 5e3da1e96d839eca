import click

from bot.cli.context import CliContext, pass_cli
from publisher.texts import cli as texts


@click.group("db")
def db_group() -> None:
    """数据库结构。"""


@db_group.command("upgrade")
@pass_cli
def db_upgrade(ctx: CliContext) -> None:
    """建立数据库或升级到最新结构，并同步账号和话题。"""
    from publisher.db import transaction
    from publisher.migrate import upgrade
    from publisher.services.accounts import sync_accounts

    runtime = ctx.unchecked_runtime
    upgrade(runtime.engine)
    with transaction(runtime.session_factory) as session:
        accounts = sync_accounts(session, runtime.settings, runtime.clock)
    url = runtime.engine.url.render_as_string(hide_password=True)
    click.echo(texts.DB_UPGRADED.format(url=url, count=len(accounts)))


def register(cli: click.Group) -> None:
    cli.add_command(db_group)
