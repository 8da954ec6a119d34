"""The reporting pages and the alert inbox, through HTTP."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.alerts.models import Alert
from returnhome.episodes.models import DirectReport
from tests.conftest import Cast
from tests.factories import ago


def when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%dT%H:%M}"


def form(cast: Cast, **overrides: str) -> dict[str, str]:
    data = {
        "council": str(cast.council.pk),
        "source": "childrens_home",
        "forename": "Jordan",
        "surname": "Pagechild",
        "last_seen_at": when(ago(hours=2)),
        "missing_from": "The home",
        "reported_to_police": "yes",
        "police_force": str(cast.police_force.pk),
        "police_reference": "LOG-7",
        "vehicles": "Silver van, XY99 ZZZ",
        "reporter_risk": "medium",
    }
    data.update(overrides)
    return data


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_reporter_reports_and_sees_only_their_report(cast: Cast) -> None:
    client = signed_in(cast.reporter)
    assert client.get(reverse("home"))["Location"] == reverse("reporting:mine")
    response = client.post(reverse("reporting:report_missing"), form(cast))
    report = DirectReport.objects.get()
    assert response["Location"] == reverse("reporting:detail", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Jordan Pagechild" in page and "XY99 ZZZ" in page and "LOG-7" in page
    assert "Pagechild" in client.get(reverse("reporting:mine")).content.decode()
    # The episode page is the council's: the reporter is sent to their own report instead.
    assert report.episode_id is not None
    episode_page = client.get(reverse("episodes:detail", args=[report.episode_id]))
    assert episode_page["Location"] == reverse("reporting:detail", args=[report.pk])
    # The front door sees the Box D details on the episode, and an unread alert in the header.
    front = signed_in(cast.front_door).get(reverse("episodes:detail", args=[report.episode_id]))
    assert "XY99 ZZZ" in front.content.decode() and "1 unread" in front.content.decode()


def test_blank_and_future_input_gives_clear_messages(cast: Cast) -> None:
    client = signed_in(cast.reporter)
    blank = client.post(
        reverse("reporting:report_missing"),
        form(cast, forename="", missing_from="", reporter_risk="", reported_to_police=""),
    ).content.decode()
    for message in (
        "Enter the child&#x27;s first name",
        "Enter where they went missing from",
        "Select the risk as you see it",
        "Select yes if you have told the police",
    ):
        assert message in blank
    future = client.post(
        reverse("reporting:report_missing"), form(cast, last_seen_at=when(ago(hours=-3)))
    ).content.decode()
    assert "When they were last seen cannot be in the future" in future
    no_force = client.post(
        reverse("reporting:report_missing"), form(cast, police_force="")
    ).content.decode()
    assert "Choose the police force you reported to" in no_force
    assert not DirectReport.objects.exists()


def test_a_return_before_the_report_is_refused_then_accepted(cast: Cast) -> None:
    client = signed_in(cast.reporter)
    client.post(reverse("reporting:report_missing"), form(cast))
    report = DirectReport.objects.get()
    url = reverse("reporting:report_return", args=[report.pk])
    early = client.post(url, {"returned_at": when(ago(hours=3))}).content.decode()
    assert "The child cannot return before they were last seen" in early
    done = client.post(url, {"returned_at": when(ago(minutes=0)), "wellbeing": "Fine"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == DirectReport.Status.RETURNED


def test_the_inbox_marks_alerts_read(cast: Cast) -> None:
    signed_in(cast.reporter).post(reverse("reporting:report_missing"), form(cast))
    client = signed_in(cast.front_door)
    inbox = client.get(reverse("alerts:inbox")).content.decode()
    assert "Child reported missing by" in inbox and "Pagechild" not in inbox
    client.post(reverse("alerts:mark_all_read"))
    assert not Alert.objects.filter(recipient=cast.front_door, read_at__isnull=True).exists()
    assert Alert.objects.filter(recipient=cast.manager, read_at__isnull=True).exists()
