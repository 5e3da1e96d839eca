"""Dates read 2025-03-01 and times 北京时间 whatever the browser's language; the audit trail is in words."""
from __future__ import annotations

import re
from datetime import datetime

from publisher.models import Post
from publisher.texts import console as texts
from publisher.texts import lifecycle as lifecycle_texts
from tests.conftest import BEIJING
from tests.console.conftest import write_post
from tests.console.test_pages import page, post_form

PAGES_WITH_DATES = ("/posts", "/ledger", "/registers", "/posts/{post}")
# A browser draws these in its own locale (03/01/2025, 09:00 AM), not in the page's.
LOCALE_PICKERS = re.compile(r'<input[^>]*type="(date|datetime-local|time)"', re.I)


def test_no_page_uses_a_browser_date_picker_and_every_day_field_asks_for_2025_03_01(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    for path in PAGES_WITH_DATES:
        body = page(signed_in, path.format(post=post_id))
        assert not LOCALE_PICKERS.search(body), path
        assert f'placeholder="{texts.DAY_PLACEHOLDER}"' in body or f'placeholder="{texts.MOMENT_PLACEHOLDER}"' in body, path
    assert '<html lang="zh-CN">' in page(signed_in, "/")


def test_a_time_typed_as_2025_03_01_09_00_is_taken_as_beijing_time(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    post_form(signed_in, f"/posts/{post_id}/schedule", {"at": " 2024-03-02 18:00 "}, page_path="/queue")
    with runtime.session_factory() as session:
        assert session.get(Post, post_id).scheduled_at == datetime(2024, 3, 2, 18, 0, tzinfo=BEIJING)


def test_the_post_trail_names_statuses_and_fields_in_chinese_not_raw_keys(signed_in, team, runtime):
    post_id = write_post(runtime, team["editor"], "合作社分红大会召开", "正文。")
    body = page(signed_in, f"/posts/{post_id}")
    assert texts.AUDIT_CHANGE.format(field=texts.AUDIT_FIELDS["status"], old=lifecycle_texts.STATUS_NAMES["draft"],
                                     new=lifecycle_texts.STATUS_NAMES["submitted"]) in body
    assert "from: draft" not in body and "to: submitted" not in body
    assert texts.AUDIT_FIELD.format(field=texts.AUDIT_FIELDS["title"], value="合作社分红大会召开") in body
