"""What every command shares: settings loaded once, refused with one line per problem."""
from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING

import click

from bot.logs import log_in_timezone
from publisher.texts import cli as texts

# What a command needs is imported when it first asks (the properties below): `govpost --help`
# and a mistyped option load no database layer, and answer in a fraction of a second.
if TYPE_CHECKING:
    from publisher.runtime import Runtime
    from publisher.services.accounts import AccountContext
    from publisher.settings import Settings, SettingsError


class CliContext:
    def __init__(self, config_path: str | None):
        self.config_path = config_path

    @cached_property
    def settings(self) -> Settings:
        from publisher.settings import SettingsError, load_settings

        try:
            settings = load_settings(self.config_path)
        except SettingsError as exc:
            _refuse(exc)
        log_in_timezone(settings.timezone.key)
        return settings

    @cached_property
    def runtime(self) -> Runtime:
        """The runtime on a database at the newest schema; anything else is refused with the
        command that fixes it, instead of a traceback from the first query."""
        from publisher.migrate import is_current

        runtime = self.unchecked_runtime
        if not is_current(runtime.engine):
            url = runtime.engine.url.render_as_string(hide_password=True)
            raise click.ClickException(texts.SCHEMA_NOT_CURRENT.format(url=url))
        return runtime

    @cached_property
    def unchecked_runtime(self) -> Runtime:
        """For `db upgrade`, the one command meant for a database not yet at the newest schema.
        Its settings include the accounts added with `govpost account add`."""
        from publisher.runtime import Runtime
        from publisher.settings import SettingsError

        try:
            return Runtime.build(self.settings)
        except SettingsError as exc:  # a managed account whose secrets have gone
            _refuse(exc)

    def account(self, session, name: str | None) -> AccountContext:
        from publisher.services.accounts import account_context

        name = name or self.settings.default_account.name
        account = account_context(session, self.settings, name)
        if account is None:
            raise click.ClickException(texts.UNKNOWN_ACCOUNT.format(name=name))
        return account

    def account_and_gateway(self, name: str | None):
        """The account and a gateway to its WeChat, for the commands that call WeChat themselves
        (import-history, reach pull) rather than through the scheduler."""
        from publisher.wechat import make_gateway, token_store_for

        runtime = self.runtime
        with runtime.session_factory() as session:
            account = self.account(session, name)
        settings = wechat_settings(runtime.settings)
        store = token_store_for(settings, runtime.session_factory, runtime.clock)
        return account, make_gateway(settings, account.settings, store)


def wechat_settings(settings: Settings) -> Settings:
    """In sandbox mode the WeChat API is the sandbox that `govpost serve` serves at `url`
    (GOVPOST_URL), unless wechat_api_base points elsewhere."""
    if settings.sandbox_mode and not settings.wechat_api_base:
        return settings.with_overrides(wechat_api_base=settings.url + "/")
    return settings


@contextmanager
def progress_bar(desc: str, unit: str) -> Iterator:
    """A tqdm bar on stderr for a long command, made at its first report (when the total is
    known); yields the `progress(done, total)` callback the services take."""
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr)
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.close()


def _refuse(error: SettingsError):
    for problem in error.problems:
        click.echo(texts.CONFIG_PROBLEM.format(problem=problem), err=True)
    raise SystemExit(2) from None


pass_cli = click.make_pass_decorator(CliContext)
