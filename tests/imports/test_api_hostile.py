"""The police API under attack (issue 11): one test per attack, reproducing it and showing it
refused. A force writes only where it is entitled; the answer is no oracle for who is on a
council's records; hostile input gets a JSON answer naming the field, never a 500 or an HTML
page; tokens are rate limited and so are failed token attempts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from returnhome.accounts.api_auth import THROTTLE_CACHE
from returnhome.accounts.models import Role
from returnhome.accounts.services import create_api_token
from returnhome.children.models import Child
from returnhome.imports.api import intake
from returnhome.imports.api import views as api_module
from returnhome.organisations.models import Organisation
from returnhome.organisations.services import allow_forces_to_send
from tests.factories import ChildFactory, UserFactory
from tests.imports.import_helpers import Area
from tests.imports.test_api import URL, Api, counts, note, zara

MB = 1024 * 1024


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Rate-limit counts start empty and are left empty (they live in a cache, not the database)."""
    caches[THROTTLE_CACHE].clear()
    yield
    caches[THROTTLE_CACHE].clear()


@pytest.fixture
def api(area: Area) -> Api:
    new = create_api_token(area.force, name="Case system", acting_user=None)
    return Api(new.secret, new.token)


@pytest.fixture
def cornwall(db: None) -> Organisation:
    """Cornwall (908, reference data: Devon and Cornwall Police's area), holding a child with the
    name and date of birth of the test notification's."""
    council = Organisation.objects.get(la_code="908")
    ChildFactory(council=council, forename="Amelia", surname="Brown", date_of_birth="2010-04-03")
    return council


@pytest.fixture
def kent(db: None) -> Api:
    """A Kent Police token (reference data)."""
    new = create_api_token(
        Organisation.objects.get(name="Kent Police"), name="Kent", acting_user=None
    )
    return Api(new.secret, new.token)


def assert_json_error(response: Any, status: int) -> list[dict[str, Any]]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"} and body["errors"]
    for error in body["errors"]:
        assert set(error) == {"index", "field", "message"} and error["message"]
    return list(body["errors"])


# --------------------------------------------------------------------------- who may write


