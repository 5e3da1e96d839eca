"""The console's pages act through the same services as the chat and the CLI."""
from __future__ import annotations

import io
from datetime import datetime, timedelta

from docx import Document
from sqlalchemy import select

from publisher.core.timeparse import format_beijing
from publisher.db import transaction
from publisher.models import AdminUser, AuditEntry, InboundMessage, LedgerEntry, Post, Staff, Task
from publisher.texts import chat as chat_texts
from publisher.texts import console as texts
from publisher.texts import ledger as ledger_texts
from publisher.texts import staff as staff_texts
from tests.conftest import BEIJING
from tests.console.conftest import form_token, link, write_post


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def post_form(client, path: str, data: dict, *, page_path: str = "/", **kwargs):
    data = {"csrf_token": form_token(page(client, page_path)), **data}
    return client.post(path, data=data, **kwargs)


def flashes(client) -> str:
    return page(client, "/")


def test_every_page_renders_for_a_signed_in_login(signed_in, team, runtime):
    write_post(runtime, team["editor"], "合作社分红大会召开", "3月1日，我镇召开合作社分红大会。")
    for path in ("/", "/posts", "/posts/1", "/queue", "/calendar", "/staff", "/ledger", "/registers", "/report",
                 "/messages"):
        page(signed_in, path)


def test_approving_in_the_console_needs_a_linked_reviewer_then_uses_the_review_service(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "3月1日，我镇召开合作社分红大会。")
    response = post_form(signed_in, f"/posts/{post_id}/approve", {}, follow_redirects=True)
    assert texts.LINK_NEEDED in response.get_data(as_text=True)
    link(runtime, "wang", team["reviewer"])
    response = post_form(signed_in, f"/posts/{post_id}/approve", {}, follow_redirects=True)
    assert texts.APPROVED_FINAL.format(post=texts.POST_REF.format(post_id=post_id, title="合作社分红大会召开"),
                                       when=chat_texts.APPROVED_NEXT_SLOT.format(
                                           when=format_beijing(datetime(2024, 3, 1, 12, 0, tzinfo=BEIJING),
                                                               BEIJING))) in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).status == "approved"
        entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "review.approve"))
        assert entry.actor == "admin:wang" and entry.staff_id == team["reviewer"]
        author_notices = session.scalars(select(Task).where(Task.recipient == "oEditor")).all()
        assert author_notices  # the author is told, as after 通过 in the chat


def test_a_login_linked_to_the_author_cannot_approve_the_authors_post(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    link(runtime, "wang", team["editor"])
    response = post_form(signed_in, f"/posts/{post_id}/approve", {}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert chat_texts.REVIEW_NOT_REVIEWER.format(post_id=post_id, role=chat_texts.ROLE_NEEDED["editor"]) in body
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).status == "submitted"


def test_returning_from_the_console_needs_a_reason(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    link(runtime, "wang", team["reviewer"])
    response = post_form(signed_in, f"/posts/{post_id}/return", {"reason": " "}, follow_redirects=True)
    assert chat_texts.RETURN_REASON_NEEDED.format(post_id=post_id) in response.get_data(as_text=True)
    post_form(signed_in, f"/posts/{post_id}/return", {"reason": "请补充照片"})
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).status == "returned"


def test_a_login_links_to_a_staff_member_only_once(signed_in, team, runtime):
    post_form(signed_in, f"/staff/{team['reviewer']}/link", {}, page_path="/staff")
    response = post_form(signed_in, f"/staff/{team['editor']}/link", {}, page_path="/staff", follow_redirects=True)
    assert texts.LINK_ALREADY in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.scalar(select(AdminUser.staff_id).where(AdminUser.username == "wang")) == team["reviewer"]


def test_inviting_shows_the_code_once_and_it_binds(signed_in, runtime, account):
    from publisher.services.audit import Actor
    from publisher.services.staff import bind, invite_key

    response = post_form(signed_in, "/staff/invite", {"name": "赵六", "role": "editor"}, page_path="/staff")
    body = response.get_data(as_text=True)
    code = body.split("data-code>")[1].split("<")[0]
    assert response.headers["Cache-Control"] == "no-store"
    assert code not in page(signed_in, "/staff")
    with transaction(runtime.session_factory) as session:
        assert bind(session, account, "oZhao", code, clock=runtime.clock, actor=Actor("test"),
                    key=invite_key(runtime.settings)).name == "赵六"


def test_an_invite_with_no_name_is_refused_with_the_reason(signed_in, runtime):
    response = post_form(signed_in, "/staff/invite", {"name": " ", "role": "editor"}, page_path="/staff",
                         follow_redirects=True)
    assert staff_texts.NAME_REQUIRED in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.scalars(select(Staff)).all() == []


def test_changing_a_role_and_deactivating_go_through_the_staff_service(signed_in, team, runtime):
    post_form(signed_in, f"/staff/{team['editor']}/role", {"role": "reviewer"}, page_path="/staff")
    post_form(signed_in, f"/staff/{team['reviewer']}/deactivate", {}, page_path="/staff")
    with runtime.session_factory() as session:
        assert session.get(Staff, team["editor"]).role == "reviewer"
        assert session.get(Staff, team["reviewer"]).active is False
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"staff.role", "staff.deactivate"} <= actions


