"""Checks before submit (SPEC §5), over plain values: WeChat's limits, the cover, sensitive
words with their suggested fix, personal data (ID-card and mobile numbers) and outdated
formulations. Blocking findings stop a submit; warnings are shown and do not."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from publisher.texts import chat as texts

TITLE_LIMIT = 32
AUTHOR_LIMIT = 16
DIGEST_LIMIT = 128
CONTENT_CHAR_LIMIT = 20_000
CONTENT_BYTE_LIMIT = 1024 * 1024


def wechat_length(text: str) -> int:
    """Length as the stricter reading of WeChat's "32/16/128 个字" counts it: a character
    outside ASCII (every Chinese one) as two. Undocumented either way; the sandbox
    (publisher/sandbox/limits.py) counts the same, so a post that passes here passes there."""
    return sum(1 if ord(ch) < 128 else 2 for ch in text)

BLOCK, WARN = "block", "warn"

_ID_CARD = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCK


@dataclass(frozen=True)
class WordLists:
    """word → suggested fix ("" when the list gives none); read at start-up from
    config/sensitive_words.txt and config/outdated_terms.txt (`settings.words`)."""

    sensitive: dict[str, str] = field(default_factory=dict)
    outdated: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ImageState:
    saved: bool
    failed: bool = False


@dataclass(frozen=True)
class Draft:
    """What the checks look at: a post as plain values."""

    post_id: int
    title: str
    author: str = ""
    digest: str = ""
    paragraphs: tuple[str, ...] = ()
    images: tuple[ImageState, ...] = ()
    # Each paragraph's and picture's number in the post, where text and pictures are counted
    # together (as 改段 and 删段 count); left empty, they count 1, 2, … by kind.
    paragraph_numbers: tuple[int, ...] = ()
    image_numbers: tuple[int, ...] = ()
    has_cover: bool = False
    default_cover_topic: str | None = None  # set when the cover is the topic's default
    has_topic: bool = True
    content_html: str = ""


def run_checks(draft: Draft, words: WordLists) -> list[Finding]:
    findings: list[Finding] = []
    add = findings.append

    title = draft.title.strip()
    if not title:
        add(Finding("title_empty", BLOCK, texts.CHECK_TITLE_EMPTY))
    elif wechat_length(title) > TITLE_LIMIT:
        add(Finding("title_too_long", BLOCK, texts.CHECK_TITLE_TOO_LONG.format(
            length=wechat_length(title), limit=TITLE_LIMIT, chinese=TITLE_LIMIT // 2)))
    if wechat_length(draft.author) > AUTHOR_LIMIT:
        add(Finding("author_too_long", BLOCK, texts.CHECK_AUTHOR_TOO_LONG.format(
            length=wechat_length(draft.author), limit=AUTHOR_LIMIT, chinese=AUTHOR_LIMIT // 2)))
    if wechat_length(draft.digest) > DIGEST_LIMIT:
        add(Finding("digest_too_long", BLOCK, texts.CHECK_DIGEST_TOO_LONG.format(
            length=wechat_length(draft.digest), limit=DIGEST_LIMIT, chinese=DIGEST_LIMIT // 2)))

    if not any(p.strip() for p in draft.paragraphs):
        add(Finding("body_empty", BLOCK, texts.CHECK_BODY_EMPTY))
    if len(draft.content_html) >= CONTENT_CHAR_LIMIT:
        add(Finding("content_too_long", BLOCK, texts.CHECK_CONTENT_TOO_LONG.format(length=len(draft.content_html), limit=CONTENT_CHAR_LIMIT)))
    size = len(draft.content_html.encode("utf-8"))
    if size >= CONTENT_BYTE_LIMIT:
        add(Finding("content_too_big", BLOCK, texts.CHECK_CONTENT_TOO_BIG.format(size=size)))

    if not draft.has_cover:
        add(Finding("no_cover", BLOCK, texts.CHECK_NO_COVER))
    elif draft.default_cover_topic:
        add(Finding("default_cover", WARN, texts.CHECK_DEFAULT_COVER.format(topic=draft.default_cover_topic)))
    for number, image in zip(draft.image_numbers or range(1, len(draft.images) + 1), draft.images):
        if image.failed:
            add(Finding("image_failed", BLOCK, texts.CHECK_IMAGE_FAILED.format(number=number)))
        elif not image.saved:
            add(Finding("image_pending", BLOCK, texts.CHECK_IMAGE_PENDING.format(number=number)))

    if not draft.has_topic:
        add(Finding("no_topic", WARN, texts.CHECK_NO_TOPIC.format(post_id=draft.post_id)))

    for word, fix in words.sensitive.items():
        if word in title:
            add(Finding("sensitive", BLOCK, texts.CHECK_SENSITIVE_TITLE.format(word=word, fix=_fix(fix))))
    for word, fix in words.outdated.items():
        if word in title:
            add(Finding("outdated", WARN, texts.CHECK_OUTDATED_TITLE.format(term=word, fix=fix)))

    for paragraph, text in zip(draft.paragraph_numbers or range(1, len(draft.paragraphs) + 1), draft.paragraphs):
        for word, fix in words.sensitive.items():
            if word in text:
                add(Finding("sensitive", BLOCK, texts.CHECK_SENSITIVE.format(paragraph=paragraph, word=word, fix=_fix(fix))))
        for number in id_card_numbers(text):
            add(Finding("id_card", BLOCK, texts.CHECK_ID_CARD.format(paragraph=paragraph, masked=_mask(number))))
        for number in id_like_numbers(text):
            add(Finding("id_card_like", WARN, texts.CHECK_ID_CARD_LIKE.format(paragraph=paragraph, masked=_mask(number))))
        for number in mobile_numbers(text):
            add(Finding("mobile", BLOCK, texts.CHECK_MOBILE.format(paragraph=paragraph, masked=_mask(number))))
        for word, fix in words.outdated.items():
            if word in text:
                add(Finding("outdated", WARN, texts.CHECK_OUTDATED.format(paragraph=paragraph, term=word, fix=fix)))
    return findings


def id_card_numbers(text: str) -> list[str]:
    """18-character resident ID numbers whose check digit is right (fewer false alarms on
    long numbers such as invoice or account numbers)."""
    return [n for n in (m.group(1).upper() for m in _ID_CARD.finditer(text)) if _check_digit_right(n)]


def _check_digit_right(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17]


def id_like_numbers(text: str) -> list[str]:
    """18-character numbers shaped like a resident ID (a real birth date inside) whose check
    digit is wrong: most likely an ID number with a typo, which is still personal data. Only
    a warning, since an invoice or account number can look the same."""
    return [n for n in (m.group(1).upper() for m in _ID_CARD.finditer(text))
            if not _check_digit_right(n) and _has_birth_date(n)]


def _has_birth_date(number: str) -> bool:
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def mobile_numbers(text: str) -> list[str]:
    without_ids = _ID_CARD.sub(" ", text)
    return ["".join(m.groups()) for m in _MOBILE.finditer(without_ids)]


def describe(findings: list[Finding]) -> str:
    """Findings as lines for a chat reply, blocking ones first."""
    ordered = sorted(findings, key=lambda f: not f.blocking)
    return "\n".join(
        f"{texts.FINDING_BLOCK if f.blocking else texts.FINDING_WARN} {f.message}" for f in ordered
    )


# A fix the word list writes as `!…` is an instruction (删除绝对化用语), not a replacement.
INSTRUCTION_MARK = "!"


def _fix(fix: str) -> str:
    if not fix:
        return texts.CHECK_FIX_REMOVE
    if fix.startswith(INSTRUCTION_MARK):
        return texts.CHECK_FIX_INSTRUCTION.format(instruction=fix[len(INSTRUCTION_MARK):].strip())
    return texts.CHECK_FIX.format(fix=fix)


def _mask(number: str) -> str:
    return number[:3] + "*" * (len(number) - 7) + number[-4:]
