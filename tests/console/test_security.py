"""Every console page needs a session; every form needs its CSRF token; nothing a staff
member or citizen typed becomes markup; a login sees only its own account."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from publisher.models import Base
from tests.conftest import make_settings  # noqa: F401  (the app fixture builds on it)

PUBLIC = {"console.login", "console.static"}


def console_rules(app, method: str):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("console.", "console_chat.")) and rule.endpoint not in PUBLIC \
                and method in rule.methods:
            yield rule


def concrete(rule) -> str:
    return rule.rule.replace("<int:", "<").replace("<path:", "<").replace("<", "{").replace(">", "}").format(
        **{name: 1 for name in rule.arguments}) if rule.arguments else rule.rule


def row_counts(runtime) -> dict[str, int]:
    with runtime.engine.connect() as connection:
        return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()
                for t in Base.metadata.sorted_tables}


def test_every_console_page_without_a_session_redirects_to_the_login(app, client):
    rules = list(console_rules(app, "GET"))
    assert len(rules) >= 5
    for rule in rules:
        response = client.get(concrete(rule))
        assert response.status_code == 302, rule.rule
        assert "/login" in response.headers["Location"], rule.rule


def test_every_console_form_without_a_session_redirects_to_the_login_and_changes_nothing(app, client, runtime):
    before = row_counts(runtime)
    for rule in console_rules(app, "POST"):
        if rule.endpoint == "console.logout":
            continue
        response = client.post(concrete(rule), data={"text": "x", "reason": "x", "name": "x"})
        assert response.status_code == 302, rule.rule
        assert "/login" in response.headers["Location"], rule.rule
    assert row_counts(runtime) == before


@pytest.mark.parametrize("token", [None, "not-the-token"])
def test_every_console_form_without_the_right_csrf_token_is_refused_and_changes_nothing(app, signed_in, runtime, token):
    before = row_counts(runtime)
    rules = list(console_rules(app, "POST"))
    assert len(rules) >= 3
    for rule in rules:
        data = {"text": "x", "reason": "x", "name": "张三", "role": "editor"}
        if token:
            data["csrf_token"] = token
        response = signed_in.post(concrete(rule), data=data)
        assert response.status_code == 400, rule.rule
    assert row_counts(runtime) == before
    assert signed_in.get("/").status_code == 200  # logout without a token did not log out


def test_the_login_form_itself_needs_its_csrf_token(client, admin, runtime):
    from tests.console.conftest import PASSWORD

    before = row_counts(runtime)
    response = client.post("/login", data={"username": "wang", "password": "wrong"})
    assert response.status_code == 400
    assert row_counts(runtime) == before
    assert client.post("/login", data={"username": "wang", "password": PASSWORD}).status_code == 400
    assert client.get("/").status_code == 302


def test_without_credentials_the_sandbox_is_mounted_and_with_them_it_is_not(database_url, db_engine,
                                                                          session_factory, clock):
    from publisher.runtime import Runtime

    sandbox = create_app(Runtime(make_settings(database_url), db_engine, session_factory, clock))
    assert any(r.rule.startswith("/sandbox/") for r in sandbox.url_map.iter_rules())
    real = make_settings(database_url, secret_key="a-long-random-string-for-tests", accounts=[
        {"name": "default", "appid": "wx0123456789abcdef", "secret": "s3cr3t-value", "token": "townToken1"}])
    served = create_app(Runtime(real, db_engine, session_factory, clock))
    assert not any(r.rule.startswith("/sandbox/") for r in served.url_map.iter_rules())
    assert "console_chat.chat" not in served.view_functions
    assert "console_chat.chat" in sandbox.view_functions
