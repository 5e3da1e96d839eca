"""`govpost worker` (the scheduler alone) and `govpost tick` (one pass, then exit)."""
from __future__ import annotations

import logging

import click

from bot.cli.context import CliContext, pass_cli


@click.command("worker")
@click.option("--interval", type=int, help="Seconds between ticks (default: scheduler.tick_seconds).")
@pass_cli
def worker(ctx: CliContext, interval: int) -> None:
    """The scheduler alone: publishes due bundles, runs background tasks, sends reminders."""
    from publisher.background.scheduler import blocking_scheduler

    interval = interval or ctx.settings.scheduler_tick_seconds
    click.echo(f"govpost worker: a tick every {interval}s; stop with Ctrl-C")
    try:
        blocking_scheduler(ctx.runtime, interval=interval).start()
    except (KeyboardInterrupt, SystemExit):
        pass


@click.command("tick")
@pass_cli
def tick(ctx: CliContext) -> None:
    """One scheduler pass (publishing and background tasks), then exit."""
    from publisher.background.scheduler import tick as run_tick

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    advanced = run_tick(ctx.runtime)
    click.echo(f"tick: {advanced} bundle(s) worked on")
