"""No time is filled in for the person where they must say when something happened (issue 13,
item 5): a default "now" is easy to leave wrong. Left empty, the field says which one it is."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI
from returnhome.organisations.models import Contract
from tests.conftest import Cast, missing
from tests.factories import ChildFactory, ago

DATE_PART = re.compile(r"_(day|month|year|time)$")


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def date_boxes(html: str) -> dict[str, str]:
    """Every day, month, year and time box on the page, with the value it shows."""
    boxes = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        name = re.search(r'\bname="([^"]+)"', tag)
        if name and DATE_PART.search(name.group(1)):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            boxes[name.group(1)] = value.group(1) if value else ""
    return boxes


def empty_page(client: Client, url: str, *expected: str) -> None:
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    boxes = date_boxes(response.content.decode())
    for field in expected:
        assert f"{field}_day" in boxes and f"{field}_year" in boxes, (url, field, boxes)
    filled = {name: value for name, value in boxes.items() if value}
    assert not filled, (url, filled)


def test_the_front_doors_forms_leave_every_time_for_the_person(cast: Cast) -> None:
    child = ChildFactory(council=cast.council)
    client = client_for(cast.front_door)
    empty_page(
        client,
        reverse("episodes:record_missing_new_child"),
        "reported_missing_at",
        "last_seen_at",
        "received_at",
    )
    empty_page(client, reverse("episodes:record_missing_for", args=[child.pk]), "received_at")
    episode = missing(cast, child, ago(hours=3))
    empty_page(client, reverse("episodes:record_found", args=[episode.pk]), "returned_at")
    empty_page(
        client_for(cast.police),
        reverse("episodes:record_found", args=[episode.pk]),
        "returned_at",
    )


def test_the_rhi_forms_leave_every_time_for_the_person(cast: Cast, returned_rhi: RHI) -> None:
    client = client_for(cast.manager)
    empty_page(client, reverse("interviews:contact", args=[returned_rhi.pk]), "attempted_at")
    empty_page(client, reverse("interviews:offer", args=[returned_rhi.pk]), "offer_made_at")
    empty_page(client, reverse("interviews:record_interview", args=[returned_rhi.pk]), "held_at")


def test_the_report_form_leaves_every_time_for_the_person(cast: Cast) -> None:
    empty_page(
        client_for(cast.reporter),
        reverse("reporting:report_missing"),
        "last_seen_at",
        "missing_since",
    )


def test_the_date_a_contract_ended_is_left_for_the_administrator(cast: Cast) -> None:
    contract = Contract.objects.create(
        council=cast.council,
        provider_name="Open Door",
        covers="rhi",
        start_date=ago(days=400).date(),
    )
    url = reverse("organisations:contract_end", args=[contract.pk])
    client = client_for(cast.admin)
    empty_page(client, url, "ended_on")
    response = client.post(url, {"expected_version": str(contract.version)})
    assert response.context["form"].errors == {"ended_on": ["Enter the date the contract ended"]}


@pytest.mark.parametrize(
    ("left_empty", "message"),
    [
        ("received_at", "Enter the date and time the notification reached you"),
        ("reported_missing_at", "Enter the date and time the child was reported missing"),
    ],
)
def test_a_time_left_empty_is_named(cast: Cast, left_empty: str, message: str) -> None:
    child = ChildFactory(council=cast.council)
    when = ago(hours=2)
    data = {
        "source": "police",
        "classification": "M",
    }
    for field in ("reported_missing_at", "received_at"):
        if field != left_empty:
            data.update(
                {
                    f"{field}_day": str(when.day),
                    f"{field}_month": str(when.month),
                    f"{field}_year": str(when.year),
                    f"{field}_time": "10:00" if when.hour >= 11 else "00:01",
                }
            )
    client = client_for(cast.front_door)
    response = client.post(reverse("episodes:record_missing_for", args=[child.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {left_empty: [message]}
    page = response.content.decode()
    assert "<title>Error:" in page and message in page
    assert not Episode.objects.exists()


def test_a_contact_attempt_without_its_time_says_so(cast: Cast, returned_rhi: RHI) -> None:
    response = client_for(cast.manager).post(
        reverse("interviews:contact", args=[returned_rhi.pk]),
        {"method": "phone", "contacted": "child", "result": "no_answer"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "attempted_at": ["Enter the date and time of the attempt"]
    }
