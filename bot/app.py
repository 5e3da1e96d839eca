"""The Flask app factory: one factory for `govpost serve`, gunicorn and the tests."""
from __future__ import annotations

from flask import Flask, make_response, request
from werkzeug.exceptions import MethodNotAllowed, NotFound

from bot.logs import redact_request_logs
from publisher.runtime import Runtime
from publisher.settings import load_settings
from publisher.texts import console as console_texts


def create_app(runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime.build(load_settings())
    settings = runtime.settings
    # gunicorn imports the app without the CLI's logging set-up: request lines are redacted here.
    redact_request_logs()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key or _ephemeral_secret(),
        MAX_CONTENT_LENGTH=max(settings.webhook_max_body_bytes, 16 * 1024 * 1024),
    )
    app.extensions["govpost"] = runtime

    from bot import health, webhook

    app.register_blueprint(health.blueprint)
    app.register_blueprint(webhook.blueprint)
    from bot.console import init_console

    init_console(app, runtime)
    if settings.sandbox_mode:
        _mount_sandbox(app, runtime)
    # Werkzeug's own pages are English HTML; the console's blueprint keeps its own 404 page.
    app.register_error_handler(NotFound, _address_not_found)
    app.register_error_handler(MethodNotAllowed, _method_not_allowed)
    return app


def _address_not_found(_error):
    return _plain(console_texts.ADDRESS_NOT_FOUND.format(path=request.path), 404)


def _method_not_allowed(error: MethodNotAllowed):
    response = _plain(console_texts.METHOD_NOT_ALLOWED.format(method=request.method, path=request.path), 405)
    response.headers["Allow"] = ", ".join(error.valid_methods or ())
    return response


def _plain(text: str, status: int):
    response = make_response(text + "\n", status)
    response.mimetype = "text/plain"  # Flask adds charset=utf-8
    return response


def runtime_of(app: Flask) -> Runtime:
    return app.extensions["govpost"]


def _ephemeral_secret() -> str:
    # Sandbox mode only (the console refuses an empty key otherwise): console sessions end
    # with the process; GOVPOST_SECRET_KEY makes them last across processes and restarts.
    import secrets

    return secrets.token_hex(32)


def _mount_sandbox(app: Flask, runtime: Runtime) -> None:
    """In sandbox mode the local WeChat stand-in is served by the same process."""
    from bot.sandbox_accounts import sandbox_accounts, sandbox_state_file
    from publisher.sandbox import create_blueprint

    app.register_blueprint(
        create_blueprint(
            sandbox_accounts(runtime.settings, own_url=runtime.settings.wechat_api_base or None),
            token_ttl=runtime.settings.sandbox_token_ttl,
            publish_delay=runtime.settings.sandbox_publish_delay,
            latency=runtime.settings.sandbox_latency_ms / 1000,
            state_file=sandbox_state_file(runtime.settings),
        )
    )
