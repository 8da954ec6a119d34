"""What the two row formats share (police notifications, history): the error a row gets, the
header check, and the base of their row validators.

A validator is handed a mapping of column name to text and returns the typed row or the row's
errors (`RowError`, naming the row and the column). `RowCheck` holds one row while it is checked:
its text, the errors found so far, and the readers every format uses (trimmed text within a length
limit, a date and time that is not in the future, a required value).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rapidfuzz import fuzz, process

from returnhome.lib.dates import DateError, parse_date, parse_datetime

# The earliest plausible date of birth of a child someone reports missing, in years.
OLDEST_YEARS = 26
# How far in the future a time may be (clocks differ) before it is rejected.
FUTURE_TOLERANCE = dt.timedelta(minutes=1)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class HeaderCheck:
    positions: dict[str, int]
    errors: list[RowError]
    warnings: list[str]


def check_header(
    header: list[str], columns: tuple[str, ...], optional: tuple[str, ...] = ()
) -> HeaderCheck:
    """Map each column to its position. Names are matched ignoring case and surrounding spaces.

    Every column of the format must be present (values may be blank), except those in
    `optional`; unknown columns are ignored with a warning; a column named twice is an error.
    """
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    warnings: list[str] = []
    unknown: list[str] = []
    for index, name in enumerate(header):
        key = name.strip().lower()
        if not key:
            continue
        if key in columns or key in optional:
            if key in positions:
                errors.append(RowError(1, key, f"Column {key!r} appears more than once"))
            positions[key] = index
        else:
            unknown.append(name.strip())
    missing = [c for c in columns if c not in positions]
    for column in missing:
        guess = process.extractOne(column, unknown, scorer=fuzz.WRatio, score_cutoff=60)
        if guess is None and len(missing) == 1 and len(unknown) == 1:
            guess = (unknown[0], 0, 0)
        hint = f" (is {guess[0]!r} meant to be {column!r}?)" if guess else ""
        errors.append(RowError(1, column, f"Column {column!r} is missing from the header{hint}"))
    for name in unknown:
        warnings.append(f"Column {name!r} is not part of the format and was ignored")
    return HeaderCheck(positions, errors, warnings)


class RowCheck:
    """One row while it is checked: its text as sent (`raw`) and the errors found so far."""

    def __init__(
        self,
        row: int,
        values: Mapping[str, str],
        columns: tuple[str, ...],
        max_lengths: Mapping[str, int],
    ) -> None:
        self.row = row
        self.values = values
        self.max_lengths = max_lengths
        self.errors: list[RowError] = []
        get = values.get
        self.raw = {
            c: ("" if (v := get(c)) is None else v if type(v) is str else str(v)) for c in columns
        }

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

    def given(self, column: str) -> bool:
        """Whether the column has a value (spaces are not one)."""
        return bool(self.raw[column].strip())

    def require(self, columns: tuple[str, ...]) -> None:
        for column in columns:
            if not self.given(column):
                self.error(column, f"{column} is blank: it is required")

    def text(self, column: str) -> str:
        """The value with surrounding spaces removed; an error if it is over the column's limit."""
        raw = self.raw.get(column)
        if raw is not None:  # the column's text as sent
            value = raw.strip()
        else:
            given = self.values.get(column)
            value = "" if given is None else str(given).strip()
        limit = self.max_lengths.get(column)
        if limit and len(value) > limit:
            self.error(column, f"Longer than {limit} characters")
        return value

    def moment(self, column: str, value: str, now: dt.datetime) -> dt.datetime | None:
        """`value` (the column's text) as a date and time, not after `now` (give or take)."""
        if not value:
            return None
        try:
            moment = parse_datetime(value)
        except DateError as exc:
            self.error(column, str(exc))
            return None
        if moment > now + FUTURE_TOLERANCE:
            self.error(column, f"{value!r} is in the future")
            return None
        return moment

    def date(self, column: str) -> dt.date | None:
        """The column's text as a date (None if blank, or not a date: then an error)."""
        value = self.text(column)
        if not value:
            return None
        try:
            return parse_date(value)
        except DateError as exc:
            self.error(column, str(exc))
            return None


class Validator(Generic[T]):
    """The base of a format's row validator: its columns, required values and length limits.

    A format says `columns`, `required` and `max_lengths`, and builds its typed row from a
    `RowCheck` in `check`; `validate` returns that row, or the row's errors if it has any.
    """

    columns: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    max_lengths: Mapping[str, int] = {}

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def validate(self, row: int, values: Mapping[str, str]) -> T | list[RowError]:
        check = RowCheck(row, values, self.columns, self.max_lengths)
        check.require(self.required)
        result = self.check(check)
        if check.errors:
            return check.errors
        assert result is not None
        return result

    def check(self, check: RowCheck) -> T | None:
        """Read and check the row's values into `check`; the typed row (None if it has errors)."""
        raise NotImplementedError

    def moment(self, check: RowCheck, column: str) -> dt.datetime | None:
        return check.moment(column, check.text(column), self.now)
