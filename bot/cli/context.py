"""What every command shares: settings loaded once, refused with one line per problem."""
from __future__ import annotations

from functools import cached_property

import click

from publisher.migrate import is_current
from publisher.runtime import Runtime
from publisher.services.accounts import AccountContext, account_context
from publisher.settings import Settings, SettingsError, load_settings
from publisher.texts import cli as texts


class CliContext:
    def __init__(self, config_path: str | None):
        self.config_path = config_path

    @cached_property
    def settings(self) -> Settings:
        try:
            return load_settings(self.config_path)
        except SettingsError as exc:
            _refuse(exc)

    @cached_property
    def runtime(self) -> Runtime:
        """The runtime on a database at the newest schema; anything else is refused with the
        command that fixes it, instead of a traceback from the first query."""
        runtime = self.unchecked_runtime
        if not is_current(runtime.engine):
            url = runtime.engine.url.render_as_string(hide_password=True)
            raise click.ClickException(texts.SCHEMA_NOT_CURRENT.format(url=url))
        return runtime

    @cached_property
    def unchecked_runtime(self) -> Runtime:
        """For `db upgrade`, the one command meant for a database not yet at the newest schema.
        Its settings include the accounts added with `govpost account add`."""
        try:
            return Runtime.build(self.settings)
        except SettingsError as exc:  # a managed account whose secrets have gone
            _refuse(exc)

    def account(self, session, name: str | None) -> AccountContext:
        name = name or self.settings.default_account.name
        account = account_context(session, self.settings, name)
        if account is None:
            raise click.ClickException(texts.UNKNOWN_ACCOUNT.format(name=name))
        return account


def _refuse(error: SettingsError):
    for problem in error.problems:
        click.echo(texts.CONFIG_PROBLEM.format(problem=problem), err=True)
    raise SystemExit(2) from None


pass_cli = click.make_pass_decorator(CliContext)


def not_built_yet(name: str, issue: str):
    """A command whose feature is still being built: says so and exits non-zero."""

    @click.command(name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
    def command() -> None:
        click.echo(f"`govpost {name}` is not built yet ({issue}).", err=True)
        raise SystemExit(3)

    command.help = f"(not built yet: {issue})"
    return command
