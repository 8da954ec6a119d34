"""The helpers with no Django: dates, names, tables."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from returnhome.lib.clock import LONDON
from returnhome.lib.dates import DateError, parse_date, parse_datetime, swap_day_month
from returnhome.lib.names import (
    forename_similarity,
    normalise_name,
    normalise_postcode,
    surname_similarity,
)
from returnhome.lib.tabular import TableError, read_table, safe_cell, write_csv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-14T19:30", dt.datetime(2025, 3, 14, 19, 30, tzinfo=LONDON)),
        ("14/03/2025 19:30", dt.datetime(2025, 3, 14, 19, 30, tzinfo=LONDON)),
        ("4/3/2025", dt.datetime(2025, 3, 4, tzinfo=LONDON)),
        ("2025-07-01 08:00:30", dt.datetime(2025, 7, 1, 8, 0, 30, tzinfo=LONDON)),
        ("2025-07-01T08:00Z", dt.datetime(2025, 7, 1, 8, 0, tzinfo=dt.UTC)),
        ("2025-10-26T01:30+01:00", dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)),
        ("2025-10-26T01:30+0100", dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)),
        ("2025-10-26T01:30:15-0130", dt.datetime(2025, 10, 26, 3, 0, 15, tzinfo=dt.UTC)),
        ("26/10/2025 01:30 +0100", dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC)),
    ],
)
def test_datetimes(text: str, expected: dt.datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("offset", ["+0000", "+00:00", "-0545", "-05:45", "+1400", "+14:00"])
def test_an_offset_reads_the_same_with_or_without_its_colon(offset: str) -> None:
    compact = offset.replace(":", "")
    with_colon = f"{compact[:3]}:{compact[3:]}"
    moment = parse_datetime(f"2026-06-13T21:20{offset}")
    assert moment == parse_datetime(f"2026-06-13T21:20{with_colon}")
    assert moment.utcoffset() == parse_datetime(f"13/06/2026 21:20 {with_colon}").utcoffset()


def test_summer_time_in_local_times() -> None:
    assert parse_datetime("2025-07-01 12:00").utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(DateError, match="does not exist"):
        parse_datetime("2025-03-30 01:15")
    with pytest.raises(DateError, match="happened twice"):
        parse_datetime("26/10/2025 01:59")
    assert parse_datetime("26/10/2025 02:00").utcoffset() == dt.timedelta(0)


@pytest.mark.parametrize(
    "text", ["31/02/2025", "2025-02-29", "00/01/2025", "14/03/25", "14.03.2025", "24:00"]
)
def test_bad_dates(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text)


def test_dates_and_swaps() -> None:
    assert parse_date("03/04/2010") == dt.date(2010, 4, 3) == parse_date("2010-04-03")
    assert swap_day_month(dt.date(2010, 4, 3)) == dt.date(2010, 3, 4)
    assert swap_day_month(dt.date(2010, 4, 13)) is None


def test_names() -> None:
    assert normalise_name("  O'Brien-Smith ") == "obrien-smith"
    assert normalise_name("Zoë") == "zoe"
    assert forename_similarity("bill", "william") == 0.95
    assert forename_similarity("amelia", "amelai") < 0.95  # a typo is never a nickname
    assert forename_similarity("olivia", "amelia") < 0.8
    assert surname_similarity("smith jones", "smith-jones") >= 0.95
    assert surname_similarity("smith", "smith-jones") == 0.95
    assert normalise_postcode("me156xx") == "ME15 6XX"
    assert normalise_postcode("ME15") == "ME15"
    assert normalise_postcode("hello") == ""


def test_tables_and_safe_cells() -> None:
    table = read_table("\ufeffa,b\r\n1,2\r\n\r\n3,4\r\n".encode())
    assert table.header == ["a", "b"] and table.encoding == "utf-8-sig"
    assert list(table.rows) == [(2, ["1", "2"]), (4, ["3", "4"])]
    assert table.blank_rows == 1
    assert read_table("a\r\ncaf\xe9\r\n".encode("cp1252")).encoding == "windows-1252"
    with pytest.raises(TableError, match="empty"):
        read_table(b"")
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@x", "ok", None)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "ok",
        "",
    ]
    out = io.StringIO()
    write_csv(out, ["h"], iter([["=2"]]))
    assert out.getvalue().splitlines() == ["h", "'=2"]
