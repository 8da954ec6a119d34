"""Helpers for the import tests: a council with two children, a force, notification files."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management import call_command

from returnhome.children.models import Child
from returnhome.imports.police.matching import ChildIndex, Person
from returnhome.imports.police.rows import COLUMNS
from returnhome.organisations.models import Organisation
from tests.factories import ChildFactory, CouncilFactory, PoliceFactory


@dataclass
class Area:
    council: Organisation
    force: Organisation
    amelia: Child
    william: Child


def make_area() -> Area:
    force = PoliceFactory(name="Testshire Police", code="police:TST")
    council = CouncilFactory(la_code="T01", police_force=force)
    amelia = ChildFactory(
        council=council,
        forename="Amelia",
        surname="Brown",
        date_of_birth="2010-04-03",
        postcode="ME15 6XX",
        address="1 Demo Road, Maidstone",
        la_child_id="SYN1",
    )
    william = ChildFactory(
        council=council,
        forename="William",
        surname="Smith-Jones",
        date_of_birth="2011-11-05",
        sex="M",
        postcode="CT1 2XX",
        address="3 Demo Close, Canterbury",
    )
    return Area(council, force, amelia, william)


def row(**values: str) -> dict[str, str]:
    """A notification row: Amelia reported missing, unless told otherwise."""
    base = dict.fromkeys(COLUMNS, "")
    base.update(
        force="Testshire Police",
        police_reference="TST-1",
        event="missing",
        event_at="2025-03-14T19:30",
        last_seen_at="14/03/2025 18:00",
        risk_level="medium",
        forename="Amelia",
        surname="Brown",
        date_of_birth="03/04/2010",
        sex="F",
        postcode="ME15 6XX",
        missing_from="Home",
    )
    base.update(values)
    return base


def found(**values: str) -> dict[str, str]:
    fields = {
        "event": "found",
        "event_at": "15/03/2025 08:10",
        "last_seen_at": "",
        "risk_level": "",
    }
    fields.update(values)
    return row(**fields)


def csv_bytes(
    rows: list[dict[str, str]], header: list[str] | None = None, encoding: str = "utf-8"
) -> bytes:
    handle = io.StringIO()
    writer = csv.writer(handle)
    columns = header or list(COLUMNS)
    writer.writerow(columns)
    for r in rows:
        writer.writerow([r.get(c, "") for c in columns])
    return handle.getvalue().encode(encoding)


def run_import(
    tmp_path: Path, content: bytes, council: Organisation, *args: str, name: str = "police.csv"
) -> tuple[int, dict[str, Any]]:
    """Run the command; (exit code, JSON summary)."""
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    code = 0
    try:
        call_command(
            "import-notifications", str(path), "--org", council.la_code or "", *args, stdout=out
        )
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, json.loads(out.getvalue())


def index_of(register: list[Any]) -> ChildIndex:
    """The synthetic generator's register as matching's index (each child under its `key`)."""
    index = ChildIndex()
    for c in register:
        index.add(
            Person.build(
                c.key,
                c.forename,
                c.surname,
                c.dob,
                sex=c.sex,
                postcode=c.postcode,
                address=c.address,
                la_child_id=c.la_child_id,
                nhs_number=c.nhs_number,
                aliases=c.aliases,
            )
        )
    return index
