"""datacube/getarticlesummary: per-article daily reading figures for what went out that day.

The numbers are invented but deterministic (derived from the msgid), so a snapshot
taken twice agrees with itself and tests can compare exact values.
"""

from __future__ import annotations

import hashlib
from datetime import date

from .clock import beijing
from .errors import WeChatError
from .state import SandboxState

MAX_SPAN_DAYS = 1


def _parse(value) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        # WeChat's global errcodes: 61500 日期格式错误 (format), 61501 日期范围错误 (range).
        raise WeChatError(61500) from None


def _figures(msgid: str) -> dict:
    seed = int.from_bytes(hashlib.sha1(msgid.encode()).digest()[:8], "big")
    readers = 50 + seed % 950
    return {
        "int_page_read_user": readers,
        "int_page_read_count": readers + seed % 97,
        "ori_page_read_user": seed % 13,
        "ori_page_read_count": seed % 17,
        "share_user": seed % 41,
        "share_count": seed % 41 + seed % 7,
        "add_to_fav_user": seed % 23,
        "add_to_fav_count": seed % 23,
    }


def article_summary(state: SandboxState, appid: str, begin_date, end_date) -> dict:
    begin, end = _parse(begin_date), _parse(end_date)
    if end < begin or (end - begin).days + 1 > MAX_SPAN_DAYS:
        raise WeChatError(61501)
    rows = []
    with state.lock:
        for publication in sorted(state.publications.values(), key=lambda p: p.published_at):
            day = beijing(publication.published_at).date()
            if publication.appid != appid or not begin <= day <= end:
                continue
            for idx, article in enumerate(publication.articles, start=1):
                msgid = f"{publication.msg_data_id}_{idx}"
                rows.append({"ref_date": day.isoformat(), "msgid": msgid, "title": article["title"],
                             "user_source": 0, **_figures(msgid)})
    return {"list": rows}
