"""datacube 图文分析: the four article endpoints govpost reads, as WeChat documents them.

From WeChat's documentation (developers.weixin.qq.com/doc/service/api/wedata/news/
api_getarticlesummary and api_getarticletotal; the older 图文分析数据接口 page lists the
spans):

- getarticlesummary (span 1): "某天所有被阅读过的群发文章当天的阅读数据", the list being
  "该日期内所有被阅读过的文章(仅包括群发的文章)": mass-sent articles only, every one read
  that day, not only those sent that day. `msgid` is "<msg_data_id>_<index>".
- getarticletotal (span 1): for the articles mass-sent on the day asked, cumulative figures
  per `stat_date` from the sending day, at most seven days of them.
- getuserread (span 3) and getusershare (span 7): the account's own daily totals. They are
  not limited to 群发, so freepublish (发布) articles count here, and only here.
- `end_date` is at most yesterday (61501 otherwise, as for a span too long); a date that is
  not YYYY-MM-DD is 61500. Yesterday's figures exist only from 08:00 北京时间: asked
  earlier, the list is empty (what WeChat's community threads report), not an error.
- Only articles whose interactions (reads + shares + favourites) reach 3 are listed.

The numbers are invented but deterministic (derived from the msgid, the article's age and
`state.datacube_seed`): an article is read most on its first day and less each day after,
so the cumulative figures of getarticletotal grow for a few days and then level off.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from .clock import beijing
from .errors import WeChatError
from .state import SandboxState

MAX_SPAN_DAYS = {"getarticlesummary": 1, "getarticletotal": 1, "getuserread": 3, "getusershare": 7}
MIN_INTERACTIONS = 3
TOTAL_DAYS = 7  # getarticletotal follows an article over its first seven days
READY_HOUR = 8  # 北京时间: yesterday's figures are there from 08:00
ALL_SOURCES = 99999999  # getuserread's user_source for "all sources together"
SHARE_SCENE_FRIENDS = 1
FIGURES = ("int_page_read_user", "int_page_read_count", "ori_page_read_user", "ori_page_read_count",
           "share_user", "share_count", "add_to_fav_user", "add_to_fav_count")


def _parse(value) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise WeChatError(61500) from None


def _figures(msgid: str, age_days: int, seed: int = 0) -> dict:
    """One article's figures on the `age_days`-th day after it was sent (0: the day itself)."""
    if age_days < 0:
        return dict.fromkeys(FIGURES, 0)
    seed = int.from_bytes(hashlib.sha1(f"{seed}:{msgid}".encode()).digest()[:8], "big")
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


def _interactions(figures: dict) -> int:
    return figures["int_page_read_count"] + figures["share_count"] + figures["add_to_fav_count"]


def _days(state: SandboxState, endpoint: str, appid: str, begin_date, end_date) -> list[date]:
    """The days asked for that have figures; WeChat's errcodes for a bad request."""
    begin, end = _parse(begin_date), _parse(end_date)
    state.datacube_queries.append({"endpoint": endpoint, "appid": appid,
                                   "begin_date": begin.isoformat(), "end_date": end.isoformat()})
    if end < begin or (end - begin).days + 1 > MAX_SPAN_DAYS[endpoint] or end >= beijing(state.clock.now()).date():
        raise WeChatError(61501)
    return [begin + timedelta(days=n) for n in range((min(end, _ready(state)) - begin).days + 1)]


def _ready(state: SandboxState) -> date:
    """The latest day with figures: yesterday from 08:00, the day before until then."""
    now = beijing(state.clock.now())
    return now.date() - timedelta(days=1 if now.hour >= READY_HOUR else 2)


def _articles(state: SandboxState, appid: str, *, mass_only: bool):
    """(sent day, msgid, title) of the account's articles, oldest first."""
    for publication in sorted(state.publications.values(), key=lambda p: p.published_at):
        if publication.appid != appid or (mass_only and publication.source != "mass"):
            continue
        sent = beijing(publication.published_at).date()
        for idx, article in enumerate(publication.articles, start=1):
            yield sent, f"{publication.msg_data_id}_{idx}", article["title"]


def article_summary(state: SandboxState, appid: str, begin_date, end_date) -> dict:
    rows = []
    with state.lock:
        for day in _days(state, "getarticlesummary", appid, begin_date, end_date):
            for sent, msgid, title in _articles(state, appid, mass_only=True):
                figures = _figures(msgid, (day - sent).days, state.datacube_seed)
                if sent <= day and _interactions(figures) >= MIN_INTERACTIONS:
                    rows.append({"ref_date": day.isoformat(), "msgid": msgid, "title": title,
                                 "user_source": 0, **figures})
    return {"list": rows}


def article_total(state: SandboxState, appid: str, begin_date, end_date) -> dict:
    rows = []
    with state.lock:
        days = _days(state, "getarticletotal", appid, begin_date, end_date)
        ready = _ready(state)
        for sent, msgid, title in _articles(state, appid, mass_only=True):
            if sent not in days:
                continue
            details, running = [], dict.fromkeys(FIGURES, 0)
            for age in range(min(TOTAL_DAYS, (ready - sent).days + 1)):
                for name, value in _figures(msgid, age, state.datacube_seed).items():
                    running[name] += value
                details.append({"stat_date": (sent + timedelta(days=age)).isoformat(),
                                "target_user": _followers(appid), **running})
            if details and _interactions(running) >= MIN_INTERACTIONS:
                rows.append({"ref_date": sent.isoformat(), "msgid": msgid, "title": title, "user_source": 0,
                             "details": details})
    return {"list": rows}


def _followers(appid: str) -> int:
    return 1000 + int.from_bytes(hashlib.sha1(appid.encode()).digest()[:4], "big") % 4000


def _account_day(state: SandboxState, appid: str, day: date) -> dict:
    totals = dict.fromkeys(FIGURES, 0)
    for sent, msgid, _title in _articles(state, appid, mass_only=False):
        for name, value in _figures(msgid, (day - sent).days, state.datacube_seed).items():
            totals[name] += value
    return totals


def user_read(state: SandboxState, appid: str, begin_date, end_date) -> dict:
    rows = []
    with state.lock:
        for day in _days(state, "getuserread", appid, begin_date, end_date):
            totals = _account_day(state, appid, day)
            if totals["int_page_read_count"]:
                rows.append({"ref_date": day.isoformat(), "user_source": ALL_SOURCES, **totals})
    return {"list": rows}


def user_share(state: SandboxState, appid: str, begin_date, end_date) -> dict:
    rows = []
    with state.lock:
        for day in _days(state, "getusershare", appid, begin_date, end_date):
            totals = _account_day(state, appid, day)
            if totals["share_count"]:
                rows.append({"ref_date": day.isoformat(), "share_scene": SHARE_SCENE_FRIENDS,
                             "share_count": totals["share_count"], "share_user": totals["share_user"]})
    return {"list": rows}
