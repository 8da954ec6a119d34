"""POST /api/v1/notifications/: the file import's validation, matching and idempotency, as JSON.

Errors name the notification (index) and field, and change nothing; a repeat changes nothing;
the API and the file import write the same records; the schema is served and valid OpenAPI 3.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
import yaml
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from returnhome.accounts.models import ApiToken
from returnhome.accounts.services import create_api_token
from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.api import intake
from returnhome.imports.api.views import NotificationIn
from returnhome.imports.importer import import_notifications
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.imports.police.rows import COLUMNS
from returnhome.interviews.models import RHI
from tests.factories import CouncilFactory, PoliceFactory
from tests.imports.import_helpers import Area, csv_bytes, found, row
from tests.imports.test_import_paths import NOW, files, snapshot

URL = "/api/v1/notifications/"


class Api:
    def __init__(self, secret: str, token: ApiToken) -> None:
        self.client = Client()
        self.secret = secret
        self.token = token

    def post(self, body: Any, council: str = "T01", **kwargs: Any) -> Any:
        if not isinstance(body, (dict, str, bytes)):
            body = {"council": council, "notifications": body}
        return self.client.post(
            URL,
            body if isinstance(body, (str, bytes)) else json.dumps(body),
            content_type=kwargs.pop("content_type", "application/json"),
            headers={"authorization": f"Bearer {self.secret}"},
            **kwargs,
        )

    def status(self, reference: str) -> Any:
        return self.client.get(
            reverse("api:notification", args=[reference]),
            headers={"authorization": f"Bearer {self.secret}"},
        )


@pytest.fixture
def api(area: Area) -> Api:
    new = create_api_token(area.force, name="Case system", acting_user=None)
    return Api(new.secret, new.token)


def note(**values: str) -> dict[str, Any]:
    """A notification as JSON: the file row's non-blank fields, without force (the token's)."""
    base = {k: v for k, v in row(**values).items() if v and k != "force"}
    if "force" in values:
        base["force"] = values["force"]
    return base


def zara() -> dict[str, Any]:
    """Someone the council does not know: a new child."""
    return note(
        police_reference="TST-2",
        forename="Zara",
        surname="Newfield",
        date_of_birth="2012-02-02",
        postcode="",
        sex="",
    )


def found_note(**values: str) -> dict[str, Any]:
    return {k: v for k, v in found(**values).items() if v and k != "force"}


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (
            Child,
            Episode,
            Notification,
            RHI,
            PendingNotification,
            ReviewItem,
            ImportRun,
            AuditEvent,
        )
    }


def errors(response: Any) -> list[tuple[int | None, str | None]]:
    return [(e["index"], e["field"]) for e in response.json()["errors"]]


# --------------------------------------------------------------------------- bad requests


def test_invalid_notifications_name_index_and_field_and_change_nothing(
    area: Area, api: Api
) -> None:
    before = counts()
    response = api.post(
        [
            note(),
            note(police_reference="TST-2", event_at="31/02/2025 10:00"),
            note(police_reference="TST-3", risk_level="extreme", nhs_number="1234567890"),
            note(police_reference="TST-4", forename=""),
        ]
    )
    assert response.status_code == 400
    assert errors(response) == [
        (1, "event_at"),
        (2, "nhs_number"),
        (2, "risk_level"),
        (3, "forename"),
    ]
    assert all(e["message"] for e in response.json()["errors"])
    assert counts() == before  # the valid first notification was not recorded either


def test_json_types_unknown_fields_and_the_request_shape(area: Area, api: Api) -> None:
    response = api.post(
        [
            {**note(), "date_of_brith": "2010-04-03"},
            {**note(police_reference="TST-2"), "aliases": "Mia; Millie", "la_child_id": 7},
            {**note(police_reference="TST-3"), "forename": {"first": "Amelia"}},
            {**note(police_reference="TST-4"), "aliases": ["Mia", 3.5]},
            "not an object",
        ]
    )
    assert response.status_code == 400
    got = response.json()["errors"]
    assert errors(response) == [
        (0, "date_of_brith"),
        (2, "forename"),
        (3, "aliases"),
        (4, None),
    ]
    assert "date_of_birth" in got[0]["message"]  # the likely meaning is suggested
    response = api.post({"council": "T01", "notes": []})
    assert (None, "notes") in errors(response) and (None, "notifications") in errors(response)
    assert errors(api.post([])) == [(None, "notifications")]
    assert errors(api.post("[1, 2]")) == [(None, None)]


def test_unknown_council_and_another_forces_notifications_are_refused(area: Area, api: Api) -> None:
    assert errors(api.post([note()], council="999")) == [(None, "council")]
    other = PoliceFactory(name="Othershire Police", code="police:OTH")
    response = api.post([note(force="Othershire Police"), note(police_reference="TST-2")])
    assert errors(response) == [(0, "force")]
    assert other.name in response.json()["errors"][0]["message"]
    # Its own force, by name or code, is fine.
    response = api.post([note(force="police:TST"), note(police_reference="TST-2", force="TST")])
    assert response.status_code == 200, response.json()


def test_batch_size_is_capped(area: Area, api: Api) -> None:
    before = counts()
    response = api.post([note()] * (intake.MAX_NOTIFICATIONS + 1))
    assert errors(response) == [(None, "notifications")]
    assert str(intake.MAX_NOTIFICATIONS) in response.json()["errors"][0]["message"]
    assert counts() == before


def test_malformed_json_and_wrong_content_type_answer_json_errors(area: Area, api: Api) -> None:
    response = api.post('{"council": "T01", "notifications": [')
    assert response.status_code == 400
    assert errors(response) == [(None, None)] and "JSON" in response.json()["errors"][0]["message"]
    response = api.post(csv_bytes([row()]), content_type="text/csv")
    assert response.status_code == 415 and errors(response) == [(None, "Content-Type")]
    response = api.client.post(
        URL, b"council=T01", content_type="", headers={"authorization": f"Bearer {api.secret}"}
    )
    assert response.status_code == 415 and errors(response) == [(None, "Content-Type")]
    response = api.client.get(URL, headers={"authorization": f"Bearer {api.secret}"})
    assert response.status_code == 405 and errors(response) == [(None, None)]


def test_no_session_no_csrf(area: Area, api: Api) -> None:
    """Token only: the API works without a CSRF token, and a session gives no access."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        URL,
        json.dumps({"council": "T01", "notifications": [note()]}),
        content_type="application/json",
        headers={"authorization": f"Bearer {api.secret}"},
    )
    assert response.status_code == 200, response.content


