"""`govpost account`: the accounts of the deployment, from govpost.toml and the database
(the merge rule: publisher/services/account_registry.py)."""
import click
from sqlalchemy import select

from bot.cli.context import CliContext, pass_cli
from publisher.services.account_registry import managed_account_settings
from publisher.account_secrets import SECRET_FIELDS, env_names, load_secret_file, missing_secrets, secret_sources
from publisher.services.accounts import seed_topics
from publisher.db import transaction
from publisher.models import Account
from publisher.texts import accounts as texts


@click.group("account")
def account_group() -> None:
    """Official accounts: [[accounts]] in govpost.toml, or added here (kept in the database)."""


def _slots_text(account) -> str:
    return ",".join(s.strftime("%H:%M") for s in account.slots)


@account_group.command("list")
@pass_cli
def account_list(ctx: CliContext) -> None:
    """The accounts, where each is configured, its mode and slots."""
    runtime = ctx.runtime
    configured = {a.name for a in ctx.settings.accounts}
    with transaction(runtime.session_factory) as session:
        rows = {a.name: a for a in session.scalars(select(Account))}
    for account in runtime.settings.accounts:
        source = texts.SOURCE_FILE if account.name in configured else texts.SOURCE_DATABASE
        state = "" if account.name in rows else "  (not in the database: run `govpost db upgrade`)"
        click.echo(f"{account.name}\t{account.display_name}\t{account.appid}\t{account.mode}\t"
                   f"{_slots_text(account)}\t{source}{state}")
    for row in rows.values():
        if row.managed and row.disabled_at is not None and row.name not in configured:
            click.echo(f"{row.name}\t{row.display_name}\t{row.appid}\t{row.mode}\t\t"
                       f"{texts.SOURCE_DATABASE}\t{texts.STATE_DISABLED}")


@account_group.command("add")
@click.argument("name")
@click.option("--display-name", required=True, help="The account's name as readers see it.")
@click.option("--appid", required=True, help="AppID (wx and 16 hex digits).")
@click.option("--mode", default="freepublish", show_default=True, help="freepublish or mass.")
@click.option("--slots", default="12:00,18:00", show_default=True, help="Publishing times, comma-separated.")
@click.option("--account-type", default="subscription", show_default=True, help="subscription or service.")
@click.option("--message-mode", default=None, help="plain, compatible or safe (default: safe with an AES key).")
@click.option("--author", default=None, help="文章作者（最多 8 个汉字；默认：显示名称）。")
@click.option("--review-footer/--no-review-footer", default=True, show_default=True,
              help="文末是否标注「撰稿、审核、审签」。")
@pass_cli
def account_add(ctx: CliContext, name, display_name, appid, mode, slots, account_type, message_mode, author,
                review_footer) -> None:
    """Add an account to the database. Its secrets stay in the environment or the secret_file."""
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
    """One account: its settings and where each secret comes from (never the secret)."""
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
    click.echo(f"name\t{name}")
    click.echo(f"display_name\t{shown.display_name}")
    click.echo(f"appid\t{shown.appid}")
    click.echo(f"mode\t{shown.mode}")
    if account is not None:
        click.echo(f"slots\t{_slots_text(account)}")
        click.echo(f"account_type\t{account.account_type}")
        click.echo(f"message_mode\t{account.message_mode}")
        click.echo(f"author\t{account.author}")
        click.echo(f"review_footer\t{texts.FOOTER_ON if account.review_footer else texts.FOOTER_OFF}")
    click.echo(f"source\t{texts.SOURCE_FILE if in_file else texts.SOURCE_DATABASE}")
    click.echo(f"state\t{state}")
    secret_tables = load_secret_file(ctx.settings.secret_file, [])
    resolved = {f: bool(account and getattr(account, f)) and not runtime.settings.sandbox_mode
                for f in SECRET_FIELDS}
    sources = secret_sources(name, resolved, _environment(), secret_tables)
    for field in SECRET_FIELDS:
        source = sources[field]
        click.echo(f"{field}\t{texts.SECRET_SET.format(source=source) if source else texts.SECRET_UNSET}")


def _environment() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if v}


@account_group.command("disable")
@click.argument("name")
@pass_cli
def account_disable(ctx: CliContext, name) -> None:
    """Stop using an account added with `account add` (its posts and ledger stay)."""
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
