"""The retention review queue and its erase and keep-longer pages."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.privacy.models import RetentionDecision
from tests.conftest import Cast
from tests.privacy.test_privacy import _aged


def test_a_manager_reviews_the_queue_erases_one_record_and_keeps_another(cast: Cast) -> None:
    today = timezone.localdate()
    first = _aged(cast, dt.date(today.year - 27, 3, 1), idle_years=8, surname="Erasable")
    second = _aged(cast, dt.date(today.year - 26, 3, 1), idle_years=7, surname="Keepable")
    client = Client()
    client.force_login(cast.manager)

    queue = client.get("/privacy/retention/")
    assert queue.status_code == 200
    text = queue.content.decode()
    assert text.index("Erasable") < text.index("Keepable")  # longest untouched first
    assert AuditEvent.objects.filter(
        actor=cast.manager, action="retention_queue", child_id=first.pk
    ).exists()

    confirm = client.get(f"/privacy/retention/{first.pk}/erase/")
    assert "This cannot be undone" in confirm.content.decode()
    unconfirmed = client.post(f"/privacy/retention/{first.pk}/erase/", {"reason": "Past it"})
    assert "Confirm that you understand" in unconfirmed.content.decode()
    assert Child.objects.get(pk=first.pk).erased_at is None
    done = client.post(
        f"/privacy/retention/{first.pk}/erase/", {"reason": "Past it", "confirm": "on"}
    )
    assert done.status_code == 302 and done["Location"] == "/privacy/retention/"
    assert Child.objects.get(pk=first.pk).erased_at is not None

    kept = client.post(
        f"/privacy/retention/{second.pk}/keep/",
        {"keep_until": (today + dt.timedelta(days=365)).isoformat(), "reason": "Inquiry"},
    )
    assert kept.status_code == 302
    assert RetentionDecision.objects.get(child=second).kind == RetentionDecision.Kind.KEPT
    after = client.get("/privacy/retention/").content.decode()
    assert 'data-testid="retention-queue-empty"' in after
    # An erased record's pages are gone from the queue's reach.
    assert client.get(f"/privacy/retention/{first.pk}/erase/").status_code == 404


def test_the_administrator_sets_the_councils_rule_and_a_stale_form_is_refused(
    cast: Cast,
) -> None:
    from returnhome.organisations.models import ServiceConfiguration

    client = Client()
    client.force_login(cast.admin)
    form = client.get("/privacy/retention/rule/")
    assert form.status_code == 200 and 'value="25"' in form.content.decode()
    rule = {
        "retention_age": "30",
        "retention_age_looked_after": "75",
        "retention_years_after_activity": "6",
        "expected_version": "1",
    }
    assert client.post("/privacy/retention/rule/", rule).status_code == 302
    config = ServiceConfiguration.objects.get(council=cast.council)
    assert config.retention_age == 30
    event = AuditEvent.objects.get(action="configure_retention")
    assert event.actor == cast.admin and event.detail["fields"] == ["retention_age"]
    # The same form again, loaded before that save: refused, saying so; nothing changes.
    stale = client.post("/privacy/retention/rule/", {**rule, "retention_age": "40"})
    assert stale.status_code == 200
    assert ServiceConfiguration.objects.get(council=cast.council).retention_age == 30
    bad = client.post("/privacy/retention/rule/", {**rule, "retention_age": "5"})
    assert "Ensure this value is greater than or equal to 18" in bad.content.decode()
