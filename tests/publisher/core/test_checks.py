from publisher.core.checks import Draft, ImageState, WordLists, id_card_numbers, mobile_numbers, run_checks
from publisher.texts import chat as texts
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


def test_an_id_number_with_a_wrong_check_digit_is_flagged_as_looking_like_one():
    # 11010519491231002X is a valid number; with its check digit changed it still has the shape.
    findings = run_checks(Draft(post_id=1, title="通知", paragraphs=("身份证 110105194912310021",)), WordLists())
    [looks_like] = [f for f in findings if f.code == "id_card_like"]
    assert not looks_like.blocking
    assert looks_like.message == texts.CHECK_ID_CARD_LIKE.format(paragraph=1, masked="110***********0021")


def test_a_long_number_without_a_birth_date_inside_is_not_taken_for_an_id_number():
    findings = run_checks(Draft(post_id=1, title="通知", paragraphs=("发票号 123456789012345678",)), WordLists())
    assert not [f for f in findings if f.code.startswith("id_card")]


def test_a_fix_written_as_an_instruction_reads_as_one():
    words = WordLists(sensitive={"最高级": "!删除绝对化用语", "习总": "习近平总书记"})
    findings = run_checks(Draft(post_id=1, title="通知", paragraphs=("最高级的服务，习总",)), words)
    messages = [f.message for f in findings if f.code == "sensitive"]
    assert texts.CHECK_SENSITIVE.format(paragraph=1, word="最高级", fix="，请删除绝对化用语") in messages
    assert texts.CHECK_SENSITIVE.format(paragraph=1, word="习总", fix="，建议改为「习近平总书记」") in messages


def test_the_shipped_word_list_words_its_instructions_as_instructions():
    findings = run_checks(Draft(post_id=1, title="通知", paragraphs=("全县最高级的服务",)), WORDS)
    assert [f.message for f in findings if f.code == "sensitive"] == [
        texts.CHECK_SENSITIVE.format(paragraph=1, word="最高级", fix="，请删除绝对化用语")]