def test_a_kent_token_naming_cornwall_in_la_code_is_refused_whole(
    kent: Api, cornwall: Organisation, caplog: pytest.LogCaptureFixture
) -> None:
    """The shipped hole: Kent's token, Cornwall's LA code in council and la_code -> 200, written."""
    before = counts()
    response = kent.post([note(la_code="908"), zara() | {"la_code": "908"}], council="908")
    got = assert_json_error(response, 403)
    assert [(e["index"], e["field"]) for e in got] == [(None, "council")]
    assert "Cornwall" in got[0]["message"] and "Kent Police" in got[0]["message"]
    assert counts() == before  # nothing written: no child, episode, run or audit row
    assert "Amelia" not in response.content.decode()
    assert any("refused" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    # Invalid notifications change nothing: it is refused before they are even read.
    assert kent.post([{"nonsense": 1}], council="908").status_code == 403
    # Kent's own area is fine (Kent, 886).
    assert kent.post([note(police_reference="KNT-1")], council="886").status_code == 200


def test_a_force_the_council_listed_may_send_to_it_and_only_while_listed(
    area: Area, api: Api, cornwall: Organisation
) -> None:
    admin = UserFactory(organisation=cornwall, role=Role.ADMIN)
    allow_forces_to_send(cornwall, [area.force], acting_user=admin)
    response = api.post([note(la_code="908")], council="908")
    assert response.status_code == 200, response.json()
    assert [r["result"] for r in response.json()["results"]] == ["accepted"]
    assert Child.objects.get(forename="Amelia", council=cornwall).episodes.count() == 1
    allow_forces_to_send(cornwall, [], acting_user=admin)
    before = counts()
    response = api.post([note(police_reference="TST-9")], council="908")
    assert_json_error(response, 403)
    assert counts() == before


def test_the_status_of_a_reference_shows_only_the_forces_own(
    area: Area, api: Api, cornwall: Organisation
) -> None:
    """Another force's notifications with the same reference are not shown to this force."""
    other_force = cornwall.police_force
    assert other_force is not None
    other = create_api_token(other_force, name="DC system", acting_user=None)
    assert Api(other.secret, other.token).post([note()], council="908").status_code == 200
    assert api.status("TST-1").status_code == 404
    assert api.post([note()]).status_code == 200
    councils = {n["council"] for n in api.status("TST-1").json()["notifications"]}
    assert councils == {area.council.la_code}


# --------------------------------------------------------------------------- no match oracle


def _shape(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer without what differs by nature (the run's number, the time taken)."""
    return {k: v for k, v in answer.items() if k not in ("import_run", "seconds")}


def test_the_answer_is_the_same_whether_or_not_the_council_knows_the_child(
    area: Area, api: Api
) -> None:
    known = api.post([note(police_reference="TST-1")]).json()  # Amelia: on the records
    stranger = api.post([zara() | {"police_reference": "TST-8"}]).json()  # Zara: a new child
    assert Child.objects.filter(forename="Zara").exists() and area.amelia.episodes.exists()
    for answer in (known, stranger):
        for result in answer["results"]:
            result.pop("police_reference")
    assert _shape(known) == _shape(stranger)
    assert [r["result"] for r in stranger["results"]] == ["accepted"]
    text = json.dumps([known, stranger])
    for word in ("child", "matched", "created", "review_", "sent_to", "episode"):
        assert word not in text


# --------------------------------------------------------------------------- hostile input


def test_a_nul_byte_is_refused_naming_the_field(area: Area, api: Api) -> None:
    """A NUL in a name: 500 on PostgreSQL, accepted on SQLite (then the meeting pack failed)."""
    before = counts()
    response = api.post([note(), note(police_reference="TST-2", forename="Ame\x00lia")])
    got = assert_json_error(response, 400)
    assert [(e["index"], e["field"]) for e in got] == [(1, "forename")]
    assert "NUL" in got[0]["message"]
    response = api.post([note()], council="T0\x001")
    assert [(e["index"], e["field"]) for e in assert_json_error(response, 400)] == [
        (None, "council")
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ('{"council": "T01", "notifications": [{"surname": "Br\\ud800own"}]}', (0, "surname")),
        ('{"council": "T01", "notifications": [{"\\udfff": "x"}]}', (0, "\\udfff")),
        ('{"council": "\\ud800", "notifications": []}', (None, "council")),
    ],
)
def test_a_lone_surrogate_is_refused_naming_the_field(
    area: Area, api: Api, body: str, where: tuple[int | None, str]
) -> None:
    """'\\ud800' is valid JSON but not Unicode text: it answered 500."""
    got = assert_json_error(api.post(body), 400)
    assert [(e["index"], e["field"]) for e in got] == [where]
    assert "surrogate" in got[0]["message"]


def test_absurd_nesting_is_refused(area: Area, api: Api) -> None:
    """100,000-deep JSON answered HTML 500 (RecursionError in the JSON decoder)."""
    got = assert_json_error(api.post("[" * 100_000 + "]" * 100_000), 400)
    assert got == [{"index": None, "field": None, "message": "The body is nested too deeply"}]
    # Nesting the decoder can take, inside a field: refused naming it.
    deep: Any = "Amelia"
    for _ in range(500):
        deep = [deep]
    got = assert_json_error(api.post([note() | {"forename": deep}]), 400)
    assert [(e["index"], e["field"]) for e in got] == [(0, "forename")]


def test_a_body_over_djangos_form_limit_but_within_the_documented_20_mb_is_read(
    area: Area, api: Api
) -> None:
    """2.7 MB answered Django's HTML 400 (DATA_UPLOAD_MAX_MEMORY_SIZE is 2.5 MB)."""
    big = note() | {"circumstances": "x" * int(2.7 * MB)}
    got = assert_json_error(api.post([big]), 400)
    assert [(e["index"], e["field"]) for e in got] == [(0, "circumstances")]  # too long a field


def test_a_body_over_20_mb_is_a_json_413(area: Area, api: Api) -> None:
    before = counts()
    body = json.dumps({"council": "T01", "notifications": [note()] * 80_000})
    assert len(body) > api_module.MAX_BODY_BYTES
    got = assert_json_error(api.post(body), 413)
    assert "20 MB" in got[0]["message"]
    assert counts() == before


def test_more_notifications_than_the_maximum_is_a_400_naming_notifications(
    area: Area, api: Api
) -> None:
    """100,000 notifications answered HTML 400: the body was over Django's 2.5 MB."""
    one = {"event": "missing", "police_reference": "TST-1"}
    body = json.dumps({"council": "T01", "notifications": [one] * 100_000})
    assert 2.5 * MB < len(body) < api_module.MAX_BODY_BYTES
    got = assert_json_error(api.post(body), 400)
    assert [(e["index"], e["field"]) for e in got] == [(None, "notifications")]
    assert str(intake.MAX_NOTIFICATIONS) in got[0]["message"]


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"council": "T01", "notifications": [{"forename": "\xff"}]}', "not UTF-8"),
        (b'{"council": "T01", "notifications": [{"risk_level": NaN}]}', "NaN is not a JSON value"),
        (b'{"council": "T01", "notifications": [' + b"1" * 5000 + b"]}", "not valid JSON"),
    ],
    ids=["not-utf8", "nan", "huge-integer"],
)
def test_undecodable_bodies_are_json_400s(area: Area, api: Api, body: bytes, said: str) -> None:
    got = assert_json_error(api.post(body), 400)
    assert [(e["index"], e["field"]) for e in got] == [(None, None)]
    assert said in got[0]["message"]


