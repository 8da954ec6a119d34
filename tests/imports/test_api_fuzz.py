"""The police API fuzzed from its own OpenAPI schema (/api/schema/) with schemathesis: requests
generated to fit the schema and requests generated to break it, with a valid token and without.
Whatever is sent, the answer is never a server error, and every error has the documented shape
{"errors": [{"index", "field", "message"}]} (docs/formats/api.md). Bounded: a few dozen examples
per operation and kind, no shrinking past the first failure's report."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from returnhome.accounts.api_auth import THROTTLE_CACHE
from returnhome.accounts.services import create_api_token
from returnhome.wsgi import application
from tests.imports.import_helpers import Area

schemathesis = pytest.importorskip("schemathesis", reason="a development dependency (pyproject)")
from schemathesis import GenerationMode  # noqa: E402

EXAMPLES = 25
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure here is reproducible
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture(autouse=True)
def no_rate_limits(settings: Any) -> Iterator[None]:
    caches[THROTTLE_CACHE].clear()
    yield
    caches[THROTTLE_CACHE].clear()


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """schemathesis calls the WSGI application itself, not through Django's test client: as that
    client does, keep the request signals from closing the test's connection (inside its
    transaction) after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def operations(db: None) -> list[Any]:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    found = [result.ok() for result in schema.get_all_operations()]
    assert {(op.method.upper(), op.path) for op in found} >= {
        ("POST", "/api/v1/notifications/"),
        ("GET", "/api/v1/notifications/{police_reference}/"),
    }
    return found


def assert_answer_is_sound(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        headers = {k.lower(): v for k, v in response.headers.items()}
        content_type = headers["content-type"]
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        assert content_type.startswith("application/json"), response.text[:300]
        errors = response.json()["errors"]
        assert errors and all(set(e) == {"index", "field", "message"} for e in errors)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
def test_no_request_the_schema_allows_or_breaks_is_a_server_error(
    area: Area, operations: list[Any], mode: GenerationMode, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = create_api_token(area.force, name="Fuzz", acting_user=None).secret
    # The rate limits are tested elsewhere (test_api_hostile.py); here they would only answer 429.
    monkeypatch.setattr(
        "rest_framework.throttling.SimpleRateThrottle.allow_request", lambda *a, **k: True
    )
    for operation in operations:

        @FUZZ
        @given(case=operation.as_strategy(generation_mode=mode), signed=st.booleans())
        def fuzz(case: Any, signed: bool) -> None:
            headers = {"Authorization": f"Bearer {secret}"} if signed else {}
            assert_answer_is_sound(case.call(headers=headers))

        fuzz()
