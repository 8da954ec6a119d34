"""The front door's queue page: what it shows of recent notifications."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.imports.models import ReviewItem
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, ago


def test_recent_notifications_tag_only_children_new_with_them(cast: Cast) -> None:
    known = ChildFactory(council=cast.council, forename="Known", surname="Recentchild")
    returned(cast, missing(cast, known, ago(days=30)), ago(days=29))
    missing(cast, known, ago(hours=3))  # again this week: not a new child
    first_time = ChildFactory(council=cast.council, forename="Newly", surname="Recentchild")
    missing(cast, first_time, ago(hours=2))  # the child's record and first episode, together
    client = Client()
    client.force_login(cast.front_door)
    page = client.get(reverse("imports:queue")).content.decode()
    rows = {line for line in page.split("<tr") if "Recentchild" in line}
    tagged = {("Known" if "Known" in r else "Newly"): ("New child" in r) for r in rows}
    assert tagged == {"Known": False, "Newly": True}


def test_a_notification_with_many_candidates_says_how_many_more(cast: Cast) -> None:
    children = [ChildFactory(council=cast.council, surname="Manycandidates") for _ in range(5)]
    now = timezone.now()
    ReviewItem.objects.create(
        council=cast.council,
        reason=ReviewItem.Reason.UNCERTAIN_MATCH,
        source="police",
        event="missing",
        event_at=now,
        received_at=now,
        data={"forename": "Sam", "surname": "Manycandidates"},
        candidates=[
            {"child_id": c.pk, "score": 5.0, "reasons": ["name +5.0 (name)"]} for c in children
        ],
    )
    client = Client()
    client.force_login(cast.front_door)
    page = client.get(reverse("imports:queue")).content.decode()
    assert "and 2 more: open the notification to see them all" in page


def test_a_notification_says_its_coded_values_in_words_and_the_rest_as_received(
    cast: Cast,
) -> None:
    now = timezone.now()
    received = {
        "police_reference": "KP-26-000123",
        "event": "missing",
        "event_at": "04/12/2026 15:00",
        "risk_level": "no apparent risk",
        "forename": "Sam",
        "surname": "Codedvalues",
        "date_of_birth": "14/12/2010",
        "sex": "M",
    }
    item = ReviewItem.objects.create(
        council=cast.council,
        reason=ReviewItem.Reason.UNCERTAIN_MATCH,
        source="police",
        event="missing",
        event_at=now,
        received_at=now,
        data=received,
        candidates=[],
    )
    client = Client()
    client.force_login(cast.front_door)
    page = client.get(reverse("imports:item", args=[item.pk])).content.decode()
    shown = dict(
        re.findall(
            r'<dt class="govuk-summary-list__key">([^<]*)</dt>'
            r'<dd class="govuk-summary-list__value">([^<]*)</dd>',
            page.split("As received", 1)[1],
        )
    )
    assert shown["Missing or found"] == "Missing"
    assert shown["Police risk level"] == "No apparent risk"
    assert shown["Sex"] == "Male"
    # What staff quote back to the police, or check against the child's record, as received.
    assert shown["Police reference"] == "KP-26-000123"
    assert shown["When"] == "04/12/2026 15:00"
    assert shown["Date of birth"] == "14/12/2010"


def test_the_last_weeks_notifications_newest_first_a_page_at_a_time(cast: Cast) -> None:
    """Every notification of the last 7 days that recorded an episode, newest first (ties by the
    latest recorded), 50 a page; none older."""
    children = [
        ChildFactory(council=cast.council, forename=f"Kid{n:02d}", surname="Weekchild")
        for n in range(55)
    ]
    for n, child in enumerate(children):
        missing(cast, child, ago(hours=150 - 2 * n))  # Kid54 the newest
    old = ChildFactory(council=cast.council, forename="Oldnews", surname="Weekchild")
    missing(cast, old, ago(days=9))
    client = Client()
    client.force_login(cast.front_door)
    shown = []
    for page in ("1", "2"):
        html = client.get(reverse("imports:queue"), {"recent_page": page}).content.decode()
        shown.append(re.findall(r"Kid(\d\d) Weekchild", html))
        assert "Oldnews" not in html
    assert shown[0] == [f"{n:02d}" for n in range(54, 4, -1)]
    assert shown[1] == [f"{n:02d}" for n in range(4, -1, -1)]
