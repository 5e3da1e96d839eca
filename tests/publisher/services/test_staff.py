import hashlib
import hmac

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from publisher.models import AuditEntry, InviteCode, Staff
from publisher.services.audit import CLI, SYSTEM
from publisher.services.staff import (
    BindRefused,
    StaffError,
    check_admin_password,
    create_admin,
    deactivate,
    hash_code,
    invite,
    invite_key,
    staff_by_openid,
    unbind,
)
from publisher.texts import staff as texts
from tests.conftest import make_settings

KEY = b"test-secret-key"


def _invite(session_factory, account, clock, name="张三", role="editor"):
    with session_factory.begin() as session:
        return invite(session, account, name, role, clock=clock, actor=CLI, key=KEY)


def bind(session, account, openid, code, *, clock, actor, key=KEY):
    """publisher.services.staff.bind with the tests' key."""
    from publisher.services import staff

    return staff.bind(session, account, openid, code, clock=clock, actor=actor, key=key)


def _try_bind(session_factory, account, openid, code, clock) -> str:
    """The answer a sender gets: the member's name, or the refusal (whose failure is kept)."""
    with session_factory.begin() as session:
        try:
            return bind(session, account, openid, code, clock=clock, actor=SYSTEM).name
        except BindRefused as refused:
            return str(refused)


def test_invite_keeps_only_the_hash_of_the_code(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock)
    with session_factory() as session:
        stored = session.scalars(select(InviteCode)).one()
    assert stored.code_hash == hash_code(invitation.code, KEY)
    assert invitation.code not in stored.code_hash


def test_invite_codes_are_stored_as_an_hmac_keyed_with_the_secret_key(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock)
    with session_factory() as session:
        stored = session.scalars(select(InviteCode)).one().code_hash
    assert stored == hmac.new(KEY, invitation.code.encode(), hashlib.sha256).hexdigest()
    assert stored != hashlib.sha256(invitation.code.encode()).hexdigest()
    # A server with another key (or none: a leaked table alone) matches the code to nothing.
    with session_factory.begin() as session, pytest.raises(BindRefused, match="无效"):
        bind(session, account, "o-x", invitation.code, clock=clock, actor=SYSTEM, key=b"another-key")


def test_the_invite_key_is_the_secret_key_and_a_real_account_needs_one(database_url):
    assert invite_key(make_settings(database_url)) == b"test-secret-key"
    real = {"name": "default", "appid": "wx0123456789abcdef", "secret": "s" * 32, "token": "tok",
            "slots": ["12:00"]}
    with pytest.raises(StaffError, match="secret_key"):
        invite_key(make_settings(database_url, secret_key="", accounts=[real]))


def test_a_new_invite_cancels_the_earlier_open_codes_of_that_member(session_factory, account, clock):
    first = _invite(session_factory, account, clock, "周审核", "editor")
    second = _invite(session_factory, account, clock, "周审核", "reviewer")

    assert _try_bind(session_factory, account, "o-stranger", first.code, clock) == texts.CODE_CANCELLED
    assert _try_bind(session_factory, account, "o-zhou", second.code, clock) == "周审核"
    with session_factory() as session:
        assert [(m.name, m.role, m.openid) for m in session.scalars(select(Staff))] == [
            ("周审核", "reviewer", "o-zhou")]


def test_an_old_code_never_takes_over_a_bound_member(session_factory, account, clock):
    """The attack of the issue: C1 and C2 issued, the member binds with C2, C1 is tried."""
    first = _invite(session_factory, account, clock, "周审核", "reviewer")
    second = _invite(session_factory, account, clock, "周审核", "reviewer")
    assert _try_bind(session_factory, account, "o-zhou", second.code, clock) == "周审核"

    assert _try_bind(session_factory, account, "o-attacker", first.code, clock) != "周审核"
    with session_factory() as session:
        assert staff_by_openid(session, 1, "o-zhou").name == "周审核"
        assert staff_by_openid(session, 1, "o-attacker") is None


def test_an_open_code_of_a_member_bound_since_binds_nobody(session_factory, account, clock):
    """A code issued before the cancel-on-invite rule (or by any other path) still cannot
    rebind: the binding itself is conditional on the member being unbound."""
    first = _invite(session_factory, account, clock, "周审核", "reviewer")
    with session_factory.begin() as session:
        session.add(InviteCode(staff_id=first.staff.id, code_hash=hash_code("LEFTOVER", KEY),
                               created_at=clock.now(), expires_at=first.expires_at))
    assert _try_bind(session_factory, account, "o-zhou", first.code, clock) == "周审核"

    assert _try_bind(session_factory, account, "o-attacker", "LEFTOVER", clock) == texts.CODE_CANCELLED
    with session_factory() as session:
        assert session.get(Staff, first.staff.id).openid == "o-zhou"


