"""The admin console (SPEC §9): server-rendered pages behind a login.

Every view turns a request into a call to the same services the chat and the CLI use, and
maps their refusals to a message on the page; no rule lives here. Only the login page (and
its static files) answer without a session; every form carries a CSRF token (Flask-WTF).
"""
from __future__ import annotations

import importlib
from datetime import timedelta

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFProtect

from bot.console.cookie_session import CookieSessionInterface
from publisher.runtime import Runtime
from publisher.settings import SettingsError
from publisher.texts import console as texts

blueprint = Blueprint("console", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/console/static")
csrf = CSRFProtect()


# The console's modules, in order: the guard and error pages first, then the template filters,
# then one module per area of the navigation.
PAGES = (
    "bot.console.web",
    "bot.console.filters",
    "bot.console.views.auth",
    "bot.console.views.dashboard",
    "bot.console.views.posts",
    "bot.console.views.queue",
    "bot.console.views.staff",
    "bot.console.views.ledger",
    "bot.console.views.registers",
    "bot.console.views.register_edit",
    "bot.console.views.report",
    "bot.console.views.messages",
    "bot.console.views.county",
)

# Values that are not secret: empty (the example configuration) and the usual placeholders.
PLACEHOLDER_KEYS = frozenset({"", "change-me", "changeme", "secret"})
SESSION_HOURS = 8


def init_console(app: Flask, runtime: Runtime) -> None:
    settings = runtime.settings
    if not settings.sandbox_mode and settings.secret_key.strip() in PLACEHOLDER_KEYS:
        # A guessable key lets anyone forge a session cookie: with real credentials the
        # console (and so the app) does not start on one.
        raise SettingsError([texts.SECRET_KEY_REQUIRED])
    app.config.update(
        SESSION_COOKIE_NAME="govpost_console",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # Sandbox mode is served over plain http on this machine; anything else sits behind TLS.
        SESSION_COOKIE_SECURE=not settings.sandbox_mode,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        # The webhook and the sandbox are posted to by WeChat, not by a browser: only the
        # console's own views check the token (in `web.guard`).
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
    )
    app.session_interface = CookieSessionInterface()
    csrf.init_app(app)
    # Each module adds its routes to the one console blueprint as it is imported (one
    # blueprint keeps the endpoints `console.<view>`); PAGES is the table of them, in one place.
    for module in PAGES:
        importlib.import_module(module)
    app.register_blueprint(blueprint)
    if settings.sandbox_mode:
        from bot.console.views.chat import chat_blueprint

        app.register_blueprint(chat_blueprint)
