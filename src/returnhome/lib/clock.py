"""The 72-hour clock for Return Home Interviews.

An interview is "within 72 hours" when it takes place no later than the deadline worked out
from the clock start (the child's return, or the notification being received) under the
council's rule: elapsed hours, calendar days or working days. Local time is Europe/London.
Naive datetimes are always refused with ValueError.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

_HOURS = 72
_DAYS = 3

__all__ = [
    "LONDON",
    "ClockCount",
    "ClockRule",
    "ClockStart",
    "deadline",
    "hours_between",
    "is_bank_holiday",
    "is_within",
    "month_number",
    "uk_month",
    "working_day",
    "working_days_between",
]


class ClockStart(StrEnum):
    """When the clock starts."""

    RETURN = "return"
    NOTIFICATION = "notification"

    @property
    def label(self) -> str:
        """Short label, e.g. for a report column."""
        return _START_LABELS[self]


class ClockCount(StrEnum):
    """How the 72 hours are counted."""

    HOURS = "hours"
    CALENDAR_DAYS = "calendar-days"
    WORKING_DAYS = "working-days"

    @property
    def label(self) -> str:
        """Short label, e.g. for a report column."""
        return _COUNT_LABELS[self]


_START_LABELS = {
    ClockStart.RETURN: "from return",
    ClockStart.NOTIFICATION: "from notification received",
}
_COUNT_LABELS = {
    ClockCount.HOURS: "elapsed hours",
    ClockCount.CALENDAR_DAYS: "calendar days",
    ClockCount.WORKING_DAYS: "working days",
}
# How the start is named in describe(): (the time ..., the date ...).
_START_EVENT = {
    ClockStart.RETURN: "the child returned",
    ClockStart.NOTIFICATION: "the notification was received",
}


@dataclass(frozen=True)
class ClockRule:
    """A council's 72-hour rule: when the clock starts and how it counts."""

    start: ClockStart = ClockStart.RETURN
    count: ClockCount = ClockCount.HOURS

    def __post_init__(self) -> None:
        # Accept the stored strings ("return", "working-days"); ValueError on anything else.
        object.__setattr__(self, "start", ClockStart(self.start))
        object.__setattr__(self, "count", ClockCount(self.count))

    def describe(self) -> str:
        """The rule as one plain-English sentence, for a report or an FOI answer."""
        event = _START_EVENT[self.start]
        if self.count is ClockCount.HOURS:
            return (
                f"72 hours are counted in elapsed hours from the time {event} "
                "(changes to summer time count real hours)."
            )
        if self.count is ClockCount.CALENDAR_DAYS:
            return (
                "72 hours are counted in calendar days: the interview is in time when it "
                f"takes place no more than 3 calendar days after the date {event}."
            )
        return (
            "72 hours are counted in working days: weekends and England and Wales bank "
            "holidays do not count; the interview is in time when it takes place no later "
            f"than the end of the third working day after the day {event}."
        )

    def start_at(
        self, returned_at: dt.datetime | None, notification_received_at: dt.datetime | None
    ) -> dt.datetime | None:
        """The clock start under this rule, or None if that moment is not recorded yet."""
        for value in (returned_at, notification_received_at):
            if value is not None:
                _aware(value)
        if self.start is ClockStart.RETURN:
            return returned_at
        return notification_received_at

    def deadline(self, start: dt.datetime) -> dt.datetime:
        """The deadline for a clock started at `start` under this rule."""
        return deadline(start, self.count)

    def is_within(self, start: dt.datetime, at: dt.datetime) -> bool:
        """Whether an interview at `at` is within 72 hours under this rule."""
        return is_within(start, at, self.count)


def _aware(value: dt.datetime) -> dt.datetime:
    """`value` unchanged; ValueError if it is naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"naive datetime not accepted (give a time zone): {value!r}")
    return value


def _local_date(value: dt.date) -> dt.date:
    """A date as is; an aware datetime as its Europe/London date."""
    if isinstance(value, dt.datetime):
        return _aware(value).astimezone(LONDON).date()
    return value


def _end_of_day(day: dt.date) -> dt.datetime:
    """23:59:59.999999 Europe/London on `day` (never in a summer-time gap or overlap)."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=LONDON)


@lru_cache(maxsize=256)
def _bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays in `year`, substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year, observed=True))


def is_bank_holiday(d: dt.date) -> bool:
    """Whether `d` is an England and Wales bank holiday (substitute days included)."""
    day = _local_date(d)
    return day in _bank_holidays(day.year)


def working_day(d: dt.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    day = _local_date(d)
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_days_between(start_date: dt.date, end_date: dt.date) -> int:
    """Working days in (start_date, end_date]: the start day never counts; 0 if end <= start."""
    start, end = _local_date(start_date), _local_date(end_date)
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    weekdays = 5 * weeks + sum(
        1 for i in range(1, rest + 1) if (start + dt.timedelta(days=i)).weekday() < 5
    )
    holidays_on_weekdays = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in _bank_holidays(year)
        if start < day <= end and day.weekday() < 5
    )
    return weekdays - holidays_on_weekdays


def hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Real elapsed hours from `start` to `end` (negative if `end` is earlier)."""
    elapsed = _aware(end).astimezone(UTC) - _aware(start).astimezone(UTC)
    return elapsed.total_seconds() / 3600


def deadline(start: dt.datetime, count: ClockCount) -> dt.datetime:
    """The last instant still within 72 hours of `start`, in Europe/London."""
    start = _aware(start)
    count = ClockCount(count)
    if count is ClockCount.HOURS:
        # In UTC, so a change to or from summer time counts real hours.
        return (start.astimezone(UTC) + dt.timedelta(hours=_HOURS)).astimezone(LONDON)
    return _day_deadline(start.astimezone(LONDON).date(), count)


@lru_cache(maxsize=4096)
def _day_deadline(day: dt.date, count: ClockCount) -> dt.datetime:
    """The deadline of a clock counted in days: it depends only on the start's local date."""
    if count is ClockCount.CALENDAR_DAYS:
        return _end_of_day(day + dt.timedelta(days=_DAYS))
    found = 0
    while found < _DAYS:
        day += dt.timedelta(days=1)
        if working_day(day):
            found += 1
    return _end_of_day(day)


def is_within(start: dt.datetime, at: dt.datetime, count: ClockCount) -> bool:
    """Whether `at` is no later than the deadline for `start` under `count`."""
    # Compare in UTC: same-zone comparisons ignore `fold` in the autumn overlap hour.
    return _aware(at).astimezone(UTC) <= deadline(start, count).astimezone(UTC)


def month_number(day: dt.date) -> int:
    """A date's calendar month as the number YYYYMM (as the report facts store months)."""
    return day.year * 100 + day.month


def uk_month(instant: dt.datetime) -> int:
    """The UK (Europe/London) calendar month an instant falls in, as the number YYYYMM.

    The report facts store it for every episode (`reports.facts`); this is its definition.
    """
    return month_number(_aware(instant).astimezone(LONDON))
