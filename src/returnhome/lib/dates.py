"""Reading dates and times as people and police systems write them. No Django.

Accepted: ISO 8601 (``2025-03-14``, ``2025-03-14T10:30``, ``2025-03-14 10:30:15``, with or
without a UTC offset such as ``Z`` or ``+01:00``) and UK ``dd/mm/yyyy`` with an optional
``HH:MM`` or ``HH:MM:SS`` (one-digit days and months allowed; two-digit years are refused as
ambiguous). A time without an offset is local time in Europe/London: a local time that does not
exist (clocks go forward) or happens twice (clocks go back) is refused with a message saying so,
because guessing would move an event by an hour.

Every failure raises :class:`DateError` with a message fit to show to the person who sent it.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from returnhome.lib.clock import LONDON

UTC = dt.UTC

__all__ = [
    "EARLIEST_DATE",
    "LATEST_DATE",
    "DateError",
    "local_datetime",
    "parse_date",
    "parse_datetime",
    "swap_day_month",
]

# The dates a person may give the service (web forms, report periods): anything outside is a
# mistake, and some (year 1, year 9999) overflow the date arithmetic of the reports.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


class DateError(ValueError):
    """A date or time that cannot be read; the message says why."""


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2,4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?")
_OFFSET = re.compile(r"(Z|[+-]\d{2}(?::?\d{2})?)")
_DATETIME = re.compile(
    r"^\s*(?P<date>\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:(?:[T ]|\s+)(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,6})?)?)"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?\s*$",
    re.IGNORECASE,
)

_EXAMPLES = "use YYYY-MM-DD or DD/MM/YYYY"


def _make_date(year: int, month: int, day: int, text: str) -> dt.date:
    if not 1 <= month <= 12:
        raise DateError(f"{text!r} is not a real date: there is no month {month}")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"{text!r} is not a real date: that month has no day {day}") from None


def _date_part(text: str) -> dt.date:
    match = _ISO_DATE.fullmatch(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return _make_date(year, month, day, text)
    match = _UK_DATE.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) != 4:
            raise DateError(f"{text!r}: give the year in full (four digits), e.g. 14/03/2025")
        return _make_date(year, month, day, text)
    raise DateError(f"{text!r} is not a date: {_EXAMPLES}")


@lru_cache(maxsize=65536)
def parse_date(text: str) -> dt.date:
    """A calendar date, ISO 8601 or UK dd/mm/yyyy."""
    value = text.strip()
    if not value:
        raise DateError("no date given")
    if "T" in value or " " in value:
        # A date-and-time where a date is expected: accept midnight only.
        parsed = _DATETIME.match(value)
        if parsed and parsed.group("time") and not parsed.group("offset"):
            hour_minute = parsed.group("time")
            if hour_minute.split(":")[0:2] in (["00", "00"], ["0", "00"]):
                return _date_part(parsed.group("date"))
        raise DateError(f"{text!r} is not a date: {_EXAMPLES}, without a time")
    return _date_part(value)


def local_datetime(naive: dt.datetime, text: str = "") -> dt.datetime:
    """A wall-clock time in Europe/London as an aware datetime; refuses gaps and overlaps."""
    text = text or naive.isoformat(sep=" ")
    if naive.tzinfo is not None:
        return naive
    first = naive.replace(tzinfo=LONDON, fold=0)
    second = naive.replace(tzinfo=LONDON, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None)
        if back != naive:
            raise DateError(
                f"{text!r} does not exist in UK time: the clocks went forward that night. "
                "Check the time, or give it with its UTC offset (e.g. 2025-03-30T01:30+00:00)"
            )
        raise DateError(
            f"{text!r} happened twice in UK time: the clocks went back that night. "
            "Give the time with its UTC offset: +01:00 for the first, +00:00 for the second"
        )
    return first


def _offset(text: str) -> dt.timezone:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise DateError(f"{text!r} is not a UTC offset")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


# The form systems write (2025-03-14T09:30, with seconds or a UTC offset, +01:00 or +0100, or
# neither): read by datetime.fromisoformat, which gives what the general reading below gives,
# faster (a large file has a moment or two on every row). Anything else, or anything it refuses,
# goes the long way.
_ISO_MOMENT = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:[+-](?:[01]\d|2[0-3]):?[0-5]\d)?"
)


def parse_datetime(text: str) -> dt.datetime:
    """A moment: ISO 8601 or UK dd/mm/yyyy [HH:MM[:SS]]; local Europe/London unless an offset is given.

    A date alone means midnight at the start of that day (local time).
    """
    if _ISO_MOMENT.fullmatch(text):
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo is not None else local_datetime(moment, text)
    value = text.strip()
    if not value:
        raise DateError("no date given")
    match = _DATETIME.match(value)
    if not match:
        raise DateError(
            f"{text!r} is not a date and time: use YYYY-MM-DDTHH:MM or DD/MM/YYYY HH:MM"
        )
    day = _date_part(match.group("date"))
    hour = minute = second = micro = 0
    if match.group("time"):
        time_match = _TIME.fullmatch(match.group("time"))
        assert time_match is not None
        hour, minute = int(time_match.group(1)), int(time_match.group(2))
        second = int(time_match.group(3) or 0)
        micro = int((time_match.group(4) or "0").ljust(6, "0"))
        if hour == 24 and minute == 0 and second == 0 and micro == 0:
            raise DateError(f"{text!r}: write midnight as 00:00 on the next day")
        if hour > 23 or minute > 59 or second > 59:
            raise DateError(f"{text!r} is not a real time of day")
    naive = dt.datetime(day.year, day.month, day.day, hour, minute, second, micro)  # noqa: DTZ001 (made aware below)
    if match.group("offset"):
        if not match.group("time"):
            raise DateError(f"{text!r}: a UTC offset needs a time")
        return naive.replace(tzinfo=_offset(match.group("offset")))
    return local_datetime(naive, text)


def swap_day_month(day: dt.date) -> dt.date | None:
    """The date with day and month swapped, if that is a different real date."""
    if day.day > 12 or day.day == day.month:
        return None
    try:
        return day.replace(month=day.day, day=day.month)
    except ValueError:
        return None
