"""Finding: sessions expired 8 h after sign-in, never when idle. Now a session ends after
RETURNHOME_IDLE_MINUTES (30) without a request, and 8 h after sign-in even when active."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from returnhome.core.models import AuditEvent
from tests.accounts.conftest import is_signed_in, later, sign_in
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_idle_for_longer_than_the_timeout_signs_out(cast: Cast) -> None:
    client = Client()
    sign_in(client, "manager")
    assert settings.RETURNHOME_IDLE_MINUTES == 30
    with later(minutes=31):
        response = client.get("/children/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=%2Fchildren%2F"
        page = client.get(response["Location"])
        assert b"had not done anything for 30 minutes" in page.content
        assert not is_signed_in(client)
    assert AuditEvent.objects.get(action="sign_out").detail["reason"] == "idle"


def test_activity_keeps_the_session_until_the_absolute_limit(cast: Cast) -> None:
    client = Client()
    sign_in(client, "manager")
    hours = settings.SESSION_COOKIE_AGE / 3600
    minutes = 20
    for step in range(1, int(hours * 60 / minutes)):
        with later(minutes=step * minutes):
            assert is_signed_in(client), f"signed out after {step * minutes} minutes"
    with later(hours=hours, minutes=5):
        assert not is_signed_in(client)
    assert AuditEvent.objects.get(action="sign_out").detail["reason"] == "expired"


def test_the_idle_timeout_is_configurable(cast: Cast, settings: Any) -> None:
    settings.RETURNHOME_IDLE_MINUTES = 5
    client = Client()
    sign_in(client, "manager")
    with later(minutes=4):
        assert is_signed_in(client)
    with later(minutes=10):
        assert not is_signed_in(client)
