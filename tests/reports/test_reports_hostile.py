"""Reports under hostile input (issue 11, item 8): extreme dates on every report form are refused
with a message naming the field (they were a 500 on /reports/ and the meeting-pack PDF), and a
name holding NUL or another control character, which older records may hold (the API took NUL on
SQLite), no longer stops the meeting pack's XLSX, CSV or PDF for the whole council."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from returnhome.lib.text import REPLACEMENT
from tests.conftest import Cast, missing
from tests.factories import ChildFactory, ago

RULE = {"clock": "return", "count": "hours"}
# (date_from, date_to, the field named, words of its message)
EXTREME = [
    ("0001-01-01", "9999-12-31", "date_from", "between 1 January 1900 and 31 December 2100"),
    ("1899-12-31", "2000-01-01", "date_from", "between 1 January 1900"),
    ("2000-01-01", "2101-01-01", "date_to", "31 December 2100"),
    ("9999-12-31", "9999-12-31", "date_to", "31 December 2100"),
    ("1950-01-01", "2000-01-01", "date_to", "at most 20 years"),
]


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _pages() -> list[tuple[str, str, dict[str, str]]]:
    """Every report page and download that takes a period: (url name, args, extra query)."""
    return [
        ("reports:indicators", "", RULE),
        ("reports:indicators_csv", "", RULE),
        ("reports:indicators_xlsx", "", RULE),
        ("reports:dashboard", "", RULE),
        ("reports:dashboard_download", "csv", {**RULE, "table": "repeat"}),
        ("reports:benchmark", "", {**RULE, "scope": "police", "group": "total"}),
        ("reports:benchmark_download", "csv", {**RULE, "scope": "police", "group": "total"}),
        ("reports:foi", "", {"questionnaire": "seed-000"}),
        ("reports:foi_download", "pdf", {"questionnaire": "seed-000"}),
        ("reports:exports", "", {}),
        ("reports:export_download", "annex-a-list-8.xlsx", {}),
    ]


@pytest.mark.parametrize(("date_from", "date_to", "field", "words"), EXTREME)
def test_extreme_dates_on_every_report_form_are_refused_naming_the_field(
    cast: Cast, date_from: str, date_to: str, field: str, words: str
) -> None:
    client = _client(cast.performance)
    for name, arg, extra in _pages():
        args = arg.split(".") if name == "reports:export_download" else ([arg] if arg else [])
        url = reverse(name, args=args)
        response = client.get(url, {"date_from": date_from, "date_to": date_to, **extra})
        assert response.status_code == 400, (url, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert "govuk-error-summary" in html, url
            # a date links to its first box (day, month, year: the GOV.UK date input)
            assert words in html and f'href="#id_{field}_day"' in html, url


@pytest.mark.parametrize(
    ("week", "words"),
    [("0001-01-01", "between 1 January 1900"), ("9999-12-31", "31 December 2100")],
)
def test_an_extreme_week_on_the_meeting_pack_is_refused(cast: Cast, week: str, words: str) -> None:
    client = _client(cast.front_door)
    for name in ("meeting_pack", "meeting_pack_pdf", "meeting_pack_csv", "meeting_pack_xlsx"):
        response = client.get(reverse(f"reports:{name}"), {"week": week, "table": "missing"})
        assert response.status_code == 400, (name, response.status_code)
    page = client.get(reverse("reports:meeting_pack"), {"week": week}).content.decode()
    assert "govuk-error-summary" in page and words in page
    for edge in ("1900-01-01", "2100-12-31"):
        for name in ("meeting_pack", "meeting_pack_pdf", "meeting_pack_xlsx"):
            response = client.get(reverse(f"reports:{name}"), {"week": edge, "table": "missing"})
            assert response.status_code == 200, (edge, name, response.status_code)


@pytest.mark.parametrize(
    ("date_from", "date_to"),
    [("2006-01-01", "2025-12-31"), ("1900-01-01", "1919-12-31"), ("2081-01-01", "2100-12-31")],
)
def test_the_widest_sensible_period_still_draws(cast: Cast, date_from: str, date_to: str) -> None:
    """The limits refuse only what no one means: 20 years within 1900-2100 is a report, at either
    edge, on every page and download above (so their other parameters are valid, and the 400s
    above are the dates')."""
    client = _client(cast.performance)
    for name, arg, extra in _pages():
        args = arg.split(".") if name == "reports:export_download" else ([arg] if arg else [])
        url = reverse(name, args=args)
        response = client.get(url, {"date_from": date_from, "date_to": date_to, **extra})
        assert response.status_code == 200, (url, response.status_code)
        if response["Content-Type"].startswith("text/html"):
            assert "govuk-error-summary" not in response.content.decode(), url


def test_a_control_character_in_a_stored_name_does_not_break_the_meeting_pack(cast: Cast) -> None:
    """A child whose stored name holds \\x0b (and, on SQLite, where the API used to take it, \\x00):
    the pack's XLSX, CSV and PDF are still written, the character shown as U+FFFD."""
    bad = "\x0b\x00" if connection.vendor == "sqlite" else "\x0b"  # PostgreSQL never held NUL
    child = ChildFactory(council=cast.council, forename=f"Ame{bad}lia", surname="Hostile")
    missing(cast, child, ago(hours=5))
    client = _client(cast.front_door)
    query = {"week": timezone.localdate().isoformat(), "table": "missing"}
    shown = f"Ame{REPLACEMENT * len(bad)}lia Hostile"

    xlsx = client.get(reverse("reports:meeting_pack_xlsx"), query)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    assert shown in [c for row in sheet.iter_rows(values_only=True) for c in row]

    csv_response = client.get(reverse("reports:meeting_pack_csv"), query)
    assert csv_response.status_code == 200
    assert shown in csv_response.content.decode("utf-8-sig")

    pdf = client.get(reverse("reports:meeting_pack_pdf"), query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    page = client.get(reverse("reports:meeting_pack"), query)
    assert page.status_code == 200 and "Hostile" in page.content.decode()


@pytest.mark.parametrize(
    ("date_from", "date_to", "words"),
    [("0001-01-01", "2025-01-01", "--from must be between"), ("2025-01-01", "9999-12-31", "--to")],
)
def test_the_report_command_refuses_extreme_dates(
    cast: Cast, date_from: str, date_to: str, words: str
) -> None:
    """The same engine from the command line: a usage error (exit code 2), not a traceback."""
    code = cast.council.la_code or ""
    with pytest.raises(CommandError) as caught:
        call_command(
            "report",
            "indicators",
            "--org",
            code,
            "--from",
            date_from,
            "--to",
            date_to,
            stdout=io.StringIO(),
        )
    assert caught.value.returncode == 2 and words in str(caught.value)
