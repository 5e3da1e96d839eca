"""`govpost worker` (the scheduler alone) and `govpost tick` (one pass, then exit)."""
from __future__ import annotations

import click

from bot.cli.context import CliContext, pass_cli
from publisher.texts import cli as texts


@click.command("worker")
@click.option("--interval", type=int, help="两次运行之间的秒数（默认: scheduler.tick_seconds）。")
@pass_cli
def worker(ctx: CliContext, interval: int) -> None:
    """单独运行调度器: 到时发布、执行后台任务、发送提醒。"""
    from publisher.background.scheduler import blocking_scheduler

    interval = interval or ctx.settings.scheduler_tick_seconds
    click.echo(texts.WORKER_STARTED.format(interval=interval))
    try:
        blocking_scheduler(ctx.runtime, interval=interval).start()
    except (KeyboardInterrupt, SystemExit):
        pass


@click.command("tick")
@pass_cli
def tick(ctx: CliContext) -> None:
    """调度器运行一次（发布和后台任务），然后退出。"""
    from publisher.background.scheduler import tick as run_tick

    advanced = run_tick(ctx.runtime)
    click.echo(texts.TICK_DONE.format(count=advanced))
