"""The county's quarterly 政务新媒体 check (govpost inspect), as plain values: per account, the
rules county offices publish their checks by, each with its finding, and pass or fail.

The rules, and the choices made where the published rules leave room:
- Articles: the account's WeChat articles in the ledger (deleted ones excluded) whose 北京时间
  day is in the quarter.
- Gaps: the longest run of whole days without an article. The quarter's first day and its
  last day (today, while the quarter is still running) are the edges: the days before the
  first article and after the last count. A run of `gap_days` (the 14-day rule,
  alerts.stale_days_urgent) or more is the single veto (单项否决).
- Citizens' messages (留言) received in the quarter and answered more than `reply_days` after
  they came, or not answered by the time of the check and older than that.
- Published with findings: each of the quarter's articles written here is checked again, title
  and paragraphs, against today's word lists. Sensitive words and personal data (ID-card and
  mobile numbers) fail the account; outdated formulations are listed and do not.
- The footer: an article written here that went out without its 撰稿/审核/审签 line, or with
  one of the three names missing, fails the account. Articles not written here (imported
  history, ledger entries made by hand) cannot be checked and are counted as such.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.core.checks import Draft, run_checks
from publisher.core.content import ReviewFooter
from publisher.errors import Refusal
from publisher.models import WECHAT_CHANNEL, LedgerEntry, Post, PostBlock
from publisher.services.accounts import AccountContext
from publisher.services.citizen_messages import answer_times
from publisher.settings import Settings
from publisher.texts import inspection as texts

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-_ ]?\s*[Qq]\s*([1-4])\s*$")
FIRST_YEAR, LAST_YEAR = 2008, 2100  # as `govpost report`: the 条例's first year; 2100 catches a slipped digit
FAILING_FINDINGS = ("sensitive", "id_card", "mobile")
NOTED_FINDINGS = ("outdated",)


class BadQuarter(Refusal):
    """The quarter asked for cannot be checked; the message says why, in Chinese."""


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        following = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return following - timedelta(days=1)


def parse_quarter(text: str) -> Quarter:
    """「2025Q1」 (also 2025q1, 2025-Q1)."""
    match = _QUARTER.match(text or "")
    if not match:
        raise BadQuarter(texts.BAD_QUARTER.format(text=text))
    quarter = Quarter(int(match[1]), int(match[2]))
    if not FIRST_YEAR <= quarter.year <= LAST_YEAR:
        raise BadQuarter(texts.QUARTER_YEAR_OUT_OF_RANGE.format(text=text, first=FIRST_YEAR, last=LAST_YEAR))
    return quarter


def require_begun(quarter: Quarter, today: date) -> None:
    """A quarter still to come has nothing to check."""
    if quarter.first_day > today:
        raise BadQuarter(texts.QUARTER_NOT_BEGUN.format(quarter=quarter.label, first=quarter.first_day.isoformat()))


@dataclass(frozen=True)
class ArticleFinding:
    """One article the check faults or notes."""

    title: str
    published_on: date
    rule: str  # "findings" or "footer"
    detail: str
    failing: bool


@dataclass(frozen=True)
class AccountInspection:
    account_name: str
    display_name: str
    articles: int
    longest_gap_days: int
    longest_gap_from: date  # the first day of that run without an article
    longest_gap_until: date  # its last day
    veto: bool  # a run of `gap_days` or more days without an article
    messages: int  # citizens' messages received in the quarter
    messages_overdue: int
    articles_with_findings: int  # of those, failing: sensitive words or personal data
    articles_without_footer: int
    articles_footer_incomplete: int
    articles_not_checkable: int  # not written here: no content nor footer to check
    details: list[ArticleFinding] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # why it fails, in Chinese; empty: passed

    @property
    def passed(self) -> bool:
        return not self.reasons


@dataclass(frozen=True)
class CountyInspection:
    quarter: Quarter
    checked_through: date  # the quarter's last day, or today while it runs
    gap_days: int
    reply_days: int
    accounts: list[AccountInspection]

    @property
    def failed(self) -> list[AccountInspection]:
        return [a for a in self.accounts if not a.passed]


def inspect_county(session: Session, accounts: list[AccountContext], quarter: Quarter, *, settings: Settings,
                   now: datetime) -> CountyInspection:
    tz = settings.timezone
    today = now.astimezone(tz).date()
    require_begun(quarter, today)
    through = min(quarter.last_day, today)
    gap_days, reply_days = settings.stale_days_urgent, settings.inspection_reply_days
    return CountyInspection(
        quarter=quarter, checked_through=through, gap_days=gap_days, reply_days=reply_days,
        accounts=[_inspect_account(session, a, quarter, through, settings=settings, now=now, tz=tz)
                  for a in accounts])


def _inspect_account(session: Session, account: AccountContext, quarter: Quarter, through: date, *,
                     settings: Settings, now: datetime, tz: ZoneInfo) -> AccountInspection:
    gap_days, reply_days = settings.stale_days_urgent, settings.inspection_reply_days
    articles = (LedgerEntry.account_id == account.id, LedgerEntry.channel == WECHAT_CHANNEL,
                LedgerEntry.deleted_at.is_(None),
                LedgerEntry.disclosed_on >= quarter.first_day, LedgerEntry.disclosed_on <= through)
    entries = session.scalars(select(LedgerEntry).where(*articles)
                              .order_by(LedgerEntry.disclosed_on, LedgerEntry.id)).all()
    gap, gap_from, gap_until = longest_gap([e.disclosed_on for e in entries], quarter.first_day, through)

    since = datetime.combine(quarter.first_day, time(), tzinfo=tz)
    until = datetime.combine(through + timedelta(days=1), time(), tzinfo=tz)
    allowed = timedelta(days=reply_days)
    messages = answer_times(session, account.id, since, until)
    overdue = sum(1 for m in messages if ((m.answered_at or now) - m.received_at) > allowed)

    details: list[ArticleFinding] = []
    counts: Counter[str] = Counter()
    # Joined on the same rows, not an IN list of their post ids: that list grows with the
    # quarter, and SQLite refuses a statement of more than 250,000 variables.
    posts = {p.id: p for p in session.scalars(
        select(Post).join(LedgerEntry, LedgerEntry.post_id == Post.id).where(*articles))}
    for entry in entries:
        post = posts.get(entry.post_id)
        if post is None:
            counts["not_checkable"] += 1
            continue
        _check_article(session, entry, post, settings, details, counts)

    reasons = []
    if not entries:
        reasons.append(texts.REASON_NO_ARTICLES)
    if gap >= gap_days:
        reasons.append(texts.REASON_VETO.format(days=gap, first=gap_from.isoformat(), last=gap_until.isoformat(),
                                                limit=gap_days))
    if overdue:
        reasons.append(texts.REASON_MESSAGES.format(count=overdue, days=reply_days))
    if counts["findings"]:
        reasons.append(texts.REASON_FINDINGS.format(count=counts["findings"]))
    if counts["no_footer"]:
        reasons.append(texts.REASON_NO_FOOTER.format(count=counts["no_footer"]))
    if counts["footer_incomplete"]:
        reasons.append(texts.REASON_FOOTER_INCOMPLETE.format(count=counts["footer_incomplete"]))
    return AccountInspection(
        account_name=account.name, display_name=account.display_name, articles=len(entries),
        longest_gap_days=gap, longest_gap_from=gap_from, longest_gap_until=gap_until, veto=gap >= gap_days,
        messages=len(messages), messages_overdue=overdue, articles_with_findings=counts["findings"],
        articles_without_footer=counts["no_footer"], articles_footer_incomplete=counts["footer_incomplete"],
        articles_not_checkable=counts["not_checkable"], details=details, reasons=reasons)


def longest_gap(days: list[date], first: date, last: date) -> tuple[int, date, date]:
    """The longest run of days in [first, last] on which nothing was published: its length and
    its first and last day (length 0 when every day had an article; the run then is empty)."""
    best = (0, first, first - timedelta(days=1))
    edge = first - timedelta(days=1)  # the day before the quarter, as if an article were there
    for day in [*sorted(set(days)), last + timedelta(days=1)]:
        run = (day - edge).days - 1
        if run > best[0]:
            best = (run, edge + timedelta(days=1), day - timedelta(days=1))
        edge = day
    return best


def _check_article(session: Session, entry: LedgerEntry, post: Post, settings: Settings,
                   details: list[ArticleFinding], counts: Counter) -> None:
    paragraphs = tuple(session.scalars(select(PostBlock.text).where(
        PostBlock.post_id == post.id, PostBlock.kind == "text").order_by(PostBlock.position)))
    found = [f for f in run_checks(Draft(post.id, post.title, paragraphs=tuple(p or "" for p in paragraphs),
                                         has_cover=True), settings.words)
             if f.code in FAILING_FINDINGS + NOTED_FINDINGS]
    failing = [f for f in found if f.code in FAILING_FINDINGS]
    if failing:
        counts["findings"] += 1
    for finding in found:
        details.append(ArticleFinding(entry.title, entry.disclosed_on, "findings", finding.message,
                                      finding.code in FAILING_FINDINGS))
    if post.published_footer is None:
        counts["no_footer"] += 1
        details.append(ArticleFinding(entry.title, entry.disclosed_on, "footer", texts.DETAIL_NO_FOOTER, True))
        return
    missing = ReviewFooter.from_dict(post.published_footer).missing
    if missing:
        counts["footer_incomplete"] += 1
        details.append(ArticleFinding(entry.title, entry.disclosed_on, "footer", texts.DETAIL_FOOTER_MISSING.format(
            roles="、".join(texts.FOOTER_ROLES[r] for r in missing)), True))