# --------------------------------------------------------------------------- what it does


def test_a_valid_batch_is_recorded_audited_and_summarised_without_child_data(
    area: Area, api: Api
) -> None:
    response = api.post([note(), found_note(), zara()])
    assert response.status_code == 200, response.json()
    summary = response.json()
    assert summary["committed"] and summary["rows"] == 3
    assert summary["accepted"] == 3 and summary["queued_for_review"] == 0
    assert [(r["index"], r["result"]) for r in summary["results"]] == [
        (0, "accepted"),
        (1, "accepted"),
        (2, "accepted"),
    ]
    # What was done is the council's: two episodes, one closed, one child matched, one created.
    assert Episode.objects.count() == 2 and Episode.objects.filter(returned_at__isnull=False)
    assert Child.objects.filter(forename="Zara").count() == 1
    body = response.content.decode()
    for child_detail in ("Amelia", "Brown", "2010", "ME15", "Newfield", "child_id", "episode_id"):
        assert child_detail not in body
    run = ImportRun.objects.get()
    assert run.source == "api" and run.acting_user == api.token.user and run.sha256
    assert summary["import_run"] == run.pk
    # Every record written names the token's account in the audit trail.
    actions = set(
        AuditEvent.objects.filter(actor=api.token.user, kind="write").values_list(
            "action", flat=True
        )
    )
    assert {"record_missing", "record_return", "refer_rhi", "create_child"} <= actions
    assert {"import_notifications"} <= actions
    assert Notification.objects.filter(recorded_by=api.token.user).count() == 3


