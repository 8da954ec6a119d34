"""A child's timeline: episodes, RHIs, interviews, actions, placements and legal status, in date order.

This app writes the child's own history (legal status, placements); each app above it adds its
records with `add_source` from its `AppConfig.ready()` (episodes, then interviews, then followup:
the order of INSTALLED_APPS, which is the order entries at the same moment keep).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from returnhome.access.policy import child_sections

if TYPE_CHECKING:
    from returnhome.accounts.models import User
    from returnhome.children.models import Child


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str
    title: str
    text: str = ""
    url: str = ""


Source = Callable[["Child", "User"], Iterable[Entry]]
_sources: list[Source] = []


def add_source(source: Source) -> None:
    """Add the entries `source(child, user)` gives to every child's timeline (once)."""
    if source not in _sources:
        _sources.append(source)


def _day(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time.min))


def timeline_for(child: Child, user: User) -> list[Entry]:
    entries: list[Entry] = []
    sections = child_sections(user, child)
    if "legal_status" not in sections:
        return _from_sources(child, user, entries)
    for status in child.legal_statuses.select_related("responsible_council"):
        by = f" by {status.responsible_council}" if status.responsible_council else ""
        entries.append(
            Entry(_day(status.start_date), "status", f"{status.get_status_display()}{by}")
        )

    def postcode(placement: Any) -> str:
        return placement.postcode if "placement_addresses" in sections else ""

    for placement in child.placements.select_related("council_area"):
        entries.append(
            Entry(
                _day(placement.start_date),
                "placement",
                f"Placed: {placement.get_placement_type_display()}",
                f"{placement.council_area} {postcode(placement)}".strip(),
            )
        )
    return _from_sources(child, user, entries)


def _from_sources(child: Child, user: User, entries: list[Entry]) -> list[Entry]:
    for source in _sources:
        entries.extend(source(child, user))
    return sorted(entries, key=lambda e: e.at, reverse=True)
