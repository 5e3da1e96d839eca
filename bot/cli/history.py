import click

from bot.cli.context import not_built_yet


def register(cli: click.Group) -> None:
    cli.add_command(not_built_yet("import-history", "ledger issue (SPEC §7)"))
