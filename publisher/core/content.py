"""A post's blocks as article HTML for WeChat: paragraphs escaped, pictures by their uploaded
URL, and the whole sanitised with nh3 so that nothing a staff member types becomes markup."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable, Iterable

import nh3

from publisher.texts import article as texts

ALLOWED_TAGS = {"p", "br", "img", "section"}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt"}, "p": {"style"}, "section": {"style"}}
PARAGRAPH_STYLE = "text-indent:2em;line-height:1.75;margin:0 0 1em 0;"
FOOTER_STYLE = "text-align:right;line-height:1.75;margin:2em 0 0 0;"


@dataclass(frozen=True)
class Block:
    """A paragraph (`text`) or a picture (`image_id`), in order."""

    kind: str
    text: str | None = None
    image_id: int | None = None


@dataclass(frozen=True)
class ReviewFooter:
    """Who wrote, reviewed and signed off an article (三级审查), for its last line.

    `reviewed` are the approvals below the last level, `signed` the last level's. While the
    post is still in review a role nobody has taken yet shows as pending, so a preview shows
    where each name will go; once it is through (`settled`), a role nobody took is left out.
    """

    wrote: str
    reviewed: tuple[str, ...] = ()
    signed: str = ""
    # False when the review has a single level: there is then no 审核 between 撰稿 and 审签.
    has_review_level: bool = True
    settled: bool = False

    @classmethod
    def of(cls, wrote: str, approvers: Iterable[str], levels: int, *, settled: bool) -> "ReviewFooter":
        """From the author and the approvers in level order, with `levels` the levels needed."""
        names = list(approvers)
        final = names[levels - 1] if len(names) >= levels else ""
        return cls(wrote, tuple(names[: levels - 1]), final, levels > 1, settled)

    @property
    def missing(self) -> tuple[str, ...]:
        """The roles without a name, of the three the county's 三级审查 check asks for."""
        roles = (("wrote", self.wrote), ("reviewed", self.reviewed), ("signed", self.signed))
        return tuple(role for role, names in roles if not names)

    def text(self) -> str:
        parts = []
        for template, names, shown in ((texts.FOOTER_WROTE, (self.wrote,), True),
                                       (texts.FOOTER_REVIEWED, self.reviewed, self.has_review_level),
                                       (texts.FOOTER_SIGNED, (self.signed,), True)):
            listed = texts.FOOTER_NAMES_SEPARATOR.join(n for n in names if n)
            if shown and (listed or not self.settled):
                parts.append(template.format(names=listed or texts.FOOTER_PENDING))
        return texts.FOOTER_SEPARATOR.join(parts)

    def as_dict(self) -> dict:
        return {"wrote": self.wrote, "reviewed": list(self.reviewed), "signed": self.signed,
                "has_review_level": self.has_review_level, "settled": self.settled}

    @classmethod
    def from_dict(cls, data: dict) -> "ReviewFooter":
        return cls(str(data.get("wrote") or ""), tuple(data.get("reviewed") or ()), str(data.get("signed") or ""),
                   bool(data.get("has_review_level", True)), bool(data.get("settled", True)))


def render_article(blocks: Iterable[Block], image_url: Callable[[int], str | None],
                   footer: ReviewFooter | None = None) -> str:
    """Article HTML. `image_url(image_id)` gives a picture's uploadimg URL; a picture without
    one is left out (the caller decides whether that is acceptable). `footer`, when given,
    is the last paragraph."""
    parts: list[str] = []
    for block in blocks:
        if block.kind == "text" and block.text and block.text.strip():
            lines = [html.escape(line) for line in block.text.strip().splitlines()]
            parts.append(f'<p style="{PARAGRAPH_STYLE}">' + "<br/>".join(lines) + "</p>")
        elif block.kind == "image" and block.image_id is not None:
            url = image_url(block.image_id)
            if url:
                parts.append(f'<p style="text-align:center;"><img src="{html.escape(url, quote=True)}" alt=""/></p>')
    if footer is not None:
        parts.append(f'<p style="{FOOTER_STYLE}">{html.escape(footer.text())}</p>')
    return sanitize("".join(parts))


def sanitize(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https"},
        link_rel=None,
        filter_style_properties={"text-indent", "line-height", "margin", "text-align"},
    )


def digest_of(blocks: Iterable[Block], limit: int = 54) -> str:
    """A short digest from the first paragraph (WeChat shows it under the title in chats)."""
    for block in blocks:
        if block.kind == "text" and block.text and block.text.strip():
            text = " ".join(block.text.split())
            return text if len(text) <= limit else text[: limit - 1] + "…"
    return ""
