"""Annex A List 8 against the published rules (tests/reports/data/annex_a_list_8.toml).

The rules are the template's columns in order, each column's codes, date format, number rule and
whether it may be blank, as the open-source Annex A reader liia-tools publishes them. The test
checks every cell of an export drawn from a council's records against them; a blank the rules do
not allow must be one the export's warnings name (our records hold nothing for it).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from returnhome.children import services as child_services
from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.interviews.models import DeclineReason
from returnhome.organisations.models import Organisation
from returnhome.reports.exports import Export, annex_a_missing
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, CouncilFactory
from tests.reports import builders as b

RULES: dict[str, Any] = tomllib.loads(
    (Path(__file__).parent / "data" / "annex_a_list_8.toml").read_text(encoding="utf-8")
)
PERIOD = (dt.date(2024, 7, 1), dt.date(2025, 6, 30))


def problems(export: Export, england: set[str]) -> list[str]:
    """Every cell of `export` that breaks the published List 8 rules, described."""
    found = []
    header = [c["column"] for c in RULES["columns"]]
    if list(export.columns) != header:
        found.append(f"header {export.columns} is not the published {header}")
    for number, row in enumerate(export.rows, start=2):
        for rule, value in zip(RULES["columns"], row, strict=True):
            broken = _broken(rule, value, export.warnings, england)
            if broken:
                found.append(f"row {number}, {rule['column']!r} = {value!r}: {broken}")
    return found


def _broken(rule: dict[str, Any], value: str, warnings: list[str], england: set[str]) -> str:
    """Why `value` breaks the column's `rule`, or "" if it does not."""
    column = rule["column"]
    if value == "":
        explained = any(column in w for w in warnings)
        return "" if rule["canbeblank"] or explained else "blank, and no warning says why"
    # LA of Placement: a code outside England, else the English council's name.
    codes = set(rule.get("category", [])) | (england if column == "LA of Placement" else set())
    if "category" in rule and value not in codes:
        return f"not one of the codes {rule['category']}"
    if "date" in rule:
        try:
            parsed = dt.datetime.strptime(value, rule["date"]).replace(tzinfo=dt.UTC)
        except ValueError:
            return f"not a date in the format {rule['date']}"
        if parsed.strftime(rule["date"]) != value:
            return f"not written as {rule['date']} writes it"
    least = rule.get("numeric", {}).get("min_value")
    if least is not None and not (re.fullmatch(r"\d+", value) and int(value) >= least):
        return f"not a whole number from {least}"
    postcode = re.compile(RULES["postcode_pattern"])
    if rule.get("string") == "postcode" and not postcode.match(re.sub(r"\s+", "", value).upper()):
        return "not a UK postcode"
    return ""


def english_councils() -> set[str]:
    return set(
        Organisation.objects.councils().exclude(nation="Wales").values_list("name", flat=True)
    )


def looked_after(
    cast: Cast, child: Child, start: dt.date, end: dt.date | None = None
) -> LegalStatus:
    return child_services.record_legal_status(
        child,
        status=LegalStatus.Status.LOOKED_AFTER,
        start_date=start,
        end_date=end,
        acting_user=cast.front_door,
    )


def placed(
    cast: Cast, child: Child, kind: str, area: Organisation, start: dt.date, postcode: str
) -> Placement:
    return child_services.record_placement(
        child,
        placement_type=kind,
        council_area=area,
        start_date=start,
        postcode=postcode,
        acting_user=cast.front_door,
    )


