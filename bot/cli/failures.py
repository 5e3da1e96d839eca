"""The one place a command's failure becomes one Chinese line on stderr instead of a traceback.

`GovpostGroup.invoke` wraps every command: a refusal (`publisher.errors.Refusal`) is answered
like click's own errors, with status 1; what the environment causes (a database that cannot be
reached, a file that cannot be written) is status 2, as a configuration error is. Commands
raise `Failure` for the failures they find themselves (e.g. `say` without an AES key)."""
from __future__ import annotations

import errno
import logging
import re
import sys

import click

from bot.cli.context import wechat_settings
from publisher.errors import Refusal
from publisher.texts import cli as texts

log = logging.getLogger(__name__)
REAL_WECHAT = "https://api.weixin.qq.com/"


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
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            raise one_line(exc, ctx) from None


def one_line(exc: Exception, ctx: click.Context) -> click.ClickException:
    """The line a failure is shown as."""
    # sqlalchemy is imported by every command that opens the database: importing it here
    # keeps it off `govpost --help`.
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, Refusal):
        return click.ClickException(str(exc))
    if isinstance(exc, DBAPIError):
        return Failure(texts.DATABASE_UNUSABLE.format(url=_database_url(ctx), reason=database_reason(exc)))
    if _is_wechat_error(exc):
        return Failure(wechat_reason(exc, _wechat_api_base(ctx)))
    if isinstance(exc, OSError):
        return Failure(file_reason(exc))
    # A bug: one line for the person, the traceback in the debug log.
    log.debug("unexpected failure", exc_info=True)
    return Failure(texts.UNEXPECTED.format(kind=type(exc).__name__, detail=exc))


def _is_wechat_error(exc: Exception) -> bool:
    # Looked up, not imported: a command that never called WeChat has not loaded wechatpy,
    # and `govpost --help` must not load it.
    errors = sys.modules.get("publisher.wechat.errors")
    return errors is not None and isinstance(exc, errors.WeChatError)


def wechat_reason(exc, url: str) -> str:
    errors = sys.modules["publisher.wechat.errors"]
    if exc.errcode is not None:
        return texts.WECHAT_REFUSED.format(url=url, errcode=exc.errcode, errmsg=exc.errmsg)
    if exc.http_status is not None:
        return texts.WECHAT_HTTP_STATUS.format(url=url, status=exc.http_status)
    # The gateway's message ends with requests' exception name: "…: could not connect (ConnectionError)".
    kind = re.search(r"(\w+)\)?\s*$", exc.errmsg)
    reason = texts.CONNECTION_REASONS.get(kind.group(1), kind.group(1)) if kind else exc.errmsg
    line = texts.WECHAT_UNREACHABLE if isinstance(exc, errors.TransientError) else texts.WECHAT_NO_ANSWER
    return line.format(url=url, reason=reason)


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


def _settings(ctx: click.Context):
    """The settings the command loaded, if it got that far."""
    return vars(ctx.obj).get("settings") if ctx.obj is not None else None


def _wechat_api_base(ctx: click.Context) -> str:
    settings = _settings(ctx)
    return (wechat_settings(settings).wechat_api_base if settings else "") or REAL_WECHAT


def _database_url(ctx: click.Context) -> str:
    """The URL the command was given, without its password."""
    from sqlalchemy.engine import make_url

    settings = _settings(ctx)
    if settings is None:
        return "?"
    return make_url(settings.database_url).render_as_string(hide_password=True)
