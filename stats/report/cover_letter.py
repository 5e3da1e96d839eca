"""The cover letter (上报函) a township's report is filed with: 文号, title, addressee, one
sentence, the issuing office and the date, from the template's [cover_letter] and the
command line.

A date or number nobody gave is left blank for the pen (「　　年　　月　　日」, 「优政〔2024〕　号」)
and said so in the report's warnings, never filled with today: the console previews and
downloads the report before the filing date is fixed, and a date the secretary did not
choose would be printed and signed as if she had.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

from publisher.texts import report as texts


class LetterError(ValueError):
    """A cover-letter value that no report can carry; the message is the Chinese answer."""


@dataclass(frozen=True)
class LetterOptions:
    """Values given on the command line; None keeps the template's."""

    office_code: str | None = None
    number: int | None = None
    date: date | None = None
    addressee: str | None = None


@dataclass(frozen=True)
class CoverLetter:
    office_code: str  # 机关代字, e.g. 优政
    number: int | None  # 发文顺序号; None: left blank to fill by hand
    doc_year: int
    title_lines: tuple[str, ...]  # the title as printed, broken only where the template breaks it
    addressee: str
    body: str
    issuer: str
    date: date | None  # None: left blank to fill by hand

    @property
    def doc_number(self) -> str:
        number = texts.LETTER_NUMBER_BLANK if self.number is None else str(self.number)
        return texts.LETTER_DOC_NUMBER.format(code=self.office_code, year=self.doc_year, number=number)

    @property
    def title(self) -> str:
        return "".join(self.title_lines)

    @property
    def date_text(self) -> str:
        return format_date(self.date)

    def as_dict(self) -> dict:
        return {
            "doc_number": self.doc_number, "office_code": self.office_code, "number": self.number,
            "title": self.title, "title_lines": list(self.title_lines), "addressee": self.addressee,
            "body": self.body, "issuer": self.issuer,
            "date": self.date.isoformat() if self.date else None, "date_text": self.date_text,
        }


def format_date(day: date | None) -> str:
    if day is None:
        return texts.DATE_BLANK
    return texts.SIGNATURE_DATE.format(year=day.year, month=day.month, day=day.day)


def cover_letter(template: Mapping[str, str], options: LetterOptions, *, year: int, account: str) -> CoverLetter:
    """The letter of the report of `year`; `template` is the filled [cover_letter] section, and
    a key a township's older template lacks takes the committed template's wording."""
    def value(key: str) -> str:
        if key in template:
            return template[key]
        return texts.LETTER_DEFAULTS[key].format(account=account, year=year)

    day = options.date if options.date is not None else parse_template_date(template.get("date", ""))
    if day is not None and day.year <= year:
        raise LetterError(texts.LETTER_DATE_TOO_EARLY.format(date=day.isoformat(), year=year))
    number = options.number if options.number is not None else parse_template_number(template.get("number", ""))
    return CoverLetter(
        office_code=(options.office_code if options.office_code is not None else value("office_code")).strip(),
        number=number,
        doc_year=day.year if day else year + 1,
        title_lines=tuple(line.strip() for line in value("title").split("\n") if line.strip()),
        addressee=options.addressee if options.addressee is not None else value("addressee"),
        body=value("body"),
        issuer=value("issuer"),
        date=day,
    )


def parse_template_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LetterError(texts.LETTER_TEMPLATE_DATE_INVALID.format(value=text)) from None


def parse_template_number(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) == 0:
        raise LetterError(texts.LETTER_TEMPLATE_NUMBER_INVALID.format(value=text))
    return int(text)


def letter_warnings(letter: CoverLetter) -> list[str]:
    """What is left blank for the pen, said so: a blank is a choice the secretary sees."""
    found = []
    if letter.date is None:
        found.append(texts.LETTER_DATE_BLANK_WARNING)
    if letter.number is None:
        found.append(texts.LETTER_NUMBER_BLANK_WARNING)
    return found