@pytest.fixture
def children_in_care(cast: Cast) -> Cast:
    """Four children the council looks after, recorded through the app (not imported).

    C1 boy, WBRI, in a private children's home in the area since 2023; away once, missing once
       (offered, accepted). Allocated worker.
    C2 girl, 'White and Asian', placed with parents in the partner council's area; care ended
       31/01/2025; missing once (offered, declined).
    C3 sex not stated, 'Information not yet obtained', no date of birth, fostered in Wales;
       missing once, offered, no answer yet.
    C4 no council child ID, an ethnicity matching no code, no placement, no worker, never missing.
    """
    wales = CouncilFactory(name="Testshire Cymru", nation="Wales")
    c1 = ChildFactory(
        council=cast.council,
        la_child_id="C1",
        sex=Child.Sex.MALE,
        ethnicity="WBRI",
        date_of_birth=dt.date(2010, 4, 3),
        allocated_social_worker=cast.social_worker,
    )
    looked_after(cast, c1, dt.date(2023, 5, 1))
    placed(cast, c1, Placement.Type.HOME_PRIVATE, cast.council, dt.date(2023, 5, 1), "me14 1xx")
    away = missing(cast, c1, b.local(2024, 9, 1, 19), classification="A")
    returned(cast, away, b.local(2024, 9, 1, 23))
    rhi = returned(cast, missing(cast, c1, b.local(2024, 10, 5, 20)), b.local(2024, 10, 6, 9))
    b.offer(cast, rhi, b.local(2024, 10, 6, 12))
    b.accept(cast, rhi)

    c2 = ChildFactory(
        council=cast.council, la_child_id="C2", sex=Child.Sex.FEMALE, ethnicity="White and Asian"
    )
    looked_after(cast, c2, dt.date(2024, 6, 1), dt.date(2025, 1, 31))
    placed(cast, c2, Placement.Type.WITH_PARENTS, cast.partner_council, dt.date(2024, 6, 1), "")
    rhi = returned(cast, missing(cast, c2, b.local(2024, 8, 2, 22)), b.local(2024, 8, 3, 8))
    b.offer(cast, rhi, b.local(2024, 8, 3, 10))
    b.decline(cast, rhi, DeclineReason.CHILD_REFUSED)

    c3 = ChildFactory(
        council=cast.council,
        la_child_id="C3",
        sex=Child.Sex.OTHER,
        ethnicity="Information not yet obtained",
        date_of_birth=None,
    )
    looked_after(cast, c3, dt.date(2024, 3, 1))
    placed(cast, c3, Placement.Type.FOSTER, wales, dt.date(2024, 3, 1), "CF10 1AA")
    rhi = returned(cast, missing(cast, c3, b.local(2025, 2, 1, 15)), b.local(2025, 2, 1, 18))
    b.offer(cast, rhi, b.local(2025, 2, 2, 10))

    c4 = ChildFactory(council=cast.council, la_child_id="", ethnicity="Martian")
    looked_after(cast, c4, dt.date(2025, 1, 1))
    return cast


def test_the_header_is_the_published_list_8_header(children_in_care: Cast) -> None:
    export = annex_a_missing(children_in_care.council, *PERIOD)
    published = [c["column"] for c in RULES["columns"]]
    assert len(published) == 34
    assert next(csv.reader(io.StringIO(export.to_csv()))) == published
    sheet = load_workbook(io.BytesIO(export.to_xlsx())).worksheets[0]
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == published


def test_every_value_satisfies_the_published_rules(children_in_care: Cast) -> None:
    export = annex_a_missing(children_in_care.council, *PERIOD)
    assert len(export.rows) == 4
    assert problems(export, english_councils()) == []
    # Not empty-handed: the columns our records hold are filled for some child here.
    filled = {c for i, c in enumerate(export.columns) if any(r[i] for r in export.rows)}
    assert filled == {
        "Child Unique ID",
        "Gender",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Date Started to be Looked After",
        "Date Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "Placement Location",
        "LA of Placement",
        "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
        "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
        "Was the child offered a Return Interview after their last missing episode (Y/N)?",
        "Did the child accept a Return Interview after their last missing episode (Y/N)?",
        "Allocated Worker",
    }


