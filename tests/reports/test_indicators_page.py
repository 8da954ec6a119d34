"""The indicators page and its downloads: who may see them, and the same figures as the engine."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from returnhome.accounts.models import Role
from returnhome.core.models import AuditEvent
from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.organisations.models import Organisation
from returnhome.organisations.services import configure_service
from returnhome.reports.indicators import COLUMNS, indicators
from returnhome.reports.views import default_period
from tests.conftest import Cast
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.urls("tests.reports.urls_for_tests")

JUNE = {"date_from": "2025-06-01", "date_to": "2025-06-30", "clock": "return", "count": "hours"}
ALLOWED = {"performance", "manager", "admin", "partner"}  # partner: a manager at its own council
EVERYONE = [
    "practitioner",
    "manager",
    "front_door",
    "police",
    "partner",
    "outsider",
    "reporter",
    "performance",
    "admin",
    "social_worker",
]


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def page_table(html: str) -> dict[str, list[str]]:
    """measure key -> the cells shown for each group and the total."""
    table = {}
    for key, row in re.findall(
        r'<tr class="govuk-table__row" data-measure="([^"]+)">(.*?)</tr>', html, re.S
    ):
        cells = re.findall(r'<td class="govuk-table__cell[^"]*">(.*?)</td>', row, re.S)
        table[key] = [unescape(c.strip()) for c in cells]
    return table


def shown(value: int | float | None, key: str) -> str:
    if value is None:
        return "n/a"
    return f"{value * 100:.1f}%" if key.startswith("rates.") else str(value)


class TestAccess:
    @pytest.mark.parametrize("who", EVERYONE)
    def test_council_performance_managers_and_admins_only(self, cast: Cast, who: str) -> None:
        response = client_for(getattr(cast, who)).get(reverse("reports:indicators"))
        assert response.status_code == (200 if who in ALLOWED else 403)

    def test_not_a_providers_manager(self, cast: Cast) -> None:
        charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER)
        manager = UserFactory(organisation=charity, role=Role.MANAGER)
        assert client_for(manager).get(reverse("reports:indicators")).status_code == 403
        assert client_for(manager).get(reverse("reports:indicators_csv")).status_code == 403

    def test_not_an_inactive_user(self, cast: Cast) -> None:
        client = client_for(cast.performance)
        cast.performance.is_active = False
        cast.performance.save()
        assert client.get(reverse("reports:indicators")).status_code in {302, 403}

    def test_signed_out_goes_to_sign_in(self, cast: Cast) -> None:
        response = Client().get(reverse("reports:indicators"))
        assert response.status_code == 302 and "/login/" in response["Location"]


class TestPage:
    def test_figures_are_the_engines(self, june: Cast) -> None:
        response = client_for(june.performance).get(reverse("reports:indicators"), JUNE)
        assert response.status_code == 200
        html = response.content.decode()
        table = page_table(html)
        report = indicators(june.council, dt.date(2025, 6, 1), dt.date(2025, 6, 30), ClockRule())
        for key, _label, values in report.rows():
            if key.startswith("referrals.by_service.") and not any(values):
                assert key not in table
                continue
            assert table[key] == [shown(v, key) for v in values], key
        assert table["episodes"] == ["6", "1", "2", "2", "11"]
        assert table["rates.offered_of_episodes"] == ["66.7%", "100.0%", "100.0%", "50.0%", "72.7%"]
        assert table["rates.within_72h_of_undertaken"] == ["50.0%", "n/a", "50.0%", "n/a", "50.0%"]
        assert ClockRule().describe() in unescape(html)
        for column in COLUMNS[:-1]:
            assert f">{column}</th>" in html

    def test_the_read_is_audited(self, june: Cast) -> None:
        client_for(june.performance).get(reverse("reports:indicators"), JUNE)
        event = AuditEvent.objects.get(action="report_indicators")
        assert event.actor == june.performance
        assert event.kind == "read"
        assert (event.object_type, event.object_id) == (
            "organisations.organisation",
            str(june.council.pk),
        )
        assert event.detail == {
            "from": "2025-06-01",
            "to": "2025-06-30",
            "clock": "return",
            "count": "hours",
            "format": "html",
        }

    def test_defaults_last_financial_year_and_the_councils_rule(self, cast: Cast) -> None:
        configure_service(
            cast.council,
            rhi_provider=None,
            clock_start="notification",
            clock_count="working-days",
            expected_version=None,
            acting_user=None,
            check_permission=False,
        )
        response = client_for(cast.admin).get(reverse("reports:indicators"))
        assert response.status_code == 200
        report = response.context["report"]
        assert (report.date_from, report.date_to) == default_period(timezone.localdate())
        assert report.rule == ClockRule(ClockStart.NOTIFICATION, ClockCount.WORKING_DAYS)

    @pytest.mark.parametrize(
        ("today", "period"),
        [
            (dt.date(2026, 11, 23), (dt.date(2025, 4, 1), dt.date(2026, 3, 31))),
            (dt.date(2026, 4, 1), (dt.date(2025, 4, 1), dt.date(2026, 3, 31))),
            (dt.date(2026, 3, 31), (dt.date(2024, 4, 1), dt.date(2025, 3, 31))),
        ],
    )
    def test_default_period(self, today: dt.date, period: tuple[dt.date, dt.date]) -> None:
        assert default_period(today) == period

    def test_from_after_to_is_an_error(self, cast: Cast) -> None:
        response = client_for(cast.performance).get(
            reverse("reports:indicators"), {**JUNE, "date_from": "2025-07-01"}
        )
        assert response.status_code == 400
        assert (
            "The end date must be the same as or after the start date" in response.content.decode()
        )
        assert "report" not in response.context


class TestDownloads:
    def test_csv_is_the_commands_csv(self, june: Cast) -> None:
        response = client_for(june.manager).get(reverse("reports:indicators_csv"), JUNE)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert (
            f"indicators-{june.council.la_code}-2025-06-01-2025-06-30.csv"
            in response["Content-Disposition"]
        )
        report = indicators(june.council, dt.date(2025, 6, 1), dt.date(2025, 6, 30), ClockRule())
        assert response.content.decode("utf-8") == "\ufeff" + report.to_csv()

    def test_xlsx_has_the_engines_figures(self, june: Cast) -> None:
        response = client_for(june.manager).get(reverse("reports:indicators_xlsx"), JUNE)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        table = {row[0]: row[2:] for row in rows if row and row[0]}
        assert table["episodes"] == [6, 1, 2, 2, 11]
        assert table["rates.undertaken_of_accepted"] == [1.0, 0.0, 1.0, "n/a", 0.8]
        assert (
            AuditEvent.objects.filter(action="report_indicators", detail__format="xlsx").count()
            == 1
        )

    def test_links_carry_the_same_parameters(self, june: Cast) -> None:
        html = (
            client_for(june.performance).get(reverse("reports:indicators"), JUNE).content.decode()
        )
        query = "date_from=2025-06-01&amp;date_to=2025-06-30&amp;clock=return&amp;count=hours"
        assert f"{reverse('reports:indicators_csv')}?{query}" in html
        assert f"{reverse('reports:indicators_xlsx')}?{query}" in html
