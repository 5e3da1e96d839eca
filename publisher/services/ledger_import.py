"""Loading a ledger kept by hand in a spreadsheet (CSV or XLSX) into the disclosure ledger.

Columns 日期, 渠道, 话题, 标题, 链接, under any of the header names secretaries use, found in the
first rows (a title line above the header is common). Every row is checked before anything
is written: a file with a bad row is refused whole, with each bad row's line and reason, so
a township never has half a spreadsheet in its ledger. Rows already imported (same day,
channel, title and link, and the same number of such rows) are skipped, so loading an
updated sheet again adds only new rows.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from publisher.services.audit import Actor
from publisher.core.clock import Clock
from publisher.errors import Refusal
from publisher.services.ledger import Channel, LedgerError, add_entry, resolve_channel, resolve_topic
from publisher.models import LedgerEntry
from publisher.texts import ledger as texts

REQUIRED = ("day", "channel", "topic", "title")
HEADER_SEARCH_ROWS = 5
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_SERIAL_RANGE = (18264, 73051)  # 1950-01-01 to 2100-01-01: anything else is not a day someone typed
_DAY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2})[:：](\d{2})(?::\d{2})?)?$")


class ImportRejected(Refusal):
    """Nothing was written; `problems` has one line per bad row (or one for a bad file)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int


@dataclass(frozen=True)
class SheetRow:
    line: int
    published_at: datetime
    channel: str
    topic: str
    title: str
    url: str | None

    @property
    def external_key(self) -> str:
        digest = hashlib.sha1(
            f"{self.published_at.date()}|{self.channel}|{self.title}|{self.url or ''}".encode("utf-8")).hexdigest()
        return f"sheet:{digest}"


def import_file(
    session: Session, path: Path, *, account_id: int, channels: list[Channel], actor: Actor, clock: Clock,
    timezone: ZoneInfo,
) -> ImportResult:
    rows = parse_file(session, path, account_id=account_id, channels=channels, timezone=timezone)
    existing = set(session.scalars(select(LedgerEntry.external_key).where(
        LedgerEntry.account_id == account_id, LedgerEntry.external_key.like("sheet:%"))))
    added = skipped = 0
    # The same notice can go up twice on one day (two villages' boards): the second identical
    # row of a sheet is another item, keyed by its place among its twins, so that loading the
    # sheet again still adds nothing.
    twins: Counter[str] = Counter()
    for row in rows:
        twins[row.external_key] += 1
        key = row.external_key if twins[row.external_key] == 1 else f"{row.external_key}:{twins[row.external_key]}"
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        add_entry(session, account_id=account_id, channel=row.channel, topic=row.topic, title=row.title,
                  published_at=row.published_at, url=row.url, source="import", external_key=key,
                  actor=actor, clock=clock, timezone=timezone)
        added += 1
    return ImportResult(added, skipped)


def parse_file(session: Session, path: Path, *, account_id: int, channels: list[Channel], timezone: ZoneInfo) -> list[SheetRow]:
    records = list(_read(path))
    header_at, columns = _find_header(records)
    problems: list[str] = []
    rows: list[SheetRow] = []
    for line, cells in records[header_at + 1:]:
        values = {field: _cell(cells, index) for field, index in columns.items()}
        if not any(values.values()):
            continue
        try:
            rows.append(_row(session, line, values, account_id=account_id, channels=channels, timezone=timezone))
        except LedgerError as exc:
            problems.append(texts.ROW_PROBLEM.format(line=line, reason=exc))
    if problems:
        raise ImportRejected([texts.IMPORT_REJECTED.format(count=len(problems)), *problems])
    return rows


def _row(session, line: int, values: dict[str, Any], *, account_id, channels, timezone) -> SheetRow:
    for field in REQUIRED:
        if values.get(field) in (None, ""):
            raise LedgerError(texts.EMPTY_FIELD.format(field=texts.HEADER_ALIASES[field][0]))
    title = str(values["title"]).strip()
    if len(title) > 200:
        raise LedgerError(texts.TITLE_REQUIRED)
    return SheetRow(
        line=line,
        published_at=_published_at(values["day"], timezone),
        channel=resolve_channel(str(values["channel"]), channels),
        topic=resolve_topic(session, account_id, str(values["topic"])),
        title=title,
        url=str(values.get("url") or "").strip() or None,
    )


def _published_at(value: Any, timezone: ZoneInfo) -> datetime:
    """A spreadsheet day (or day and time) in 北京时间; a day alone is taken at its start."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=timezone)
    # A date cell formatted as a number, or a sheet saved to CSV that way: days since 1899-12-30.
    serial = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if serial is None and _SERIAL.match(str(value).strip()):
        serial = float(value)
    if serial is not None and _SERIAL_RANGE[0] <= serial < _SERIAL_RANGE[1]:
        from openpyxl.utils.datetime import from_excel

        return from_excel(serial).replace(tzinfo=timezone)
    match = _DAY.match(str(value).strip())
    if match:
        year, month, day, hour, minute = match.groups()
        try:
            return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), tzinfo=timezone)
        except ValueError:
            pass
    raise LedgerError(texts.BAD_DAY.format(value=value))


def _find_header(records: list[tuple[int, list[Any]]]) -> tuple[int, dict[str, int]]:
    best: dict[str, int] = {}
    above: dict[str, int] = {}
    for position, (_, cells) in enumerate(records[:HEADER_SEARCH_ROWS]):
        own = _header_columns(cells)
        # A two-row header: 日期 merged over both rows, 渠道/话题/标题 under a merged group cell. A
        # merged cell's name is in its top row only, so what this row lacks is taken from above.
        columns = {**{f: i for f, i in above.items() if i not in own.values()}, **own}
        if all(f in columns for f in REQUIRED):
            return position, columns
        if len(columns) > len(best):
            best = columns
        above = own
    missing = [texts.HEADER_ALIASES[f][0] for f in REQUIRED if f not in best]
    raise ImportRejected([texts.MISSING_COLUMNS.format(columns="、".join(missing))])


def _header_columns(cells: list[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = re.sub(r"\s+", "", str(cell or ""))
        for field, aliases in texts.HEADER_ALIASES.items():
            if field not in columns and name in aliases:
                columns[field] = index
    return columns


def _cell(cells: list[Any], index: int) -> Any:
    value = cells[index] if index < len(cells) else None
    return value.strip() if isinstance(value, str) else value


def _read(path: Path) -> Iterator[tuple[int, list[Any]]]:
    # openpyxl here, not at the top: every web worker imports this module (the console's
    # import form) and few ever import a file; it would cost each worker 6 MB.
    from openpyxl.utils.exceptions import InvalidFileException

    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            yield from _read_csv(path.read_bytes())
        elif suffix == ".xlsx":
            yield from _read_xlsx(path)
        else:
            raise ImportRejected([texts.UNSUPPORTED_FILE.format(path=path)])
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise ImportRejected([texts.UNREADABLE_FILE.format(path=path, reason=exc)]) from None


def _read_csv(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    # Excel on a Chinese Windows saves CSV in GBK; everything else in UTF-8 (often with a BOM).
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        yield line, cells


def _read_xlsx(path: Path) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for line, cells in enumerate(book.worksheets[0].iter_rows(values_only=True), start=1):
            yield line, list(cells)
    finally:
        book.close()
