"""Issue 13, item 8: a police missing-person coordinator records in the app that a child was
found, for the episodes their force handles (and only those); the RHI follows as from the
front door."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import Role
from returnhome.children.models import Child
from returnhome.episodes.models import Notification
from returnhome.interviews.models import RHI
from tests.conftest import Cast, missing
from tests.factories import PoliceFactory, UserFactory, ago


def _post(user: object, episode_pk: int, when: object) -> object:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    local = timezone.localtime(when)  # type: ignore[arg-type]
    return client.post(
        reverse("episodes:record_found", args=[episode_pk]),
        {
            "returned_at_day": str(local.day),
            "returned_at_month": str(local.month),
            "returned_at_year": str(local.year),
            "returned_at_time": f"{local:%H:%M}",
            "found_location": "Bus station",
        },
    )


def test_the_force_handling_the_episode_records_the_return(cast: Cast, child: Child) -> None:
    episode = missing(cast, child, ago(hours=6))
    page = Client()
    page.force_login(cast.police)
    shown = page.get(reverse("episodes:detail", args=[episode.pk])).content.decode()
    assert "Record that" in shown and "Who sent the notification?" not in shown
    response = _post(cast.police, episode.pk, ago(hours=1))
    assert response.status_code == 302  # type: ignore[attr-defined]
    episode.refresh_from_db()
    assert episode.returned_at is not None and episode.found_location == "Bus station"
    note = episode.notifications.get(event=Notification.Event.FOUND)
    assert note.source == Notification.Source.POLICE and note.recorded_by == cast.police
    assert RHI.objects.filter(episode=episode).exists()


def test_another_force_cannot(cast: Cast, child: Child) -> None:
    episode = missing(cast, child, ago(hours=6))
    stranger = UserFactory(organisation=PoliceFactory(), role=Role.POLICE)
    assert _post(stranger, episode.pk, ago(hours=1)).status_code == 404  # type: ignore[attr-defined]
    episode.refresh_from_db()
    assert episode.returned_at is None