def test_a_bad_content_length_is_a_400_naming_it(area: Area, api: Api) -> None:
    response = api.post([note()], CONTENT_LENGTH="lots")
    got = assert_json_error(response, 400)
    assert [(e["index"], e["field"]) for e in got] == [(None, "Content-Length")]
    assert got[0]["message"] == "Content-Length must be a number of bytes"


def test_a_nul_in_a_police_reference_asked_about_is_a_400(area: Area, api: Api) -> None:
    got = assert_json_error(api.status("TST\x001"), 400)
    assert [(e["index"], e["field"]) for e in got] == [(None, "police_reference")]
    assert api.status("T" * 500).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/nothing-here/", 404),
        ("post", "/api/v1/notifications", 404),  # no final '/': no redirect that drops the body
        ("get", "/api/", 404),
        ("delete", URL, 405),
        ("put", URL, 405),
    ],
)
def test_every_api_error_is_json(area: Area, api: Api, method: str, path: str, status: int) -> None:
    def send(**headers: str) -> Any:
        body = {} if method == "get" else {"data": "{}", "content_type": "application/json"}
        return getattr(Client(), method)(path, headers=headers, **body)

    assert_json_error(send(authorization=f"Bearer {api.secret}"), status)
    # Without a token too: a JSON answer, never the sign-in page.
    response = send()
    assert response.status_code in (status, 401)
    assert response["Content-Type"].startswith("application/json")


def test_an_unexpected_error_is_a_json_500_without_a_traceback(
    area: Area, api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internals: /srv/returnhome/settings.py line 12")

    monkeypatch.setattr(api_module, "receive_notifications", broken)
    api.client = Client(raise_request_exception=False)
    response = api.post([note()])
    got = assert_json_error(response, 500)
    assert [(e["index"], e["field"]) for e in got] == [(None, None)]
    text = response.content.decode()
    assert "secret internals" not in text and "Traceback" not in text and "RuntimeError" not in text


# --------------------------------------------------------------------------- rate limits


def test_a_token_past_its_rate_gets_429_with_retry_after(
    area: Area, api: Api, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "3/min", "api_failed_token": "20/min"},
    }
    assert [api.status("TST-1").status_code for _ in range(3)] == [404] * 3
    response = api.status("TST-1")
    got = assert_json_error(response, 429)
    assert 0 < int(response["Retry-After"]) <= 60
    assert "Too many requests" in got[0]["message"]
    assert api.post([note()]).status_code == 429  # every endpoint counts against the token
    # Another token is counted on its own.
    other = create_api_token(area.force, name="Second system", acting_user=None)
    assert Api(other.secret, other.token).status("TST-1").status_code == 404


def test_failed_token_attempts_are_limited_per_address(area: Area, api: Api, settings: Any) -> None:
    """200 bad tokens in 1.6 s: no 429. Past the rate, the address gets 429, good token or not."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_token": "120/min", "api_failed_token": "5/min"},
    }
    guesser = Api(f"rh_guess{0:024d}", api.token)
    answers = [guesser.status("TST-1").status_code for _ in range(5)]
    assert answers == [401] * 5
    response = guesser.status("TST-1")
    assert_json_error(response, 429)
    assert int(response["Retry-After"]) > 0
    assert api.status("TST-1").status_code == 429  # the good token from the same address too
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    response = elsewhere.get(
        reverse("api:notification", args=["TST-1"]),
        headers={"authorization": f"Bearer {api.secret}"},
    )
    assert response.status_code == 404  # another address is not held back


def test_the_default_rates_are_generous_and_documented(settings: Any) -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    number, period = rates["api_token"].split("/")
    assert int(number) >= 60 and period.startswith("m")
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "formats" / "api.md").read_text()
    assert rates["api_token"] in docs and "RETURNHOME_API_RATE" in docs


def test_the_schema_describes_the_answer_and_every_error(area: Area) -> None:
    schema = Client().get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/v1/notifications/"]["post"]
    assert {"400", "401", "403", "413", "415", "429", "500"} <= set(post["responses"])
    components = schema["components"]["schemas"]
    summary = set(components["SummaryOut"]["properties"])
    assert {"accepted", "queued_for_review", "results"} <= summary
    assert summary.isdisjoint(
        {"children_matched", "children_created", "sent_to_review", "episodes_created", "unchanged"}
    )
    result = json.dumps(components["ResultOut"]["properties"]["result"])
    enums = [c["enum"] for c in components.values() if set(c.get("enum", [])) & {"accepted"}]
    assert enums == [["accepted", "queued_for_review"]] and "ResultEnum" in result
