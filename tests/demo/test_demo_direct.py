"""demo-data writes its busiest stages' rows directly (demo/direct.py, demo/steps.py): they must
be exactly the rows the services write. A small demo built both ways holds the same rows, column
for column and key for key, audit rows included (bench/demo_fingerprint.py does the same for the
full demo)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from returnhome.alerts.models import Alert
from returnhome.core.audit import verify_chain
from returnhome.core.models import AuditEvent
from returnhome.reports.models import FactsStamp

OPTIONS = {"seed": 7, "children": 30, "today": "2026-03-14", "verbosity": 0}


def _models() -> list[type]:
    return sorted(
        (
            m
            for m in apps.get_models()
            if m.__module__.startswith("returnhome.") and m._meta.app_label != "demo"
        ),
        key=lambda m: m._meta.label,
    )


def _dump(start: dt.datetime) -> dict[str, list[str]]:
    """Every row of every table, in primary key order; masked: what differs from run to run
    (salted password hashes, times stamped by the real clock, the chain's hashes over them)."""
    tables: dict[str, list[str]] = {}
    for model in _models():
        rows = []
        for obj in model._default_manager.order_by("pk"):
            values = []
            for field in model._meta.concrete_fields:
                value = getattr(obj, field.attname)
                if (
                    field.name == "password"
                    or (model is AuditEvent and field.name in {"hash", "prev_hash"})
                    # Random by design, and numbered in the order the writes came (decision 0048).
                    or (model is FactsStamp and field.name in {"id", "version"})
                ):
                    value = "<masked>"
                elif isinstance(value, dt.datetime) and value >= start:
                    value = "<real clock>"
                values.append(repr(value))
            row = re.sub(r"'timings': \{[^}]*\}", "<t>", "|".join(values))
            rows.append(re.sub(r"'seconds': [0-9.]+", "<s>", row))
        tables[model._meta.label] = sorted(rows) if model is FactsStamp else rows
    return tables


def _build(*, through_services: bool) -> tuple[dict[str, list[str]], bool, int]:
    """Build the demo, read every row, whether the audit chain holds and how many alerts were
    raised about a child placed out of area; then take it away."""
    with transaction.atomic():
        # The next primary keys as they were (PostgreSQL's sequences do not roll back).
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), _models()):
                cursor.execute(sql)
        start = timezone.now()
        call_command(
            "demo-data", stdout=io.StringIO(), through_services=through_services, **OPTIONS
        )
        rows = _dump(start)
        chain_holds = verify_chain().broken is None
        placed = Alert.objects.filter(kind=Alert.Kind.PLACED_CHILD_MISSING).count()
        transaction.set_rollback(True)
    return rows, chain_holds, placed


@pytest.mark.django_db
def test_the_direct_rows_are_the_rows_the_services_write() -> None:
    direct, direct_chain, placed = _build(through_services=False)
    services, services_chain, _ = _build(through_services=True)

    assert direct_chain and services_chain
    assert placed > 0
    # The build reaches every kind of row the direct stages write, alerts about a child placed
    # out of area included.
    for label in (
        "episodes.Episode",
        "episodes.Notification",
        "interviews.RHI",
        "interviews.ContactAttempt",
        "interviews.Interview",
        "followup.ProposedAction",
        "alerts.Alert",
    ):
        assert direct[label], label
    assert direct.keys() == services.keys()
    for label in direct:
        assert len(direct[label]) == len(services[label]), label
        for mine, theirs in zip(direct[label], services[label], strict=True):
            assert mine == theirs, label
