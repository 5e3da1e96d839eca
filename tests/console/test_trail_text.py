"""An audit entry's detail in words: Chinese names for statuses, roles, register values and fields;
times in 北京时间; ids kept for joins left out."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.console.trail_text import describe
from publisher.texts import console as texts

BEIJING = ZoneInfo("Asia/Shanghai")


def test_a_status_change_reads_as_chinese_status_names():
    assert describe("post.submit", {"from": "draft", "to": "submitted"}, BEIJING) == "状态：草稿 → 待审核"


def test_a_role_change_reads_as_role_names_and_hides_the_staff_id():
    assert describe("staff.role", {"staff_id": 3, "from": "editor", "to": "reviewer"}, BEIJING) == "角色：编辑 → 审核人"


def test_a_scheduled_time_reads_in_beijing_time():
    text = describe("post.requeue", {"from": "failed", "to": "approved", "scheduled_at": "2024-03-02T10:00:00+00:00"},
                    BEIJING)
    assert text == "状态：发布失败 → 已通过，排队中；计划时间：" + texts.AUDIT_MOMENT.format(at="2024-03-02 18:00")


def test_a_register_correction_reads_with_labels_and_empty_before_values():
    text = describe("register.case_edited", {"id": 4, "changes": {"kind": ["reconsideration", "direct_suit"],
                                                                  "result": [None, "corrected"]}}, BEIJING)
    assert text == "编号：4；类别：行政复议 → 未经复议直接起诉；审结结果：（空） → 结果纠正"
