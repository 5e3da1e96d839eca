import click

from bot.cli.context import CliContext, pass_cli
from publisher.audit import CLI
from publisher.db import transaction
from publisher.staff import StaffError, create_admin, invite, list_staff
from publisher.texts.staff import ROLE_NAMES


@click.group("staff")
def staff_group() -> None:
    """Staff who command the account from WeChat."""


@staff_group.command("invite")
@click.argument("name")
@click.option("--role", type=click.Choice(["editor", "reviewer", "admin"]), required=True)
@click.option("--account", "account_name", help="Account name (default: the first).")
@pass_cli
def staff_invite(ctx: CliContext, name: str, role: str, account_name: str | None) -> None:
    """Invite NAME; prints a one-time binding code as the last line."""
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name)
            invitation = invite(session, account, name, role, clock=runtime.clock, actor=CLI)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from None
    local = invitation.expires_at.astimezone(runtime.settings.timezone)
    click.echo(f"{name}（{ROLE_NAMES[role]}）请向公众号发送「绑定 {invitation.code}」，{local:%Y-%m-%d %H:%M} 前有效。")
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
            bound = "已绑定" if member.openid else "未绑定"
            click.echo(f"{member.id}\t{member.name}\t{ROLE_NAMES.get(member.role, member.role)}\t{bound}")


@click.group("admin")
def admin_group() -> None:
    """Logins for the admin console."""


@admin_group.command("create")
@click.argument("username")
@click.password_option("--password", prompt="Password", help="For scripts; asked for otherwise.")
@pass_cli
def admin_create(ctx: CliContext, username: str, password: str) -> None:
    """Create a console login USER."""
    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            create_admin(session, username, password, clock=runtime.clock)
    except StaffError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"admin {username} created")


def register(cli: click.Group) -> None:
    cli.add_command(staff_group)
    cli.add_command(admin_group)
