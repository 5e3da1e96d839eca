"""`govpost account`: the accounts of the deployment, from govpost.toml and the database
(the merge rule: publisher/services/account_registry.py).

The database layer is imported in each command, so that `govpost --help` loads none of it."""
import os

import click

from bot.cli.context import CliContext, pass_cli
from publisher.account_secrets import SECRET_FIELDS, env_names, load_secret_file, missing_secrets, secret_sources
from publisher.texts import accounts as texts
from publisher.texts import publishing as publishing_texts


@click.group("account")
def account_group() -> None:
    """公众号账号: govpost.toml 里的 [[accounts]]，或在这里添加（保存在数据库里）。"""


def _slots_text(account) -> str:
    return ",".join(s.strftime("%H:%M") for s in account.slots)


@account_group.command("list")
@pass_cli
def account_list(ctx: CliContext) -> None:
    """列出账号: 在哪里配置、发布方式和发布时段。"""
    from sqlalchemy import select

    from publisher.db import transaction
    from publisher.models import Account

    runtime = ctx.runtime
    configured = {a.name for a in ctx.settings.accounts}
    with transaction(runtime.session_factory) as session:
        rows = {a.name: a for a in session.scalars(select(Account))}
    for account in runtime.settings.accounts:
        source = texts.SOURCE_FILE if account.name in configured else texts.SOURCE_DATABASE
        state = "" if account.name in rows else texts.STATE_NOT_IN_DATABASE
        click.echo(f"{account.name}\t{account.display_name}\t{account.appid}\t{_mode(account.mode)}\t"
                   f"{_slots_text(account)}\t{source}{state}")
    for row in rows.values():
        if row.managed and row.disabled_at is not None and row.name not in configured:
            click.echo(f"{row.name}\t{row.display_name}\t{row.appid}\t{_mode(row.mode)}\t\t"
                       f"{texts.SOURCE_DATABASE}\t{texts.STATE_DISABLED}")


@account_group.command("add")
@click.argument("name")
@click.option("--display-name", required=True, help="读者看到的公众号名称。")
@click.option("--appid", required=True, help="AppID（wx 加 16 位十六进制数字）。")
@click.option("--mode", default="freepublish", show_default=True, help="freepublish（发布）或 mass（群发）。")
@click.option("--slots", default="12:00,18:00", show_default=True, help="发布时段，用逗号分隔。")
@click.option("--account-type", default="subscription", show_default=True, help="subscription（订阅号）或 service（服务号）。")
@click.option("--message-mode", default=None, help="plain、compatible 或 safe（默认: 有 AES 密钥时用 safe）。")
@click.option("--author", default=None, help="文章作者（最多 8 个汉字；默认：显示名称）。")
@click.option("--review-footer/--no-review-footer", default=True, show_default=True,
              help="文末是否标注「撰稿、审核、审签」。")
@pass_cli
def account_add(ctx: CliContext, name, display_name, appid, mode, slots, account_type, message_mode, author,
                review_footer) -> None:
    """把账号添加到数据库。密钥仍放在环境变量或 secret_file 里。"""
    from sqlalchemy import select

    from publisher.db import transaction
    from publisher.models import Account
    from publisher.services.account_registry import managed_account_settings
    from publisher.services.accounts import seed_topics

    runtime = ctx.runtime
    if ctx.settings.account(name) is not None:
        raise click.ClickException(texts.IN_CONFIG_FILE.format(name=name))
    table = {"name": name, "display_name": display_name, "appid": appid, "mode": mode,
             "slots": [s.strip() for s in slots.split(",") if s.strip()], "account_type": account_type}
    if message_mode:
        table["message_mode"] = message_mode
    if author:
        table["author"] = author
    table["review_footer"] = review_footer
    if not runtime.settings.sandbox_mode:
        missing = missing_secrets(name, _environment(), load_secret_file(ctx.settings.secret_file, []))
        if missing:
            names = env_names(name)
            raise click.ClickException(texts.SECRETS_MISSING.format(
                name=name, fields="、".join(missing), env="、".join(names[f] for f in missing)))
    account, problems = managed_account_settings(table, runtime.settings, len(runtime.settings.accounts))
    if problems:
        raise click.ClickException("\n".join(texts.BAD_VALUE.format(problem=p) for p in problems))
    with transaction(runtime.session_factory) as session:
        if session.scalar(select(Account.id).where(Account.name == name)):
            raise click.ClickException(texts.EXISTS.format(name=name))
        holder = session.scalar(select(Account.name).where(Account.appid == appid))
        if holder:
            raise click.ClickException(texts.APPID_TAKEN.format(appid=appid, name=holder))
        row = Account(name=name, display_name=display_name, appid=appid, mode=mode, managed=True,
                      slots=[s.strftime("%H:%M") for s in account.slots], account_type=account.account_type,
                      message_mode=message_mode, author=author or None, review_footer=review_footer,
                      created_at=runtime.clock.now())
        session.add(row)
        session.flush()
        seed_topics(session, row, runtime.settings)
    click.echo(texts.ADDED.format(name=name, display_name=display_name))


