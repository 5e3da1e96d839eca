"""The draft box (草稿箱): draft/add|get|update|delete|count|batchget."""

from __future__ import annotations

import re
import secrets

from . import media
from .errors import WeChatError
from .limits import check_article, check_article_count, strip_foreign_images
from .state import Draft, SandboxState

ARTICLE_FIELDS = {
    "title": "", "author": "", "digest": "", "content": "", "content_source_url": "",
    "thumb_media_id": "", "show_cover_pic": 0, "need_open_comment": 0, "only_fans_can_comment": 0,
}
AUTO_DIGEST_CHARS = 54
PAGE_MAX = 20
TAG = re.compile(r"<[^>]+>")
# draft/add: content "此处会去除JS".
SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>|<script\b[^>]*/?>", re.IGNORECASE | re.DOTALL)
# content_source_url: "大小不可超过1 kb"; a longer or malformed one is 41039 (invalid url).
SOURCE_URL = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
SOURCE_URL_MAX_BYTES = 1024


def _normalise(state: SandboxState, appid: str, article: dict, single: bool) -> tuple[dict, int]:
    check_article(article, lambda media_id: media.is_cover(state, appid, media_id))
    clean = {key: article.get(key, default) or default for key, default in ARTICLE_FIELDS.items()}
    source = clean["content_source_url"]
    if source and (len(source.encode("utf-8")) > SOURCE_URL_MAX_BYTES or not SOURCE_URL.match(source)):
        raise WeChatError(41039)
    clean["content"] = SCRIPT.sub("", clean["content"])
    clean["content"], stripped = strip_foreign_images(
        clean["content"], lambda image_id: media.is_uploadimg(state, image_id))
    if not single:
        clean["digest"] = ""  # "仅有单图文消息才有摘要，多图文此处为空"
    elif not clean["digest"]:
        # WeChat fills a lone article's empty digest from the first 54 characters of text.
        clean["digest"] = TAG.sub("", clean["content"]).strip()[:AUTO_DIGEST_CHARS]
    return clean, stripped


def news_items(articles: list[dict], base_url: str) -> list[dict]:
    return [{**a, "thumb_url": f"{base_url}sandbox/media/{a['thumb_media_id']}"} for a in articles]


def add(state: SandboxState, appid: str, articles) -> dict:
    check_article_count(articles)
    checked = [_normalise(state, appid, a, len(articles) == 1) for a in articles]
    with state.lock:
        now = state.clock.now()
        draft = Draft(media_id=secrets.token_urlsafe(32), appid=appid, articles=[a for a, _ in checked],
                      created_at=now, updated_at=now, stripped_images=sum(n for _, n in checked))
        state.drafts[draft.media_id] = draft
    return {"media_id": draft.media_id}


def find(state: SandboxState, appid: str, media_id: str) -> Draft:
    with state.lock:
        draft = state.drafts.get(media_id)
        if draft is None or draft.appid != appid:
            raise WeChatError(40007)
        return draft


def get(state: SandboxState, appid: str, media_id: str, base_url: str) -> dict:
    draft = find(state, appid, media_id)
    return {"news_item": news_items(draft.articles, base_url)}


def delete(state: SandboxState, appid: str, media_id: str) -> dict:
    with state.lock:
        find(state, appid, media_id)
        del state.drafts[media_id]
    return {"errcode": 0, "errmsg": "ok"}


def update(state: SandboxState, appid: str, media_id: str, index, article) -> dict:
    draft = find(state, appid, media_id)
    if not isinstance(index, int) or not 0 <= index < len(draft.articles):
        raise WeChatError(40114)  # draft/update's own errcode: 40114 invalid index value
    clean, stripped = _normalise(state, appid, article, len(draft.articles) == 1)
    with state.lock:
        draft.articles[index] = clean
        draft.stripped_images += stripped
        draft.updated_at = state.clock.now()
    return {"errcode": 0, "errmsg": "ok"}


def count(state: SandboxState, appid: str) -> dict:
    with state.lock:
        return {"total_count": sum(1 for d in state.drafts.values() if d.appid == appid)}


def page(offset, count_, total: int) -> slice:
    """WeChat's paging arguments: offset ≥ 0, 1 ≤ count ≤ 20 (40097 otherwise)."""
    if not isinstance(offset, int) or not isinstance(count_, int) or offset < 0 or not 1 <= count_ <= PAGE_MAX:
        raise WeChatError(40097)
    return slice(offset, min(offset + count_, total))


def batchget(state: SandboxState, appid: str, offset, count_, no_content, base_url: str) -> dict:
    with state.lock:
        drafts = sorted((d for d in state.drafts.values() if d.appid == appid),
                        key=lambda d: d.updated_at, reverse=True)
    chosen = drafts[page(offset, count_, len(drafts))]
    items = []
    for draft in chosen:
        articles = [{k: v for k, v in a.items() if not (no_content and k == "content")} for a in draft.articles]
        items.append({"media_id": draft.media_id, "content": {"news_item": news_items(articles, base_url)},
                      "update_time": int(draft.updated_at)})
    return {"total_count": len(drafts), "item_count": len(items), "item": items}
