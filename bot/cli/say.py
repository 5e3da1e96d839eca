"""`govpost say`: talk to a running webhook as a staff member, signed (and in safe mode
encrypted) exactly as WeChat does, and print the reply. The quickest way to try the bot."""
from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import CliContext, pass_cli
from bot.cli.failures import Failure
from publisher.texts import cli as cli_texts


@click.command("say")
@click.argument("text", nargs=-1)
@click.option("--as", "name", help="员工姓名（已绑定的用他的 openid，否则用一个固定的 openid 来绑定）。")
@click.option("--openid", help="改用这个 openid 发送（例如模拟群众）。")
@click.option("--mode", type=click.Choice(["plain", "compatible", "safe"]), default=None,
              help="消息加密方式；默认用账号的 message_mode。")
@click.option("--url", default=None, help="运行中的 govpost（默认: 设置 url 或 GOVPOST_URL，即 http://127.0.0.1:8000）。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@click.option("--image", "image", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="发送一张图片而不是文字（沙箱模式: 先上传到沙箱）。")
@pass_cli
def say(cli: CliContext, text, name, openid, mode, url, account_name, image) -> None:
    """以员工 NAME 的身份把 TEXT 发给 webhook，并显示回复，例如
    `govpost say --as 张三 投稿 #乡村振兴 合作社分红大会召开`。"""
    from sqlalchemy import select

    from bot.sandbox_chat import ChatFailed, default_mode, openid_for, say as say_to_webhook, upload_picture
    from publisher.models import Staff

    settings = cli.settings
    account = settings.account(account_name) if account_name else settings.default_account
    if account is None:
        raise click.ClickException(cli_texts.UNKNOWN_ACCOUNT.format(name=account_name))
    mode = mode or default_mode(account)
    if mode != "plain" and not account.aes_key:
        raise Failure(cli_texts.SAY_NEEDS_AES_KEY.format(name=account.name, mode=mode), config=True)
    if image is not None:
        if not settings.sandbox_mode:
            raise click.UsageError(cli_texts.SAY_IMAGE_NEEDS_SANDBOX)
    elif not text:
        raise click.UsageError(cli_texts.SAY_NOTHING)
    if not openid:
        if not name:
            raise click.UsageError(cli_texts.SAY_NEEDS_SENDER)
        with cli.runtime.session_factory() as session:
            row = cli.account(session, account.name)
            member = session.scalar(select(Staff).where(Staff.account_id == row.id, Staff.name == name,
                                                        Staff.openid.is_not(None)))
        openid = member.openid if member else openid_for(name)
    base = (url or settings.url).rstrip("/")
    media_id = None
    try:
        if image is not None:
            media_id = upload_picture(base, account, image.name, image.read_bytes())
        reply = say_to_webhook(settings, account, openid, base=base, mode=mode,
                               text=" ".join(text), media_id=media_id, sandbox=settings.sandbox_mode)
    except ChatFailed as exc:
        raise Failure(str(exc)) from None
    click.echo(reply or cli_texts.SAY_NO_REPLY)


def register(cli: click.Group) -> None:
    cli.add_command(say)
