"""A post's blocks as article HTML for WeChat: paragraphs escaped, pictures by their uploaded
URL, and the whole sanitised with nh3 so that nothing a staff member types becomes markup."""
from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Callable, Iterable

import nh3

ALLOWED_TAGS = {"p", "br", "img", "section"}
ALLOWED_ATTRIBUTES = {"img": {"src", "alt"}, "p": {"style"}, "section": {"style"}}
PARAGRAPH_STYLE = "text-indent:2em;line-height:1.75;margin:0 0 1em 0;"


@dataclass(frozen=True)
class Block:
    """A paragraph (`text`) or a picture (`image_id`), in order."""

    kind: str
    text: str | None = None
    image_id: int | None = None


def render_article(blocks: Iterable[Block], image_url: Callable[[int], str | None]) -> str:
    """Article HTML. `image_url(image_id)` gives a picture's uploadimg URL; a picture without
    one is left out (the caller decides whether that is acceptable)."""
    parts: list[str] = []
    for block in blocks:
        if block.kind == "text" and block.text and block.text.strip():
            lines = [html.escape(line) for line in block.text.strip().splitlines()]
            parts.append(f'<p style="{PARAGRAPH_STYLE}">' + "<br/>".join(lines) + "</p>")
        elif block.kind == "image" and block.image_id is not None:
            url = image_url(block.image_id)
            if url:
                parts.append(f'<p style="text-align:center;"><img src="{html.escape(url, quote=True)}" alt=""/></p>')
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
