import click

from bot.cli.context import CliContext, pass_cli
from publisher.db import transaction
from publisher.migrate import upgrade
from publisher.services.accounts import sync_accounts


@click.group("db")
def db_group() -> None:
    """The database schema."""


@db_group.command("upgrade")
@pass_cli
def db_upgrade(ctx: CliContext) -> None:
    """Create or migrate the database to the newest schema, and sync accounts and topics."""
    runtime = ctx.unchecked_runtime
    upgrade(runtime.engine)
    with transaction(runtime.session_factory) as session:
        accounts = sync_accounts(session, runtime.settings, runtime.clock)
    url = runtime.engine.url.render_as_string(hide_password=True)
    click.echo(f"database {url} is up to date ({len(accounts)} account(s))")


def register(cli: click.Group) -> None:
    cli.add_command(db_group)
