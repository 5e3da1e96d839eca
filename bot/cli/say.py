"""`govpost say`: talk to a running webhook as a staff member, signed (and in safe mode
encrypted) exactly as WeChat does, and print the reply. The quickest way to try the bot."""
from __future__ import annotations

import hashlib
from pathlib import Path

import click
from sqlalchemy import select

from bot.cli.context import CliContext, pass_cli
from publisher.models import Staff
from publisher.texts import cli as cli_texts


def openid_for(name: str) -> str:
    """A stable 28-character openid for a name, used until that member is bound."""
    return "oSay" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:24]


@click.command("say")
@click.argument("text", nargs=-1)
@click.option("--as", "name", help="Staff member's name (their bound openid, or a stable one to bind with).")
@click.option("--openid", help="Send as this openid instead (e.g. a citizen).")
@click.option("--mode", type=click.Choice(["plain", "compatible", "safe"]), default=None,
              help="Message encryption; default: safe when the account has an EncodingAESKey.")
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The running govpost.")
@click.option("--account", "account_name", help="Account name (default: the first).")
@click.option("--image", "image", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Send a picture instead of text (sandbox mode: uploaded to the sandbox first).")
@pass_cli
def say(cli: CliContext, text, name, openid, mode, url, account_name, image) -> None:
    """Send TEXT to the webhook as staff member NAME and print the reply, e.g.
    `govpost say --as 张三 投稿 #乡村振兴 合作社分红大会召开`."""
    # Imported here: the sandbox and requests would slow every other command's start.
    import requests
    import xmltodict

    from publisher.sandbox import build_image_message, build_text_message, decrypt_reply, wechat_post

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
    mode = mode or ("safe" if account.aes_key else "plain")
    base = url.rstrip("/")
    webhook = base + ("/wechat" if account == settings.default_account else f"/wechat/{account.name}")
    sandbox_url = base if settings.sandbox_mode else None
    if image is not None:
        if not sandbox_url:
            raise click.ClickException("--image needs sandbox mode (real WeChat media ids come from a phone)")
        try:
            media = requests.post(f"{base}/sandbox/user_media", params={"appid": account.appid,
                                  "filename": image.name}, data=image.read_bytes(), timeout=10)
            media.raise_for_status()
        except requests.RequestException as exc:
            raise click.ClickException(f"cannot upload the picture to the sandbox at {base}: {exc}") from None
        xml = build_image_message("gh_govpost", openid, media.json()["media_id"])
    else:
        if not text:
            raise click.UsageError("nothing to say")
        xml = build_text_message("gh_govpost", openid, " ".join(text))
    try:
        response = wechat_post(webhook, xml, account, mode=mode, sandbox_url=sandbox_url, timeout=10)
    except requests.RequestException as exc:
        raise click.ClickException(f"cannot reach {webhook}: {exc}") from None
    if response.status_code != 200:
        raise click.ClickException(f"webhook answered HTTP {response.status_code}")
    reply = decrypt_reply(response, account)
    if reply in ("", "success"):
        click.echo("(no reply)")
        return
    click.echo(xmltodict.parse(reply)["xml"].get("Content") or "")


def register(cli: click.Group) -> None:
    cli.add_command(say)
