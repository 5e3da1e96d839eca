"""Staff, single-use invite codes, binding a WeChat openid, and console logins."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from publisher.audit import Actor, record
from publisher.clock import Clock
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


class StaffError(Exception):
    """A refusal whose message is for the person who asked."""


class BindRefused(StaffError):
    """A wrong, spent or expired code. The failure is recorded in the session: the caller must
    keep that work (not roll it back) for the limit on guesses to hold."""


@dataclass(frozen=True)
class Invitation:
    staff: Staff
    code: str
    expires_at: datetime


def hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def parse_role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError:
        raise StaffError(texts.UNKNOWN_ROLE.format(role=value)) from None


def invite(
    session: Session, account: Account, name: str, role: str, *, clock: Clock, actor: Actor
) -> Invitation:
    """Create a staff record (or re-invite an unbound one of that name) with a fresh code."""
    name = name.strip()
    if not name or len(name) > 32:
        raise StaffError(texts.NAME_REQUIRED)
    parsed = parse_role(role)
    now = clock.now()
    member = session.scalar(
        select(Staff).where(Staff.account_id == account.id, Staff.name == name, Staff.openid.is_(None))
    )
    if member is None:
        member = Staff(account_id=account.id, name=name, role=parsed.value, created_at=now)
        session.add(member)
        session.flush()
    member.role = parsed.value
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires_at = now + INVITE_LIFETIME
    session.add(InviteCode(staff_id=member.id, code_hash=hash_code(code), created_at=now, expires_at=expires_at))
    record(
        session,
        account_id=account.id,
        actor=actor,
        action="staff.invite",
        at=now,
        detail={"staff_id": member.id, "name": name, "role": parsed.value},
    )
    return Invitation(member, code, expires_at)


def bind(session: Session, account: Account, openid: str, code: str, *, clock: Clock, actor: Actor) -> Staff:
    """Bind `openid` to the staff record the code was made for; the code is then spent."""
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
    invitation = session.scalar(select(InviteCode).where(InviteCode.code_hash == hash_code(code)))
    member = session.get(Staff, invitation.staff_id) if invitation else None
    refusal = None
    if invitation is None or member is None or member.account_id != account.id:
        refusal = texts.CODE_INVALID
    elif invitation.used_at is not None:
        refusal = texts.CODE_USED
    elif invitation.expires_at <= now:
        refusal = texts.CODE_EXPIRED
    if refusal is not None:
        session.add(BindFailure(account_id=account.id, openid=openid[:64], at=now,
                                inbound_message_id=actor.inbound_message_id))
        record(session, account_id=account.id, actor=actor, action="staff.bind_failed", at=now,
               detail={"openid": openid[:64], "reason": refusal})
        raise BindRefused(refusal)
    invitation.used_at = now
    member.openid = openid
    member.bound_at = now
    record(
        session,
        account_id=account.id,
        actor=Actor(f"staff:{member.id}", member.id, actor.inbound_message_id),
        action="staff.bind",
        at=now,
        detail={"staff_id": member.id},
    )
    return member


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


# -- Changing a member (the admin console's staff page). hardening-staff may bring its own
# versions of these; the lead keeps one.


def change_role(session: Session, member: Staff, role: str, *, clock: Clock, actor: Actor) -> Staff:
    parsed = parse_role(role)
    if not member.active:
        raise StaffError(texts.MEMBER_INACTIVE.format(name=member.name))
    old = member.role
    member.role = parsed.value
    record(session, account_id=member.account_id, actor=actor, action="staff.role", at=clock.now(),
           detail={"staff_id": member.id, "from": old, "to": parsed.value})
    return member


def deactivate(session: Session, member: Staff, *, clock: Clock, actor: Actor) -> Staff:
    """From now on the member's openid is a citizen's: no command, no notice, no review."""
    if not member.active:
        raise StaffError(texts.MEMBER_INACTIVE.format(name=member.name))
    member.active = False
    record(session, account_id=member.account_id, actor=actor, action="staff.deactivate", at=clock.now(),
           detail={"staff_id": member.id})
    return member
