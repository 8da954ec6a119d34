"""The police notification format: its columns, and checking one row.

Used by the file import and (later) the HTTP API: both hand `RowValidator.validate` a mapping of
column name to text and get back a `Notice` or the row's errors. See
docs/formats/police-notifications.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from returnhome.lib.dates import DateError, parse_date, parse_datetime
from returnhome.lib.names import normalise_postcode

COLUMNS: tuple[str, ...] = (
    "force",
    "police_reference",
    "event",
    "event_at",
    "last_seen_at",
    "risk_level",
    "forename",
    "surname",
    "aliases",
    "date_of_birth",
    "sex",
    "address",
    "postcode",
    "missing_from",
    "found_location",
    "la_child_id",
    "nhs_number",
    "la_code",
    "circumstances",
)
REQUIRED_VALUES = ("force", "police_reference", "event", "event_at", "forename", "surname")
EVENTS = ("missing", "found")
RISK_LEVELS = ("no apparent risk", "low", "medium", "high")
SEXES = {
    "m": "M",
    "male": "M",
    "boy": "M",
    "f": "F",
    "female": "F",
    "girl": "F",
    "x": "X",
    "other": "X",
    "not stated": "X",
    "unknown": "X",
    "u": "X",
}
MAX_LENGTHS = {
    "police_reference": 60,
    "forename": 100,
    "surname": 100,
    "aliases": 500,
    "address": 500,
    "missing_from": 300,
    "found_location": 300,
    "la_child_id": 40,
    "circumstances": 10_000,
}
# The earliest plausible date of birth of a child someone reports missing.
OLDEST_YEARS = 26
FUTURE_TOLERANCE = dt.timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(slots=True)
class Notice:
    """One valid notification row, typed."""

    row: int
    force_id: int
    force_name: str
    police_reference: str
    event: str
    event_at: dt.datetime
    last_seen_at: dt.datetime | None
    risk_level: str
    forename: str
    surname: str
    aliases: list[str]
    date_of_birth: dt.date | None
    sex: str
    address: str
    postcode: str
    missing_from: str
    found_location: str
    la_child_id: str
    nhs_number: str
    la_code: str
    circumstances: str
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, str, str]:
        """What identifies the event: force, police reference, event."""
        return (self.force_id, self.police_reference, self.event)

    @property
    def episode_key(self) -> tuple[int, str]:
        return (self.force_id, self.police_reference)

    def content(self) -> dict[str, Any]:
        """The notification as received, kept on the record (text exactly as sent)."""
        return {"row": self.row, **self.raw}


def nhs_number_valid(number: str) -> bool:
    """10 digits with a correct modulus 11 check digit."""
    if len(number) != 10 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(number[9])


@dataclass
class HeaderCheck:
    positions: dict[str, int]
    errors: list[RowError]
    warnings: list[str]


def check_header(
    header: list[str], columns: tuple[str, ...] = COLUMNS, optional: tuple[str, ...] = ()
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


class RowValidator:
    """Checks rows for one council. `forces` maps a force's code or name (lower case) to (id, name)."""

    def __init__(
        self,
        *,
        forces: Mapping[str, tuple[int, str]],
        council_codes: set[str],
        now: dt.datetime,
    ) -> None:
        self.forces = forces
        self.council_codes = council_codes
        self.now = now
        self.today = now.astimezone(dt.UTC).date()
        self.oldest = self.today.replace(year=self.today.year - OLDEST_YEARS, day=1)

    def validate(self, row: int, values: Mapping[str, str]) -> Notice | list[RowError]:
        errors: list[RowError] = []

        def text(column: str) -> str:
            value = values.get(column)
            value = "" if value is None else str(value).strip()
            limit = MAX_LENGTHS.get(column)
            if limit and len(value) > limit:
                errors.append(RowError(row, column, f"Longer than {limit} characters"))
            return value

        raw = {c: ("" if values.get(c) is None else str(values.get(c))) for c in COLUMNS}
        for column in REQUIRED_VALUES:
            if not raw[column].strip():
                errors.append(RowError(row, column, f"{column} is blank: it is required"))

        force_text = text("force")
        force = self.forces.get(force_text.lower()) if force_text else None
        if force_text and force is None:
            errors.append(RowError(row, "force", f"{force_text!r} is not a police force we know"))

        event = text("event").lower()
        if event and event not in EVENTS:
            errors.append(
                RowError(row, "event", f"{event!r} is not an event: use missing or found")
            )

        event_at = self._moment(row, "event_at", text("event_at"), errors)
        last_seen_at = self._moment(row, "last_seen_at", text("last_seen_at"), errors)
        if event == "missing" and event_at and last_seen_at and last_seen_at > event_at:
            errors.append(
                RowError(
                    row, "last_seen_at", "Last seen must be before the child was reported missing"
                )
            )

        risk = " ".join(text("risk_level").lower().split())
        if risk and risk not in RISK_LEVELS:
            errors.append(
                RowError(
                    row,
                    "risk_level",
                    f"{risk!r} is not a risk level: use no apparent risk, low, medium or high",
                )
            )

        dob: dt.date | None = None
        dob_text = text("date_of_birth")
        if dob_text:
            try:
                dob = parse_date(dob_text)
            except DateError as exc:
                errors.append(RowError(row, "date_of_birth", str(exc)))
            else:
                if dob > self.today:
                    errors.append(RowError(row, "date_of_birth", "Date of birth is in the future"))
                elif dob < self.oldest:
                    errors.append(
                        RowError(
                            row,
                            "date_of_birth",
                            f"Date of birth {dob:%d/%m/%Y} is more than {OLDEST_YEARS} years ago",
                        )
                    )
                elif event_at and dob > event_at.date():
                    errors.append(
                        RowError(row, "date_of_birth", "Date of birth is after the event")
                    )

        sex_text = text("sex").lower()
        sex = SEXES.get(sex_text, "") if sex_text else ""
        if sex_text and not sex:
            errors.append(RowError(row, "sex", f"{sex_text!r} is not a sex: use M, F or X"))

        postcode_text = text("postcode")
        postcode = normalise_postcode(postcode_text) if postcode_text else ""
        if postcode_text and not postcode:
            errors.append(RowError(row, "postcode", f"{postcode_text!r} is not a UK postcode"))

        nhs = re.sub(r"[\s-]", "", text("nhs_number"))
        if nhs and not nhs_number_valid(nhs):
            errors.append(
                RowError(row, "nhs_number", "Not a valid NHS number (10 digits with a check digit)")
            )

        la_code = text("la_code")
        if la_code and la_code not in self.council_codes:
            errors.append(RowError(row, "la_code", f"{la_code!r} is not a council's DfE LA code"))

        forename, surname = text("forename"), text("surname")
        reference = text("police_reference")
        aliases = [a.strip() for a in text("aliases").split(";") if a.strip()]
        address, missing_from = text("address"), text("missing_from")
        found_location, la_child_id = text("found_location"), text("la_child_id")
        circumstances = text("circumstances")
        if errors:
            return errors
        assert force is not None and event_at is not None
        return Notice(
            row=row,
            force_id=force[0],
            force_name=force[1],
            police_reference=reference,
            event=event,
            event_at=event_at,
            last_seen_at=last_seen_at,
            risk_level=risk,
            forename=forename,
            surname=surname,
            aliases=aliases,
            date_of_birth=dob,
            sex=sex,
            address=address,
            postcode=postcode,
            missing_from=missing_from,
            found_location=found_location,
            la_child_id=la_child_id,
            nhs_number=nhs,
            la_code=la_code,
            circumstances=circumstances,
            raw=raw,
        )

    def _moment(
        self, row: int, column: str, value: str, errors: list[RowError]
    ) -> dt.datetime | None:
        if not value:
            return None
        try:
            moment = parse_datetime(value)
        except DateError as exc:
            errors.append(RowError(row, column, str(exc)))
            return None
        if moment > self.now + FUTURE_TOLERANCE:
            errors.append(RowError(row, column, f"{value!r} is in the future"))
            return None
        return moment
