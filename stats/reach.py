"""Reads and shares as staff see them: one article, one year, months, the report's sheet.

Only what WeChat measured is shown. An article's reads are the sum of its daily figures
(getarticlesummary lists every mass-sent article read on a day); before the first of them
arrives the figures are "not known yet", never 0. A freepublish (发布) article has no
per-article figures at all (WeChat gives none), which is said as such. The account's year
total is the sum of getuserread's daily totals (all sources), which counts every article.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from publisher.db import reading_connection
from publisher.models import WECHAT_CHANNEL, LedgerEntry, Post, PublishBundle, ReachFigure
from publisher.models.reach import ALL_SOURCES, SUMMARY, USER_READ
from publisher.texts import reach as texts
from stats.queries import year_range

MEASURED, NOT_PROVIDED, NOT_YET = "measured", "not_provided", "not_yet"
TOP_ARTICLES = 3


@dataclass(frozen=True)
class ArticleReach:
    state: str  # MEASURED, NOT_PROVIDED (freepublish) or NOT_YET
    reads: int | None = None
    read_users: int | None = None
    shares: int | None = None
    through: date | None = None  # the last day counted


@dataclass(frozen=True)
class TopArticle:
    title: str
    reads: int


@dataclass(frozen=True)
class YearReach:
    year: int
    total_reads: int | None  # None: no daily totals pulled for the year
    top: list[TopArticle]


def _reach_of_entries(session: Session, entry_ids: list[int]) -> dict[int, tuple[int, int, int, date]]:
    if not entry_ids:
        return {}
    rows = session.execute(
        select(ReachFigure.ledger_entry_id, func.sum(ReachFigure.reads), func.sum(ReachFigure.read_users),
               func.sum(ReachFigure.shares), func.max(ReachFigure.day))
        .where(ReachFigure.endpoint == SUMMARY, ReachFigure.ledger_entry_id.in_(entry_ids))
        .group_by(ReachFigure.ledger_entry_id))
    return {entry: (int(r), int(u), int(s), last) for entry, r, u, s, last in rows}


def post_reach(session: Session, post: Post) -> ArticleReach | None:
    """None for a post not (yet) published."""
    if post.published_at is None:
        return None
    entry_id = session.scalar(select(LedgerEntry.id).where(LedgerEntry.post_id == post.id))
    mode = session.scalar(select(PublishBundle.mode).where(PublishBundle.id == post.bundle_id)) \
        if post.bundle_id else None
    if entry_id is None:
        return ArticleReach(NOT_YET if mode == "mass" else NOT_PROVIDED)
    return entry_reach(session, [entry_id], {entry_id: mode})[entry_id]


def entry_reach(session: Session, entry_ids: list[int], modes: dict[int, str | None] | None = None
                ) -> dict[int, ArticleReach]:
    """The reach of ledger rows. Without `modes`, an entry is mass-sent when its key says so."""
    figures = _reach_of_entries(session, entry_ids)
    if modes is None:
        keys = {i: key for i, key in session.execute(select(LedgerEntry.id, LedgerEntry.external_key)
                                                     .where(LedgerEntry.id.in_(entry_ids)))} if entry_ids else {}
        modes = {i: _mode_of_key(session, keys.get(i)) for i in entry_ids}
    result = {}
    for entry_id in entry_ids:
        if entry_id in figures:
            reads, users, shares, through = figures[entry_id]
            result[entry_id] = ArticleReach(MEASURED, reads, users, shares, through)
        else:
            result[entry_id] = ArticleReach(NOT_YET if modes.get(entry_id) == "mass" else NOT_PROVIDED)
    return result


def _mode_of_key(session: Session, key: str | None) -> str | None:
    # "wechat:mass:<msg_id>:<idx>" is a mass send; a mass send's article id also appears as
    # "wechat:<article_id>:<idx>", so the bundle decides.
    if not key or not key.startswith("wechat:"):
        return None
    if key.startswith("wechat:mass:"):
        return "mass"
    article_id = key.split(":")[1]
    return session.scalar(select(PublishBundle.mode).where(PublishBundle.article_id == article_id).limit(1))


def year_reach(session: Session, account_id: int, year: int) -> YearReach:
    start, end = year_range(year)
    total = session.scalar(select(func.sum(ReachFigure.reads)).where(
        ReachFigure.account_id == account_id, ReachFigure.endpoint == USER_READ,
        ReachFigure.source == ALL_SOURCES, ReachFigure.day >= start, ReachFigure.day < end))
    per_article = func.sum(ReachFigure.reads).label("reads")
    rows = session.execute(
        select(ReachFigure.msgid, func.max(LedgerEntry.title), func.max(ReachFigure.title), per_article)
        .outerjoin(LedgerEntry, LedgerEntry.id == ReachFigure.ledger_entry_id)
        .where(ReachFigure.account_id == account_id, ReachFigure.endpoint == SUMMARY,
               ReachFigure.day >= start, ReachFigure.day < end)
        .group_by(ReachFigure.msgid).order_by(per_article.desc(), ReachFigure.msgid).limit(TOP_ARTICLES))
    top = [TopArticle(ledger_title or wechat_title, int(reads)) for _, ledger_title, wechat_title, reads in rows]
    return YearReach(year, None if total is None else int(total), top)


def monthly_reads(session: Session, account_id: int, year: int) -> dict[str, int | None]:
    """"YYYY-MM" → the account's reads that month; None for a month with no daily totals."""
    start, end = year_range(year)
    month = extract("month", ReachFigure.day)
    rows = {int(m): reads for m, reads in session.execute(select(month, func.sum(ReachFigure.reads)).where(
        ReachFigure.account_id == account_id, ReachFigure.endpoint == USER_READ,
        ReachFigure.source == ALL_SOURCES, ReachFigure.day >= start, ReachFigure.day < end).group_by(month))}
    return {f"{year}-{m:02d}": (int(rows[m]) if m in rows else None) for m in range(1, 13)}


