import pytest
from sqlalchemy import select

from publisher.audit import CLI, SYSTEM
from publisher.models import AuditEntry, InviteCode, Staff
from publisher.staff import StaffError, bind, check_admin_password, create_admin, hash_code, invite


def _invite(session_factory, account, clock, name="张三", role="editor"):
    with session_factory.begin() as session:
        return invite(session, account, name, role, clock=clock, actor=CLI)


def test_invite_keeps_only_the_hash_of_the_code(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock)
    with session_factory() as session:
        stored = session.scalars(select(InviteCode)).one()
    assert stored.code_hash == hash_code(invitation.code)
    assert invitation.code not in stored.code_hash


def test_binding_with_the_code_ties_the_openid_to_the_staff_record(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock)
    with session_factory.begin() as session:
        member = bind(session, account, "o-zhangsan", invitation.code.lower(), clock=clock, actor=SYSTEM)
    assert member.name == "张三" and member.openid == "o-zhangsan"
    with session_factory() as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["staff.invite", "staff.bind"]


def test_a_code_binds_once(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock)
    with session_factory.begin() as session:
        bind(session, account, "o-first", invitation.code, clock=clock, actor=SYSTEM)
    with pytest.raises(StaffError, match="已使用"), session_factory.begin() as session:
        bind(session, account, "o-second", invitation.code, clock=clock, actor=SYSTEM)


def test_an_expired_code_binds_nobody(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock)
    clock.advance(hours=73)
    with pytest.raises(StaffError, match="过期"), session_factory.begin() as session:
        bind(session, account, "o-late", invitation.code, clock=clock, actor=SYSTEM)
    with session_factory() as session:
        assert session.scalars(select(Staff)).one().openid is None


def test_a_wrong_code_is_refused(session_factory, account, clock):
    _invite(session_factory, account, clock)
    with pytest.raises(StaffError, match="无效"), session_factory.begin() as session:
        bind(session, account, "o-guess", "AAAAAAAA", clock=clock, actor=SYSTEM)


def test_unknown_role_is_refused_in_chinese(session_factory, account, clock):
    with pytest.raises(StaffError, match="角色「boss」无效"):
        _invite(session_factory, account, clock, role="boss")


def test_admin_password_is_hashed_and_checked(session_factory, clock):
    with session_factory.begin() as session:
        user = create_admin(session, "wang", "correct horse", clock=clock)
        assert "correct horse" not in user.password_hash
    with session_factory() as session:
        assert check_admin_password(session, "wang", "correct horse") is not None
        assert check_admin_password(session, "wang", "wrong") is None


def test_short_admin_password_is_refused(session_factory, clock):
    with pytest.raises(StaffError), session_factory.begin() as session:
        create_admin(session, "wang", "short", clock=clock)