def test_inviting_a_bound_name_is_refused_and_names_staff_unbind(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock, "周审核", "reviewer")
    _try_bind(session_factory, account, "o-zhou", invitation.code, clock)

    with pytest.raises(StaffError) as refused:
        _invite(session_factory, account, clock, "周审核", "admin")
    assert str(refused.value) == texts.ALREADY_BOUND.format(name="周审核")
    assert "govpost staff unbind 周审核" in str(refused.value)
    with session_factory() as session:
        assert [(m.name, m.role) for m in session.scalars(select(Staff))] == [("周审核", "reviewer")]


def test_unbind_frees_the_member_for_a_new_invite_and_is_audited(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock, "周审核", "reviewer")
    _try_bind(session_factory, account, "o-old-phone", invitation.code, clock)
    with session_factory.begin() as session:
        unbind(session, account, "周审核", clock=clock, actor=CLI)
    with session_factory() as session:
        assert staff_by_openid(session, account.id, "o-old-phone") is None
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.unbind")).one()
        assert entry.actor == "cli" and entry.detail["openid"] == "o-old-phone"

    again = _invite(session_factory, account, clock, "周审核", "reviewer")
    assert _try_bind(session_factory, account, "o-new-phone", again.code, clock) == "周审核"
    with session_factory() as session:
        assert session.scalars(select(Staff)).one().openid == "o-new-phone"


def test_unbinding_a_member_not_bound_is_refused_in_chinese(session_factory, account, clock):
    _invite(session_factory, account, clock, "周审核", "reviewer")
    with pytest.raises(StaffError, match="尚未绑定"), session_factory.begin() as session:
        unbind(session, account, "周审核", clock=clock, actor=CLI)
    with pytest.raises(StaffError, match="没有名为"), session_factory.begin() as session:
        unbind(session, account, "无此人", clock=clock, actor=CLI)


def test_a_deactivated_member_is_a_citizen_and_their_open_code_is_void(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock, "周审核", "reviewer")
    _try_bind(session_factory, account, "o-zhou", invitation.code, clock)
    pending = _invite(session_factory, account, clock, "钱编辑", "editor")
    with session_factory.begin() as session:
        deactivate(session, account, "周审核", clock=clock, actor=CLI)
        deactivate(session, account, "钱编辑", clock=clock, actor=CLI)

    assert _try_bind(session_factory, account, "o-qian", pending.code, clock) == texts.CODE_CANCELLED
    with session_factory() as session:
        assert staff_by_openid(session, account.id, "o-zhou") is None
        assert [m.active for m in session.scalars(select(Staff))] == [False, False]
        actions = [e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.deactivate"))]
        assert actions == ["staff.deactivate", "staff.deactivate"]


def test_the_same_person_binds_again_after_being_deactivated_and_reinvited(session_factory, account, clock):
    invitation = _invite(session_factory, account, clock, "周审核", "reviewer")
    _try_bind(session_factory, account, "o-zhou", invitation.code, clock)
    with session_factory.begin() as session:
        deactivate(session, account, "周审核", clock=clock, actor=CLI)

    again = _invite(session_factory, account, clock, "周审核", "editor")
    assert _try_bind(session_factory, account, "o-zhou", again.code, clock) == "周审核"
    with session_factory() as session:
        assert [(m.active, m.role, m.openid) for m in session.scalars(select(Staff).order_by(Staff.id))] == [
            (False, "reviewer", None), (True, "editor", "o-zhou")]


@pytest.mark.parametrize("typed", ["full width", "spaced", "full width with ideographic spaces", "lower"])
def test_a_code_typed_full_width_or_with_spaces_is_normalised_before_it_is_checked(
    session_factory, account, clock, typed
):
    code = _invite(session_factory, account, clock).code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    shown = {"full width": full_width, "spaced": f" {code[:4]} {code[4:]} ",
             "full width with ideographic spaces": f"{full_width[:4]}\u3000{full_width[4:]}",
             "lower": code.lower()}[typed]
    assert _try_bind(session_factory, account, "o-zhangsan", shown, clock) == "张三"


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


@pytest.mark.real_password_hashing
def test_admin_password_is_hashed_at_werkzeugs_full_default_cost(session_factory, clock):
    with session_factory.begin() as session:
        stored = create_admin(session, "wang", "correct horse", clock=clock).password_hash
    default_method = generate_password_hash("anything").split("$", 1)[0]
    assert stored.split("$", 1)[0] == default_method
    with session_factory() as session:
        assert check_admin_password(session, "wang", "correct horse") is not None


def test_short_admin_password_is_refused(session_factory, clock):
    with pytest.raises(StaffError), session_factory.begin() as session:
        create_admin(session, "wang", "short", clock=clock)