def test_a_deactivated_members_messages_are_a_citizens(signed_in, team, runtime, account):
    post_form(signed_in, f"/staff/{team['reviewer']}/deactivate", {}, page_path="/staff")
    with transaction(runtime.session_factory) as session:
        session.add(InboundMessage(account_id=account.id, dedup_key="later", from_openid="oReviewer",
                                   msg_type="text", raw=_text_xml("oReviewer", "还在吗"),
                                   received_at=runtime.clock.now()))
    assert "还在吗" in page(signed_in, "/messages")


def test_moving_a_post_to_another_slot_uses_the_schedule_service(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    slot = datetime(2024, 3, 2, 18, 0, tzinfo=BEIJING)
    response = post_form(signed_in, f"/posts/{post_id}/schedule", {"slot": slot.isoformat()}, page_path="/queue",
                         follow_redirects=True)
    assert "2024年3月2日（星期六）18:00" in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).scheduled_at == slot


def test_a_bad_time_is_refused_and_changes_nothing(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    response = post_form(signed_in, f"/posts/{post_id}/schedule", {"at": "明天"}, page_path="/queue",
                         follow_redirects=True)
    assert texts.TIME_INVALID in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).scheduled_at is None


def test_withdrawing_from_the_queue_uses_the_withdraw_service(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    post_form(signed_in, f"/posts/{post_id}/withdraw", {}, page_path="/queue")
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).status == "draft"


def test_adding_a_bulletin_board_item_counts_on_the_dashboard(signed_in, runtime):
    response = post_form(signed_in, "/ledger/add", {"day": "2024-02-20", "time": "09:00", "channel": "三务公开栏",
                                                    "topic": "乡村振兴", "title": "二月村务公开"},
                         page_path="/ledger", follow_redirects=True)
    assert "二月村务公开" in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        entry = session.scalar(select(LedgerEntry))
        assert (entry.channel, entry.source, entry.created_by) == ("三务公开栏", "manual", "admin:wang")
    assert texts.DASH_TOTAL.format(year=2024) in page(signed_in, "/")


def test_a_javascript_link_is_refused_for_the_ledger(signed_in, runtime):
    response = post_form(signed_in, "/ledger/add", {"day": "2024-02-20", "channel": "三务公开栏", "topic": "乡村振兴",
                                                    "title": "公开", "url": "javascript:alert(1)"},
                         page_path="/ledger", follow_redirects=True)
    assert texts.LEDGER_URL_INVALID in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.scalars(select(LedgerEntry)).all() == []


def test_correcting_and_flagging_a_ledger_row(signed_in, runtime):
    post_form(signed_in, "/ledger/add", {"day": "2024-02-20", "channel": "三务公开栏", "topic": "乡村振兴",
                                         "title": "公开"}, page_path="/ledger")
    with runtime.session_factory() as session:
        entry_id = session.scalar(select(LedgerEntry.id))
    post_form(signed_in, f"/ledger/{entry_id}/correct", {"topic": "民生改善"}, page_path="/ledger")
    post_form(signed_in, f"/ledger/{entry_id}/delete", {}, page_path="/ledger")
    with runtime.session_factory() as session:
        entry = session.get(LedgerEntry, entry_id)
        assert entry.topic == "民生改善" and entry.deleted_at is not None


