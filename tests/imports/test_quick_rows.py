"""A file's plainly valid rows are read in one go (`RowValidator.quick`, decision 0047): the
same Notice as the general reading, and any row with something wrong is left to it (and its
messages)."""

from __future__ import annotations

import datetime as dt

from returnhome.demo.synthetic import Generator
from returnhome.imports.police.rows import COLUMNS, RowValidator

TODAY = dt.date(2025, 6, 1)


def _validator() -> RowValidator:
    return RowValidator(
        forces={"synthetic police": (1, "Synthetic Police"), "syn": (1, "Synthetic Police")},
        council_codes={"Z99"},
        now=dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC),
    )


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {c: str(values.get(c) or "") for c in COLUMNS}


def test_quick_reads_a_valid_row_as_the_general_reading() -> None:
    generator = Generator(5, TODAY)
    register = generator.register(500)
    validator = _validator()
    quick = 0
    for number, labelled in enumerate(generator.labelled_rows(register, 600), start=2):
        values = _texts(labelled.values)
        values["la_code"] = "Z99" if number % 7 == 0 else values["la_code"]
        general = validator.validate(number, dict(values))
        notice = validator.quick(number, values)
        if notice is not None:
            quick += 1
            assert notice == general
    assert quick > 500


def test_quick_hands_on_every_row_with_something_wrong() -> None:
    validator = _validator()
    good = _texts(
        {
            "force": "SYN",
            "police_reference": "R-1",
            "event": "missing",
            "event_at": "2025-05-30T10:00",
            "last_seen_at": "2025-05-30T09:00",
            "risk_level": "Medium",
            "forename": "Amy",
            "surname": "Jones",
            "date_of_birth": "2011-04-03",
            "sex": "F",
            "postcode": "me15 6xx",
            "nhs_number": "",
        }
    )
    assert validator.quick(2, dict(good)) == validator.validate(2, dict(good))
    wrong = {
        "force": ["", "Nowhere Police"],
        "police_reference": ["", "R" * 61],
        "event": ["", "lost"],
        "event_at": ["", "yesterday", "2030-01-01T10:00"],
        "last_seen_at": ["soon", "2025-05-30T11:00", "2030-01-01T10:00"],
        "risk_level": ["severe"],
        "forename": ["", "A" * 101],
        "surname": [" "],
        "date_of_birth": ["2011-02-30", "2026-01-01", "1990-01-01"],
        "sex": ["q"],
        "postcode": ["not a postcode"],
        "nhs_number": ["1234567890"],
        "la_code": ["X11"],
        "aliases": ["x" * 501],
        "address": ["x" * 501],
        "la_child_id": ["x" * 41],
    }
    for column, values in wrong.items():
        for value in values:
            row = dict(good, **{column: value})
            assert validator.quick(2, row) is None, (column, value)
            assert isinstance(validator.validate(2, row), list), (column, value)
