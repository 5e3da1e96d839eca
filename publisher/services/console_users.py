"""Logins of the admin console: creating them, signing in with a lock-out counted in the
database, and which accounts a login may see."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import cache
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from publisher.services.audit import Actor, record
from publisher.core.clock import Clock
from publisher.errors import Refusal
from publisher.models import Account, AdminUser, ConsoleLoginFailure, Staff
from publisher.settings import Settings
from publisher.services.staff import StaffError, create_admin
from publisher.texts import console as texts


@cache
def _dummy_hash() -> str:
    """Checked against when the name is unknown, so that an unknown name takes as long to
    refuse as a wrong password and the timing does not tell which names exist."""
    return generate_password_hash(secrets.token_hex(16))


class LoginRefused(Refusal):
    """The message says why, in Chinese."""


@dataclass(frozen=True)
class Lockout:
    locked: bool
    until: datetime | None = None


def actor_of(user: AdminUser) -> Actor:
    """How the audit log names what a console login does; as its staff member when it has one."""
    return Actor(f"admin:{user.username}"[:64], user.staff_id)


def create_login(
    session: Session, username: str, password: str, *, account: Account | None, clock: Clock,
    staff: Staff | None = None,
) -> AdminUser:
    """A console login for `account`, or with None a county login that sees every account."""
    username = username.strip()
    if not username or len(username) > 64:
        raise StaffError(texts.USERNAME_INVALID)
    user = create_admin(session, username, password, clock=clock)
    user.account_id = account.id if account is not None else None
    if staff is not None:
        _require_same_account(user, staff)
        user.staff_id = staff.id
    session.flush()
    return user


def lockout(session: Session, username: str, *, settings: Settings, now: datetime) -> Lockout:
    """Locked while `login_failure_limit` failures fall within the last `lockout_minutes`:
    the lock lifts `lockout_minutes` after the failure that completed the count."""
    window = timedelta(minutes=settings.console_lockout_minutes)
    recent = list(session.scalars(
        select(ConsoleLoginFailure.at)
        .where(ConsoleLoginFailure.username == username[:64], ConsoleLoginFailure.at > now - window)
        .order_by(ConsoleLoginFailure.at.desc())
    ))
    limit = settings.console_login_failure_limit
    if len(recent) < limit:
        return Lockout(False)
    return Lockout(True, recent[limit - 1] + window)


def login(session: Session, username: str, password: str, *, settings: Settings, clock: Clock) -> AdminUser:
    """The login, or LoginRefused. A failure is written to `session`: the caller commits it
    even though the login was refused, or the limit on guesses would not hold."""
    now = clock.now()
    username = username.strip()[:64]
    locked = lockout(session, username, settings=settings, now=now)
    if locked.locked:
        # Guesses while locked are not counted: they would only push the lock further out
        # for the rightful user.
        raise LoginRefused(texts.LOGIN_LOCKED.format(minutes=_minutes_until(locked.until, now)))
    user = session.scalar(select(AdminUser).where(AdminUser.username == username)) if username else None
    if user is None:
        check_password_hash(_dummy_hash(), password)
    elif check_password_hash(user.password_hash, password):
        session.execute(delete(ConsoleLoginFailure).where(ConsoleLoginFailure.username == username))
        return user
    session.add(ConsoleLoginFailure(username=username, at=now))
    session.flush()
    after = lockout(session, username, settings=settings, now=now)
    if after.locked:
        raise LoginRefused(texts.LOGIN_LOCKED.format(minutes=_minutes_until(after.until, now)))
    raise LoginRefused(texts.LOGIN_WRONG)


def _minutes_until(until: datetime, now: datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))


def failure_count(session: Session, username: str) -> int:
    return session.scalar(select(func.count()).select_from(ConsoleLoginFailure)
                          .where(ConsoleLoginFailure.username == username))


def visible_accounts(session: Session, user: AdminUser) -> list[Account]:
    """The accounts a login may see: its own, or every one for a county login."""
    query = select(Account).order_by(Account.id)
    if user.account_id is not None:
        query = query.where(Account.id == user.account_id)
    return list(session.scalars(query))


def link_staff(session: Session, user: AdminUser, staff: Staff, *, clock: Clock) -> None:
    """Let the login act as `staff` in review. Once only: a login that could switch members
    could approve a post twice under two names and defeat `review.levels`."""
    if user.staff_id is not None:
        raise StaffError(texts.LINK_ALREADY)
    _require_same_account(user, staff)
    if not staff.active:
        raise StaffError(texts.LINK_INACTIVE.format(name=staff.name))
    taken = session.scalar(select(AdminUser).where(AdminUser.staff_id == staff.id))
    if taken is not None:
        raise StaffError(texts.LINK_TAKEN.format(name=staff.name, username=taken.username))
    user.staff_id = staff.id
    record(session, account_id=staff.account_id, actor=actor_of(user), action="console.link_staff",
           at=clock.now(), detail={"username": user.username, "staff_id": staff.id})


def linked_staff(session: Session, user: AdminUser) -> Staff | None:
    if user.staff_id is None:
        return None
    member = session.get(Staff, user.staff_id)
    return member if member is not None and member.active else None


def _require_same_account(user: AdminUser, staff: Staff) -> None:
    if user.account_id is not None and staff.account_id != user.account_id:
        raise StaffError(texts.LINK_OTHER_ACCOUNT)


SANDBOX_USERNAME = "admin"


def ensure_sandbox_login(session: Session, *, clock: Clock) -> tuple[str, str] | None:
    """Sandbox mode's first start: with no console login yet, make one with a random password
    and return (username, password) to print once; None when a login exists already. A county
    login, so every configured account can be tried from it."""
    if session.scalar(select(func.count()).select_from(AdminUser)):
        return None
    password = secrets.token_urlsafe(12)
    create_login(session, SANDBOX_USERNAME, password, account=None, clock=clock)
    return SANDBOX_USERNAME, password
