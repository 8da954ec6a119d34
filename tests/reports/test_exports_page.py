"""The statutory returns page: the same files as `returnhome export`, for report readers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from returnhome.accounts.models import Role, User
from returnhome.core.models import AuditEvent
from returnhome.organisations.models import Organisation
from returnhome.reports.exports import ANNEX_A_LIST_8_COLUMNS
from tests.conftest import Cast
from tests.factories import UserFactory

pytestmark = pytest.mark.urls("tests.reports.urls_for_tests")

YEAR = {"year": "2025"}
PERIOD = {"date_from": "2024-04-01", "date_to": "2025-03-31"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(name: str, fmt: str) -> str:
    return reverse("reports:export_download", args=[name, fmt])


@pytest.fixture
def lead(kent: Organisation) -> User:
    return UserFactory(organisation=kent, role=Role.PERFORMANCE, username="kentlead")


@pytest.mark.parametrize(
    "who", ["practitioner", "front_door", "police", "reporter", "social_worker", "outsider"]
)
def test_only_report_readers_get_in(cast: Cast, who: str) -> None:
    client = client_for(getattr(cast, who))
    assert client.get(reverse("reports:exports")).status_code in (403, 404)
    for name, query in (("ssda903-missing", YEAR), ("annex-a-list-8", PERIOD)):
        assert client.get(download(name, "csv"), query).status_code in (403, 404)


def test_the_downloaded_903_csv_is_the_commands_file(
    kent: Organisation, lead: User, tmp_path: Path
) -> None:
    out = tmp_path / "missing.csv"
    call_command("export", "ssda903-missing", "--org", "886", "--year", "2025", "--output", out)
    response = client_for(lead).get(download("ssda903-missing", "csv"), YEAR)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="ssda903-missing-886-2025.csv"'
    )
    assert response.content == out.read_bytes()
    assert response.content.startswith(b"CHILD,DOB,MISSING,MIS_START,MIS_END\r\n")


def test_the_downloaded_list_8_csv_is_the_commands_file(
    kent: Organisation, lead: User, tmp_path: Path
) -> None:
    out = tmp_path / "annex.csv"
    call_command(
        "export", "annex-a-missing", "--org", "886", "--from", "2024-04-01", "--to", "2025-03-31",
        "--output", out,
    )  # fmt: skip
    response = client_for(lead).get(download("annex-a-list-8", "csv"), PERIOD)
    assert response.status_code == 200
    assert response.content == out.read_bytes()
    assert len(response.content.decode().splitlines()) == 4  # the header and L1, L2, L3


def test_the_xlsx_downloads_hold_the_same_table(kent: Organisation, lead: User) -> None:
    client = client_for(lead)
    response = client.get(download("annex-a-list-8", "xlsx"), PERIOD)
    assert response.status_code == 200
    assert "annex-a-list-8-886-2024-04-01-2025-03-31.xlsx" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0] == ANNEX_A_LIST_8_COLUMNS
    assert [r[0] for r in rows[1:]] == ["L1", "L2", "L3"]
    response = client.get(download("ssda903-missing", "xlsx"), YEAR)
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
    assert rows[0] == ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END") and len(rows) == 6


def test_the_page_shows_each_return_with_its_warnings_and_links(
    kent: Organisation, lead: User
) -> None:
    client = client_for(lead)
    empty = client.get(reverse("reports:exports"))
    assert empty.status_code == 200
    assert b'data-testid="ssda903-result"' not in empty.content
    response = client.get(reverse("reports:exports"), {**YEAR, **PERIOD})
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 April 2024 to 31 March 2025: 5 rows." in html
    assert "1 April 2024 to 31 March 2025: 3 rows." in html
    assert download("ssda903-missing", "csv") + "?year=2025" in html
    assert download("annex-a-list-8", "xlsx") + "?date_from=2024-04-01&amp;date_to=2025-03-31" in (
        html
    )
    assert "returnhome does not record these List 8 columns" in html
    assert "history import" in html


def test_a_bad_request_is_a_form_error(kent: Organisation, lead: User) -> None:
    client = client_for(lead)
    assert client.get(reverse("reports:exports"), {"year": "1999"}).status_code == 400
    backwards = {"date_from": "2025-03-31", "date_to": "2024-04-01"}
    response = client.get(download("annex-a-list-8", "csv"), backwards)
    assert response.status_code == 400
    assert b"The end date must be the same as or after the start date" in response.content
    assert client.get(download("ssda903-missing", "csv")).status_code == 400
    assert client.get(download("ssda903-missing", "exe"), YEAR).status_code == 404
    assert client.get(download("annex-a-list-9", "csv"), PERIOD).status_code == 404


def test_a_download_is_audited_as_read(kent: Organisation, lead: User) -> None:
    client_for(lead).get(download("ssda903-missing", "csv"), YEAR)
    council_read = AuditEvent.objects.get(
        actor=lead, object_type="organisations.organisation", action="export_ssda903_missing"
    )
    assert council_read.detail == {"year": 2025, "format": "csv"}
    children = AuditEvent.objects.filter(
        actor=lead, object_type="children.child", action="export_ssda903_missing"
    )
    assert children.count() == 3
