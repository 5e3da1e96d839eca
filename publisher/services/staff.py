"""Staff, single-use invite codes, binding a WeChat openid, and console logins."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from publisher.services.audit import Actor, record
from publisher.core.clock import Clock
from publisher.errors import Refusal
from publisher.models import Account, AdminUser, BindFailure, InviteCode, Role, Staff
from publisher.texts import chat as chat_texts
from publisher.texts import staff as texts

# No 0/O, 1/I/L: the code is read off a screen and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
INVITE_LIFETIME = timedelta(hours=72)
# A code has 31^8 values; a few guesses an hour per sender keeps guessing hopeless.
BIND_FAILURE_LIMIT = 5
BIND_FAILURE_WINDOW = timedelta(hours=1)
SANDBOX_INVITE_KEY = b"govpost-sandbox-invite-codes"


class StaffError(Refusal):
    """A refusal whose message is for the person who asked."""


class BindRefused(StaffError):
    """A wrong, spent, cancelled or expired code. The failure is recorded in the session: the
    caller must keep that work (not roll it back) for the limit on guesses to hold."""


@dataclass(frozen=True)
class Invitation:
    staff: Staff
    code: str
    expires_at: datetime


def invite_key(settings) -> bytes:
    """The key invite codes are hashed with: the settings' secret key. The sandbox, whose
    walkthrough sets none, gets a fixed one (its codes guard nothing real)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    if settings.sandbox_mode:
        return SANDBOX_INVITE_KEY
    raise StaffError(texts.SECRET_KEY_MISSING)


def normalise_code(code: str) -> str:
    """The code as it was issued: full-width letters and digits folded (NFKC), every space
    dropped (a phone keyboard adds them, the screen shows the code in groups), upper case."""
    folded = unicodedata.normalize("NFKC", code)
    return "".join(folded.split()).upper()


def hash_code(code: str, key: bytes) -> str:
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise StaffError(texts.UNKNOWN_ROLE.format(role=value)) from None


def invite(
    session: Session, account: Account, name: str, role: str, *, clock: Clock, actor: Actor, key: bytes
) -> Invitation:
    """Create a staff record (or re-invite the unbound one of that name) with a fresh code;
    every earlier open code of that member is cancelled. A member who has bound is not
    invited again: an admin unbinds them first, so that no code can take over a binding."""
    name = name.strip()
    if not name or len(name) > 32:
        raise StaffError(texts.NAME_REQUIRED)
    parsed = parse_role(role)
    now = clock.now()
    members = _active_named(session, account.id, name)
    if any(m.openid for m in members):
        raise StaffError(texts.ALREADY_BOUND.format(name=name))
    if members:
        member = members[0]
    else:
        member = Staff(account_id=account.id, name=name, role=parsed.value, created_at=now)
        session.add(member)
        session.flush()
    member.role = parsed.value
    cancelled = _cancel_open_codes(session, member.id, now)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + INVITE_LIFETIME
    session.add(InviteCode(staff_id=member.id, code_hash=hash_code(code, key), created_at=now, expires_at=expires_at))
    record(
        session,
        account_id=account.id,
        actor=actor,
        action="staff.invite",
        at=now,
        detail={"staff_id": member.id, "name": name, "role": parsed.value, "cancelled_codes": cancelled},
    )
    return Invitation(member, code, expires_at)


