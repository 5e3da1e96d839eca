"""The one place a command's failure becomes one Chinese line on stderr instead of a traceback.

`GovpostGroup.invoke` wraps every command: a refusal (`publisher.errors.Refusal`) is answered
like click's own errors, with status 1; what the environment causes (a database that cannot be
reached, a file that cannot be written) is status 2, as a configuration error is. Commands
raise `Failure` for the failures they find themselves (e.g. `say` without an AES key)."""
from __future__ import annotations

import errno
import logging

import click

from publisher.errors import Refusal
from publisher.texts import cli as texts

log = logging.getLogger(__name__)


class Failure(click.ClickException):
    """One line, `错误: …` (or `配置错误: …` when `config` is set), then exit status 2."""

    exit_code = 2

    def __init__(self, message: str, *, config: bool = False):
        super().__init__(message)
        self.config = config

    def show(self, file=None) -> None:
        line = texts.CONFIG_PROBLEM if self.config else texts.ERROR_LINE
        click.echo(line.format(problem=self.message, message=self.message), err=True)


class GovpostGroup(click.Group):
    def invoke(self, ctx: click.Context):
        # sqlalchemy is imported by every command that opens the database: importing it here
        # keeps it off `govpost --help`.
        from sqlalchemy.exc import DBAPIError

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Refusal as exc:
            raise click.ClickException(str(exc)) from None
        except DBAPIError as exc:
            raise Failure(texts.DATABASE_UNUSABLE.format(url=_database_url(ctx),
                                                         reason=database_reason(exc))) from None
        except OSError as exc:
            raise Failure(file_reason(exc)) from None
        except Exception as exc:  # a bug: one line for the person, the traceback in the debug log
            log.debug("unexpected failure", exc_info=True)
            raise Failure(texts.UNEXPECTED.format(kind=type(exc).__name__, detail=exc)) from None


def database_reason(exc) -> str:
    """The driver's reason in Chinese when it is a known one, else its first line as it is."""
    detail = str(getattr(exc, "orig", None) or exc).strip()
    lowered = detail.lower()
    for needle, reason in texts.DATABASE_REASONS.items():
        if needle in lowered:
            return reason
    return detail.splitlines()[0] if detail else type(exc).__name__


def file_reason(exc: OSError) -> str:
    reason = texts.FILE_REASONS.get(errno.errorcode.get(exc.errno or 0, ""), exc.strerror or str(exc))
    return texts.FILE_FAILED.format(path=exc.filename, reason=reason) if exc.filename else reason


def _database_url(ctx: click.Context) -> str:
    """The URL the command was given, without its password."""
    from sqlalchemy.engine import make_url

    settings = vars(ctx.obj).get("settings") if ctx.obj is not None else None
    if settings is None:
        return "?"
    return make_url(settings.database_url).render_as_string(hide_password=True)
