"""A child's timeline by year and by episode, with filters: a child missing many times gets one
line per episode, not a page of every entry."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.children.models import Child
from returnhome.children.timeline import Entry, grouped
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory


def at(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def test_entries_fall_under_their_year_and_episode() -> None:
    entries = [
        Entry(at(2025, 3, 1), "missing", "Reported missing", episode=1),
        Entry(at(2025, 3, 2), "found", "Returned / found", episode=1),
        Entry(at(2025, 3, 3), "offer", "RHI offered", episode=1),
        Entry(at(2025, 3, 4), "interview", "Interview with the child"),  # no episode named
        Entry(at(2025, 12, 31, 22), "missing", "Reported missing", episode=2),
        Entry(at(2026, 1, 1, 9), "found", "Returned / found", episode=2),
        Entry(at(2026, 2, 1), "placement", "Placed: foster"),
    ]
    years = grouped(entries)
    assert [y.year for y in years] == [2026, 2025]
    assert [e.title for e in years[0].other] == ["Placed: foster"]
    # The episode that began in 2025 and ended in 2026 sits in 2025, whole.
    assert [g.episode for g in years[1].episodes] == [2, 1]
    newest, oldest = years[1].episodes
    assert newest.end is not None and newest.end.at == at(2026, 1, 1, 9)
    assert [e.kind for e in oldest.entries] == ["interview", "offer", "found", "missing"]
    only_rhis = grouped(entries, frozenset({"offer", "interview"}))
    assert [y.year for y in only_rhis] == [2025]
    assert [e.kind for e in only_rhis[0].episodes[0].entries] == ["interview", "offer"]


def many_episodes(cast: Cast, child: Child, n: int) -> None:
    start = timezone.now() - dt.timedelta(days=40 * n)
    for i in range(n):
        when = start + dt.timedelta(days=40 * i)
        returned(cast, missing(cast, child, when), when + dt.timedelta(hours=6))


def test_a_child_missing_many_times_shows_a_line_per_episode(cast: Cast) -> None:
    child = ChildFactory(council=cast.council)
    many_episodes(cast, child, 12)
    client = Client()
    client.force_login(cast.manager)
    url = reverse("children:detail", args=[child.pk])
    html = client.get(url).content.decode()
    assert html.count('data-testid="timeline-episode"') == 12
    # Only the newest episode is open.
    assert html.count('data-testid="timeline-episode" open') == 1
    years = client.get(url).context["timeline_years"]
    chosen = years[-1].year
    one_year = client.get(url, {"year": chosen}).context["timeline_years"]
    assert [y.year for y in one_year] == [chosen]
    found_only = client.get(url, {"show": "history"}).context["timeline_years"]
    assert found_only == []
