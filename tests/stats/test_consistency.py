"""The six 勾稽 rules: consistent registers pass; inconsistent figures are reported with the
rule and the numbers, and `govpost report --strict` fails on them."""
from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from bot.cli import cli
from publisher.db import transaction
from publisher.services.audit import CLI
from publisher.services.registers import add_application, add_article20, add_case, set_opening
from stats.report.build import build_report
from stats.report.consistency import check_tables, violations
from stats.report.tables import Registers, build_tables


@pytest.fixture
def consistent_registers(runtime, account):
    """2023–2024 of a township with documents, penalties, fees, applications and cases."""
    clock = runtime.clock
    with transaction(runtime.session_factory) as s:
        common = dict(account_id=account.id, actor=CLI, clock=clock)
        set_opening(s, year=2023, key="in_force:normative", value=5, **common)
        add_article20(s, kind="normative", action="issued", occurred_on=date(2023, 4, 1), quantity=2, **common)
        add_article20(s, kind="normative", action="repealed", occurred_on=date(2023, 9, 1), **common)
        add_article20(s, kind="normative", action="issued", occurred_on=date(2024, 3, 1), **common)
        add_article20(s, kind="penalty", action="decided", occurred_on=date(2024, 6, 1), quantity=12, **common)
        add_article20(s, kind="fee", action="charged", occurred_on=date(2024, 6, 1), amount_wan=Decimal("1.25"), **common)
        add_application(s, applicant_type="natural", received_on=date(2023, 11, 20), outcome="disclosed",
                        closed_on=date(2024, 1, 10), **common)
        add_application(s, applicant_type="business", received_on=date(2024, 3, 1), outcome="partly_disclosed",
                        closed_on=date(2024, 3, 15), **common)
        add_application(s, applicant_type="natural", received_on=date(2024, 12, 20), **common)
        add_case(s, kind="reconsideration", filed_on=date(2024, 5, 1), result="upheld", closed_on=date(2024, 7, 1), **common)
        add_case(s, kind="direct_suit", filed_on=date(2024, 8, 1), **common)


def report_2024(runtime, account):
    with runtime.session_factory() as session:
        return build_report(session, account, 2024, settings=runtime.settings)


def test_consistent_registers_fill_the_tables_and_pass_every_rule(runtime, account, consistent_registers):
    report = report_2024(runtime, account)
    t = report.tables
    assert t.article20.documents["normative"] == {"issued": 1, "repealed": 0, "in_force": 7}
    assert t.article20.decisions["penalty"] == 12 and t.article20.fee_wan == Decimal("1.25")
    rows = t.applications.rows
    assert rows["received"]["total"] == 2 and rows["carried_in"]["natural"] == 1
    assert rows["disclosed"]["natural"] == 1 and rows["partly_disclosed"]["business"] == 1
    assert rows["result_total"]["total"] == 2 and rows["carried_out"]["natural"] == 1
    assert t.appeals.rows["reconsideration"] == {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 1}
    assert t.appeals.rows["direct_suit"]["pending"] == 1
    assert [c.status for c in report.checks] == ["pass"] * 6


def test_opening_figures_that_contradict_last_year_are_reported_with_rule_and_numbers(
        runtime, account, consistent_registers):
    with transaction(runtime.session_factory) as s:
        set_opening(s, account_id=account.id, year=2024, key="in_force:normative", value=9, actor=CLI, clock=runtime.clock)
        set_opening(s, account_id=account.id, year=2024, key="carried_in:natural", value=3, actor=CLI, clock=runtime.clock)
    report = report_2024(runtime, account)
    failed = {c.rule: c.violations for c in report.checks if c.status == "fail"}
    assert set(failed) == {1, 4, 5}
    assert "「自然人」列：一（1）+二（3）=4，（七）总计（1）+四（1）=2" in failed[1]
    assert "「自然人」列：2024年上年结转为3，2023年结转下年度继续办理为1" in failed[4]
    assert failed[5] == ["「行政规范性文件」：2024年现行有效10件，2023年现行有效6件+本年制发1件-本年废止0件=7件"]


def test_hand_typed_totals_that_do_not_add_up_break_rules_2_3_and_6(runtime, account, consistent_registers):
    with runtime.session_factory() as session:
        registers = Registers.load(session, account.id, 2024)
    tables, previous = build_tables(registers, 2024), build_tables(registers, 2023)
    broken = copy.deepcopy(tables)
    broken.applications.rows["result_total"]["natural"] += 1
    broken.applications.rows["received"]["total"] = 5
    broken.appeals.rows["direct_suit"]["total"] = 0
    failed = {c.rule for c in check_tables(broken, previous) if c.status == "fail"}
    assert failed == {1, 2, 3, 6}
    lines = violations(check_tables(broken, previous))
    assert "规则6（表四：各总计等于其前四项之和）不成立：「未经复议直接起诉」：总计为0，前四项之和为1" in lines


def test_strict_report_exits_non_zero_and_lists_violations_on_stderr(database_url, consistent_registers, runtime, account):
    with transaction(runtime.session_factory) as s:
        set_opening(s, account_id=account.id, year=2024, key="in_force:normative", value=9, actor=CLI, clock=runtime.clock)
    env = {"GOVPOST_DATABASE_URL": database_url, "GOVPOST_CONFIG": ""}
    runner = CliRunner()
    lenient = runner.invoke(cli, ["report", "2024", "--format", "md"], env=env)
    strict = runner.invoke(cli, ["report", "2024", "--format", "json", "--strict"], env=env)
    assert lenient.exit_code == 0 and strict.exit_code == 1
    assert "规则5" in strict.stderr and "2023年现行有效6件" in strict.stderr
    assert "规则5" in lenient.stdout  # the Markdown lists the violation in the document too
