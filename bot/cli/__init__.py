"""`govpost`: the command line. One module per command family, each registering itself."""
from __future__ import annotations

import sys

import click

from bot.cli import accounts, db, history, ledger, reach, report, say, server, staff
from bot.cli.context import CliContext
from bot.cli.failures import GovpostGroup
from bot.logs import configure_logging


@click.group(cls=GovpostGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", envvar="GOVPOST_CONFIG", help="Path to govpost.toml.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """govpost: a township's WeChat account, its review, publishing and disclosure ledger."""
    configure_logging()
    ctx.obj = CliContext(config_path)


for module in (server, db, staff, accounts, say, ledger, history, report, reach):
    module.register(cli)


def main() -> None:
    sys.exit(cli.main(standalone_mode=True))
