"""What WeChat refuses: media types and sizes, draft article fields.

Images inside article HTML must be uploadimg pictures; WeChat silently filters any
other `<img>` out of the saved content, and so does the sandbox (the count removed is
kept on the draft in `/sandbox/state`, so a test can see that it happened).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

from .errors import WeChatError

KB = 1024
MB = 1024 * KB

IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": ("jpeg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"GIF87a": ("gif", "image/gif"),
    b"GIF89a": ("gif", "image/gif"),
    b"BM": ("bmp", "image/bmp"),
}
EXTENSIONS = {"jpeg": {"jpg", "jpeg"}, "png": {"png"}, "gif": {"gif"}, "bmp": {"bmp"}}


class MediaRule:
    """Formats, the size ceiling and WeChat's errcode for going over it, for one kind of upload."""

    def __init__(self, formats: set[str], max_bytes: int, oversize_errcode: int) -> None:
        self.formats = formats
        self.max_bytes = max_bytes
        self.oversize_errcode = oversize_errcode


# The oversize errcodes are WeChat's global return codes as the platform answers them:
# a thumb is 40012 (不合法的缩略图文件大小, "invalid thumb size"), a temporary image
# 40006 (不合法的文件大小, "invalid media size", the answer reported for media/upload),
# an uploadimg picture 40009 (不合法的图片文件大小, reported for an 8 MB uploadimg), and
# permanent image material, whose documented answer is not recorded anywhere we can
# read, 45001 (多媒体文件大小超过限制). publisher/wechat/errors.py refuses all four alike,
# so govpost does not depend on which one WeChat picks.
MEDIA_RULES = {
    "thumb": MediaRule({"jpeg"}, 64 * KB, 40012),
    "image": MediaRule({"jpeg", "png", "gif", "bmp"}, 10 * MB, 45001),
    "uploadimg": MediaRule({"jpeg", "png"}, 1 * MB - 1, 40009),
    "temp_image": MediaRule({"jpeg", "png", "gif"}, 10 * MB, 40006),
}

MAX_ARTICLES = 8
MAX_TITLE = 32
MAX_AUTHOR = 16
MAX_DIGEST = 128


def wechat_length(text: str) -> int:
    """A title's, author's or digest's length as the stricter reading of WeChat counts it.

    draft/add documents "总长度不超过32个字" (16 for author, 128 for digest) without saying
    what a 字 is, and its forum answer is only "和公众号后台限制一致". Until one is
    confirmed, a character outside ASCII (every Chinese one) counts as two, ASCII as one:
    the sandbox refuses what the stricter reading refuses, and govpost's checks
    (publisher/core/checks.py) count the same way, so it survives either.
    """
    return sum(1 if ord(ch) < 128 else 2 for ch in text)
MAX_CONTENT_CHARS = 20_000
MAX_CONTENT_BYTES = 1 * MB

IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
IMG_SRC = re.compile(r"""\bsrc\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
UPLOADIMG_PATH = re.compile(r"/sandbox/mmbiz/([A-Za-z0-9_\-]+)$")


def check_upload(kind: str, filename: str, data: bytes) -> str:
    """The Content-Type of an acceptable upload, or WeChat's error for it."""
    if not filename or not filename.isascii():
        # WeChat cannot read a non-ASCII multipart filename and sees no media at all.
        raise WeChatError(41005)
    if not data:
        raise WeChatError(41005)
    rule = MEDIA_RULES[kind]
    sniffed = next((v for sig, v in IMAGE_SIGNATURES.items() if data.startswith(sig)), None)
    if sniffed is None or sniffed[0] not in rule.formats:
        raise WeChatError(40005)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in set().union(*(EXTENSIONS[f] for f in rule.formats)):
        raise WeChatError(40005)
    if len(data) > rule.max_bytes:
        raise WeChatError(rule.oversize_errcode)
    return sniffed[1]


def uploadimg_id(src: str) -> str | None:
    match = UPLOADIMG_PATH.search(urlsplit(src).path)
    return match.group(1) if match else None


def strip_foreign_images(content: str, is_uploadimg: Callable[[str], bool]) -> tuple[str, int]:
    """Remove every <img> whose src is not an uploadimg picture; return the HTML and the count."""
    removed = 0

    def keep_or_drop(match: re.Match) -> str:
        nonlocal removed
        src = IMG_SRC.search(match.group(0))
        image_id = uploadimg_id(src.group(2)) if src else None
        if image_id and is_uploadimg(image_id):
            return match.group(0)
        removed += 1
        return ""

    return IMG_TAG.sub(keep_or_drop, content), removed


def check_article(article: dict, is_thumb: Callable[[str], bool]) -> None:
    """Raise WeChat's error for the first limit this article breaks."""
    if not isinstance(article, dict):
        raise WeChatError(47001)
    title = article.get("title") or ""
    content = article.get("content") or ""
    if not title or not content:
        raise WeChatError(44003)
    if wechat_length(title) > MAX_TITLE:
        raise WeChatError(45003)
    if wechat_length(article.get("author") or "") > MAX_AUTHOR:
        raise WeChatError(45110)
    if wechat_length(article.get("digest") or "") > MAX_DIGEST:
        raise WeChatError(45004)
    if len(content) >= MAX_CONTENT_CHARS or len(content.encode("utf-8")) >= MAX_CONTENT_BYTES:
        raise WeChatError(45002)
    if not is_thumb(article.get("thumb_media_id") or ""):
        raise WeChatError(40007)


def check_article_count(articles) -> None:
    if not isinstance(articles, list) or not articles:
        raise WeChatError(44003)
    if len(articles) > MAX_ARTICLES:
        raise WeChatError(45008)
