"""`govpost say`: talk to a running webhook as a staff member, signed (and in safe mode
encrypted) exactly as WeChat does, and print the reply. The quickest way to try the bot."""
from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from bot.cli.context import CliContext, pass_cli
from publisher.models import Staff
from publisher.texts import cli as cli_texts

@click.command("say")
@click.argument("text", nargs=-1)
@click.option("--as", "name", help="Staff member's name (their bound openid, or a stable one to bind with).")
@click.option("--openid", help="Send as this openid instead (e.g. a citizen).")
@click.option("--mode", type=click.Choice(["plain", "compatible", "safe"]), default=None,
              help="Message encryption; default: the account's message_mode.")
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The running govpost.")
@click.option("--account", "account_name", help="Account name (default: the first).")
@click.option("--image", "image", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Send a picture instead of text (sandbox mode: uploaded to the sandbox first).")
@pass_cli
def say(cli: CliContext, text, name, openid, mode, url, account_name, image) -> None:
    """Send TEXT to the webhook as staff member NAME and print the reply, e.g.
    `govpost say --as 张三 投稿 #乡村振兴 合作社分红大会召开`."""
    # Imported here: the sandbox and requests would slow every other command's start.
    from bot.sandbox_chat import ChatFailed, default_mode, openid_for, say as say_to_webhook, upload_picture

    settings = cli.settings
    account = settings.account(account_name) if account_name else settings.default_account
    if account is None:
        raise click.ClickException(cli_texts.UNKNOWN_ACCOUNT.format(name=account_name))
    if not openid:
        if not name:
            raise click.UsageError("give --as NAME or --openid OPENID")
        with cli.runtime.session_factory() as session:
            row = cli.account(session, account.name)
            member = session.scalar(select(Staff).where(Staff.account_id == row.id, Staff.name == name,
                                                        Staff.openid.is_not(None)))
        openid = member.openid if member else openid_for(name)
    base = url.rstrip("/")
    media_id = None
    if image is not None:
        if not settings.sandbox_mode:
            raise click.ClickException("--image needs sandbox mode (real WeChat media ids come from a phone)")
    elif not text:
        raise click.UsageError("nothing to say")
    try:
        if image is not None:
            media_id = upload_picture(base, account, image.name, image.read_bytes())
        reply = say_to_webhook(settings, account, openid, base=base, mode=mode or default_mode(account),
                               text=" ".join(text), media_id=media_id, sandbox=settings.sandbox_mode)
    except ChatFailed as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(reply or "(no reply)")


def register(cli: click.Group) -> None:
    cli.add_command(say)
