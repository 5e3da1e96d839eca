"""Times as staff type them: `2024-03-01 09:00`, `3月1日9点`, `明天上午9点`, `周五下午3点`,
`今晚8点`, `后天`, `下周一`, `9:30`, `九点半`, and from now: `30分钟后`, `2小时后`, `半小时后`.

A small explicit grammar over a normalised string: a day part (absolute date, relative day or
weekday), an optional period of the day (上午, 下午, 晚上…) and an optional clock time. The
whole text must be consumed: anything left over makes the time unparseable rather than guessed.
Chinese numerals are converted with cn2an. Everything is computed in the account's time zone
(北京时间) and returned timezone-aware.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from publisher.errors import Refusal
from publisher.texts import chat as texts

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
WEEKDAYS.update({str(i): i - 1 for i in range(1, 8)})

RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
# Words that name a day and a period at once.
DAY_AND_PERIOD = {"今晚": (0, "晚上"), "今早": (0, "早上"), "明早": (1, "早上"), "明晚": (1, "晚上")}
PERIODS = ("凌晨", "早上", "早晨", "清晨", "上午", "中午", "下午", "傍晚", "晚上", "夜里", "夜间", "晚")
AFTERNOON = {"下午", "傍晚", "晚上", "夜里", "夜间", "晚"}
NIGHT = {"晚上", "夜里", "夜间", "晚"}

_CN_NUMBER = re.compile("[零〇一二两三四五六七八九十]+")
_WEEKDAY = re.compile(r"(下下|下个?|本|这个?)?(?:周|星期|礼拜)([一二三四五六日天末1-7])")
_FULL_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_MONTH_DAY = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_RELATIVE = re.compile("|".join(sorted([*RELATIVE_DAYS, *DAY_AND_PERIOD], key=len, reverse=True)))
_PERIOD = re.compile("|".join(PERIODS))
_COLON_TIME = re.compile(r"(\d{1,2})\s*:\s*(\d{2})")
_HOUR_TIME = re.compile(r"(\d{1,2})\s*[点时](?:\s*(半|\x01|\x03|(\d{1,2})\s*分?))?")
_FILLER = re.compile(r"[\s的,，]+")
# "in N minutes / hours": 30分钟后, 2小时后, 两个半小时后, 半小时后, 1个钟头以后.
_FROM_NOW = re.compile(r"^(?:(\d{1,6})\s*个?\s*(半)?|(半))\s*个?\s*(小时|钟头|钟|分钟|分)\s*[以之]?后$")
# Further ahead than this is a typo, not a plan (and would overflow the calendar).
FROM_NOW_LIMIT = timedelta(days=366)


class TimeParseError(Refusal, ValueError):
    """The text is not a time, or names one in the past. The message is for staff."""


@dataclass(frozen=True)
class _Parts:
    day: date | None = None
    day_is_explicit_date: bool = False
    period: str | None = None
    hour: int | None = None
    minute: int = 0


def parse_time(text: str, now: datetime, tz: ZoneInfo, *, default_time: time = time(9, 0)) -> datetime:
    """The moment `text` names, in `tz`, strictly after `now`; TimeParseError otherwise.

    A day with no clock time gets `default_time`; a clock time with no day is the next time the
    clock shows it (today, or tomorrow if it has passed).
    """
    if not text or not text.strip():
        raise TimeParseError(texts.TIME_EMPTY.format(examples=time_examples(now, tz)))
    local_now = now.astimezone(tz)
    from_now = _from_now(text)
    if from_now is not None:
        if not timedelta(minutes=1) <= from_now <= FROM_NOW_LIMIT:
            raise TimeParseError(texts.TIME_UNPARSEABLE.format(text=text.strip(), examples=time_examples(now, tz)))
        # To the whole minute, as a person would read it back.
        return (local_now + from_now).replace(second=0, microsecond=0)
    parts = _parse_parts(text, local_now.date())
    if parts is None:
        raise TimeParseError(texts.TIME_UNPARSEABLE.format(text=text.strip(), examples=time_examples(now, tz)))

    hour = parts.hour
    after_midnight = False
    if hour is not None and parts.period is not None:
        hour, after_midnight = _apply_period(hour, parts.period)
    if hour is not None and not 0 <= hour <= 23 or not 0 <= parts.minute <= 59:
        raise TimeParseError(texts.TIME_UNPARSEABLE.format(text=text.strip(), examples=time_examples(now, tz)))
    clock = time(hour, parts.minute) if hour is not None else _period_default(parts.period, default_time)
    shift = timedelta(days=1 if after_midnight else 0)

    if parts.day is None:
        result = datetime.combine(local_now.date() + shift, clock, tzinfo=tz)
        if result <= local_now:
            result = datetime.combine(local_now.date() + shift + timedelta(days=1), clock, tzinfo=tz)
        return result
    result = datetime.combine(parts.day + shift, clock, tzinfo=tz)
    if result <= local_now:
        raise TimeParseError(texts.TIME_IN_PAST.format(when=format_beijing(result, tz),
                                                       examples=time_examples(now, tz)))
    return result


def time_examples(now: datetime, tz: ZoneInfo) -> str:
    """The hint of what a time may look like, its dates all ahead of `now` (three days on)."""
    ahead = now.astimezone(tz).date() + timedelta(days=3)
    return texts.TIME_EXAMPLES.format(
        weekday_example=texts.TIME_WEEKDAY_EXAMPLE.format(weekday=texts.WEEKDAY_NAMES[ahead.weekday()]),
        year=ahead.year, month=ahead.month, day=ahead.day)


def _from_now(text: str) -> timedelta | None:
    rest = _CN_NUMBER.sub(lambda m: _cn_number(m.group(0)), unicodedata.normalize("NFKC", text).strip())
    match = _FROM_NOW.match(_FILLER.sub("", rest))
    if not match:
        return None
    count, half, only_half, unit = match.groups()
    amount = 0.5 if only_half else int(count) + (0.5 if half else 0)
    return timedelta(hours=amount) if unit in ("小时", "钟头", "钟") else timedelta(minutes=amount)


def format_beijing(moment: datetime, tz: ZoneInfo) -> str:
    """A time in full, the way every reply echoes it: 2024年3月1日（星期五）09:00（北京时间）."""
    local = moment.astimezone(tz)
    return texts.BEIJING_TIME.format(year=local.year, month=local.month, day=local.day,
                                     weekday=texts.WEEKDAY_NAMES[local.weekday()], time=f"{local:%H:%M}")


def _parse_parts(text: str, today: date) -> _Parts | None:
    rest = unicodedata.normalize("NFKC", text).strip()
    day: date | None = None
    explicit = False

    weekday = _WEEKDAY.search(rest)
    if weekday:
        day = _weekday_date(today, weekday.group(1) or "", WEEKDAYS[weekday.group(2)])
        rest = _cut(rest, weekday)
    rest = _CN_NUMBER.sub(lambda m: _cn_number(m.group(0)), _protect_quarters(rest))

    period: str | None = None
    for pattern in (_FULL_DATE, _MONTH_DAY, _RELATIVE):
        match = pattern.search(rest)
        if not match:
            continue
        if day is not None:
            return None  # two days named at once
        try:
            if pattern is _FULL_DATE:
                day, explicit = date(int(match[1]), int(match[2]), int(match[3])), True
            elif pattern is _MONTH_DAY:
                day, explicit = _month_day(today, int(match[1]), int(match[2])), True
            elif match[0] in DAY_AND_PERIOD:
                offset, period = DAY_AND_PERIOD[match[0]]
                day = today + timedelta(days=offset)
            else:
                day = today + timedelta(days=RELATIVE_DAYS[match[0]])
        except ValueError:
            return None
        rest = _cut(rest, match)

    named_period = _PERIOD.search(rest)
    if named_period:
        if period is not None:
            return None
        period = named_period[0]
        rest = _cut(rest, named_period)

    hour: int | None = None
    minute = 0
    clock = _COLON_TIME.search(rest)
    if clock:
        hour, minute = int(clock[1]), int(clock[2])
        rest = _cut(rest, clock)
    else:
        clock = _HOUR_TIME.search(rest)
        if clock:
            hour = int(clock[1])
            minute = {"半": 30, "\x01": 15, "\x03": 45}.get(clock[2] or "", int(clock[3] or 0))
            rest = _cut(rest, clock)

    if _FILLER.sub("", rest) or (day is None and hour is None):
        return None
    return _Parts(day, explicit, period, hour, minute)


def _cut(text: str, match: re.Match) -> str:
    return text[: match.start()] + " " + text[match.end() :]


def _protect_quarters(text: str) -> str:
    # 一刻 and 三刻 are quarter hours, not the numbers 1 and 3.
    return text.replace("一刻", "\x01").replace("三刻", "\x03")


def _cn_number(chinese: str) -> str:
    # Imported on first use: cn2an compiles its patterns at import, about 0.15 s CPU of every
    # process start (each `govpost tick`, worker and web worker) that never reads a time.
    import cn2an

    try:
        return str(int(cn2an.cn2an(chinese, "smart")))
    except (ValueError, KeyError):
        return chinese


def _weekday_date(today: date, prefix: str, weekday: int) -> date:
    monday = today - timedelta(days=today.weekday())
    if prefix.startswith("下下"):
        return monday + timedelta(days=14 + weekday)
    if prefix.startswith("下"):
        return monday + timedelta(days=7 + weekday)
    if prefix:  # 本周五, 这周五: this calendar week's
        return monday + timedelta(days=weekday)
    # A bare 周五 is the next Friday to come, today included.
    return today + timedelta(days=(weekday - today.weekday()) % 7)


def _month_day(today: date, month: int, day: int) -> date:
    candidate = date(today.year, month, day)
    # A date earlier in the year than today means next year's (typed in December for January).
    return candidate if candidate >= today else date(today.year + 1, month, day)


def _apply_period(hour: int, period: str) -> tuple[int, bool]:
    """The 24-hour clock hour, and whether it falls after the midnight ending the named day:
    晚上12点 is that midnight (not noon), 凌晨12点 the one starting it."""
    if period in NIGHT and hour == 12:
        return 0, True
    if period == "凌晨" and hour == 12:
        return 0, False
    if period in AFTERNOON and hour < 12:
        return hour + 12, False
    if period == "中午" and hour < 6:
        return hour + 12, False
    return hour, False


def _period_default(period: str | None, default: time) -> time:
    return {
        "凌晨": time(5, 0),
        "早上": time(8, 0),
        "早晨": time(8, 0),
        "清晨": time(7, 0),
        "上午": time(9, 0),
        "中午": time(12, 0),
        "下午": time(15, 0),
        "傍晚": time(18, 0),
        "晚上": time(20, 0),
        "夜里": time(21, 0),
        "夜间": time(21, 0),
        "晚": time(20, 0),
    }.get(period or "", default)
