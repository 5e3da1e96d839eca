"""WeChat's 图文分析 data API (datacube), read into plain values.

What WeChat documents (developers.weixin.qq.com/doc/service/api/wedata/news/…, the pages
api_getarticlesummary and api_getarticletotal, and the 图文分析数据接口 overview):

- getarticlesummary, span 1 day: every article read that day, "仅包括群发的文章", i.e.
  mass-sent (群发) only; `msgid` is "<msg_data_id>_<index>", index from 1.
- getarticletotal, span 1 day: for articles mass-sent that day, cumulative figures by
  `stat_date`, over at most the first seven days.
- getuserread, span 3 days, and getusershare, span 7: the account's daily totals.
- Only yesterday and earlier, from 08:00 北京时间; an article is listed only when its
  interactions reach 3; callers are asked to keep what they fetch.
- Articles published with freepublish (发布, no push) appear in neither article endpoint:
  WeChat gives no per-article figures for them through this API. Both pages now point to
  newer 发表内容 endpoints (getarticleread, getarticleshare, getbizsummary,
  getarticletotaldetail), which wechatpy 2.0.0a26 does not have; govpost reads the four
  documented here, and says plainly where they give nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from publisher.models import reach

from .gateway import Gateway
from .errors import WeChatError


@dataclass(frozen=True)
class Endpoint:
    name: str  # as stored
    method: str  # wechatpy's WeChatDataCube method
    span_days: int


SUMMARY = Endpoint(reach.SUMMARY, "get_article_summary", 1)
TOTAL = Endpoint(reach.TOTAL, "get_article_total", 1)
USER_READ = Endpoint(reach.USER_READ, "get_user_read", 3)
USER_SHARE = Endpoint(reach.USER_SHARE, "get_user_share", 7)
ENDPOINTS = (SUMMARY, TOTAL, USER_READ, USER_SHARE)


@dataclass(frozen=True)
class Figures:
    """One row as govpost keeps it (see `publisher.models.ReachFigure`)."""

    endpoint: str
    day: date
    msgid: str
    source: int
    sent_on: date | None
    title: str
    reads: int
    read_users: int
    shares: int
    share_users: int
    favourites: int


def fetch(gateway: Gateway, endpoint: Endpoint, begin: date, end: date) -> list[Figures]:
    """One call; a malformed answer is a `WeChatError` like any other bad answer."""
    rows = gateway.datacube(endpoint.method, begin, end)
    try:
        return [figure for row in rows for figure in _read(endpoint, row)]
    except (AttributeError, KeyError, TypeError, ValueError):
        raise WeChatError(None, f"datacube/{endpoint.method}: unexpected answer") from None


def _read(endpoint: Endpoint, row: dict) -> list[Figures]:
    day = date.fromisoformat(str(row["ref_date"]))
    if endpoint is USER_SHARE:
        return [Figures(endpoint.name, day, "", int(row.get("share_scene") or 0), None, "", 0, 0,
                        int(row.get("share_count") or 0), int(row.get("share_user") or 0), 0)]
    if endpoint is TOTAL:
        # Every stat_date is kept: the last one is the article's total so far.
        return [_figures(endpoint, date.fromisoformat(str(d["stat_date"])), row, d, sent_on=day)
                for d in row.get("details") or []]
    return [_figures(endpoint, day, row, row, sent_on=None)]


def _figures(endpoint: Endpoint, day: date, row: dict, numbers: dict, *, sent_on: date | None) -> Figures:
    def n(name: str) -> int:
        return int(numbers.get(name) or 0)

    return Figures(
        endpoint=endpoint.name, day=day, msgid=str(row.get("msgid") or ""), source=int(row.get("user_source") or 0),
        sent_on=sent_on, title=str(row.get("title") or ""),
        reads=n("int_page_read_count"), read_users=n("int_page_read_user"),
        shares=n("share_count"), share_users=n("share_user"), favourites=n("add_to_fav_count"),
    )