def test_the_same_request_twice_changes_nothing(area: Area, api: Api) -> None:
    batch = [note(), found_note(), zara()]
    assert api.post(batch).status_code == 200
    before = counts()
    again = api.post(batch).json()
    assert again["accepted"] == 3
    assert {r["result"] for r in again["results"]} == {"accepted"}
    after = counts()
    assert after["ImportRun"] == before["ImportRun"] + 1  # the request is recorded...
    assert after["AuditEvent"] == before["AuditEvent"] + 1  # ...with its one audit row
    assert {k: v for k, v in after.items() if k not in ("ImportRun", "AuditEvent")} == {
        k: v for k, v in before.items() if k not in ("ImportRun", "AuditEvent")
    }


def test_overlapping_batches_never_duplicate(area: Area, api: Api) -> None:
    second_child = note(police_reference="TST-2", forename="William", surname="Smith-Jones",
                        date_of_birth="2011-11-05", sex="M", postcode="CT1 2XX")  # fmt: skip
    assert api.post([note(), second_child]).status_code == 200
    response = api.post([second_child, found_note()]).json()
    assert [r["result"] for r in response["results"]] == ["accepted", "accepted"]
    assert Episode.objects.count() == 2 and Episode.objects.filter(returned_at__isnull=False)
    assert Notification.objects.filter(police_reference="TST-2").count() == 1


def test_an_exact_repeat_inside_one_request_is_skipped(area: Area, api: Api) -> None:
    response = api.post([note(), note()]).json()
    assert [r["result"] for r in response["results"]] == ["accepted", "accepted"]
    assert Episode.objects.count() == 1
    assert response["warnings"] == ["Notification 1 repeats notification 0 and was skipped"]
    different = api.post(
        [note(police_reference="TST-7"), note(police_reference="TST-7", risk_level="high")]
    )
    assert errors(different) == [(1, "police_reference")]  # fmt: skip


def test_found_before_its_missing_is_kept_then_joined(area: Area, api: Api) -> None:
    response = api.post([found_note()]).json()
    assert [r["result"] for r in response["results"]] == ["accepted"]
    assert api.status("TST-1").json()["notifications"][0]["status"] == "waiting_for_missing"
    response = api.post([note()]).json()
    assert [r["result"] for r in response["results"]] == ["accepted"]
    episode = Episode.objects.get()
    assert episode.returned_at == dt.datetime(2025, 3, 15, 8, 10, tzinfo=dt.UTC)
    assert PendingNotification.objects.get().status == "joined"
    assert RHI.objects.filter(episode=episode).exists()


def test_a_found_before_the_missing_time_is_an_error(area: Area, api: Api) -> None:
    assert api.post([note()]).status_code == 200
    response = api.post([found_note(event_at="2025-03-14T10:00")])
    assert errors(response) == [(0, "event_at")]


def test_a_second_missing_for_an_open_episode_goes_to_review(area: Area, api: Api) -> None:
    assert api.post([note()]).status_code == 200
    second = note(police_reference="TST-2", event_at="2025-03-15T10:00")
    response = api.post([second]).json()
    assert [r["result"] for r in response["results"]] == ["queued_for_review"]
    assert response["queued_for_review"] == 1 and response["accepted"] == 0
    # Sent again (twice in one request): still waiting for the front door, and said so.
    again = api.post([second, second]).json()
    assert [r["result"] for r in again["results"]] == ["queued_for_review"] * 2
    assert ReviewItem.objects.count() == 1
    assert ReviewItem.objects.get().reason == ReviewItem.Reason.ALREADY_MISSING
    assert Episode.objects.count() == 1
    assert api.status("TST-2").json()["notifications"][0]["status"] == "with_front_door"


