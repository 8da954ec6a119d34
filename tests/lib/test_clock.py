"""The 72-hour clock: hand-worked cases (arithmetic in the comments) and properties.

Summer time in 2025: clocks go forward at 01:00 UTC on Sunday 30 March (GMT -> BST) and back
at 01:00 UTC on Sunday 26 October (BST -> GMT). BST is UTC+1, GMT is UTC+0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returnhome.lib.clock import (
    LONDON,
    ClockCount,
    ClockRule,
    ClockStart,
    deadline,
    hours_between,
    is_bank_holiday,
    is_within,
    working_day,
    working_days_between,
)

UTC = dt.UTC
HOURS, CALENDAR, WORKING = ClockCount.HOURS, ClockCount.CALENDAR_DAYS, ClockCount.WORKING_DAYS
SECOND = dt.timedelta(seconds=1)
MICROSECOND = dt.timedelta(microseconds=1)


def london(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int = 0,
    micro: int = 0,
    *,
    fold: int = 0,
) -> dt.datetime:
    """A wall-clock time in London."""
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=LONDON, fold=fold)


def end_of(year: int, month: int, day: int) -> dt.datetime:
    """The last microsecond of a London day."""
    return london(year, month, day, 23, 59, 59, 999999)


# --- Elapsed hours --------------------------------------------------------------------------


def test_hours_across_spring_forward() -> None:
    # Return Sat 29 Mar 2025 10:00 GMT = 10:00 UTC.
    # + 72 h = Tue 1 Apr 10:00 UTC = 11:00 BST (the clocks went forward on Sun 30 Mar),
    # so the deadline reads an hour later on the wall clock.
    start = london(2025, 3, 29, 10, 0)
    due = deadline(start, HOURS)
    assert due == london(2025, 4, 1, 11, 0)
    assert (due.hour, due.utcoffset()) == (11, dt.timedelta(hours=1))
    assert due.tzinfo is LONDON
    # 10:00 -> 10:00 on the wall clock three days later is only 71 real hours.
    assert hours_between(start, london(2025, 4, 1, 10, 0)) == 71.0
    assert hours_between(start, due) == 72.0


def test_hours_across_autumn_fall_back() -> None:
    # Return Fri 24 Oct 2025 10:00 BST = 09:00 UTC.
    # + 72 h = Mon 27 Oct 09:00 UTC = 09:00 GMT (the clocks went back on Sun 26 Oct),
    # so the deadline reads an hour earlier on the wall clock.
    start = london(2025, 10, 24, 10, 0)
    due = deadline(start, HOURS)
    assert due == london(2025, 10, 27, 9, 0)
    assert due.utcoffset() == dt.timedelta(0)
    # 10:00 -> 10:00 on the wall clock three days later is 73 real hours: late.
    assert hours_between(start, london(2025, 10, 27, 10, 0)) == 73.0
    assert not is_within(start, london(2025, 10, 27, 10, 0), HOURS)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (london(2025, 3, 29, 10, 0), london(2025, 4, 1, 11, 0)),
        (london(2025, 10, 24, 10, 0), london(2025, 10, 27, 9, 0)),
        # No change of time: Mon 2 Jun 2025 14:15 BST + 72 h = Thu 5 Jun 14:15 BST.
        (london(2025, 6, 2, 14, 15), london(2025, 6, 5, 14, 15)),
    ],
)
def test_hours_exactly_at_the_deadline_is_within_one_second_after_is_not(
    start: dt.datetime, due: dt.datetime
) -> None:
    assert deadline(start, HOURS) == due
    assert is_within(start, due, HOURS)
    assert not is_within(start, due + SECOND, HOURS)
    assert is_within(start, start, HOURS)


def test_hours_start_given_in_utc_gives_a_london_deadline() -> None:
    # 29 Mar 2025 10:00 UTC + 72 h = 1 Apr 10:00 UTC = 11:00 BST.
    due = deadline(dt.datetime(2025, 3, 29, 10, 0, tzinfo=UTC), HOURS)
    assert due.tzinfo is LONDON
    assert (due.date(), due.hour) == (dt.date(2025, 4, 1), 11)


def test_hours_deadline_in_the_repeated_autumn_hour() -> None:
    # Start Thu 23 Oct 2025 01:30 BST = 00:30 UTC; + 72 h = Sun 26 Oct 00:30 UTC,
    # which is the FIRST 01:30 that night (BST, fold=0).
    start = london(2025, 10, 23, 1, 30)
    due = deadline(start, HOURS)
    assert due.astimezone(UTC) == dt.datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert (due.hour, due.minute, due.fold) == (1, 30, 0)
    # The SECOND 01:30 (GMT, fold=1) is 01:30 UTC: an hour late, though it reads the same.
    second_0130 = london(2025, 10, 26, 1, 30, fold=1)
    assert hours_between(start, second_0130) == 73.0
    assert is_within(start, london(2025, 10, 26, 1, 30, fold=0), HOURS)
    assert not is_within(start, second_0130, HOURS)


# --- Calendar days --------------------------------------------------------------------------


def test_calendar_days_count_dates_not_hours() -> None:
    # Return Tue 10 Jun 2025 23:30. Deadline: end of 10 + 3 = Fri 13 Jun.
    start = london(2025, 6, 10, 23, 30)
    assert deadline(start, CALENDAR) == end_of(2025, 6, 13)
    # Fri 13 Jun 23:59: 13 - 10 = 3 days -> in time (though 72 h 29 min have passed).
    assert is_within(start, london(2025, 6, 13, 23, 59), CALENDAR)
    assert not is_within(start, london(2025, 6, 13, 23, 59), HOURS)
    # Sat 14 Jun 00:10: 14 - 10 = 4 days -> late (72 h 40 min after the start).
    assert not is_within(start, london(2025, 6, 14, 0, 10), CALENDAR)


def test_calendar_days_across_spring_forward() -> None:
    # Return Fri 28 Mar 2025 23:30 GMT. Deadline: end of 28 + 3 = Mon 31 Mar (BST by then),
    # i.e. 23:59:59.999999 BST = 22:59:59.999999 UTC.
    start = london(2025, 3, 28, 23, 30)
    due = deadline(start, CALENDAR)
    assert due == end_of(2025, 3, 31)
    assert due.astimezone(UTC) == dt.datetime(2025, 3, 31, 22, 59, 59, 999999, tzinfo=UTC)
    assert is_within(start, london(2025, 3, 31, 23, 59), CALENDAR)
    # Tue 1 Apr 00:10 BST: 4 days -> late by calendar days, yet within elapsed hours:
    # 28 Mar 23:30 UTC + 72 h = 31 Mar 23:30 UTC = 1 Apr 00:30 BST.
    interview = london(2025, 4, 1, 0, 10)
    assert not is_within(start, interview, CALENDAR)
    assert deadline(start, HOURS) == london(2025, 4, 1, 0, 30)
    assert is_within(start, interview, HOURS)


def test_calendar_days_use_the_london_date_not_the_utc_date() -> None:
    # Return Sat 25 Oct 2025 00:30 BST = Fri 24 Oct 23:30 UTC: the London date is the 25th.
    # Deadline: end of 25 + 3 = Tue 28 Oct, GMT by then = 23:59:59.999999 UTC.
    start = dt.datetime(2025, 10, 24, 23, 30, tzinfo=UTC)
    assert deadline(start, CALENDAR) == end_of(2025, 10, 28)
    # Tue 28 Oct 12:00: 28 - 25 = 3 -> in time (by UTC dates it would be 28 - 24 = 4).
    assert is_within(start, london(2025, 10, 28, 12, 0), CALENDAR)
    assert is_within(start, dt.datetime(2025, 10, 28, 23, 59, tzinfo=UTC), CALENDAR)
    assert not is_within(start, dt.datetime(2025, 10, 29, 0, 0, tzinfo=UTC), CALENDAR)


# --- Working days ---------------------------------------------------------------------------


def test_bank_holidays_come_from_the_package() -> None:
    # England and Wales share bank holidays.
    for year in range(2020, 2031):
        eng = holidays.country_holidays("GB", subdiv="ENG", years=year)
        wls = holidays.country_holidays("GB", subdiv="WLS", years=year)
        assert set(eng) == set(wls)
    assert is_bank_holiday(dt.date(2025, 8, 25))  # Late Summer Bank Holiday, Mon
    assert is_bank_holiday(dt.date(2022, 9, 19))  # State funeral: a one-off bank holiday
    assert is_bank_holiday(dt.date(2023, 5, 8))  # Coronation: a one-off bank holiday
    assert not is_bank_holiday(dt.date(2025, 8, 26))
    # Scotland-only: 2 January and St Andrew's Day (substitute Mon 1 Dec 2025) do not count.
    assert not is_bank_holiday(dt.date(2025, 1, 2))
    assert not is_bank_holiday(dt.date(2025, 12, 1))


def test_christmas_2026_substitute_days() -> None:
    # Christmas Day 2026 is a Friday; Boxing Day a Saturday, so Monday 28 Dec is its substitute.
    eng = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    assert dt.date(2026, 12, 25).weekday() == 4  # Friday
    assert dt.date(2026, 12, 26).weekday() == 5  # Saturday
    assert "Boxing Day" in eng[dt.date(2026, 12, 28)]
    assert is_bank_holiday(dt.date(2026, 12, 25))
    assert is_bank_holiday(dt.date(2026, 12, 28))
    assert not is_bank_holiday(dt.date(2026, 12, 29))
    assert [working_day(dt.date(2026, 12, d)) for d in range(24, 32)] == [
        True,  # Thu 24
        False,  # Fri 25 Christmas Day
        False,  # Sat 26 Boxing Day
        False,  # Sun 27
        False,  # Mon 28 Boxing Day (substitute)
        True,  # Tue 29
        True,  # Wed 30
        True,  # Thu 31
    ]


def test_working_days_over_the_august_bank_holiday() -> None:
    # Return Fri 22 Aug 2025 23:30 (the start day never counts).
    # Sat 23, Sun 24: weekend; Mon 25: bank holiday;
    # Tue 26 = 1st, Wed 27 = 2nd, Thu 28 = 3rd working day -> end of Thu 28 Aug.
    start = london(2025, 8, 22, 23, 30)
    due = deadline(start, WORKING)
    assert due == end_of(2025, 8, 28)
    assert due.utcoffset() == dt.timedelta(hours=1)
    assert is_within(start, london(2025, 8, 28, 23, 59), WORKING)
    assert not is_within(start, london(2025, 8, 29, 0, 0), WORKING)
    assert working_days_between(dt.date(2025, 8, 22), dt.date(2025, 8, 28)) == 3


def test_working_days_over_christmas_2026() -> None:
    # Return Thu 24 Dec 2026. Fri 25 Christmas, Sat 26, Sun 27, Mon 28 Boxing Day (substitute);
    # Tue 29 = 1st, Wed 30 = 2nd, Thu 31 = 3rd -> end of Thu 31 Dec 2026.
    start = london(2026, 12, 24, 16, 0)
    assert deadline(start, WORKING) == end_of(2026, 12, 31)
    assert not is_within(start, london(2027, 1, 1, 9, 0), WORKING)
    assert working_days_between(dt.date(2026, 12, 24), dt.date(2026, 12, 31)) == 3


def test_working_days_over_christmas_2027() -> None:
    # 2027: Christmas Sat 25 and Boxing Day Sun 26; substitutes Mon 27 and Tue 28.
    # Return Thu 23 Dec 2027: Fri 24 = 1st; Sat 25, Sun 26, Mon 27, Tue 28 off;
    # Wed 29 = 2nd, Thu 30 = 3rd -> end of Thu 30 Dec 2027.
    assert is_bank_holiday(dt.date(2027, 12, 27))
    assert is_bank_holiday(dt.date(2027, 12, 28))
    assert deadline(london(2027, 12, 23, 10, 0), WORKING) == end_of(2027, 12, 30)


def test_working_days_over_easter_2026() -> None:
    # Good Friday 3 Apr 2026, Easter Monday 6 Apr 2026.
    assert is_bank_holiday(dt.date(2026, 4, 3))
    assert is_bank_holiday(dt.date(2026, 4, 6))
    # Return Thu 2 Apr 10:00. Fri 3 GF, Sat 4, Sun 5, Mon 6 EM;
    # Tue 7 = 1st, Wed 8 = 2nd, Thu 9 = 3rd -> end of Thu 9 Apr 2026.
    start = london(2026, 4, 2, 10, 0)
    assert deadline(start, WORKING) == end_of(2026, 4, 9)
    # Compare: calendar days end on 2 + 3 = Sun 5 Apr.
    assert deadline(start, CALENDAR) == end_of(2026, 4, 5)


def test_working_days_from_a_saturday() -> None:
    # Return Sat 6 Sep 2025: Sun 7 off; Mon 8, Tue 9, Wed 10 -> end of Wed 10 Sep.
    assert deadline(london(2025, 9, 6, 11, 0), WORKING) == end_of(2025, 9, 10)


def test_working_days_from_a_bank_holiday() -> None:
    # Return Mon 26 May 2025 (Spring Bank Holiday) 14:00: Tue 27, Wed 28, Thu 29 -> end Thu 29.
    assert deadline(london(2025, 5, 26, 14, 0), WORKING) == end_of(2025, 5, 29)


def test_working_days_from_a_working_day_do_not_count_the_start_day() -> None:
    # Return Tue 9 Sep 2025 09:00: Wed 10, Thu 11, Fri 12 -> end of Fri 12 Sep.
    assert deadline(london(2025, 9, 9, 9, 0), WORKING) == end_of(2025, 9, 12)
    # Return Wed 10 Sep 2025 00:30 BST, given in UTC as Tue 9 Sep 23:30: the London day
    # (Wed) is the start day -> Thu 11, Fri 12, Mon 15 -> end of Mon 15 Sep.
    assert deadline(dt.datetime(2025, 9, 9, 23, 30, tzinfo=UTC), WORKING) == end_of(2025, 9, 15)


def test_working_days_between() -> None:
    assert working_days_between(dt.date(2025, 8, 22), dt.date(2025, 8, 22)) == 0
    assert working_days_between(dt.date(2025, 8, 28), dt.date(2025, 8, 22)) == 0
    # (Fri 22, Mon 25 Aug 2025]: Sat, Sun, bank holiday -> 0.
    assert working_days_between(dt.date(2025, 8, 22), dt.date(2025, 8, 25)) == 0
    # 2025: 365 days = 52 weeks + Wed 31 Dec -> 52 * 5 + 1 = 261 weekdays,
    # less 8 bank holidays all on weekdays -> 253.
    assert working_days_between(dt.date(2024, 12, 31), dt.date(2025, 12, 31)) == 253
    # Aware datetimes count by their London date: Sun 24 Aug 23:30 UTC is Mon 25 00:30 BST.
    assert is_bank_holiday(dt.datetime(2025, 8, 24, 23, 30, tzinfo=UTC))
    assert not working_day(dt.datetime(2025, 8, 24, 23, 30, tzinfo=UTC))


# --- The rule -------------------------------------------------------------------------------


def test_start_at_picks_the_right_moment() -> None:
    returned = london(2025, 6, 1, 18, 0)
    received = london(2025, 6, 2, 9, 30)
    assert ClockRule().start_at(returned, received) == returned
    assert ClockRule(start=ClockStart.RETURN).start_at(returned, received) == returned
    assert ClockRule(start=ClockStart.NOTIFICATION).start_at(returned, received) == received
    assert ClockRule(start=ClockStart.NOTIFICATION).start_at(returned, None) is None
    assert ClockRule(start=ClockStart.RETURN).start_at(None, received) is None


def test_rule_defaults_and_stored_strings() -> None:
    assert ClockRule() == ClockRule(ClockStart.RETURN, ClockCount.HOURS)
    rule = ClockRule("notification", "working-days")  # type: ignore[arg-type]
    assert rule.start is ClockStart.NOTIFICATION
    assert rule.count is ClockCount.WORKING_DAYS
    with pytest.raises(ValueError):
        ClockRule(count="fortnights")  # type: ignore[arg-type]
    assert ClockStart.RETURN.label == "from return"
    assert ClockStart.NOTIFICATION.label == "from notification received"


def test_describe_states_the_rule() -> None:
    assert ClockRule().describe() == (
        "72 hours are counted in elapsed hours from the time the child returned "
        "(changes to summer time count real hours)."
    )
    assert ClockRule(ClockStart.NOTIFICATION, CALENDAR).describe() == (
        "72 hours are counted in calendar days: the interview is in time when it takes place "
        "no more than 3 calendar days after the date the notification was received."
    )
    assert ClockRule(ClockStart.RETURN, WORKING).describe() == (
        "72 hours are counted in working days: weekends and England and Wales bank holidays "
        "do not count; the interview is in time when it takes place no later than the end of "
        "the third working day after the day the child returned."
    )
    sentences = {ClockRule(s, c).describe() for s in ClockStart for c in ClockCount}
    assert len(sentences) == 6
    for start in ClockStart:
        for count in ClockCount:
            text = ClockRule(start, count).describe()
            assert count.label in text
            assert ("child returned" in text) == (start is ClockStart.RETURN)
            assert ("notification was received" in text) == (start is ClockStart.NOTIFICATION)


def test_rule_methods_use_its_count() -> None:
    start = london(2025, 8, 22, 23, 30)
    rule = ClockRule(count=WORKING)
    assert rule.deadline(start) == deadline(start, WORKING) == end_of(2025, 8, 28)
    assert rule.is_within(start, london(2025, 8, 28, 12, 0))


# --- Naive datetimes ------------------------------------------------------------------------

NAIVE = dt.datetime(2025, 6, 1, 12, 0)
AWARE = london(2025, 6, 1, 12, 0)


@pytest.mark.parametrize(
    "call",
    [
        *(lambda c=c: deadline(NAIVE, c) for c in ClockCount),
        *(lambda c=c: is_within(NAIVE, AWARE, c) for c in ClockCount),
        *(lambda c=c: is_within(AWARE, NAIVE, c) for c in ClockCount),
        lambda: hours_between(NAIVE, AWARE),
        lambda: hours_between(AWARE, NAIVE),
        lambda: ClockRule().start_at(NAIVE, None),
        lambda: ClockRule(start=ClockStart.NOTIFICATION).start_at(AWARE, NAIVE),
        lambda: is_bank_holiday(NAIVE),
        lambda: working_day(NAIVE),
        lambda: working_days_between(NAIVE, dt.date(2025, 6, 5)),
        lambda: working_days_between(dt.date(2025, 6, 1), NAIVE),
        lambda: ClockRule().deadline(NAIVE),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="naive"):
        call()


# --- Properties -----------------------------------------------------------------------------

ZONES = [
    LONDON,
    UTC,
    dt.timezone(dt.timedelta(hours=-5)),
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Kolkata"),
]
aware_datetimes = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2099, 12, 31),
    timezones=st.sampled_from(ZONES),
)
counts = st.sampled_from(list(ClockCount))
# No example database in the working tree; no per-example time limit (holidays load lazily).
PROPERTY = settings(database=None, deadline=None)


@PROPERTY
@given(aware_datetimes)
def test_hour_deadline_is_72_real_hours(start: dt.datetime) -> None:
    due = deadline(start, HOURS)
    assert due.tzinfo is LONDON
    assert due.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(hours=72)
    assert hours_between(start, due) == 72.0


@PROPERTY
@given(aware_datetimes, counts)
def test_the_deadline_is_the_last_instant_within(start: dt.datetime, count: ClockCount) -> None:
    due = deadline(start, count)
    assert due.tzinfo is LONDON
    assert is_within(start, due, count)
    assert not is_within(start, due + MICROSECOND, count)
    assert not is_within(start, (due + MICROSECOND).astimezone(UTC), count)


@PROPERTY
@given(aware_datetimes)
def test_day_deadlines_end_a_london_day_and_order(start: dt.datetime) -> None:
    hours, calendar, working = (deadline(start, c) for c in ClockCount)
    for due in (calendar, working):
        assert due.timetz() == dt.time.max.replace(tzinfo=LONDON)
        assert (due + MICROSECOND).astimezone(LONDON).time() == dt.time(0, 0)
    # Three working days strictly after the start day take at least three calendar days.
    assert working >= calendar
    # Wall-clock start + 3 days is within the calendar deadline; a spring-forward change can
    # push the 72-hour deadline at most an hour past it.
    assert calendar >= hours - dt.timedelta(hours=1)
    assert dt.timedelta(hours=71) <= calendar - start < dt.timedelta(days=4, hours=1)


@PROPERTY
@given(aware_datetimes)
def test_working_deadline_is_the_third_working_day(start: dt.datetime) -> None:
    start_day = start.astimezone(LONDON).date()
    due_day = deadline(start, WORKING).date()
    assert working_day(due_day)
    assert working_days_between(start_day, due_day) == 3
    assert working_days_between(start_day, due_day - dt.timedelta(days=1)) == 2


@PROPERTY
@given(aware_datetimes, aware_datetimes)
def test_calendar_days_compare_london_dates(start: dt.datetime, at: dt.datetime) -> None:
    days = (at.astimezone(LONDON).date() - start.astimezone(LONDON).date()).days
    assert is_within(start, at, CALENDAR) == (days <= 3)


@PROPERTY
@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.integers(min_value=-10, max_value=800),
)
def test_working_days_between_counts_each_day(start: dt.date, span: int) -> None:
    end = start + dt.timedelta(days=span)
    expected = sum(working_day(start + dt.timedelta(days=i)) for i in range(1, span + 1))
    assert working_days_between(start, end) == expected