def bind(
    session: Session, account: Account, openid: str, code: str, *, clock: Clock, actor: Actor, key: bytes
) -> Staff:
    """Bind `openid` to the staff record the code was made for; the code is then spent.

    One conditional UPDATE spends the code: of several senders of the same code at once,
    exactly one matches it (PostgreSQL re-checks the WHERE once the first commits; SQLite
    runs the transactions one after another), and the others are told it is used."""
    now = clock.now()
    already = staff_by_openid(session, account.id, openid)
    if already is not None:
        raise StaffError(texts.OPENID_TAKEN.format(name=already.name))
    failures = session.scalar(select(func.count()).select_from(BindFailure).where(
        BindFailure.account_id == account.id, BindFailure.openid == openid,
        BindFailure.at > now - BIND_FAILURE_WINDOW))
    if failures >= BIND_FAILURE_LIMIT:
        raise StaffError(chat_texts.BIND_TOO_MANY.format(hours=int(BIND_FAILURE_WINDOW.total_seconds() // 3600),
                                                         limit=BIND_FAILURE_LIMIT))
    invitation = session.scalar(select(InviteCode).where(InviteCode.code_hash == hash_code(code, key)))
    member = session.get(Staff, invitation.staff_id) if invitation else None
    if invitation is None or member is None or member.account_id != account.id:
        _refuse(session, account, openid, actor, now, texts.CODE_INVALID)
    spent = session.execute(
        update(InviteCode)
        .where(InviteCode.id == invitation.id, InviteCode.used_at.is_(None), InviteCode.cancelled_at.is_(None),
               InviteCode.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:
        session.refresh(invitation)
        _refuse(session, account, openid, actor, now, _why_not_open(invitation, now))
    # A member who is bound (or was deactivated) keeps their binding whatever code comes.
    taken = session.execute(
        update(Staff)
        .where(Staff.id == member.id, Staff.openid.is_(None), Staff.active.is_(True))
        .values(openid=openid, bound_at=now)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:
        _refuse(session, account, openid, actor, now, texts.CODE_CANCELLED)
    session.refresh(member)
    record(
        session,
        account_id=account.id,
        actor=Actor(f"staff:{member.id}", member.id, actor.inbound_message_id),
        action="staff.bind",
        at=now,
        detail={"staff_id": member.id},
    )
    return member


def _why_not_open(invitation: InviteCode, now: datetime) -> str:
    if invitation.used_at is not None:
        return texts.CODE_USED
    if invitation.cancelled_at is not None:
        return texts.CODE_CANCELLED
    return texts.CODE_EXPIRED


def _refuse(session: Session, account: Account, openid: str, actor: Actor, now: datetime, reason: str):
    session.add(BindFailure(account_id=account.id, openid=openid[:64], at=now,
                            inbound_message_id=actor.inbound_message_id))
    record(session, account_id=account.id, actor=actor, action="staff.bind_failed", at=now,
           detail={"openid": openid[:64], "reason": reason})
    raise BindRefused(reason)


def unbind(session: Session, account: Account, who: str, *, clock: Clock, actor: Actor) -> Staff:
    """Free a member's record from their WeChat: that openid is a citizen from now on, and
    the member binds again only with a new invite."""
    member = find_member(session, account.id, who)
    if member.openid is None:
        raise StaffError(texts.NOT_BOUND.format(name=member.name))
    now = clock.now()
    openid, member.openid, member.bound_at = member.openid, None, None
    cancelled = _cancel_open_codes(session, member.id, now)
    record(session, account_id=account.id, actor=actor, action="staff.unbind", at=now,
           detail={"staff_id": member.id, "name": member.name, "openid": openid, "cancelled_codes": cancelled})
    return member


def deactivate(session: Session, account: Account, who: str, *, clock: Clock, actor: Actor) -> Staff:
    """Remove the member named or numbered `who` (see `deactivate_member`)."""
    return deactivate_member(session, find_member(session, account.id, who), clock=clock, actor=actor)


def deactivate_member(session: Session, member: Staff, *, clock: Clock, actor: Actor) -> Staff:
    """Remove a member: the record stays (the audit log and the posts name it), inactive,
    unbound and with no open code, so that their openid is a citizen's from now on."""
    if not member.active:
        raise StaffError(texts.MEMBER_INACTIVE.format(name=member.name))
    now = clock.now()
    openid = member.openid
    member.active, member.openid, member.bound_at = False, None, None
    cancelled = _cancel_open_codes(session, member.id, now)
    record(session, account_id=member.account_id, actor=actor, action="staff.deactivate", at=now,
           detail={"staff_id": member.id, "name": member.name, "openid": openid, "cancelled_codes": cancelled})
    return member


def find_member(session: Session, account_id: int, who: str) -> Staff:
    """The active member named `who`, or numbered `who` (as `staff list` shows them)."""
    who = who.strip()
    members = _active_named(session, account_id, who)
    if not members and who.isdigit():
        member = session.get(Staff, int(who))
        members = [member] if member is not None and member.account_id == account_id and member.active else []
    if not members:
        raise StaffError(texts.NO_SUCH_MEMBER.format(who=who))
    if len(members) > 1:
        raise StaffError(texts.NAME_AMBIGUOUS.format(name=who, ids="、".join(str(m.id) for m in members)))
    return members[0]


def _active_named(session: Session, account_id: int, name: str) -> list[Staff]:
    return list(session.scalars(select(Staff).where(
        Staff.account_id == account_id, Staff.name == name, Staff.active.is_(True)).order_by(Staff.id)))


def _cancel_open_codes(session: Session, staff_id: int, now: datetime) -> int:
    result = session.execute(
        update(InviteCode)
        .where(InviteCode.staff_id == staff_id, InviteCode.used_at.is_(None), InviteCode.cancelled_at.is_(None))
        .values(cancelled_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def staff_by_openid(session: Session, account_id: int, openid: str) -> Staff | None:
    return session.scalar(
        select(Staff).where(Staff.account_id == account_id, Staff.openid == openid, Staff.active.is_(True))
    )


def list_staff(session: Session, account_id: int) -> list[Staff]:
    return list(session.scalars(select(Staff).where(Staff.account_id == account_id).order_by(Staff.id)))


def create_admin(session: Session, username: str, password: str, *, clock: Clock) -> AdminUser:
    if len(password) < 8:
        raise StaffError(texts.PASSWORD_TOO_SHORT)
    if session.scalar(select(AdminUser).where(AdminUser.username == username)):
        raise StaffError(texts.USERNAME_TAKEN.format(username=username))
    user = AdminUser(username=username, password_hash=generate_password_hash(password), created_at=clock.now())
    session.add(user)
    return user


def check_admin_password(session: Session, username: str, password: str) -> AdminUser | None:
    user = session.scalar(select(AdminUser).where(AdminUser.username == username))
    if user is not None and check_password_hash(user.password_hash, password):
        return user
    return None


def change_role(session: Session, member: Staff, role: str, *, clock: Clock, actor: Actor) -> Staff:
    parsed = parse_role(role)
    if not member.active:
        raise StaffError(texts.MEMBER_INACTIVE.format(name=member.name))
    old = member.role
    member.role = parsed.value
    record(session, account_id=member.account_id, actor=actor, action="staff.role", at=clock.now(),
           detail={"staff_id": member.id, "from": old, "to": parsed.value})
    return member
