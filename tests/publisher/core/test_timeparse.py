from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from publisher.core.timeparse import TimeParseError, format_beijing, parse_time

TZ = ZoneInfo("Asia/Shanghai")
# Friday 1 March 2024, 10:00 北京时间
NOW = datetime(2024, 3, 1, 10, 0, tzinfo=TZ)


def at(*args):
    return datetime(*args, tzinfo=TZ)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-03-01 11:00", at(2024, 3, 1, 11, 0)),
        ("2024/3/2 9:05", at(2024, 3, 2, 9, 5)),
        ("2024年3月5日 14:30", at(2024, 3, 5, 14, 30)),
        ("3月2日9点", at(2024, 3, 2, 9, 0)),
        ("3月2号下午3点半", at(2024, 3, 2, 15, 30)),
        ("三月二日上午九点", at(2024, 3, 2, 9, 0)),
        ("明天上午9点", at(2024, 3, 2, 9, 0)),
        ("明天下午三点一刻", at(2024, 3, 2, 15, 15)),
        ("周五下午3点", at(2024, 3, 1, 15, 0)),
        ("星期六 上午10点", at(2024, 3, 2, 10, 0)),
        ("周日", at(2024, 3, 3, 9, 0)),
        ("今晚8点", at(2024, 3, 1, 20, 0)),
        ("明晚八点半", at(2024, 3, 2, 20, 30)),
        ("后天", at(2024, 3, 3, 9, 0)),
        ("大后天中午12点", at(2024, 3, 4, 12, 0)),
        ("下周一", at(2024, 3, 4, 9, 0)),
        ("下周五上午十点", at(2024, 3, 8, 10, 0)),
        ("9:30", at(2024, 3, 2, 9, 30)),  # already past today: the next 9:30
        ("10:30", at(2024, 3, 1, 10, 30)),
        ("九点半", at(2024, 3, 2, 9, 30)),
        ("十二点", at(2024, 3, 1, 12, 0)),
        ("下午两点", at(2024, 3, 1, 14, 0)),
        ("２０２４－０３－０２　０９：００", at(2024, 3, 2, 9, 0)),
        ("1月5日", at(2025, 1, 5, 9, 0)),  # an earlier date of the year means next year's
    ],
)
def test_times_as_people_type_them(text, expected):
    assert parse_time(text, NOW, TZ) == expected


@pytest.mark.parametrize("text", ["", "   ", "随便", "明天后天", "25点", "3月32日", "9:75", "周八", "明天上午9点 谢谢"])
def test_unparseable_text_is_refused_with_an_example(text):
    with pytest.raises(TimeParseError) as error:
        parse_time(text, NOW, TZ)
    assert "例如" in str(error.value)


@pytest.mark.parametrize("text", ["2024-02-28 09:00", "今天上午9点", "2024-03-01 10:00"])
def test_a_time_in_the_past_is_refused_and_echoed(text):
    with pytest.raises(TimeParseError) as error:
        parse_time(text, NOW, TZ)
    assert "已经过去" in str(error.value) and "北京时间" in str(error.value)


def test_a_day_without_a_clock_time_gets_the_default_time():
    assert parse_time("后天", NOW, TZ, default_time=time(12, 0)) == at(2024, 3, 3, 12, 0)


def test_echo_is_full_beijing_time():
    assert format_beijing(at(2024, 3, 1, 9, 0), TZ) == "2024年3月1日（星期五）09:00（北京时间）"
    assert format_beijing(datetime(2024, 3, 1, 1, 0, tzinfo=ZoneInfo("UTC")), TZ).startswith("2024年3月1日（星期五）09:00")


CN_DIGITS = "零一二三四五六七八九"


