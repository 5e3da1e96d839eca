"""What every console view shares: the request's database session, the signed-in login,
the account being looked at, the login guard, and refusals turned into messages."""
from __future__ import annotations

from typing import Callable

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy.orm import Session

from bot.console import blueprint, csrf
from flask_wtf.csrf import CSRFError
from publisher.services.accounts import AccountContext
from publisher.services.console_users import visible_accounts
from publisher.errors import Refusal
from publisher.models import AdminUser
from publisher.runtime import Runtime
from publisher.texts import console as texts

PUBLIC_ENDPOINTS = {"console.login", "console.static"}


def runtime() -> Runtime:
    return current_app.extensions["govpost"]


def db() -> Session:
    """The request's session, opened on first use. A page (GET or HEAD) only reads: its session
    takes no SQLite write lock, so a report download that takes a minute, or a view that posts
    to the webhook, never holds the webhook's and the scheduler's writes behind it (they would
    wait the busy timeout and fail). A form's post writes in a write transaction."""
    if "console_db" not in g:
        rt = runtime()
        reads_only = request.method in ("GET", "HEAD")
        g.console_db = (rt.read_session_factory if reads_only else rt.session_factory)()
    return g.console_db


@blueprint.teardown_request
def close_db(_exc) -> None:
    session_ = g.pop("console_db", None)
    if session_ is not None:
        session_.close()


@blueprint.before_request
def guard():
    posted = request.method not in ("GET", "HEAD", "OPTIONS")
    if request.endpoint in PUBLIC_ENDPOINTS:
        if posted:
            csrf.protect()
        return None
    user = db().get(AdminUser, session.get("uid")) if session.get("uid") else None
    if user is None:
        # No view runs without a session, so nothing changes; the token is not needed to say so.
        session.clear()
        flash(texts.LOGIN_REQUIRED, "info")
        return redirect(url_for("console.login", next=request.full_path if not posted else None))
    if posted:
        csrf.protect()
    g.user = user
    g.accounts = visible_accounts(db(), user)
    wanted = session.get("account_id")
    row = next((a for a in g.accounts if a.id == wanted), g.accounts[0] if g.accounts else None)
    if row is None:
        abort(404)
    try:
        g.account = AccountContext.of(row, runtime().settings)
    except LookupError:
        abort(404)  # a row left from an account no longer configured: nothing here runs on it
    return None


@blueprint.errorhandler(404)
def _not_found(_error):
    return render_template("console/error.html", message=texts.NOT_FOUND), 404


@blueprint.errorhandler(CSRFError)
def csrf_refused(_error):
    # Nothing ran: the token is checked before the view.
    return render_template("console/error.html", message=texts.CSRF_REFUSED), 400


def account() -> AccountContext:
    return g.account


def owned(model, row_id: int):
    """A row of the account being looked at, or 404: another account's rows do not exist here."""
    row = db().get(model, row_id)
    if row is None or getattr(row, "account_id", None) != g.account.id:
        abort(404)
    return row


def act(action: Callable[[], str | None], back: str):
    """Run a service call; commit and show its message, or roll back and show the refusal."""
    try:
        message = action()
    except Refusal as refusal:
        db().rollback()
        flash(str(refusal), "error")
    else:
        db().commit()
        if message:
            flash(message, "ok")
    return redirect(back)


def back_to(default: str) -> str:
    """Where a form goes after posting: its own page, never another site."""
    target = request.form.get("back") or ""
    return target if is_local(target) else default


def is_local(target: str | None) -> bool:
    """A path on this site: browsers read "//host" and "/\\host" as another site."""
    return bool(target) and target.startswith("/") and not target.startswith(("//", "/\\"))
