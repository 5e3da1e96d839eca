import click
from sqlalchemy import select

from bot.cli.context import CliContext, not_built_yet, pass_cli
from publisher.db import transaction
from publisher.models import Account


@click.group("account")
def account_group() -> None:
    """Official accounts (configured as [[accounts]] in govpost.toml)."""


@account_group.command("list")
@pass_cli
def account_list(ctx: CliContext) -> None:
    """The accounts, their mode and slots."""
    settings = ctx.settings
    with transaction(ctx.runtime.session_factory) as session:
        known = {a.name for a in session.scalars(select(Account))}
    for account in settings.accounts:
        slots = ",".join(s.strftime("%H:%M") for s in account.slots)
        state = "" if account.name in known else "  (not in the database: run `govpost db upgrade`)"
        click.echo(f"{account.name}\t{account.display_name}\t{account.appid}\t{account.mode}\t{slots}{state}")


account_group.add_command(not_built_yet("add", "county scale-out, SPEC §10; add an [[accounts]] table to govpost.toml"))


def register(cli: click.Group) -> None:
    cli.add_command(account_group)
