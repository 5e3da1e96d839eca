"""The editable narrative template: figures filled in, a misspelt placeholder named."""
from __future__ import annotations

import pytest

from publisher.settings import settings_from_mapping
from stats.report.narrative import TemplateError, fill


def test_placeholders_are_filled_with_the_figures():
    filled = fill({"other": {"text": "{year}年收取信息处理费{fee}元。"}}, {"year": 2023, "fee": 0})
    assert filled == {"other": {"text": "2023年收取信息处理费0元。"}}


def test_a_misspelt_placeholder_is_named_with_the_known_ones():
    with pytest.raises(TemplateError, match=r"\[overview\] intro: unknown placeholder \{yaer\}; known: account, year"):
        fill({"overview": {"intro": "{yaer}年"}}, {"year": 2023, "account": "镇"})


def test_committed_template_has_every_section_the_report_prints():
    template = settings_from_mapping({}, {}).report_template
    assert {"intro", "proactive_extra", "on_request", "management", "platforms", "supervision"} <= set(template["overview"])
    assert "信息处理费" in template["other"]["text"]
    assert {"problems", "improvements"} <= set(template["problems"])
