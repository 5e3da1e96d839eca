"""`govpost`: the command line. One module per command family, each registering itself."""
from __future__ import annotations

import sys

import click

from bot.cli import chinese_click
from bot.cli import accounts, db, history, inspection, ledger, reach, report, say, server, staff
from bot.cli.context import CliContext
from bot.cli.failures import GovpostGroup
from bot.logs import configure_logging


chinese_click.install()


@click.group(cls=GovpostGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", envvar="GOVPOST_CONFIG", help="govpost.toml 的路径。")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """govpost: 乡镇政务公众号的投稿、审核、发布和政务公开台账。"""
    configure_logging()
    ctx.obj = CliContext(config_path)


for module in (server, db, staff, accounts, say, ledger, history, report, inspection, reach):
    module.register(cli)


def main() -> None:
    sys.exit(cli.main(standalone_mode=True))
