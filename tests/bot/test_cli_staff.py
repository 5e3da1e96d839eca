"""`govpost staff` as an admin uses it: invite, unbind, deactivate, list."""
from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import select

from bot.cli import cli
from publisher.models import AuditEntry, Staff
from publisher.texts import staff as texts


def _run(args, env):
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def _env(database_url):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": "", "GOVPOST_SECRET_KEY": "cli-test-key"}
    assert _run(["db", "upgrade"], env).exit_code == 0  # also creates the configured account
    return env


def _bind(session_factory, name: str, openid: str) -> None:
    with session_factory.begin() as session:
        member = session.scalars(select(Staff).where(Staff.name == name, Staff.active.is_(True))).one()
        member.openid = openid


def test_staff_invite_of_a_bound_name_is_refused_and_makes_no_second_member(database_url, session_factory):
    env = _env(database_url)
    assert _run(["staff", "invite", "周审核", "--role", "reviewer"], env).exit_code == 0
    _bind(session_factory, "周审核", "o-zhou")

    result = _run(["staff", "invite", "周审核", "--role", "reviewer"], env)

    assert result.exit_code == 1
    assert texts.ALREADY_BOUND.format(name="周审核") in result.output
    with session_factory() as session:
        assert session.scalars(select(Staff.name)).all() == ["周审核"]


def test_staff_unbind_then_invite_gives_the_same_member_a_new_code(database_url, session_factory):
    env = _env(database_url)
    _run(["staff", "invite", "周审核", "--role", "reviewer"], env)
    _bind(session_factory, "周审核", "o-zhou")

    result = _run(["staff", "unbind", "周审核"], env)
    assert result.exit_code == 0 and texts.UNBOUND.format(name="周审核") in result.output
    assert _run(["staff", "invite", "周审核", "--role", "reviewer"], env).exit_code == 0
    with session_factory() as session:
        assert [(m.name, m.openid) for m in session.scalars(select(Staff))] == [("周审核", None)]


def test_staff_deactivate_is_audited_and_staff_list_shows_the_member_as_deactivated(database_url, session_factory):
    env = _env(database_url)
    _run(["staff", "invite", "周审核", "--role", "reviewer"], env)
    _run(["staff", "invite", "钱编辑", "--role", "editor"], env)
    _bind(session_factory, "周审核", "o-zhou")

    result = _run(["staff", "deactivate", "周审核"], env)

    assert result.exit_code == 0 and texts.DEACTIVATED.format(name="周审核") in result.output
    listing = _run(["staff", "list"], env).output.splitlines()
    assert listing == [f"1\t周审核\t审核人\t{texts.DEACTIVATED_LABEL}", f"2\t钱编辑\t编辑\t{texts.UNBOUND_LABEL}"]
    with session_factory() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.deactivate")).one()
        assert entry.actor == "cli" and entry.detail["openid"] == "o-zhou"


def test_staff_unbind_of_an_unknown_name_gets_a_chinese_reason_not_a_traceback(database_url):
    result = _run(["staff", "unbind", "无此人"], _env(database_url))
    assert result.exit_code == 1 and texts.NO_SUCH_MEMBER.format(who="无此人") in result.output