def test_status_shows_only_the_forces_own_notifications_and_is_audited(
    area: Area, api: Api
) -> None:
    assert api.post([note(), found_note()]).status_code == 200
    response = api.status("TST-1")
    assert response.status_code == 200
    data = response.json()
    assert [(n["event"], n["status"]) for n in data["notifications"]] == [
        ("missing", "recorded"),
        ("found", "recorded"),
    ]
    assert data["episodes"][0]["status"] == "returned" and data["episodes"][0]["council"] == "T01"
    assert "Amelia" not in response.content.decode()
    episode = Episode.objects.get()
    assert AuditEvent.objects.filter(
        actor=api.token.user, kind="read", object_id=str(episode.pk)
    ).exists()
    assert api.status("TST-404").status_code == 404
    # Another force's token cannot see it.
    other = create_api_token(PoliceFactory(), name="Other", acting_user=None)
    assert Api(other.secret, other.token).status("TST-1").status_code == 404


# --------------------------------------------------------------------------- same as the file


def _without_row_numbers() -> None:
    """Row numbers differ by nature (file rows from 2, API indexes from 0)."""
    for model, column in (
        (Notification, "content"),
        (PendingNotification, "content"),
        (ReviewItem, "data"),
    ):
        for obj in model.objects.all():
            value = dict(getattr(obj, column))
            value.pop("row", None)
            model.objects.filter(pk=obj.pk).update(**{column: value})


def _as_json(content: bytes) -> list[dict[str, Any]]:
    """The rows of a notification file as the API's notifications (blank fields left out)."""
    reader = csv.DictReader(io.StringIO(content.decode()))
    return [{k: v for k, v in r.items() if v} for r in reader]


@pytest.mark.parametrize("per_row_limit", [0, 10_000], ids=["bulk", "one-at-a-time"])
def test_the_api_and_the_file_import_write_the_same_records(
    area: Area, api: Api, monkeypatch: pytest.MonkeyPatch, per_row_limit: int
) -> None:
    """One at a time through the services (small requests) or in bulk (large ones): the same."""
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    monkeypatch.setattr(intake, "PER_ROW_LIMIT", per_row_limit)
    CouncilFactory(la_code="T02", name="Other council")
    batches = files(area)
    results = []
    for via_api in (False, True):
        sid = transaction.savepoint()
        for content in batches:
            if via_api:
                response = api.post(_as_json(content))
                assert response.status_code == 200, response.json()
            else:
                import_notifications(
                    content, area.council, name="f.csv", acting_user=api.token.user
                )
        _without_row_numbers()
        results.append(snapshot())
        transaction.savepoint_rollback(sid)
    from_file, from_api = results
    assert from_api["episodes"] and from_api["review"] and from_api["pending"]
    for name in from_file:
        assert from_file[name] == from_api[name], name


# --------------------------------------------------------------------------- the schema


def test_the_schema_is_served_and_valid_openapi_3(area: Area) -> None:
    client = Client()  # no sign-in, no token: the schema holds no data
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/notifications/" in schema["paths"]
    as_json = client.get("/api/schema/?format=json").json()
    assert as_json == schema
    validate_schema(SchemaGenerator().get_schema(request=None, public=True))
    components = schema["components"]["schemas"]
    post = schema["paths"]["/api/v1/notifications/"]["post"]
    assert {"200", "400", "401", "415"} <= set(post["responses"])
    assert set(components["ErrorOut"]["properties"]) == {"index", "field", "message"}
    assert set(components["NotificationInRequest"]["properties"]) == set(COLUMNS)
    assert schema["components"]["securitySchemes"]["policeToken"]["scheme"] == "bearer"


def test_the_documented_fields_are_the_file_columns() -> None:
    assert set(NotificationIn().fields) == set(COLUMNS)