def test_the_codes_are_those_the_records_say(children_in_care: Cast) -> None:
    export = annex_a_missing(children_in_care.council, *PERIOD)
    rows = {r[0]: dict(zip(export.columns, r, strict=True)) for r in export.rows}
    c1, c2, c3, c4 = rows["C1"], rows["C2"], rows["C3"], rows[""]
    assert (c1["Gender"], c2["Gender"], c3["Gender"]) == (
        "a) Male",
        "b) Female",
        "c) Not stated/recorded",
    )
    assert (c1["Ethnicity"], c2["Ethnicity"], c3["Ethnicity"], c4["Ethnicity"]) == (
        "a) WBRI",
        "h) MWAS",
        "s) NOBT",
        "",
    )
    assert (c1["Date of Birth"], c1["Age of Child (Years)"]) == ("03/04/2010", "15")
    assert c1["Date Started to be Looked After"] == "01/05/2023"
    assert c2["Date Ceased to be Looked After"] == "31/01/2025"
    assert c1["Date Ceased to be Looked After"] == ""
    assert (c1["Placement Type"], c1["Placement Provider"]) == (
        "p) K2: Children's Homes",
        "e) PR4: Private provision",
    )
    assert (c2["Placement Type"], c2["Placement Provider"]) == (
        "k) P1: Placed with parents",
        "a) PR0: Parents/Parental responsibility",
    )
    assert c3["Placement Type"] == c3["Placement Provider"] == ""  # foster care: U1-U6
    assert c1["Placement postcode"] == "ME14 1XX"
    council = children_in_care.council.name
    assert (c1["Placement Location"], c1["LA of Placement"]) == ("a) In", council)
    assert (c2["Placement Location"], c3["LA of Placement"]) == (
        "b) Out",
        "WAL - Child placed in Wales",
    )
    missing_columns = export.columns[28:32]
    assert [c1[c] for c in missing_columns] == ["1", "1", "a) Yes", "a) Yes"]
    assert [c2[c] for c in missing_columns] == ["1", "0", "a) Yes", "b) No"]
    assert [c3[c] for c in missing_columns] == ["1", "0", "a) Yes", "c) Unknown"]
    assert [c4[c] for c in missing_columns] == ["0", "0", "", ""]  # no missing episode
    assert c1["Allocated Worker"] == children_in_care.social_worker.get_full_name()
    assert c1["Allocated Team"] == ""  # returnhome records no teams


def test_the_warnings_name_each_blank_and_its_children(children_in_care: Cast) -> None:
    warnings = annex_a_missing(children_in_care.council, *PERIOD).warnings
    text = "\n".join(warnings)
    assert "Allocated Team" in warnings[0] and "URN of Placement" in warnings[0]
    assert "Date of Birth and Age of Child (Years) are blank for 1 child with no date" in text
    assert "Allocated Worker is blank for 3 children with no allocated social worker" in text
    assert (
        "Child Unique ID is blank for 1 child with no council child ID: returnhome record" in text
    )
    assert "Placement Type is blank for 1 child with a placement type with no single" in text
    assert "no placement recorded by the end of the period" in text
    assert "history import" not in text  # recorded through the app, not imported


def _lower_case_code(export: Export) -> None:
    export.rows[0][1] = "Male"


def _yes_as_y(export: Export) -> None:
    export.rows[0][30] = "Y"


def _iso_date(export: Export) -> None:
    export.rows[0][7] = "2023-05-01"


def _unpadded_date(export: Export) -> None:
    export.rows[0][7] = "1/5/2023"


def _negative_count(export: Export) -> None:
    export.rows[0][28] = "-1"


def _bad_postcode(export: Export) -> None:
    export.rows[0][24] = "Kent"


def _unexplained_blank(export: Export) -> None:
    export.rows[0][1] = ""  # Gender: no warning says why


def _columns_swapped(export: Export) -> None:
    columns = list(export.columns)
    columns[28], columns[29] = columns[29], columns[28]
    export.columns = tuple(columns)


@pytest.mark.parametrize(
    "spoil",
    [
        _lower_case_code,
        _yes_as_y,
        _iso_date,
        _unpadded_date,
        _negative_count,
        _bad_postcode,
        _unexplained_blank,
        _columns_swapped,
    ],
)
def test_the_rule_check_catches_a_spoilt_export(children_in_care: Cast, spoil: Any) -> None:
    export = annex_a_missing(children_in_care.council, *PERIOD)
    export.rows.sort(key=lambda row: row[0] != "C1")  # C1, with every column we fill, first
    assert problems(export, english_councils()) == []
    spoil(export)
    assert problems(export, english_councils())
