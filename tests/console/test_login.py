"""Console login: sessions, lock-out counted in the database, secret key, cookie flags."""
from __future__ import annotations

import pytest

from bot.app import create_app
from publisher.db import transaction
from publisher.runtime import Runtime
from publisher.services.console_users import failure_count
from publisher.settings import SettingsError
from publisher.texts import console as texts
from tests.conftest import make_settings
from tests.console.conftest import PASSWORD, form_token, sign_in


def test_the_login_page_answers_without_a_session(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert texts.LOGIN_TITLE in page.get_data(as_text=True)


def test_a_right_password_signs_in_and_a_wrong_one_does_not(client, admin):
    wrong = sign_in(client, "wang", "not-the-password")
    assert wrong.status_code == 401
    assert texts.LOGIN_WRONG in wrong.get_data(as_text=True)
    assert client.get("/").status_code == 302
    assert sign_in(client, "wang").status_code == 302
    assert client.get("/").status_code == 200


def test_an_unknown_name_is_refused_like_a_wrong_password(client, admin):
    response = sign_in(client, "nobody")
    assert response.status_code == 401
    assert texts.LOGIN_WRONG in response.get_data(as_text=True)


def test_failed_logins_are_counted_in_the_database(client, admin, runtime):
    sign_in(client, "wang", "wrong-1")
    sign_in(client, "wang", "wrong-2")
    with runtime.session_factory() as session:
        assert failure_count(session, "wang") == 2


def test_failures_count_across_web_processes_sharing_the_database(app, admin, runtime):
    # Two apps on one database stand for two gunicorn workers: guesses spread over both add up.
    other = create_app(runtime)
    clients = [app.test_client(), other.test_client()]
    limit = runtime.settings.console_login_failure_limit
    for attempt in range(limit):
        sign_in(clients[attempt % 2], "wang", f"wrong-{attempt}")
    for client in clients:
        assert sign_in(client, "wang").status_code == 401


def test_a_locked_login_stays_locked_for_the_configured_time_even_with_the_right_password(client, admin, runtime, clock):
    limit, minutes = runtime.settings.console_login_failure_limit, runtime.settings.console_lockout_minutes
    for attempt in range(limit):
        last = sign_in(client, "wang", f"wrong-{attempt}")
    assert texts.LOGIN_LOCKED.format(minutes=minutes) in last.get_data(as_text=True)
    clock.advance(minutes=minutes - 1)
    still = sign_in(client, "wang")
    assert still.status_code == 401
    assert texts.LOGIN_LOCKED.format(minutes=1) in still.get_data(as_text=True)
    clock.advance(minutes=1, seconds=1)
    assert sign_in(client, "wang").status_code == 302


def test_guesses_while_locked_do_not_extend_the_lock(client, admin, runtime, clock):
    limit, minutes = runtime.settings.console_login_failure_limit, runtime.settings.console_lockout_minutes
    for attempt in range(limit):
        sign_in(client, "wang", f"wrong-{attempt}")
    clock.advance(minutes=minutes - 2)
    sign_in(client, "wang", "still-guessing")
    clock.advance(minutes=2, seconds=1)
    assert sign_in(client, "wang").status_code == 302


def test_the_lockout_time_is_configuration(database_url, db_engine, session_factory, clock, account):
    from publisher.services.console_users import create_login

    settings = make_settings(database_url, console={"login_failure_limit": 2, "lockout_minutes": 60})
    app = create_app(Runtime(settings, db_engine, session_factory, clock))
    with transaction(session_factory) as session:
        create_login(session, "li", PASSWORD, account=None, clock=clock)
    client = app.test_client()
    sign_in(client, "li", "x-wrong-1")
    locked = sign_in(client, "li", "x-wrong-2")
    assert texts.LOGIN_LOCKED.format(minutes=60) in locked.get_data(as_text=True)
    clock.advance(minutes=59)
    assert sign_in(client, "li").status_code == 401
    clock.advance(minutes=1, seconds=1)
    assert sign_in(client, "li").status_code == 302


def test_logout_ends_the_session(signed_in):
    token = form_token(signed_in.get("/").get_data(as_text=True))
    assert signed_in.post("/logout", data={"csrf_token": token}).status_code == 302
    assert signed_in.get("/").status_code == 302


def test_login_redirects_back_to_the_page_asked_for_but_never_off_site(client, admin):
    token = form_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=/posts", data={"username": "wang", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"].endswith("/posts")
    client.post("/logout", data={"csrf_token": form_token(client.get("/").get_data(as_text=True))})
    token = form_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=//evil.example/", data={"username": "wang", "password": PASSWORD,
                                                                "csrf_token": token})
    assert "evil.example" not in response.headers["Location"]
    client.post("/logout", data={"csrf_token": form_token(client.get("/").get_data(as_text=True))})
    token = form_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login?next=/%5Cevil.example/", data={"username": "wang", "password": PASSWORD,
                                                                  "csrf_token": token})
    assert "evil.example" not in response.headers["Location"]


def test_the_session_cookie_is_httponly_and_samesite_lax(client, admin):
    response = sign_in(client, "wang")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # sandbox mode is served over plain http on this machine


REAL = {"name": "default", "appid": "wx0123456789abcdef", "secret": "s3cr3t-value", "token": "townToken1"}


def test_with_real_credentials_the_cookie_is_secure(database_url, db_engine, session_factory, clock):
    settings = make_settings(database_url, secret_key="a-long-random-string-for-tests", accounts=[REAL])
    app = create_app(Runtime(settings, db_engine, session_factory, clock))
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("key", ["", "change-me"])
def test_with_real_credentials_an_empty_or_placeholder_secret_key_refuses_to_start(database_url, db_engine,
                                                                                  session_factory, clock, key):
    settings = make_settings(database_url, secret_key=key, accounts=[REAL])
    with pytest.raises(SettingsError) as refused:
        create_app(Runtime(settings, db_engine, session_factory, clock))
    assert refused.value.problems == [texts.SECRET_KEY_REQUIRED]


def test_sandbox_mode_starts_without_a_secret_key(database_url, db_engine, session_factory, clock):
    settings = make_settings(database_url, secret_key="")
    assert create_app(Runtime(settings, db_engine, session_factory, clock)).secret_key
