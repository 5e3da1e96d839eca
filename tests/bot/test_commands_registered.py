from bot.commands.registry import commands_for
from bot.commands.table import COMMANDS
from publisher.models import Staff

SPEC_COMMANDS = {
    "帮助": "anyone", "绑定": "anyone", "投稿": "editor", "完成": "editor", "取消": "editor", "草稿": "editor",
    "查看": "staff", "话题": "editor", "预览": "staff", "提交": "editor", "通过": "reviewer", "退回": "reviewer",
    "定时": "editor", "撤回": "editor", "删除": "admin", "队列": "staff", "统计": "staff", "登记": "editor",
    "话题列表": "staff",
}


def test_every_command_of_the_spec_is_registered_with_its_role():
    # 定时 and 撤回 are "author, reviewer": registered for writers, the service checks authorship.
    assert {word: COMMANDS[word].role for word in SPEC_COMMANDS if word in COMMANDS} == SPEC_COMMANDS


def test_help_offers_each_role_only_what_it_may_use():
    editor, reviewer = Staff(role="editor"), Staff(role="reviewer")
    editor_words = {c.word for c in commands_for(COMMANDS, editor)}
    assert {"投稿", "统计", "登记"} <= editor_words and not {"通过", "退回", "删除"} & editor_words
    assert {"通过", "退回"} <= {c.word for c in commands_for(COMMANDS, reviewer)}
    assert {c.word for c in commands_for(COMMANDS, None)} == {"帮助", "绑定"}
    assert all(c.help_line.strip() for c in COMMANDS.values())


def test_every_audited_action_about_a_post_reads_in_chinese_in_its_history():
    import re
    from pathlib import Path

    from bot.commands.posts import _action_name

    root = Path(__file__).resolve().parents[2]
    actions = set()
    for path in [*root.glob("publisher/**/*.py"), *root.glob("bot/**/*.py")]:
        actions.update(re.findall(r'action="((?:draft|post|review|preview|ledger)\.[a-z_]+)"', path.read_text("utf-8")))
    assert actions, "no audited actions found: the scan is broken"
    untranslated = {a for a in actions if not re.search(r"[\u4e00-\u9fff]", _action_name(a))}
    assert not untranslated
