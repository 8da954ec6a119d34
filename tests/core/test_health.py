"""/healthz and /readyz: no sign-in, any host, never redirected; readiness names what is wrong."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from tests.conftest import Cast

PROBLEM = "the job worker has not reported for 10 minutes"


def failing_check() -> str | None:
    return PROBLEM


def broken_check() -> str | None:
    raise RuntimeError("cannot tell")


@pytest.fixture
def production_https(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = []
    settings.ALLOWED_HOSTS = ["returnhome.example.org"]


@pytest.mark.django_db
def test_health_needs_no_sign_in_any_host_and_no_https(production_https: None) -> None:
    client = Client(HTTP_HOST="10.0.0.7")  # a load balancer probing by address
    assert client.get("/login/").status_code == 400  # pages: host checked
    alive = client.get("/healthz")
    assert (alive.status_code, alive.content) == (200, b"ok")
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert json.loads(ready.content) == {
        "status": "ready",
        "checks": {
            "database": "ok",
            "migrations": "ok",
            "worker_heartbeat": "ok",
            "replica_reachable": "ok",
        },
    }


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_failed_check(settings: Any) -> None:
    settings.RETURNHOME_READINESS_CHECKS = [
        *settings.RETURNHOME_READINESS_CHECKS,
        "tests.core.test_health.failing_check",
        "tests.core.test_health.broken_check",
    ]
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "not ready"
    assert body["checks"]["failing_check"] == PROBLEM
    assert body["checks"]["broken_check"] == "failed: RuntimeError"
    assert body["checks"]["database"] == "ok"


def test_request_log_has_the_user_and_no_query_string(
    cast: Cast, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(cast.practitioner)
    with caplog.at_level(logging.INFO, logger="returnhome.request"):
        response = client.get("/children/?q=Zebedee")
    [record] = [r for r in caplog.records if r.name == "returnhome.request"]
    assert record.user_id == cast.practitioner.pk  # type: ignore[attr-defined]
    assert record.path == "/children/"  # type: ignore[attr-defined]
    assert record.status == response.status_code  # type: ignore[attr-defined]
    assert record.request_id == response["X-Request-ID"]  # type: ignore[attr-defined]
    assert "Zebedee" not in caplog.text
