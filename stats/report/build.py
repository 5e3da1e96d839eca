"""The report of one account's year, as plain values every renderer reads."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from publisher.models import WECHAT_CHANNEL, Account
from publisher.settings import Settings
from publisher.texts import report as texts
from stats.queries import YearCounts, YearEntries, year_entries, years_counts
from stats.reach import section_one_figures, year_articles

from .consistency import Check, check_tables
from .cover_letter import CoverLetter, LetterOptions, cover_letter, letter_warnings
from .filing_checks import filing_warnings
from .narrative import fill
from .tables import Registers, Tables, build_tables


@dataclass
class Report:
    year: int
    account_name: str
    account_display_name: str
    proactive: YearCounts
    proactive_paragraph: str
    narrative: dict[str, dict[str, str]]
    tables: Tables
    checks: list[Check]
    cover_letter: CoverLetter
    # The county office's checks (filing_checks) and what the letter leaves blank: warnings.
    warnings: list[str]
    entries: YearEntries | list = field(default_factory=list)  # streamed, only when asked for (the XLSX lists them)
    reads: list = field(default_factory=list)  # stats.reach.ArticleRow, with the entries

    @property
    def title(self) -> str:
        return texts.DOCUMENT_TITLE.format(account=self.account_display_name, year=self.year)

    @property
    def title_lines(self) -> tuple[str, ...]:
        """Where the title may break: between the township's name and the rest, not in a word."""
        return tuple(line.format(account=self.account_display_name, year=self.year) for line in texts.DOCUMENT_TITLE_LINES)

    @property
    def signed_on(self) -> date | None:
        """The report is signed the day its letter is: None leaves both blank for the pen."""
        return self.cover_letter.date


def build_report(
    session: Session, account: Account, year: int, *, settings: Settings, letter: LetterOptions = LetterOptions(),
    with_entries: bool = False,
) -> Report:
    """Raises LetterError (a Chinese message) for a cover-letter date no report can carry."""
    channels = [c.name for c in settings.channels]
    # The year before, for the county office's year-on-year checks, in the same statement.
    both = years_counts(session, account.id, range(year - 1, year + 1), channels)
    counts, previous_counts = both[year], both[year - 1]
    registers = Registers.load(session, account.id, year)
    tables = build_tables(registers, year)
    previous = build_tables(registers, year - 1)
    checks = check_tables(tables, previous)
    figures = {**_figures(account, year, counts, tables), **section_one_figures(session, account.id, year)}
    narrative = fill(settings.report_template, figures)
    letter_values = cover_letter(narrative.get("cover_letter", {}), letter, year=year, account=account.display_name)
    warnings = letter_warnings(letter_values) + filing_warnings(
        narrative, tables, previous, counts, previous_counts)
    return Report(
        year=year,
        account_name=account.name,
        account_display_name=account.display_name,
        proactive=counts,
        proactive_paragraph=proactive_paragraph(counts, account.display_name),
        narrative=narrative,
        tables=tables,
        checks=checks,
        cover_letter=letter_values,
        warnings=warnings,
        entries=year_entries(session, account.id, year) if with_entries else [],
        reads=year_articles(session, account.id, year) if with_entries else [],
    )


def proactive_paragraph(counts: YearCounts, account: str) -> str:
    """（一）主动公开情况 from the ledger: total, each channel (summing to it), topics by count."""
    if counts.total == 0:
        return texts.NO_PROACTIVE.format(year=counts.year, account=account)
    channels = texts.LIST_SEPARATOR.join(
        texts.CHANNEL_PHRASE.format(channel=c, count=n) for c, n in counts.by_channel.items())
    topics = texts.LIST_SEPARATOR.join(
        texts.TOPIC_PHRASE.format(topic=t, count=n) for t, n in counts.by_topic.items())
    return (texts.PROACTIVE_SENTENCE.format(year=counts.year, account=account, total=counts.total, channels=channels)
            + texts.TOPIC_SENTENCE.format(topics=topics))


def _figures(account: Account, year: int, counts: YearCounts, tables: Tables) -> dict:
    rows = tables.applications.rows
    appeals = tables.appeals.rows
    return {
        "year": year,
        "doc_number_year": year + 1,
        "account": account.display_name,
        "total": counts.total,
        "wechat_total": counts.by_channel.get(WECHAT_CHANNEL, 0),
        "applications_received": rows["received"]["total"],
        "applications_carried_in": rows["carried_in"]["total"],
        "applications_closed": rows["result_total"]["total"],
        "applications_carried_out": rows["carried_out"]["total"],
        "reconsideration_total": appeals["reconsideration"]["total"],
        "litigation_total": appeals["direct_suit"]["total"] + appeals["suit_after_reconsideration"]["total"],
    }
