"""The report's reads sheet and section 一's optional sentence, from figures pulled from the sandbox."""
from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from publisher.services.accounts import account_by_name
from publisher.services.audit import CLI
from publisher.services.ledger import add_entry
from publisher.models import WECHAT_CHANNEL, PublishBundle
from publisher.services.reach import pull_every_account
from publisher.sandbox.datacube import _figures
from publisher.texts import reach as texts
from stats.report.build import build_report
from stats.report.render import render
from stats.reach import section_one_figures
from tests.publishing_support import at_morning, both_clocks_at, no_wait, published_mass_post


def test_the_xlsx_has_a_sheet_of_articles_with_their_reads_and_no_invented_figure(
        make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    post, sent = published_mass_post(runtime, sandbox_server, clock, "合作社分红大会召开")
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=1), 8, 30))
    pull_every_account(runtime, sleep=no_wait)
    with runtime.session_factory.begin() as session:
        data_id = session.query(PublishBundle.msg_data_id).scalar()
        # A hand-entered WeChat item with no WeChat ids: nothing can be measured for it.
        account = account_by_name(session, "default")
        add_entry(session, account_id=account.id, channel=WECHAT_CHANNEL, topic="其他", title="手工登记的文章",
                  published_at=clock.now(), source="manual", actor=CLI, clock=clock, timezone=runtime.settings.timezone)
    with runtime.session_factory() as session:
        report = build_report(session, account_by_name(session, "default"), sent.year,
                              settings=runtime.settings, with_entries=True)
    book = load_workbook(io.BytesIO(render(report, "xlsx")))
    rows = list(book[texts.SHEET_READS].iter_rows(values_only=True))
    figures = _figures(f"{data_id}_1", 0)

    assert rows[0] == texts.SHEET_HEADERS
    by_title = {row[1]: row for row in rows[1:]}
    measured = by_title["合作社分红大会召开"]
    assert measured[3:6] == (figures["int_page_read_count"], figures["int_page_read_user"], figures["share_count"])
    assert measured[6].date() == sent and measured[7] is None
    manual = by_title["手工登记的文章"]
    assert manual[3:7] == (None, None, None, None) and manual[7] == texts.NOT_PROVIDED


def test_section_one_may_state_the_years_reads_only_once_wechat_gave_them(make_runtime, sandbox_server, clock):
    runtime = make_runtime(mode="mass")
    _post, sent = published_mass_post(runtime, sandbox_server, clock)
    with runtime.session_factory() as session:
        account_id = account_by_name(session, "default").id
        assert section_one_figures(session, account_id, sent.year) == {"wechat_reads_sentence": ""}
        data_id = session.query(PublishBundle.msg_data_id).scalar()
    both_clocks_at(sandbox_server, clock, at_morning(sent + timedelta(days=1)))
    pull_every_account(runtime, sleep=no_wait)
    with runtime.session_factory() as session:
        figures = section_one_figures(session, account_id, sent.year)
    reads = _figures(f"{data_id}_1", 0)["int_page_read_count"]
    assert figures == {"wechat_reads_sentence": texts.SECTION_ONE_READS.format(reads=reads)}