def chinese(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


future = st.datetimes(min_value=datetime(2024, 3, 2), max_value=datetime(2030, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ)
)


@given(future, st.sampled_from(["iso", "slash", "cn_date", "cn_numerals", "colon"]))
@hsettings(max_examples=300)
def test_any_future_moment_written_any_supported_way_parses_back(moment, style):
    y, m, d, h, mi = moment.year, moment.month, moment.day, moment.hour, moment.minute
    text = {
        "iso": f"{y}-{m:02d}-{d:02d} {h:02d}:{mi:02d}",
        "slash": f"{y}/{m}/{d} {h}:{mi:02d}",
        "cn_date": f"{y}年{m}月{d}日{h}点{mi}分",
        "cn_numerals": f"{y}年{chinese(m)}月{chinese(d)}日{chinese(h)}点{chinese(mi)}分",
        "colon": f"{y}年{m}月{d}日 {h}:{mi:02d}",
    }[style]
    assert parse_time(text, NOW, TZ) == moment


@given(st.integers(0, 6), st.integers(0, 23), st.integers(0, 59), st.sampled_from(["周", "星期", "礼拜"]))
def test_a_weekday_is_that_weekday_within_the_coming_week(weekday, hour, minute, word):
    name = "一二三四五六日"[weekday]
    result = parse_time(f"{word}{name} {hour}:{minute:02d}", NOW, TZ) if not (weekday == 4 and (hour, minute) <= (10, 0)) else None
    if result is not None:
        assert result.weekday() == weekday
        assert NOW < result < NOW + timedelta(days=7)
        assert (result.hour, result.minute) == (hour, minute)


@given(st.integers(0, 6))
def test_next_week_is_the_calendar_week_after_this_one(weekday):
    result = parse_time("下周" + "一二三四五六日"[weekday], NOW, TZ)
    assert result.weekday() == weekday
    assert result.date() - timedelta(days=weekday) == datetime(2024, 3, 4).date()


@given(st.integers(1, 12), st.sampled_from(["上午", "下午", "晚上", ""]), st.booleans())
def test_relative_days_with_periods(hour, period, half):
    text = f"明天{period}{chinese(hour)}点{'半' if half else ''}"
    result = parse_time(text, NOW, TZ)
    if period == "晚上" and hour == 12:
        assert result == at(2024, 3, 3, 0, 30 if half else 0)  # midnight, not noon
        return
    expected_hour = hour + 12 if period in ("下午", "晚上") and hour < 12 else hour
    assert result == at(2024, 3, 2, expected_hour, 30 if half else 0)


@given(st.text(max_size=30))
def test_arbitrary_text_either_parses_to_the_future_or_is_refused_clearly(text):
    try:
        result = parse_time(text, NOW, TZ)
    except TimeParseError as error:
        assert str(error)
    else:
        assert result > NOW and result.tzinfo is not None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("今晚12点", at(2024, 3, 2, 0, 0)),  # the midnight that ends tonight, not noon
        ("晚上12点", at(2024, 3, 2, 0, 0)),
        ("明晚12点", at(2024, 3, 3, 0, 0)),
        ("今天夜里十二点半", at(2024, 3, 2, 0, 30)),
        ("明天凌晨12点", at(2024, 3, 2, 0, 0)),
        ("中午12点", at(2024, 3, 1, 12, 0)),
    ],
)
def test_twelve_oclock_at_night_is_midnight(text, expected):
    assert parse_time(text, NOW, TZ) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("30分钟后", at(2024, 3, 1, 10, 30)),
        ("十分钟以后", at(2024, 3, 1, 10, 10)),
        ("2小时后", at(2024, 3, 1, 12, 0)),
        ("两个半小时后", at(2024, 3, 1, 12, 30)),
        ("半小时后", at(2024, 3, 1, 10, 30)),
        ("1个钟头之后", at(2024, 3, 1, 11, 0)),
        ("15 小时后", at(2024, 3, 2, 1, 0)),
    ],
)
def test_a_time_from_now_works_at_any_hour(text, expected):
    assert parse_time(text, NOW, TZ) == expected
    late = datetime(2024, 3, 1, 21, 30, 40, tzinfo=TZ)
    assert parse_time(text, late, TZ) == (late + (expected - NOW)).replace(second=0)


@pytest.mark.parametrize("text", ["0分钟后", "半分钟后", "999999小时后", "3天后后"])
def test_a_time_from_now_that_is_not_ahead_or_absurd_is_refused(text):
    with pytest.raises(TimeParseError):
        parse_time(text, NOW, TZ)


@pytest.mark.parametrize("now", [NOW, datetime(2024, 12, 30, 23, 50, tzinfo=TZ), datetime(2026, 6, 15, 21, 30, tzinfo=TZ)])
def test_every_example_of_the_time_hint_is_a_future_time(now):
    with pytest.raises(TimeParseError) as error:
        parse_time("随便", now, TZ)
    examples = str(error.value).split("例如：")[1].split("、")
    assert len(examples) >= 8
    for example in examples:
        assert parse_time(example, now, TZ) > now, example
