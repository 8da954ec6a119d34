"""The police figures (docs/formats/indicators.md, "Police"): information-sharing forms per force,
and the time from a child's return to the police's found notification, per force and month."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Notification
from returnhome.reports.police import found_timeliness, sharing_by_force
from returnhome.sharing.services import (
    SharingDetails,
    acknowledge_sharing_form,
    record_sharing_feedback,
    send_sharing_form,
)
from tests.conftest import Cast
from tests.factories import ChildFactory, PoliceFactory

LONDON = dt.timezone(dt.timedelta(hours=1))  # British Summer Time, June 2025


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2025, 6, day, hour, tzinfo=LONDON)


def details() -> SharingDetails:
    return SharingDetails(["cce"], "Seen with older men", "child", "1", "A", "child_consent")


def test_sharing_figures_per_force(cast: Cast) -> None:
    child = ChildFactory(council=cast.council)
    sent = [
        send_sharing_form(child, details(), acting_user=cast.practitioner, now=at(d, 10))
        for d in (2, 3, 4)
    ]
    first, second = (f.recipients.get() for f in sent[:2])
    acknowledge_sharing_form(first, acting_user=cast.police, now=at(2, 12))
    for sending, day in ((first, 5), (second, 10)):  # 3 days, then 7 days
        record_sharing_feedback(
            sending,
            feedback="Done",
            expected_version=None,
            acting_user=cast.police,
            now=at(day, 10),
        )
    # Outside the period: not counted.
    send_sharing_form(
        child, details(), acting_user=cast.practitioner, now=at(30, 23) + dt.timedelta(hours=2)
    )
    force, total = sharing_by_force(cast.council, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert (force.force, force.sent, force.acknowledged, force.with_feedback) == (
        cast.police_force.name,
        3,
        2,  # feedback records the receipt too
        2,
    )
    assert force.median_days_to_feedback == 5.0
    assert (total.sent, total.median_days_to_feedback) == (3, 5.0)


def test_police_timeliness_per_force_and_month(cast: Cast) -> None:
    other = PoliceFactory(name="Other Police")
    children = [ChildFactory(council=cast.council) for _ in range(4)]
    cases = [
        (children[0], at(29, 20), dt.timedelta(hours=2), cast.police_force),  # June
        (
            children[1],
            at(30, 23) + dt.timedelta(minutes=90),
            dt.timedelta(hours=30),
            cast.police_force,
        ),  # July (UK)
        (children[2], at(10, 8), dt.timedelta(hours=6), cast.police_force),  # June
        (children[3], at(12, 8), None, other),  # no police found notification
    ]
    for child, returned_at, delay, force in cases:
        episode = episode_services.record_missing(
            child,
            reported_missing_at=returned_at - dt.timedelta(hours=5),
            received_at=returned_at - dt.timedelta(hours=4),
            source=Notification.Source.POLICE,
            acting_user=cast.front_door,
            police_force=force,
        )
        episode_services.record_return(
            episode,
            returned_at=returned_at,
            received_at=returned_at + (delay or dt.timedelta(minutes=5)),
            source=Notification.Source.POLICE if delay else Notification.Source.CHILDRENS_HOME,
            acting_user=cast.front_door,
        )
    rows = found_timeliness(cast.council, dt.date(2025, 6, 1), dt.date(2025, 7, 31))
    got = {
        (r.force, r.month): (r.returned, r.notified, r.median_hours, r.within_24_hours)
        for r in rows
    }
    assert got == {
        (cast.police_force.name, "2025-06"): (2, 2, 4.0, 2),
        (cast.police_force.name, "2025-07"): (1, 1, 30.0, 0),
        ("Other Police", "2025-06"): (1, 0, None, 0),
    }


def test_the_police_page_and_its_csv(cast: Cast) -> None:
    child = ChildFactory(council=cast.council)
    send_sharing_form(child, details(), acting_user=cast.practitioner, now=at(2, 10))
    client = Client()
    client.force_login(cast.performance)
    query = "?date_from=2025-06-01&date_to=2025-06-30"
    page = client.get(reverse("reports:police") + query)
    assert page.status_code == 200 and child.surname.encode() not in page.content
    csv = client.get(reverse("reports:police_download", args=["csv"]) + query + "&table=sharing")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert f"{cast.police_force.name},1,0,0,n/a" in lines
    assert (
        client.get(
            reverse("reports:police") + "?date_from=2025-06-30&date_to=2025-06-01"
        ).status_code
        == 400
    )
