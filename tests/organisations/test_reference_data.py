"""Checks of the shipped reference data: every council and police force in England and Wales.

Plain pytest (no Django): the CSVs are read with the csv module.
Sources: DfE three-digit ("old") LA codes and GSS codes as in Get Information about Schools and the
DfE statistics screener's las.csv; police force area codes as ONS PFA (E23/W15) codes.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

Rows = list[dict[str, str]]

DATA_DIR = Path(__file__).resolve().parents[2] / "src/returnhome/organisations/data"

REGIONS = {
    "North East",
    "North West",
    "Yorkshire and The Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
}


def read(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def councils() -> list[dict[str, str]]:
    return read("councils.csv")


@pytest.fixture(scope="module")
def forces() -> list[dict[str, str]]:
    return read("police_forces.csv")


@pytest.fixture(scope="module")
def by_code(councils: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["la_code"]: row for row in councils}


def test_headers() -> None:
    with (DATA_DIR / "councils.csv").open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == [
            "la_code",
            "name",
            "nation",
            "gss_code",
            "region",
            "police_force_code",
        ]
    with (DATA_DIR / "police_forces.csv").open(newline="", encoding="utf-8") as handle:
        assert next(csv.reader(handle))[:3] == ["code", "name", "nation"]


def test_council_counts(councils: list[dict[str, str]]) -> None:
    nations = Counter(row["nation"] for row in councils)
    assert nations == {"England": 153, "Wales": 22}


def test_no_blank_or_padded_cells(councils: Rows, forces: Rows) -> None:
    for row in councils:
        for key, value in row.items():
            assert value == value.strip() and value, (key, row)
    for row in forces:
        for key in ("code", "name"):
            assert row[key] and row[key] == row[key].strip(), row


def test_la_codes_unique_and_three_digits(councils: list[dict[str, str]]) -> None:
    codes = [row["la_code"] for row in councils]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[1-9]\d\d", code) for code in codes), codes
    assert all(660 <= int(r["la_code"]) <= 681 for r in councils if r["nation"] == "Wales")
    assert not any(660 <= int(r["la_code"]) <= 681 for r in councils if r["nation"] == "England")


def test_names_unique(councils: list[dict[str, str]]) -> None:
    names = [row["name"] for row in councils]
    assert len(names) == len(set(names))


def test_gss_codes_unique_and_well_formed(councils: list[dict[str, str]]) -> None:
    codes = [row["gss_code"] for row in councils]
    assert len(codes) == len(set(codes))
    for row in councils:
        if row["nation"] == "England":
            assert re.fullmatch(r"E(06|08|09|10)\d{6}", row["gss_code"]), row
        else:
            assert re.fullmatch(r"W06\d{6}", row["gss_code"]), row


def test_regions(councils: list[dict[str, str]]) -> None:
    for row in councils:
        expected = REGIONS if row["nation"] == "England" else {"Wales"}
        assert row["region"] in expected, row
    london = [row for row in councils if row["region"] == "London"]
    assert len(london) == 33  # 32 boroughs + the City
    assert all(row["gss_code"].startswith("E09") for row in london)


def test_police_forces(forces: list[dict[str, str]]) -> None:
    codes = [row["code"] for row in forces]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in codes), codes
    assert len({row["name"] for row in forces}) == len(forces)
    territorial = [row for row in forces if row["code"] != "btp"]
    assert Counter(row["nation"] for row in territorial) == {"England": 39, "Wales": 4}
    assert "btp" in codes and len(forces) == 44


def test_police_gss_codes(forces: list[dict[str, str]]) -> None:
    gss = {row["code"]: row.get("gss_code", "") for row in forces}
    territorial = {code: value for code, value in gss.items() if code != "btp"}
    assert len(set(territorial.values())) == 43
    for code, value in territorial.items():
        assert re.fullmatch(r"E230000(0[1-9]|[1-3]\d)|W1500000[1-4]", value), (code, value)
    assert gss["metropolitan"] == "E23000001"
    assert gss["city-of-london"] == "E23000034"
    assert gss["dyfed-powys"] == "W15000004"


def test_every_council_has_a_known_territorial_force(councils: Rows, forces: Rows) -> None:
    nation_of = {row["code"]: row["nation"] for row in forces}
    for row in councils:
        force = row["police_force_code"]
        assert force in nation_of, row
        assert force != "btp", row
        assert nation_of[force] == row["nation"], row
    # every territorial force covers at least one council
    used = {row["police_force_code"] for row in councils}
    assert used == set(nation_of) - {"btp"}


@pytest.mark.parametrize(
    ("la_code", "name", "gss_code", "region", "force"),
    [
        ("201", "City of London", "E09000001", "London", "city-of-london"),
        ("202", "Camden", "E09000007", "London", "metropolitan"),
        ("330", "Birmingham", "E08000025", "West Midlands", "west-midlands"),
        ("370", "Barnsley", "E08000038", "Yorkshire and The Humber", "south-yorkshire"),
        ("373", "Sheffield", "E08000039", "Yorkshire and The Humber", "south-yorkshire"),
        ("420", "Isles of Scilly", "E06000053", "South West", "devon-and-cornwall"),
        ("815", "North Yorkshire", "E06000065", "Yorkshire and The Humber", "north-yorkshire"),
        ("825", "Buckinghamshire", "E06000060", "South East", "thames-valley"),
        ("838", "Dorset", "E06000059", "South West", "dorset"),
        ("839", "Bournemouth, Christchurch and Poole", "E06000058", "South West", "dorset"),
        ("886", "Kent", "E10000016", "South East", "kent"),
        ("933", "Somerset", "E06000066", "South West", "avon-and-somerset"),
        ("940", "North Northamptonshire", "E06000061", "East Midlands", "northamptonshire"),
        ("941", "West Northamptonshire", "E06000062", "East Midlands", "northamptonshire"),
        ("942", "Cumberland", "E06000063", "North West", "cumbria"),
        ("943", "Westmorland and Furness", "E06000064", "North West", "cumbria"),
        ("660", "Isle of Anglesey", "W06000001", "Wales", "north-wales"),
        ("666", "Powys", "W06000023", "Wales", "dyfed-powys"),
        ("675", "Merthyr Tydfil", "W06000024", "Wales", "south-wales"),
        ("676", "Caerphilly", "W06000018", "Wales", "gwent"),
        ("681", "Cardiff", "W06000015", "Wales", "south-wales"),
    ],
)
def test_spot_checks(
    by_code: dict[str, dict[str, str]],
    la_code: str,
    name: str,
    gss_code: str,
    region: str,
    force: str,
) -> None:
    row = by_code[la_code]
    assert (row["name"], row["gss_code"], row["region"], row["police_force_code"]) == (
        name,
        gss_code,
        region,
        force,
    )


def test_abolished_councils_absent(by_code: dict[str, dict[str, str]], councils: Rows) -> None:
    # Cumbria (909), pre-2019 Dorset/Bournemouth/Poole (835-837), Northamptonshire (928)
    for code in ("909", "835", "836", "837", "928", "906"):
        assert code not in by_code
    assert not {"E10000006", "E10000021", "E10000023", "E10000027"} & {
        row["gss_code"] for row in councils
    }
