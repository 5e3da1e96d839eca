from publisher.core.checks import Draft, ImageState, id_card_numbers, mobile_numbers, run_checks
from publisher.settings import settings_from_mapping

WORDS = settings_from_mapping({}, {}).words  # the committed config/ word lists


def codes(draft):
    return {(f.code, f.severity) for f in run_checks(draft, WORDS)}


def test_a_clean_post_has_no_findings():
    assert codes(Draft(1, "合作社分红大会召开", paragraphs=("我镇召开分红大会。",), has_cover=True)) == set()


def test_wechat_limits_and_missing_cover_block():
    found = codes(Draft(1, "标" * 33, author="作" * 17, digest="摘" * 129, paragraphs=(), has_cover=False,
                        content_html="x" * 20_000))
    assert {("title_too_long", "block"), ("author_too_long", "block"), ("digest_too_long", "block"),
            ("body_empty", "block"), ("no_cover", "block"), ("content_too_long", "block")} <= found


def test_sensitive_words_block_with_the_suggested_fix_and_outdated_terms_warn():
    findings = run_checks(Draft(1, "标题", paragraphs=("习总来我镇考察。", "继续做好精准扶贫。"), has_cover=True), WORDS)
    sensitive = next(f for f in findings if f.code == "sensitive")
    assert sensitive.blocking and "习近平总书记" in sensitive.message and "第 1 段" in sensitive.message
    outdated = next(f for f in findings if f.code == "outdated")
    assert not outdated.blocking and "巩固拓展脱贫攻坚成果" in outdated.message


def test_personal_numbers_block_and_are_masked():
    text = "身份证 11010519491231002X，电话 138-1234-5678，办公电话 0975-1234567，发票号 123456789012345678。"
    assert id_card_numbers(text) == ["11010519491231002X"]
    assert mobile_numbers(text) == ["13812345678"]
    messages = [f.message for f in run_checks(Draft(1, "t", paragraphs=(text,), has_cover=True), WORDS)]
    assert any("110" in m and "002X" in m and "*" in m for m in messages)


def test_pictures_still_being_saved_block_and_a_default_cover_warns():
    found = codes(Draft(1, "t", paragraphs=("p",), images=(ImageState(saved=False),), has_cover=True,
                        default_cover_topic="乡村振兴", has_topic=False))
    assert {("image_pending", "block"), ("default_cover", "warn"), ("no_topic", "warn")} <= found


def test_chinese_characters_count_as_two_against_wechats_limits():
    # The stricter reading of draft/add's "32/16/128 个字", as the sandbox counts too.
    from publisher.texts import chat as texts

    findings = run_checks(Draft(1, "标" * 17, author="作" * 9, digest="摘" * 65, paragraphs=("正文。",),
                                has_cover=True), WORDS)
    messages = {f.code: f.message for f in findings}
    assert messages["title_too_long"] == texts.CHECK_TITLE_TOO_LONG.format(length=34, limit=32, chinese=16)
    assert {"author_too_long", "digest_too_long"} <= set(messages)
    within = codes(Draft(1, "标" * 16, author="作" * 8, digest="摘" * 64, paragraphs=("正文。",), has_cover=True))
    ascii_within = codes(Draft(1, "t" * 32, author="a" * 16, paragraphs=("正文。",), has_cover=True))
    assert not {c for c, _ in within | ascii_within} & {"title_too_long", "author_too_long", "digest_too_long"}
