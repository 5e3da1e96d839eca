"""A console login and a signed-in test client; `form_token` reads a page's CSRF token."""
from __future__ import annotations

import re

import pytest

from publisher.console_users import create_login
from publisher.db import transaction

PASSWORD = "correct-horse-9"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def sign_in(client, username: str, password: str = PASSWORD):
    token = form_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture
def admin(runtime, account):
    with transaction(runtime.session_factory) as session:
        return create_login(session, "wang", PASSWORD, account=account, clock=runtime.clock)


@pytest.fixture
def signed_in(client, admin):
    response = sign_in(client, "wang")
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def token(signed_in):
    return form_token(signed_in.get("/").get_data(as_text=True))
