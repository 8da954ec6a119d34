"""Scale-out: with a replica configured (REPORTS_DATABASE_URL), the report pages and the dashboard
read from the `reports` alias; every write, the audit row of a report view included, goes to the
primary (`default`). Here the `reports` alias is a second connection to the test database (a test
mirror), so both see the same rows and the test watches which connection each query runs on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

import pytest
from django.db import OperationalError, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.core.replica import reading_reports, replica_reachable
from tests.conftest import Cast, missing
from tests.factories import ago

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "reports"])


@pytest.fixture
def replica(settings: Any) -> None:
    settings.REPORTS_READ_FROM_REPLICA = True


@contextmanager
def queries() -> Iterator[dict[str, list[str]]]:
    """The SQL run on each alias inside the block."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["reports"]) as replica,
    ):
        seen: dict[str, list[str]] = {}
        yield seen
    seen["default"] = [q["sql"] for q in primary.captured_queries]
    seen["reports"] = [q["sql"] for q in replica.captured_queries]


def writes(sql: list[str]) -> list[str]:
    return [q for q in sql if q.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def reads_of(table: str, sql: list[str]) -> list[str]:
    return [q for q in sql if q.lstrip().upper().startswith("SELECT") and table in q]


@pytest.mark.parametrize("page", ["reports:dashboard", "reports:indicators"])
def test_report_pages_read_from_the_replica_and_write_to_the_primary(
    replica: None, cast: Cast, child: Child, page: str
) -> None:
    missing(cast, child, ago(days=3))
    client = Client()
    client.force_login(cast.performance)
    audit_rows = AuditEvent.objects.count()

    with queries() as sql:
        response = client.get(reverse(page))

    assert response.status_code == 200
    # The report's figures come from the replica...
    assert reads_of("reports_episodefacts", sql["reports"]), sql["reports"]
    assert not reads_of("reports_episodefacts", sql["default"])
    # ...and nothing is written there: the view's audit row goes to the primary.
    assert not writes(sql["reports"])
    assert any("core_auditevent" in q for q in writes(sql["default"]))
    assert AuditEvent.objects.count() == audit_rows + 1


def test_other_pages_read_from_the_primary(replica: None, cast: Cast, child: Child) -> None:
    client = Client()
    client.force_login(cast.practitioner)
    with queries() as sql:
        response = client.get(reverse("children:detail", args=[child.pk]))
    assert response.status_code == 200
    assert sql["reports"] == []
    assert reads_of("children_child", sql["default"])


def test_reads_inside_a_transaction_stay_on_the_primary(replica: None, child: Child) -> None:
    with queries() as sql, reading_reports():
        assert Child.objects.filter(pk=child.pk).exists()
        with transaction.atomic():
            assert Child.objects.filter(pk=child.pk).exists()
    assert len(reads_of("children_child", sql["reports"])) == 1
    assert len(reads_of("children_child", sql["default"])) == 1


def test_without_a_replica_report_pages_read_from_the_primary(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.performance)
    with queries() as sql:
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert sql["reports"] == []
    assert reads_of("reports_episodefacts", sql["default"])


def test_readiness_names_a_replica_that_does_not_answer(replica: None) -> None:
    assert replica_reachable() is None

    def refused() -> None:
        raise OperationalError("connection refused")

    with patch.object(connections["reports"], "cursor", refused):
        problem = replica_reachable()
    assert problem == (
        "the reports replica (REPORTS_DATABASE_URL) does not answer: OperationalError"
    )
