"""datacube/getarticlesummary: per-article reading figures of one day, as WeChat gives them.

WeChat's documentation of 图文分析: the figures are of 群发 (mass-sent) articles only,
for every such article read that day (not only those sent that day), never of today
(the latest day is yesterday), and only rows whose reads, shares and favourites add up to
at least 3. The sandbox invents nothing WeChat would not give: freepublish articles have
no rows here.

The numbers are invented but deterministic (derived from the msgid and the day), and fall
off as an article ages, so a snapshot taken twice agrees with itself.
"""

from __future__ import annotations

import hashlib
from datetime import date

from .clock import beijing
from .errors import WeChatError
from .state import SandboxState

MAX_SPAN_DAYS = 1
MIN_INTERACTIONS = 3


def _parse(value) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        # WeChat's global errcodes: 61500 日期格式错误 (format), 61501 日期范围错误 (range).
        raise WeChatError(61500) from None


def _figures(msgid: str, age_days: int) -> dict:
    seed = int.from_bytes(hashlib.sha1(msgid.encode()).digest()[:8], "big")
    fading = (age_days + 1) ** 2
    readers = (50 + seed % 950) // fading
    shares, favourites = (seed % 41) // fading, (seed % 23) // fading
    return {
        "int_page_read_user": readers,
        "int_page_read_count": readers + (seed % 97) // fading,
        "ori_page_read_user": (seed % 13) // fading,
        "ori_page_read_count": (seed % 17) // fading,
        "share_user": shares,
        "share_count": shares + (seed % 7) // fading,
        "add_to_fav_user": favourites,
        "add_to_fav_count": favourites,
    }


def article_summary(state: SandboxState, appid: str, begin_date, end_date) -> dict:
    begin, end = _parse(begin_date), _parse(end_date)
    if end < begin or (end - begin).days + 1 > MAX_SPAN_DAYS:
        raise WeChatError(61501)
    rows = []
    with state.lock:
        if end >= beijing(state.clock.now()).date():
            raise WeChatError(61501)  # today's figures do not exist yet
        for publication in sorted(state.publications.values(), key=lambda p: p.published_at):
            sent = beijing(publication.published_at).date()
            if publication.appid != appid or publication.source != "mass" or sent > end:
                continue
            for idx, article in enumerate(publication.articles, start=1):
                msgid = f"{publication.msg_data_id}_{idx}"
                figures = _figures(msgid, (end - sent).days)
                if figures["int_page_read_count"] + figures["share_count"] + figures["add_to_fav_count"] \
                        < MIN_INTERACTIONS:
                    continue
                rows.append({"ref_date": end.isoformat(), "msgid": msgid, "title": article["title"],
                             "user_source": 0, **figures})
    return {"list": rows}
