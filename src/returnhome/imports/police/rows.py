"""The police notification format: its columns, and checking one row.

Used by the file import and the HTTP API: both hand `RowValidator.validate` a mapping of
column name to text and get back a `Notice` or the row's errors. See
docs/formats/police-notifications.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from returnhome.imports.validation import FUTURE_TOLERANCE, OLDEST_YEARS, RowCheck, Validator
from returnhome.lib.dates import DateError, parse_date, parse_datetime
from returnhome.lib.names import normalise_postcode

_NHS_SEPARATORS = re.compile(r"[\s-]")

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


class Force(NamedTuple):
    id: int
    name: str


class RowValidator(Validator[Notice]):
    """Checks rows for one council. `forces` maps a force's code or name (lower case) to (id, name)."""

    columns = COLUMNS
    required = REQUIRED_VALUES
    max_lengths = MAX_LENGTHS

    def __init__(
        self,
        *,
        forces: Mapping[str, tuple[int, str]],
        council_codes: set[str],
        now: dt.datetime,
    ) -> None:
        super().__init__(now)
        self.forces = forces
        self.council_codes = council_codes
        self.today = now.astimezone(dt.UTC).date()
        self.oldest = self.today.replace(year=self.today.year - OLDEST_YEARS, day=1)

    def check(self, check: RowCheck) -> Notice | None:
        force = self._force(check)
        event = self._event(check)
        event_at = self.moment(check, "event_at")
        last_seen_at = self.moment(check, "last_seen_at")
        if event == "missing" and event_at and last_seen_at and last_seen_at > event_at:
            check.error("last_seen_at", "Last seen must be before the child was reported missing")
        risk = risk_level(check)
        dob = self._date_of_birth(check, event_at)
        sex = sex_of(check)
        postcode = self._postcode(check)
        nhs = self._nhs_number(check)
        la_code = self._la_code(check)
        forename, surname = check.text("forename"), check.text("surname")
        reference = check.text("police_reference")
        aliases = [a.strip() for a in check.text("aliases").split(";") if a.strip()]
        address, missing_from = check.text("address"), check.text("missing_from")
        found_location, la_child_id = check.text("found_location"), check.text("la_child_id")
        circumstances = check.text("circumstances")
        if check.errors:
            return None
        assert force is not None and event_at is not None
        return Notice(
            row=check.row,
            force_id=force.id,
            force_name=force.name,
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
            raw=check.raw,
        )

    def quick(self, row: int, raw: dict[str, str]) -> Notice | None:
        """The row's Notice when every value in it is plainly valid (most rows of a file), read
        in one go; None when anything is not, and then `validate` reads it the general way and
        says what is wrong. The same rules as `check`, in the same words nowhere: this never
        rejects a row, only hands it on. `raw`: every column's text as sent (all strings)."""
        force_text = raw["force"].strip()
        reference = raw["police_reference"].strip()
        event = raw["event"].strip().lower()
        event_text = raw["event_at"].strip()
        forename = raw["forename"].strip()
        surname = raw["surname"].strip()
        if not (force_text and reference and event and event_text and forename and surname):
            return None
        force = self.forces.get(force_text.lower())
        if force is None or event not in EVENTS:
            return None
        latest = self.now + FUTURE_TOLERANCE
        try:
            event_at = parse_datetime(event_text)
            seen_text = raw["last_seen_at"].strip()
            last_seen_at = parse_datetime(seen_text) if seen_text else None
            dob_text = raw["date_of_birth"].strip()
            dob = parse_date(dob_text) if dob_text else None
        except DateError:
            return None
        if event_at > latest or (last_seen_at is not None and last_seen_at > latest):
            return None
        if event == "missing" and last_seen_at is not None and last_seen_at > event_at:
            return None
        if dob is not None and (dob > self.today or dob < self.oldest or dob > event_at.date()):
            return None
        risk = " ".join(raw["risk_level"].lower().split())
        if risk and risk not in RISK_LEVELS:
            return None
        sex_text = raw["sex"].strip().lower()
        sex = SEXES.get(sex_text, "") if sex_text else ""
        if sex_text and not sex:
            return None
        postcode_text = raw["postcode"].strip()
        postcode = normalise_postcode(postcode_text) if postcode_text else ""
        if postcode_text and not postcode:
            return None
        nhs = _NHS_SEPARATORS.sub("", raw["nhs_number"].strip())
        if nhs and not nhs_number_valid(nhs):
            return None
        la_code = raw["la_code"].strip()
        if la_code and la_code not in self.council_codes:
            return None
        aliases_text = raw["aliases"].strip()
        address = raw["address"].strip()
        missing_from = raw["missing_from"].strip()
        found_location = raw["found_location"].strip()
        la_child_id = raw["la_child_id"].strip()
        circumstances = raw["circumstances"].strip()
        most = MAX_LENGTHS
        if (
            len(reference) > most["police_reference"]
            or len(forename) > most["forename"]
            or len(surname) > most["surname"]
            or len(aliases_text) > most["aliases"]
            or len(address) > most["address"]
            or len(missing_from) > most["missing_from"]
            or len(found_location) > most["found_location"]
            or len(la_child_id) > most["la_child_id"]
            or len(circumstances) > most["circumstances"]
        ):
            return None
        return Notice(
            row,
            force[0],
            force[1],
            reference,
            event,
            event_at,
            last_seen_at,
            risk,
            forename,
            surname,
            [a.strip() for a in aliases_text.split(";") if a.strip()],
            dob,
            sex,
            address,
            postcode,
            missing_from,
            found_location,
            la_child_id,
            nhs,
            la_code,
            circumstances,
            raw,
        )

    def _force(self, check: RowCheck) -> Force | None:
        force_text = check.text("force")
        force = self.forces.get(force_text.lower()) if force_text else None
        if force_text and force is None:
            check.error("force", f"{force_text!r} is not a police force we know")
        return Force(*force) if force is not None else None

    def _event(self, check: RowCheck) -> str:
        event = check.text("event").lower()
        if event and event not in EVENTS:
            check.error("event", f"{event!r} is not an event: use missing or found")
        return event

    def _date_of_birth(self, check: RowCheck, event_at: dt.datetime | None) -> dt.date | None:
        dob = check.date("date_of_birth")
        if dob is None:
            return None
        if dob > self.today:
            check.error("date_of_birth", "Date of birth is in the future")
        elif dob < self.oldest:
            check.error(
                "date_of_birth",
                f"Date of birth {dob:%d/%m/%Y} is more than {OLDEST_YEARS} years ago",
            )
        elif event_at and dob > event_at.date():
            check.error("date_of_birth", "Date of birth is after the event")
        return dob

    def _postcode(self, check: RowCheck) -> str:
        postcode_text = check.text("postcode")
        postcode = normalise_postcode(postcode_text) if postcode_text else ""
        if postcode_text and not postcode:
            check.error("postcode", f"{postcode_text!r} is not a UK postcode")
        return postcode

    def _nhs_number(self, check: RowCheck) -> str:
        nhs = re.sub(r"[\s-]", "", check.text("nhs_number"))
        if nhs and not nhs_number_valid(nhs):
            check.error("nhs_number", "Not a valid NHS number (10 digits with a check digit)")
        return nhs

    def _la_code(self, check: RowCheck) -> str:
        la_code = check.text("la_code")
        if la_code and la_code not in self.council_codes:
            check.error("la_code", f"{la_code!r} is not a council's DfE LA code")
        return la_code


def risk_level(check: RowCheck) -> str:
    """The risk_level column, spaces tidied: one of RISK_LEVELS, or blank."""
    risk = " ".join(check.text("risk_level").lower().split())
    if risk and risk not in RISK_LEVELS:
        check.error(
            "risk_level",
            f"{risk!r} is not a risk level: use no apparent risk, low, medium or high",
        )
    return risk


def sex_of(check: RowCheck) -> str:
    """The sex column as M, F or X (blank if not given)."""
    sex_text = check.text("sex").lower()
    sex = SEXES.get(sex_text, "") if sex_text else ""
    if sex_text and not sex:
        check.error("sex", f"{sex_text!r} is not a sex: use M, F or X")
    return sex