def test_an_import_with_a_bad_row_shows_each_problem_and_adds_nothing(signed_in, runtime):
    sheet = "日期,渠道,话题,标题\n2024-01-05,三务公开栏,乡村振兴,一月公开\n2024-13-40,三务公开栏,乡村振兴,坏日期\n"
    response = post_form(signed_in, "/ledger/import", {"file": (io.BytesIO(sheet.encode()), "台账.csv")},
                         page_path="/ledger", content_type="multipart/form-data")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert ledger_texts.IMPORT_REJECTED.format(count=1) in body
    with runtime.session_factory() as session:
        assert session.scalars(select(LedgerEntry)).all() == []
    good = sheet.splitlines()[:2]
    response = post_form(signed_in, "/ledger/import",
                         {"file": (io.BytesIO("\n".join(good).encode()), "台账.csv")}, page_path="/ledger",
                         content_type="multipart/form-data", follow_redirects=True)
    assert ledger_texts.IMPORTED.format(added=1, skipped=0) in response.get_data(as_text=True)


def test_registering_and_closing_an_application(signed_in, runtime):
    post_form(signed_in, "/registers/application", {"applicant": "natural", "received": "2024-02-01",
                                                    "subject": "低保名单"}, page_path="/registers")
    body = page(signed_in, "/registers?year=2024")
    assert "低保名单" in body and ledger_texts.LIST_OPEN in body
    response = post_form(signed_in, "/registers/application/1/close", {"outcome": "disclosed", "closed": "2024-01-01"},
                         page_path="/registers", follow_redirects=True)
    assert ledger_texts.CLOSED_BEFORE_OPENED.format(closed="2024-01-01", opened="2024-02-01") in response.get_data(
        as_text=True)
    post_form(signed_in, "/registers/application/1/close", {"outcome": "disclosed", "closed": "2024-02-10"},
              page_path="/registers")
    assert ledger_texts.LIST_OPEN not in page(signed_in, "/registers?year=2024")


def test_the_report_preview_and_the_docx_are_the_reports(signed_in, runtime):
    post_form(signed_in, "/ledger/add", {"day": "2024-02-20", "channel": "三务公开栏", "topic": "乡村振兴",
                                         "title": "二月村务公开"}, page_path="/ledger")
    body = page(signed_in, "/report?year=2024")
    assert "通过三务公开栏公开信息1条" in body
    response = signed_in.get("/report/download/docx?year=2024")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert "通过三务公开栏公开信息1条" in text
    for fmt in ("xlsx", "json", "md"):
        assert signed_in.get(f"/report/download/{fmt}?year=2024").status_code == 200
    assert signed_in.get("/report/download/exe?year=2024").status_code == 404
    assert signed_in.get("/report?year=1999").status_code == 404


def _text_xml(openid: str, text: str) -> str:
    return (f"<xml><ToUserName>gh_x</ToUserName><FromUserName>{openid}</FromUserName><CreateTime>1709258400"
            f"</CreateTime><MsgType>text</MsgType><Content><![CDATA[{text}]]></Content><MsgId>1</MsgId></xml>")


