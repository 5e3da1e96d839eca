import click

from bot.cli.context import CliContext, pass_cli
from publisher.core.roles import ROLES
from publisher.errors import Refusal
from publisher.texts import staff as texts


@click.group("staff")
def staff_group() -> None:
    """在微信里操作公众号的员工。"""


@staff_group.command("invite")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="editor（编辑）、reviewer（审核人）或 admin（管理员）。")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def staff_invite(ctx: CliContext, name: str, role: str, account_name: str | None) -> None:
    """邀请 NAME；最后一行是一次性绑定码。"""
    from publisher.db import transaction
    from publisher.services.audit import CLI
    from publisher.services.staff import invite, invite_key

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
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def staff_list(ctx: CliContext, account_name: str | None) -> None:
    """列出员工，以及是否已绑定微信。"""
    from publisher.db import transaction
    from publisher.services.staff import list_staff

    runtime = ctx.runtime
    with transaction(runtime.session_factory) as session:
        account = ctx.account(session, account_name)
        for member in list_staff(session, account.id):
            bound = (texts.DEACTIVATED_LABEL if not member.active
                     else texts.BOUND_LABEL if member.openid else texts.UNBOUND_LABEL)
            click.echo(f"{member.id}\t{member.name}\t{texts.ROLE_NAMES.get(member.role, member.role)}\t{bound}")


@staff_group.command("unbind")
@click.argument("name")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def staff_unbind(ctx: CliContext, name: str, account_name: str | None) -> None:
    """解除 NAME（或 `staff list` 显示的编号）与微信的绑定，以便重新邀请。"""
    from publisher.services.staff import unbind

    _change(ctx, unbind, name, account_name, texts.UNBOUND)


@staff_group.command("deactivate")
@click.argument("name")
@click.option("--account", "account_name", help="账号名（默认: 第一个）。")
@pass_cli
def staff_deactivate(ctx: CliContext, name: str, account_name: str | None) -> None:
    """停用 NAME（或编号）: 解除绑定、绑定码作废，记录中保留为已停用。"""
    from publisher.services.staff import deactivate

    _change(ctx, deactivate, name, account_name, texts.DEACTIVATED)


def _change(ctx: CliContext, change, name: str, account_name: str | None, done: str) -> None:
    from publisher.db import transaction
    from publisher.services.audit import CLI

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
    """管理控制台的登录账号（SPEC §9）。"""


@admin_group.command("create")
@click.argument("username")
@click.password_option("--password", prompt="密码", help="供脚本使用；不给时会询问。")
@click.option("--account", "account_name", help="这个登录只能看的账号（默认: 全部账号，即县级登录）。")
@pass_cli
def admin_create(ctx: CliContext, username: str, password: str, account_name: str | None) -> None:
    """创建控制台登录 USERNAME。"""
    from publisher.db import transaction
    from publisher.services.console_users import create_login

    runtime = ctx.runtime
    try:
        with transaction(runtime.session_factory) as session:
            account = ctx.account(session, account_name) if account_name else None
            create_login(session, username, password, account=account, clock=runtime.clock)
    except Refusal as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(texts.ADMIN_CREATED.format(username=username))


def register(cli: click.Group) -> None:
    cli.add_command(staff_group)
    cli.add_command(admin_group)
