"""Bad input on the web forms: a clear error next to the field, and nothing half-saved."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.children.models import Child
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI, Interview
from tests.conftest import Cast, missing, returned
from tests.factories import ago


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def missing_post(**overrides: str) -> dict[str, str]:
    data = {
        "reported_missing_at": local(ago(hours=5)),
        "received_at": local(ago(hours=4)),
        "source": "police",
        "classification": "M",
        "risk_level": "medium",
    }
    data.update(overrides)
    return data


def test_front_door_records_a_new_child_missing(cast: Cast) -> None:
    client = client_for(cast.front_door)
    data = missing_post(
        **{"child-forename": "Robin", "child-surname": "Formtest", "child-sex": "M"}
    )
    response = client.post(reverse("episodes:record_missing_new_child"), data)
    assert response.status_code == 302
    child = Child.objects.get(surname="Formtest")
    assert child.council == cast.council
    assert child.episodes.get().risk_level == "medium"


def test_future_report_time_is_shown_next_to_the_field_and_no_child_is_created(cast: Cast) -> None:
    client = client_for(cast.front_door)
    data = missing_post(
        reported_missing_at=local(ago(hours=-6)),
        **{"child-forename": "Robin", "child-surname": "Formtest", "child-sex": "M"},
    )
    response = client.post(reverse("episodes:record_missing_new_child"), data)
    assert response.status_code == 200
    assert "cannot be in the future" in response.context["form"].errors["reported_missing_at"][0]
    assert b"govuk-error-summary" in response.content
    assert not Child.objects.filter(surname="Formtest").exists()


def test_missing_name_is_required(cast: Cast) -> None:
    client = client_for(cast.front_door)
    response = client.post(reverse("episodes:record_missing_new_child"), missing_post())
    assert response.status_code == 200
    assert (
        "child-forename" in response.content.decode()
        and response.context["child_form"].errors["forename"]
    )
    assert not Episode.objects.exists()


def test_returned_before_reported_missing(cast: Cast, child: Child) -> None:
    episode = missing(cast, child, ago(hours=5))
    client = client_for(cast.front_door)
    response = client.post(
        reverse("episodes:record_found", args=[episode.pk]),
        {
            "returned_at": local(ago(hours=6)),
            "received_at": local(ago(hours=1)),
            "source": "police",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["returned_at"] == [
        "The child cannot return before they were reported missing"
    ]
    episode.refresh_from_db()
    assert episode.is_open and not RHI.objects.exists()


def test_impossible_date_is_refused(cast: Cast, child: Child) -> None:
    episode = missing(cast, child, ago(hours=5))
    client = client_for(cast.front_door)
    response = client.post(
        reverse("episodes:record_found", args=[episode.pk]),
        {
            "returned_at": "2026-02-31T10:00",
            "received_at": local(ago(hours=1)),
            "source": "police",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["returned_at"]


def test_declined_without_a_reason(cast: Cast, returned_rhi: RHI) -> None:
    client = client_for(cast.manager)
    client.post(
        reverse("interviews:offer", args=[returned_rhi.pk]),
        {"offer_made_at": local(ago(hours=2)), "offered_to": "child", "expected_version": "1"},
    )
    response = client.post(
        reverse("interviews:outcome", args=[returned_rhi.pk]),
        {"outcome": "declined", "expected_version": "2"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["decline_reason"] == [
        "Select why the interview was declined"
    ]
    returned_rhi.refresh_from_db()
    assert returned_rhi.outcome == ""


def test_interview_before_return(cast: Cast, returned_rhi: RHI) -> None:
    client = client_for(cast.manager)
    client.post(
        reverse("interviews:offer", args=[returned_rhi.pk]),
        {"offer_made_at": local(ago(hours=2)), "offered_to": "child", "expected_version": "1"},
    )
    client.post(
        reverse("interviews:outcome", args=[returned_rhi.pk]),
        {"outcome": "accepted", "expected_version": "2"},
    )
    response = client.post(
        reverse("interviews:record_interview", args=[returned_rhi.pk]),
        {
            "held_at": local(ago(hours=20)),
            "place": "home",
            "mode": "face_to_face",
            "time_alone": "yes",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-description": "Refer to CAMHS",
            "actions-0-service": "camhs",
        },
    )
    assert response.status_code == 200
    assert "cannot be before the child returned" in response.context["form"].errors["held_at"][0]
    assert not Interview.objects.exists()


def test_a_second_episode_appears_on_the_interview_form(cast: Cast, child: Child) -> None:
    first = returned(cast, missing(cast, child, ago(hours=60)), ago(hours=50))
    returned(cast, missing(cast, child, ago(hours=30)), ago(hours=20))
    client = client_for(cast.manager)
    url = reverse("interviews:record_interview", args=[first.pk])
    response = client.get(url, follow=True)  # the form opens at its first part
    assert "This interview also covers these episodes" in response.content.decode()


def test_an_alias_is_added_once(cast: Cast, child: Child) -> None:
    client = client_for(cast.front_door)
    url = reverse("children:add_alias", args=[child.pk])
    assert client.post(url, {"name": "Kizzy", "kind": "nickname"}).status_code == 302
    response = client.post(url, {"name": "kizzy", "kind": "nickname"})
    assert response.context["form"].errors["name"] == [
        "This name is already recorded for the child"
    ]
    assert list(child.aliases.values_list("name", flat=True)) == ["Kizzy"]