def test_a_citizens_message_is_answered_within_the_window_and_refused_after(signed_in, runtime, account, clock):
    with transaction(runtime.session_factory) as session:
        session.add(InboundMessage(account_id=account.id, dedup_key="c1", from_openid="oCitizen", msg_type="text",
                                   raw=_text_xml("oCitizen", "路灯坏了"), received_at=clock.now()))
    assert texts.MESSAGE_UNANSWERED in page(signed_in, "/messages")
    assert "<strong>1</strong>" in page(signed_in, "/")
    post_form(signed_in, "/messages/1/reply", {"text": "已安排维修"}, page_path="/messages")
    body = page(signed_in, "/messages")
    assert texts.MESSAGE_ANSWERED.format(by="wang", at=clock.now().astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")) in body
    with runtime.session_factory() as session:
        task = session.scalar(select(Task).where(Task.recipient == "oCitizen"))
        assert task.payload["text"] == "已安排维修"
    clock.advance(hours=48)
    response = post_form(signed_in, "/messages/1/reply", {"text": "还有吗"}, page_path="/messages",
                         follow_redirects=True)
    assert texts.REPLY_WINDOW_CLOSED.format(hours=48) in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert len(session.scalars(select(Task).where(Task.recipient == "oCitizen")).all()) == 1


def test_a_citizens_menu_click_does_not_reopen_the_48_hour_reply_window(signed_in, runtime, account, clock):
    # WeChat opens only a one-minute window for a click, follow or scan.
    with transaction(runtime.session_factory) as session:
        session.add(InboundMessage(account_id=account.id, dedup_key="c1", from_openid="oCitizen", msg_type="text",
                                   raw=_text_xml("oCitizen", "路灯坏了"), received_at=clock.now()))
    clock.advance(hours=47)
    with transaction(runtime.session_factory) as session:
        session.add(InboundMessage(account_id=account.id, dedup_key="c2", from_openid="oCitizen", msg_type="event",
                                   raw="", received_at=clock.now()))
    clock.advance(hours=2)
    response = post_form(signed_in, "/messages/1/reply", {"text": "已安排维修"}, page_path="/messages",
                         follow_redirects=True)
    assert texts.REPLY_WINDOW_CLOSED.format(hours=48) in response.get_data(as_text=True)
    with runtime.session_factory() as session:
        assert session.scalars(select(Task).where(Task.recipient == "oCitizen")).all() == []


def _wechat_article(runtime, account, days_ago: int) -> None:
    from publisher.services.audit import SYSTEM
    from publisher.services.ledger import add_entry

    with transaction(runtime.session_factory) as session:
        add_entry(session, account_id=account.id, channel="微信公众号", topic="乡村振兴", title="旧文章",
                  published_at=runtime.clock.now() - timedelta(days=days_ago), source="publish", actor=SYSTEM,
                  clock=runtime.clock, timezone=BEIJING)


def test_days_since_the_last_article_turn_amber_at_the_warning_and_red_at_the_urgent_threshold(signed_in, runtime,
                                                                                            account, clock):
    assert "stale-never" in page(signed_in, "/")
    warn, urgent = runtime.settings.stale_days_warn, runtime.settings.stale_days_urgent
    _wechat_article(runtime, account, warn - 1)
    assert "tile stale-fresh" in page(signed_in, "/")
    clock.advance(days=1)
    body = page(signed_in, "/")
    assert "tile stale-warn" in body and texts.DASH_STALE["warn"] in body
    clock.advance(days=urgent - warn)
    body = page(signed_in, "/")
    assert "tile stale-urgent" in body and texts.DASH_STALE["urgent"] in body


def test_the_dashboard_counts_by_channel_as_the_report_does(signed_in, runtime, account):
    _wechat_article(runtime, account, 2)
    post_form(signed_in, "/ledger/add", {"day": "2024-02-20", "channel": "三务公开栏", "topic": "乡村振兴",
                                         "title": "二月村务公开"}, page_path="/ledger")
    body = page(signed_in, "/")
    assert texts.DASH_WECHAT_COUNT.format(count=1) in body
    assert "<title>三务公开栏：1</title>" in body and "<title>乡村振兴：2</title>" in body


def test_a_slot_without_an_offset_is_taken_as_beijing_time(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    post_form(signed_in, f"/posts/{post_id}/schedule", {"slot": "2024-03-02T18:00"}, page_path="/queue")
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).scheduled_at == datetime(2024, 3, 2, 18, 0, tzinfo=BEIJING)


def test_approving_a_post_that_is_not_awaiting_review_is_refused_with_the_reason(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。", submit=False)
    link(runtime, "wang", team["reviewer"])
    response = post_form(signed_in, f"/posts/{post_id}/approve", {}, follow_redirects=True)
    assert response.status_code == 200
    assert chat_texts.REVIEW_NOT_SUBMITTED.format(post_id=post_id, status="草稿") in response.get_data(as_text=True)
