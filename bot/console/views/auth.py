"""登录 and 退出."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for

from bot.console import blueprint
from bot.console.web import db, is_local, runtime
from publisher.errors import Refusal
from publisher.services.console_users import login as check_login
from publisher.texts import console as texts


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        rt = runtime()
        try:
            user = check_login(db(), request.form.get("username", ""), request.form.get("password", ""),
                               settings=rt.settings, clock=rt.clock)
        except Refusal as refusal:
            db().commit()  # the failure must count
            error = str(refusal)
        else:
            db().commit()
            # A fresh session: nothing an attacker planted before the login survives it.
            session.clear()
            session.permanent = True
            session["uid"] = user.id
            return redirect(_safe_next(request.args.get("next")))
    return render_template("console/login.html", error=error), 401 if error else 200


@blueprint.post("/logout")
def logout():
    session.clear()
    flash(texts.LOGGED_OUT, "info")
    return redirect(url_for("console.login"))


@blueprint.post("/account")
def switch_account():
    from flask import g

    wanted = request.form.get("account_id", type=int)
    if any(a.id == wanted for a in g.accounts):
        session["account_id"] = wanted
    return redirect(url_for("console.dashboard"))


def _safe_next(target: str | None) -> str:
    if is_local(target) and not target.startswith("/login"):
        return target
    return url_for("console.dashboard")
