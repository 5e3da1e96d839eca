"""A console login and a signed-in test client; `form_token` reads a page's CSRF token."""
from __future__ import annotations

import re

import pytest

from publisher.services.console_users import create_login
from publisher.db import transaction

PASSWORD = "correct-horse-9"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def console_get_paths(app, ids: dict) -> list[str]:
    """Every console page a browser can GET, its arguments filled from `ids` (1 where not given):
    a page added later is in the list without the test changing."""
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "console.static" or "GET" not in rule.methods \
                or not rule.endpoint.startswith(("console.", "console_chat.")):
            continue
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(ids.get(name, 1)), path)
        paths.append(path)
    return paths


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


# WeChat allows 32 characters of title: one attack per title.
XSS_TITLE = '<script>alert("t")</script>'
XSS_IMG_TITLE = "<img src=x onerror=alert(1)>"
XSS_PARAGRAPH = '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">点我</a> <script>alert(4)</script>'


@pytest.fixture
def team(runtime, account):
    """An editor and a reviewer, both bound and heard from just now."""
    from publisher.models import InboundMessage, Staff

    now = runtime.clock.now()
    with transaction(runtime.session_factory) as session:
        editor = Staff(account_id=account.id, name="张三", role="editor", openid="oEditor", created_at=now)
        reviewer = Staff(account_id=account.id, name="李书记", role="reviewer", openid="oReviewer", created_at=now)
        session.add_all([editor, reviewer])
        session.flush()
        for openid in ("oEditor", "oReviewer"):
            session.add(InboundMessage(account_id=account.id, dedup_key=f"{openid}:1", from_openid=openid,
                                       msg_type="text", raw="", received_at=now))
        return {"editor": editor.id, "reviewer": reviewer.id}


def write_post(runtime, author_id: int, title: str, paragraph: str, *, submit: bool = True) -> int:
    from publisher.services import drafting, review
    from publisher.services.audit import Actor
    from publisher.models import Staff

    with transaction(runtime.session_factory) as session:
        author = session.get(Staff, author_id)
        actor = Actor.staff(author.id)
        post = drafting.open_draft(session, staff=author, title=title, topic_name="乡村振兴", actor=actor,
                                   clock=runtime.clock)
        drafting.add_paragraph(session, staff=author, text=paragraph, actor=actor, clock=runtime.clock)
        drafting.add_paragraph(session, staff=author, text="第二段。", actor=actor, clock=runtime.clock)
        if submit:
            review.submit(session, post=post, staff=author, when=None, settings=runtime.settings, actor=actor,
                          clock=runtime.clock)
        return post.id


def link(runtime, username: str, staff_id: int) -> None:
    from sqlalchemy import select

    from publisher.models import AdminUser

    with transaction(runtime.session_factory) as session:
        session.scalar(select(AdminUser).where(AdminUser.username == username)).staff_id = staff_id
