"""`govpost serve`, `web` and `sandbox`: the web app under gunicorn (bot/gunicorn.conf.py),
with the scheduler in the same command for `serve`."""
import errno
import ipaddress
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import click

from bot.cli.context import CliContext, pass_cli
from bot.cli.failures import Failure, file_reason
from publisher.texts import cli as texts

GUNICORN_CONF = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def _web_app(ctx: CliContext, host: str, port: int):
    """The app, with the sandbox as the WeChat API when no credentials are configured."""
    from bot.app import create_app

    runtime = ctx.runtime
    if runtime.settings.sandbox_mode and not runtime.settings.wechat_api_base:
        own = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
        runtime.settings = runtime.settings.with_overrides(wechat_api_base=own)
    return create_app(runtime)


def _announce(ctx: CliContext, host: str, port: int) -> None:
    url = f"http://{host}:{port}"
    settings = ctx.runtime.settings
    click.echo(texts.SERVE_RUNNING.format(url=url))
    if settings.sandbox_mode:
        click.echo(texts.SERVE_SANDBOX.format(url=url))
    click.echo(_console_login(ctx, url))
    click.echo(texts.SERVE_STOP)
    if settings.sandbox_mode and not _is_loopback(host):
        click.echo(texts.SANDBOX_NOT_LOOPBACK.format(host=host), err=True)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _run_gunicorn(app, host: str, port: int) -> None:
    """Serve `app` with the settings of bot/gunicorn.conf.py (workers × threads, timeouts).

    The workers are forked from this process after the app is built, so this process starts
    no thread (a lock a thread holds at the fork stays held in the child for ever); each
    worker opens its own database connections and runs due background tasks itself, within
    a second of the message that queued them."""
    from gunicorn.app.base import Application

    from publisher.background.jobs import start_task_runner

    class Server(Application):
        def init(self, parser, opts, args):
            return None

        def load_config(self):
            self.load_config_from_module_name_or_filename(str(GUNICORN_CONF))
            self.cfg.set("bind", [f"{host}:{port}"])
            if "sandbox" in app.blueprints:
                # The sandbox served in-process keeps WeChat's state in its memory: with two
                # workers a picture uploaded to one is unknown to the other (40007), a token
                # issued by one is refused by the other. One worker (its threads still serve
                # requests side by side) keeps one WeChat.
                self.cfg.set("workers", 1)
            # Connections the master's scheduler opened stay the master's (SQLAlchemy's
            # advice for forked processes): each worker opens its own.
            self.cfg.set("post_fork", lambda server, worker: runtime.engine.dispose(close=False))
            self.cfg.set("post_worker_init", lambda worker: start_task_runner(runtime))

        def load(self):
            return app

    runtime = app.extensions["govpost"]
    runtime.engine.dispose()
    # gunicorn's Application reads sys.argv in its constructor; it gets none of govpost's.
    argv, sys.argv = sys.argv, sys.argv[:1]
    try:
        Server().run()
    finally:
        sys.argv = argv


def _console_login(ctx: CliContext, url: str) -> str:
    """Where the console is and, on sandbox mode's first start, a login that works."""
    from publisher.db import transaction
    from publisher.services.console_users import ensure_sandbox_login
    from publisher.texts import console as console_texts

    runtime = ctx.runtime
    created = None
    if runtime.settings.sandbox_mode:
        with transaction(runtime.session_factory) as session:
            created = ensure_sandbox_login(session, clock=runtime.clock)
    if created is None:
        return "  " + console_texts.SANDBOX_ADMIN_EXISTS.format(url=f"{url}/")
    username, password = created
    return "  " + console_texts.SANDBOX_ADMIN_CREATED.format(url=f"{url}/", username=username, password=password)


HOST_OPTION = click.option("--host", default=None, help="监听的地址（默认: 设置 url 或 GOVPOST_URL 的主机，即 127.0.0.1）。")
PORT_OPTION = click.option("--port", default=None, type=int, help="监听的端口（默认: 设置 url 或 GOVPOST_URL 的端口，即 8000）。")


def _address(ctx: CliContext, host: str | None, port: int | None) -> tuple[str, int]:
    """The address to listen on: the options, else the configured `url` (GOVPOST_URL), so that
    `say` and `import-history` find this server without being told."""
    configured = urlsplit(ctx.settings.url)
    host = host or configured.hostname
    port = port or configured.port or (443 if configured.scheme == "https" else 80)
    _refuse_busy_port(host, port)
    return host, port


def _refuse_busy_port(host: str, port: int) -> None:
    """Fail with one line before announcing anything when another process holds the port
    (gunicorn would retry for five seconds and exit with its own English lines)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise Failure(texts.PORT_BUSY.format(host=host, port=port) if exc.errno == errno.EADDRINUSE
                          else texts.PORT_UNUSABLE.format(host=host, port=port, reason=file_reason(exc))) from None


@click.command("serve")
@HOST_OPTION
@PORT_OPTION
@pass_cli
def serve(ctx: CliContext, host: str | None, port: int | None) -> None:
    """一个命令同时运行网站和调度器（没有微信凭据时为沙箱模式）。"""
    host, port = _address(ctx, host, port)
    app = _web_app(ctx, host, port)
    _announce(ctx, host, port)
    # The scheduler is `govpost worker`, started and stopped with this command: the web app's
    # gunicorn workers are forked from this process, which must start no thread of its own.
    env = {**os.environ, "GOVPOST_WECHAT_API_BASE": ctx.runtime.settings.wechat_api_base}
    if ctx.config_path:
        env["GOVPOST_CONFIG"] = ctx.config_path
    scheduler = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "worker"], env=env)
    try:
        _run_gunicorn(app, host, port)
    finally:
        scheduler.terminate()
        try:
            scheduler.wait(timeout=10)
        except subprocess.TimeoutExpired:
            scheduler.kill()


@click.command("web")
@HOST_OPTION
@PORT_OPTION
@pass_cli
def web(ctx: CliContext, host: str | None, port: int | None) -> None:
    """单独运行网站（webhook、健康检查、指标）；发布要另外运行 `govpost worker`。"""
    host, port = _address(ctx, host, port)
    app = _web_app(ctx, host, port)
    _announce(ctx, host, port)
    # Slow chat work (image fetches, previews, notices) runs in the web workers within a
    # second of the message that asked for it, instead of waiting for a worker's next tick.
    _run_gunicorn(app, host, port)


@click.command("sandbox")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听的地址。")
@click.option("--port", default=8100, show_default=True, type=int, help="监听的端口。")
@pass_cli
def sandbox(ctx: CliContext, host: str, port: int) -> None:
    """单独运行沙箱微信接口，认识本配置里的账号。"""
    from werkzeug.serving import run_simple

    from bot.sandbox_accounts import sandbox_accounts
    from publisher.sandbox import create_app as create_sandbox_app

    settings = ctx.settings
    _refuse_busy_port(host, port)
    app = create_sandbox_app(
        sandbox_accounts(settings),
        token_ttl=settings.sandbox_token_ttl,
        publish_delay=settings.sandbox_publish_delay,
        latency=settings.sandbox_latency_ms / 1000,
    )
    click.echo(texts.SANDBOX_RUNNING.format(url=f"http://{host}:{port}"))
    run_simple(host, port, app, threaded=True, use_reloader=False)


def register(cli: click.Group) -> None:
    for command in (serve, web, sandbox):
        cli.add_command(command)
    from bot.cli.scheduler import tick, worker

    cli.add_command(worker)
    cli.add_command(tick)
