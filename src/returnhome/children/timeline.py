"""A child's timeline: episodes, RHIs, interviews, actions, placements and legal status, in date order.

This app writes the child's own history (legal status, placements); each app above it adds its
records with `add_source` from its `AppConfig.ready()` (episodes, then interviews, then followup:
the order of INSTALLED_APPS, which is the order entries at the same moment keep).

A child missing 68 times has hundreds of entries: `grouped` puts them by year, and within a year
by episode (an entry names its episode, or falls under the last episode that began before it:
an interview, its actions), so the page shows one line per episode, opened on demand; `SHOWS`
are the filters (what kinds of entries), and a year may be chosen.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
    episode: int | None = None  # the episode the entry belongs to, when it belongs to one


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


SHOWS: dict[str, tuple[str, frozenset[str]]] = {
    "episodes": ("Missing and found", frozenset({"missing", "found"})),
    "rhis": ("RHIs and interviews", frozenset({"offer", "outcome", "interview"})),
    "actions": ("Actions", frozenset({"action"})),
    "sharing": ("Shared with the police", frozenset({"sharing"})),  # added by the sharing app
    "history": ("Legal status and placements", frozenset({"status", "placement"})),
}
"""The timeline's filters: a name, its label and the entry kinds it shows."""


@dataclass
class EpisodeGroup:
    """One episode's entries, newest first; `start`/`end` from its missing and found entries."""

    episode: int
    start: Entry | None = None
    end: Entry | None = None
    entries: list[Entry] = field(default_factory=list)


@dataclass
class YearGroup:
    year: int
    episodes: list[EpisodeGroup] = field(default_factory=list)
    other: list[Entry] = field(default_factory=list)  # legal status, placements, unattached

    @property
    def size(self) -> int:
        return len(self.other) + sum(len(g.entries) for g in self.episodes)


def _episode_of(entry: Entry, starts: list[tuple[dt.datetime, int]]) -> int | None:
    if entry.episode is not None:
        return entry.episode
    if entry.kind in {"status", "placement"}:
        return None
    at = bisect_right(starts, (entry.at, 2**63)) - 1
    return starts[at][1] if at >= 0 else None


def grouped(entries: list[Entry], shows: frozenset[str] | None = None) -> list[YearGroup]:
    """The entries (any order) by year (newest first), then by episode within the year; only the
    kinds `shows` names (every kind when None). An episode sits in the year it began."""
    starts = sorted((e.at, e.episode) for e in entries if e.kind == "missing" and e.episode)
    years: dict[int, YearGroup] = {}
    episodes: dict[int, EpisodeGroup] = {}
    start_year = {episode: timezone.localtime(at).year for at, episode in starts}
    for entry in sorted(entries, key=lambda e: e.at, reverse=True):
        episode = _episode_of(entry, starts)
        if episode is not None and episode not in episodes:
            episodes[episode] = EpisodeGroup(episode)
        group = episodes.get(episode) if episode is not None else None
        if group is not None:
            if entry.kind == "missing":
                group.start = entry
            elif entry.kind == "found":
                group.end = entry
        if shows is not None and entry.kind not in shows:
            continue
        if group is not None:
            group.entries.append(entry)
        else:
            year = timezone.localtime(entry.at).year
            years.setdefault(year, YearGroup(year)).other.append(entry)
    for episode, group in episodes.items():
        year = start_year.get(episode) or timezone.localtime(group.entries[-1].at).year
        if group.entries:
            years.setdefault(year, YearGroup(year)).episodes.append(group)
    for year_group in years.values():
        year_group.episodes.sort(
            key=lambda g: g.start.at if g.start else g.entries[-1].at, reverse=True
        )
    return [years[year] for year in sorted(years, reverse=True)]