ARTICLE_BATCH = 500


@dataclass(frozen=True)
class ArticleRow:
    day: date
    title: str
    url: str | None
    reach: ArticleReach


@dataclass(frozen=True)
class YearArticles:
    """The year's WeChat articles in the ledger with their reach: the report's reads sheet.

    Iterating runs one query (each ledger row joined to its summed daily figures and its
    bundle's mode) and yields `ArticleRow`s a batch at a time, so a year of any size is never
    in memory at once and no list of ids has to fit in one statement. Like the ledger sheet's
    stream (stats.queries.YearEntries) it reads on a connection of its own, closed when the
    iteration ends."""
    session: Session
    account_id: int
    year: int

    def statement(self):
        """One row per article: its day, title, url, key, bundle mode and summed figures."""
        start, end = year_range(self.year)
        articles = (LedgerEntry.account_id == self.account_id, LedgerEntry.channel == WECHAT_CHANNEL,
                    LedgerEntry.deleted_at.is_(None), LedgerEntry.disclosed_on >= start,
                    LedgerEntry.disclosed_on < end)
        # The account's figures from the year's first day on (an article is read on its day
        # and after): unrestricted, the database would sum every account's figures of every
        # year before joining them.
        figures = (select(ReachFigure.ledger_entry_id.label("entry_id"),
                          func.sum(ReachFigure.reads).label("reads"),
                          func.sum(ReachFigure.read_users).label("read_users"),
                          func.sum(ReachFigure.shares).label("shares"),
                          func.max(ReachFigure.day).label("through"))
                   .where(ReachFigure.account_id == self.account_id, ReachFigure.day >= start,
                          ReachFigure.endpoint == SUMMARY, ReachFigure.ledger_entry_id.is_not(None))
                   .group_by(ReachFigure.ledger_entry_id).subquery())
        return (
            select(LedgerEntry.disclosed_on, LedgerEntry.title, LedgerEntry.url, LedgerEntry.external_key,
                   PublishBundle.mode, figures.c.reads, figures.c.read_users, figures.c.shares,
                   figures.c.through)
            .outerjoin(figures, figures.c.entry_id == LedgerEntry.id)
            .outerjoin(Post, Post.id == LedgerEntry.post_id)
            .outerjoin(PublishBundle, PublishBundle.id == Post.bundle_id)
            .where(*articles)
            .order_by(LedgerEntry.disclosed_on, LedgerEntry.id)
        )

    def __iter__(self) -> Iterator[ArticleRow]:
        with reading_connection(self.session.get_bind()) as connection:
            rows = connection.execute(self.statement().execution_options(yield_per=ARTICLE_BATCH))
            for day, title, url, key, mode, reads, users, shares, through in rows:
                if reads is not None:
                    reach = ArticleReach(MEASURED, int(reads), int(users), int(shares), through)
                else:
                    mass = mode == "mass" or (key or "").startswith("wechat:mass:")
                    reach = ArticleReach(NOT_YET if mass else NOT_PROVIDED)
                yield ArticleRow(day, title, url, reach)


def year_articles(session: Session, account_id: int, year: int) -> YearArticles:
    return YearArticles(session, account_id, year)


def describe_article(reach: ArticleReach | None) -> list[str]:
    """The lines of 查看 about an article's reads (none for a post not published)."""
    if reach is None:
        return []
    if reach.state == MEASURED:
        return [texts.VIEW_READS.format(reads=reach.reads, users=reach.read_users, shares=reach.shares,
                                        through=reach.through.isoformat())]
    return [texts.NOT_PROVIDED if reach.state == NOT_PROVIDED else texts.NOT_YET]


def describe_year(year: YearReach) -> list[str]:
    """The lines of 统计 about the year's reads and its most-read articles."""
    lines = [texts.STATS_READS.format(reads=year.total_reads) if year.total_reads is not None
             else texts.STATS_READS_UNKNOWN]
    if year.top:
        lines.append(texts.STATS_TOP)
        lines += [texts.STATS_TOP_LINE.format(rank=n, title=a.title, reads=a.reads) for n, a in enumerate(year.top, 1)]
    return lines


def section_one_figures(session: Session, account_id: int, year: int) -> dict:
    """The placeholder a report template may use in section 一 (the default one does not, the
    national format does not ask for reads): the year's reads as a sentence, empty while
    WeChat has given none."""
    reads = year_reach(session, account_id, year).total_reads
    return {"wechat_reads_sentence": texts.SECTION_ONE_READS.format(reads=reads) if reads is not None else ""}


def posts_reach(session: Session, posts: list[Post]) -> dict[int, ArticleReach]:
    """post id → reach, for the published ones among `posts` (the console's post list)."""
    published = [p for p in posts if p.published_at is not None]
    if not published:
        return {}
    entries = {post_id: entry_id for entry_id, post_id in session.execute(
        select(LedgerEntry.id, LedgerEntry.post_id).where(LedgerEntry.post_id.in_([p.id for p in published])))}
    bundle_ids = {p.bundle_id for p in published if p.bundle_id}
    modes = {i: mode for i, mode in session.execute(
        select(PublishBundle.id, PublishBundle.mode).where(PublishBundle.id.in_(bundle_ids)))} if bundle_ids else {}
    reach = entry_reach(session, list(entries.values()),
                        {entries[p.id]: modes.get(p.bundle_id) for p in published if p.id in entries})
    return {p.id: reach.get(entries.get(p.id)) or ArticleReach(NOT_YET if modes.get(p.bundle_id) == "mass"
                                                               else NOT_PROVIDED)
            for p in published}

