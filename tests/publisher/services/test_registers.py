"""Registers of report sections 二–四: what may be entered, audited, and counted by year."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from bot.cli import cli
from publisher.services.audit import CLI
from publisher.db import transaction
from publisher.models import AuditEntry, DisclosureApplication, RegisterOpening
from publisher.services.registers import RegisterError, add_application, add_article20, close_application, set_opening


def test_closing_needs_an_outcome_and_a_day_not_before_receipt(runtime, account):
    with transaction(runtime.session_factory) as s:
        application = add_application(s, account_id=account.id, applicant_type="natural",
                                      received_on=date(2024, 3, 1), actor=CLI, clock=runtime.clock)
        with pytest.raises(RegisterError, match="同时填写"):
            close_application(s, application, outcome=None, closed_on=date(2024, 3, 2), actor=CLI, clock=runtime.clock)
        with pytest.raises(RegisterError, match="早于受理日期"):
            close_application(s, application, outcome="disclosed", closed_on=date(2024, 2, 1), actor=CLI, clock=runtime.clock)
        with pytest.raises(RegisterError, match="办理结果「granted」无效"):
            close_application(s, application, outcome="granted", closed_on=date(2024, 3, 2), actor=CLI, clock=runtime.clock)


def test_article20_refuses_an_action_the_kind_does_not_have_and_a_fee_without_amount(runtime, account):
    with transaction(runtime.session_factory) as s:
        common = dict(account_id=account.id, occurred_on=date(2024, 1, 5), actor=CLI, clock=runtime.clock)
        with pytest.raises(RegisterError, match="事项「repealed」无效"):
            add_article20(s, kind="penalty", action="repealed", **common)
        with pytest.raises(RegisterError, match="须填写金额"):
            add_article20(s, kind="fee", action="charged", **common)
        add_article20(s, kind="fee", action="charged", amount_wan=Decimal("0.5"), **common)


@pytest.mark.parametrize("amount", ["-5", "NaN", "Infinity", "10000000000"])
def test_a_fee_amount_that_is_negative_not_a_number_or_too_large_is_refused(runtime, account, amount):
    with transaction(runtime.session_factory) as s:
        with pytest.raises(RegisterError, match=f"金额「{amount}」无效"):
            add_article20(s, account_id=account.id, kind="fee", action="charged", occurred_on=date(2024, 1, 5),
                          amount_wan=Decimal(amount), actor=CLI, clock=runtime.clock)


def test_an_amount_on_a_decision_a_negative_opening_and_an_overlong_subject_are_refused(runtime, account):
    common = dict(account_id=account.id, actor=CLI, clock=runtime.clock)
    with transaction(runtime.session_factory) as s:
        with pytest.raises(RegisterError, match="只有行政事业性收费"):
            add_article20(s, kind="penalty", action="decided", occurred_on=date(2024, 1, 5),
                          amount_wan=Decimal("1"), **common)
        with pytest.raises(RegisterError, match="期初数须为不小于 0"):
            set_opening(s, year=2024, key="carried_in:natural", value=-1, **common)
        with pytest.raises(RegisterError, match="事由不能超过 200 个字"):
            add_application(s, applicant_type="natural", received_on=date(2024, 1, 5), subject="征" * 201, **common)
    with runtime.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_cli_refuses_a_negative_opening_in_chinese_and_writes_nothing(database_url, runtime):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    result = CliRunner().invoke(cli, ["register", "opening", "2024", "carried_in:natural", "--", "-1"], env=env)
    assert result.exit_code == 1 and "期初数须为不小于 0 的整数" in result.output
    with runtime.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(RegisterOpening)) == 0


def test_replacing_an_opening_figure_keeps_the_old_value_in_the_audit_log(runtime, account):
    with transaction(runtime.session_factory) as s:
        for value in (5, 6):
            set_opening(s, account_id=account.id, year=2024, key="in_force:normative", value=value,
                        actor=CLI, clock=runtime.clock)
        details = [a.detail for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "register.opening"))]
    assert [(d["old"], d["new"]) for d in details] == [(None, 5), (5, 6)]


def test_cli_registers_an_application_and_closes_it(database_url, runtime):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    runner = CliRunner()
    added = runner.invoke(cli, ["register", "application", "natural", "--received", "2024-03-01"], env=env)
    assert added.exit_code == 0, added.output
    closed = runner.invoke(cli, ["register", "close-application", "1", "--outcome", "not_held",
                                 "--closed", "2024-03-20"], env=env)
    assert closed.exit_code == 0, closed.output
    case = runner.invoke(cli, ["register", "case", "direct_suit", "--filed", "2024-04-01"], env=env)
    fee = runner.invoke(cli, ["register", "article20", "fee", "charged", "--day", "2024-05-01", "--amount", "1.2"], env=env)
    assert case.exit_code == 0 and fee.exit_code == 0
    with runtime.session_factory() as s:
        application = s.scalars(select(DisclosureApplication)).one()
    assert (application.outcome, application.closed_on) == ("not_held", date(2024, 3, 20))


def test_register_list_shows_the_year_and_what_is_still_open_in_it(database_url, runtime, account):
    with transaction(runtime.session_factory) as s:
        common = dict(account_id=account.id, actor=CLI, clock=runtime.clock)
        add_article20(s, kind="fee", action="charged", occurred_on=date(2024, 5, 1), amount_wan=Decimal("1.20"),
                      title="复印费", **common)
        add_article20(s, kind="penalty", action="decided", occurred_on=date(2023, 5, 1), **common)
        add_application(s, applicant_type="natural", received_on=date(2023, 12, 20), subject="征地补偿", **common)
        add_application(s, applicant_type="natural", received_on=date(2023, 3, 1), outcome="disclosed",
                        closed_on=date(2023, 3, 10), **common)
        set_opening(s, year=2024, key="in_force:normative", value=4, **common)

    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    result = CliRunner().invoke(cli, ["register", "list", "--year", "2024"], env=env)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "第二十条\t1\t2024-05-01\t行政事业性收费 收费\t1\t1.2\t复印费",
        "依申请\t1\t2023-12-20\t自然人\t办理中\t\t征地补偿",
        "期初\t2024\t现行有效·行政规范性文件\t4",
    ]
    everything = CliRunner().invoke(cli, ["register", "list"], env=env)
    assert len(everything.stdout.splitlines()) == 5


def test_registers_take_chinese_names_beside_the_keys_and_list_them_in_chinese(database_url):
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"], env=env).exit_code == 0

    added = runner.invoke(cli, ["register", "application", "自然人", "--received", "2024-03-01",
                                "--outcome", "部分公开", "--closed", "2024-03-05"], env=env)
    case = runner.invoke(cli, ["register", "case", "行政复议", "--filed", "2024-04-01", "--result", "结果维持",
                               "--closed", "2024-05-01"], env=env)
    item = runner.invoke(cli, ["register", "article20", "行政处罚", "处理决定", "--day", "2024-06-01"], env=env)
    opening = runner.invoke(cli, ["register", "opening", "2024", "上年结转·自然人", "2"], env=env)

    assert [r.exit_code for r in (added, case, item, opening)] == [0, 0, 0, 0], added.output + case.output
    listing = runner.invoke(cli, ["register", "list", "--year", "2024"], env=env).stdout.splitlines()
    assert "依申请\t1\t2024-03-01\t自然人\t部分公开\t2024-03-05\t" in listing
    assert "复议诉讼\t1\t2024-04-01\t行政复议\t结果维持\t2024-05-01\t" in listing
    assert "第二十条\t1\t2024-06-01\t行政处罚 处理决定\t1\t\t" in listing
    assert "期初\t2024\t上年结转·自然人\t2" in listing
    unknown = runner.invoke(cli, ["register", "application", "外星人", "--received", "2024-03-01"], env=env)
    assert unknown.exit_code == 2 and "自然人" in unknown.output and "Error" not in unknown.output
