"""What staff and citizens type renders inert on every page; a login sees only its account."""
from __future__ import annotations

import re

from sqlalchemy import select

from bot.app import create_app
from publisher.services.accounts import account_by_name, sync_accounts
from publisher.services.console_users import create_login
from publisher.db import transaction
from publisher.models import InboundMessage, LedgerEntry, Post, Staff
from publisher.runtime import Runtime
from tests.conftest import make_settings
from tests.console.conftest import (PASSWORD, XSS_IMG_TITLE, XSS_PARAGRAPH, XSS_TITLE, console_get_paths, form_token,
                                    sign_in, write_post)

# Live markup, as a browser would parse it; the same words escaped (&lt;script&gt;) are text.
LIVE_MARKUP = re.compile(r"<script>alert|<img[^>]*onerror|<a[^>]*href=\"?javascript:", re.I)


def test_script_img_onerror_and_javascript_links_render_inert_on_every_page(signed_in, team, runtime, account):
    post_id = write_post(runtime, team["editor"], XSS_TITLE, XSS_PARAGRAPH)
    other_id = write_post(runtime, team["reviewer"], XSS_IMG_TITLE, XSS_PARAGRAPH)
    with transaction(runtime.session_factory) as session:
        session.get(Staff, team["editor"]).name = "<script>alert(5)</script>"
        session.get(Post, post_id).author_name = "<img src=x onerror=alert(6)>"
        session.add(InboundMessage(account_id=account.id, dedup_key="x", from_openid="oCitizen", msg_type="text",
                                   received_at=runtime.clock.now(), raw=(
                                       "<xml><ToUserName>gh</ToUserName><FromUserName>oCitizen</FromUserName>"
                                       "<CreateTime>1</CreateTime><MsgType>text</MsgType><Content><![CDATA["
                                       + XSS_PARAGRAPH + "]]></Content><MsgId>9</MsgId></xml>")))
    token = form_token(signed_in.get("/ledger").get_data(as_text=True))
    signed_in.post("/ledger/add", data={"csrf_token": token, "day": "2024-02-20", "channel": "三务公开栏",
                                        "topic": "乡村振兴", "title": XSS_TITLE})
    signed_in.post("/registers/application", data={"csrf_token": token, "applicant": "natural",
                                                   "received": "2024-02-01", "subject": XSS_PARAGRAPH[:190]})
    signed_in.post("/registers/case", data={"csrf_token": token, "kind": "reconsideration",
                                            "filed": "2024-02-01", "subject": XSS_TITLE})
    signed_in.post("/registers/article20", data={"csrf_token": token, "kind": "penalty", "day": "2024-02-01",
                                                 "title": XSS_IMG_TITLE})
    with runtime.session_factory() as session:
        assert session.scalar(select(LedgerEntry.title)) == XSS_TITLE  # stored as typed, shown escaped
    app = signed_in.application
    ids = {"record_id": 1, "staff_id": team["editor"], "fmt": "md"}
    pages = console_get_paths(app, {**ids, "post_id": post_id}) + console_get_paths(app, {**ids, "post_id": other_id}) \
        + ["/registers?year=2024", "/ledger?year=2024"]
    for path in pages:
        response = signed_in.get(path)
        # The posts have no picture; the county page is for county logins, and this one is a township's.
        assert response.status_code == 200 or "/images/" in path or (
            path.startswith("/county") and response.status_code == 403), path
        if response.mimetype.startswith("text/"):
            assert not LIVE_MARKUP.search(response.get_data(as_text=True)), path
    detail = signed_in.get(f"/posts/{post_id}").get_data(as_text=True)
    assert "&lt;script&gt;" in detail  # the title is shown, as text


def test_an_account_login_sees_only_its_account_and_a_county_login_sees_all(database_url, db_engine,
                                                                            session_factory, clock):
    settings = make_settings(database_url, accounts=[{"name": "east", "display_name": "东镇"},
                                                     {"name": "west", "display_name": "西镇"}])
    runtime = Runtime(settings, db_engine, session_factory, clock)
    with transaction(session_factory) as session:
        sync_accounts(session, settings, clock)
        east, west = account_by_name(session, "east"), account_by_name(session, "west")
        create_login(session, "east-admin", PASSWORD, account=east, clock=clock)
        create_login(session, "county", PASSWORD, account=None, clock=clock)
        member = Staff(account_id=west.id, name="西镇编辑", role="editor", openid="oWest", created_at=clock.now())
        session.add(member)
        session.flush()
        west_staff = member.id
        west_id = west.id
    post_id = write_post(runtime, west_staff, "西镇的文章", "正文。")
    app = create_app(runtime)

    local = app.test_client()
    sign_in(local, "east-admin")
    assert "西镇的文章" not in local.get("/posts").get_data(as_text=True)
    assert local.get(f"/posts/{post_id}").status_code == 404
    assert local.get(f"/posts/{post_id}/images/1").status_code == 404
    token = form_token(local.get("/").get_data(as_text=True))
    local.post("/account", data={"csrf_token": token, "account_id": west_id})
    assert local.get(f"/posts/{post_id}").status_code == 404
    for path in (f"/posts/{post_id}/withdraw", f"/staff/{west_staff}/deactivate", f"/staff/{west_staff}/role"):
        assert local.post(path, data={"csrf_token": token, "role": "admin"}).status_code == 404, path
    with session_factory() as session:
        assert session.get(Post, post_id).status == "submitted"
        assert session.get(Staff, west_staff).active and session.get(Staff, west_staff).role == "editor"

    county = app.test_client()
    sign_in(county, "county")
    assert county.get(f"/posts/{post_id}").status_code == 404  # looking at the first account
    token = form_token(county.get("/").get_data(as_text=True))
    county.post("/account", data={"csrf_token": token, "account_id": west_id})
    assert "西镇的文章" in county.get(f"/posts/{post_id}").get_data(as_text=True)


def test_links_in_chat_notices_become_links_and_nothing_else_becomes_markup():
    from bot.console.filters import linkify

    html = str(linkify('《标题》已发布：http://127.0.0.1:8000/sandbox/articles/a1/1 <script>alert(1)</script>'))
    assert '<a href="http://127.0.0.1:8000/sandbox/articles/a1/1"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<a" not in str(linkify('javascript:alert(1) "onmouseover=x'))
