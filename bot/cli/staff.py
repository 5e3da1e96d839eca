import click

from bot.cli.context import CliContext, pass_cli
from publisher.services.audit import CLI
from publisher.db import transaction
from publisher.errors import Refusal
from publisher.models import ROLES
from publisher.services.console_users import create_login
from publisher.services.staff import deactivate, invite, invite_key, list_staff, unbind
from publisher.texts import staff as texts


@click.group("staff")
def staff_group() -> None:
    """Staff who command the account from WeChat."""


@staff_group.command("invite")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--account", "account_name", help="Account name (default: the first).")
@pass_cli
def staff_invite(ctx: CliContext, name: str, role: str, account_name: str | None) -> None:
    """Invite NAME; prints a one-time binding code as the last line."""
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            invitation = invite(session, account, name, role, clock=runtime.clock, actor=CLI,
                                key=invite_key(runtime.settings))
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    local = invitation.expires_at.astimezone(runtime.settings.timezone)
    click.echo(
        texts.INVITED.format(name=name, role=texts.ROLE_NAMES[role], code=invitation.code,
                             expires=f"{local:%Y-%m-%d %H:%M}")
    )
    click.echo(invitation.code)


@staff_group.command("list")
@click.option("--account", "account_name")
@pass_cli
def staff_list(ctx: CliContext, account_name: str | None) -> None:
    """Staff and whether they have bound their WeChat."""
    runtime = ctx.runtime
    with transaction(runtime.session_factory) as session:
        account = ctx.account(session, account_name)
        for member in list_staff(session, account.id):
            bound = (texts.DEACTIVATED_LABEL if not member.active
                     else texts.BOUND_LABEL if member.openid else texts.UNBOUND_LABEL)
            click.echo(f"{member.id}\t{member.name}\t{texts.ROLE_NAMES.get(member.role, member.role)}\t{bound}")


@staff_group.command("unbind")
@click.argument("name")
@click.option("--account", "account_name", help="Account name (default: the first).")
@pass_cli
def staff_unbind(ctx: CliContext, name: str, account_name: str | None) -> None:
    """Free NAME (or the number `staff list` shows) from their WeChat, before a new invite."""
    _change(ctx, unbind, name, account_name, texts.UNBOUND)


@staff_group.command("deactivate")
@click.argument("name")
@click.option("--account", "account_name", help="Account name (default: the first).")
@pass_cli
def staff_deactivate(ctx: CliContext, name: str, account_name: str | None) -> None:
    """Remove NAME (or number): unbound, codes void, kept in the records as deactivated."""
    _change(ctx, deactivate, name, account_name, texts.DEACTIVATED)


def _change(ctx: CliContext, change, name: str, account_name: str | None, done: str) -> None:
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            member = change(session, account, name, clock=runtime.clock, actor=CLI)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(done.format(name=member.name))


@click.group("admin")
def admin_group() -> None:
    """Logins for the admin console (SPEC §9)."""


@admin_group.command("create")
@click.argument("username")
@click.password_option("--password", prompt="Password", help="For scripts; asked for otherwise.")
@click.option("--account", "account_name", help="The one account this login sees (default: every account, "
                                                "a county login).")
@pass_cli
def admin_create(ctx: CliContext, username: str, password: str, account_name: str | None) -> None:
    """Create a console login USER."""
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name) if account_name else None
            create_login(session, username, password, account=account, clock=runtime.clock)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"admin {username} created")


def register(cli: click.Group) -> None:
    cli.add_command(staff_group)
    cli.add_command(admin_group)