@account_group.command("show")
@click.argument("name")
@pass_cli
def account_show(ctx: CliContext, name) -> None:
    """显示一个账号: 它的设置和每个密钥的来源（不显示密钥本身）。"""
    from sqlalchemy import select

    from publisher.db import transaction
    from publisher.models import Account

    runtime = ctx.runtime
    with transaction(runtime.session_factory) as session:
        row = session.scalar(select(Account).where(Account.name == name))
    account = runtime.settings.account(name)
    if account is None and row is None:
        raise click.ClickException(texts.NOT_FOUND.format(name=name))
    in_file = ctx.settings.account(name) is not None
    state = texts.STATE_DISABLED if row is not None and row.disabled_at is not None and not in_file \
        else texts.STATE_ACTIVE
    shown = account or row
    show = lambda key, value: click.echo(texts.SHOW_LINE.format(label=texts.SHOW_LABELS[key], key=key,  # noqa: E731
                                                                value=value))
    show("name", name)
    show("display_name", shown.display_name)
    show("appid", shown.appid)
    show("mode", publishing_texts.MODE_NAMES.get(shown.mode, shown.mode))
    if account is not None:
        show("slots", _slots_text(account))
        show("account_type", texts.ACCOUNT_TYPE_NAMES.get(account.account_type, account.account_type))
        show("message_mode", texts.MESSAGE_MODE_NAMES.get(account.message_mode, account.message_mode))
        show("author", account.author)
        show("review_footer", texts.FOOTER_ON if account.review_footer else texts.FOOTER_OFF)
    show("source", texts.SOURCE_FILE if in_file else texts.SOURCE_DATABASE)
    show("state", state)
    secret_tables = load_secret_file(ctx.settings.secret_file, [])
    resolved = {f: bool(account and getattr(account, f)) and not runtime.settings.sandbox_mode
                for f in SECRET_FIELDS}
    sources = secret_sources(name, resolved, _environment(), secret_tables)
    for field in SECRET_FIELDS:
        source = sources[field]
        show(field, texts.SECRET_SET.format(source=texts.SECRET_SOURCE_NAMES[source]) if source else texts.SECRET_UNSET)


def _mode(mode: str) -> str:
    return publishing_texts.MODE_NAMES.get(mode, mode)


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if v}


@account_group.command("disable")
@click.argument("name")
@pass_cli
def account_disable(ctx: CliContext, name) -> None:
    """停用用 `account add` 添加的账号（稿件和台账保留）。"""
    from sqlalchemy import select

    from publisher.db import transaction
    from publisher.models import Account

    runtime = ctx.runtime
    if ctx.settings.account(name) is not None:
        raise click.ClickException(texts.IN_CONFIG_FILE.format(name=name))
    with transaction(runtime.session_factory) as session:
        row = session.scalar(select(Account).where(Account.name == name))
        if row is None or not row.managed:
            raise click.ClickException(texts.NOT_FOUND.format(name=name))
        if row.disabled_at is not None:
            click.echo(texts.ALREADY_DISABLED.format(name=name))
            return
        row.disabled_at = runtime.clock.now()
    click.echo(texts.DISABLED.format(name=name))


def register(cli: click.Group) -> None:
    cli.add_command(account_group)
