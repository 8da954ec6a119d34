"""Which group an episode is in: the child's legal status and placement on the day it started.

The one place that applies the rule of `returnhome.lib.groups.group_for` to a child's history:
`episodes.services` calls `derive_group` when it opens an episode, `children.services` calls
`refresh_groups` when the child's history changes, and the bulk import commit calls `groups_for`
for many episodes at once (same rule, two queries in all).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import partial
from typing import TypeVar

from django.utils import timezone

from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.lib.groups import Group, group_for
from returnhome.organisations.models import Organisation

# Children per query when reading many children's histories (their ids written into the SQL).
ID_CHUNK = 5000

Period = TypeVar("Period", LegalStatus, Placement)


def in_force(periods: Iterable[Period], day: dt.date) -> Period | None:
    """The period in force on `day`: the latest start on or before it, not ended before it."""
    best = None
    for period in periods:
        current = period.start_date <= day and (period.end_date is None or period.end_date >= day)
        if current and (best is None or period.start_date > best.start_date):
            best = period
    return best


def group_from(
    council_id: int, status: LegalStatus | None, placement: Callable[[], Placement | None]
) -> Group:
    """The group given the legal status in force; `placement` is asked only for a looked after child."""
    looked_after = status is not None and status.status == LegalStatus.Status.LOOKED_AFTER
    placed = placement() if looked_after else None
    return group_for(
        council_id,
        looked_after=looked_after,
        responsible_council_id=status.responsible_council_id if status and looked_after else None,
        placement_council_id=placed.council_area_id if placed else None,
    )


def derive_group(child: Child, council: Organisation, started_at: dt.datetime) -> Group:
    """The episode's group: the child's legal status and placement on the local day it started."""
    day = timezone.localdate(started_at)
    return group_from(council.pk, child.legal_status_on(day), lambda: child.placement_on(day))


def groups_for(
    council: Organisation, starts: Iterable[tuple[int, dt.datetime]]
) -> dict[tuple[int, dt.datetime], Group]:
    """Each (child id, start) -> the episode's group: `derive_group` for many episodes at once."""
    wanted = list(starts)
    ids = sorted({child_id for child_id, _ in wanted})
    statuses: dict[int, list[LegalStatus]] = defaultdict(list)
    placements: dict[int, list[Placement]] = defaultdict(list)
    # The ids written into the SQL as numbers (ints, nothing else), in chunks of many: for the
    # tens of thousands of children of a large import, thousands of parameters a query cost the
    # ORM far more than the queries (most children have no legal status or placement recorded).
    for start in range(0, len(ids), ID_CHUNK):
        where = f"child_id IN ({', '.join(str(int(i)) for i in ids[start : start + ID_CHUNK])})"
        for status in LegalStatus.objects.extra(where=[where]):  # noqa: S610
            statuses[status.child_id].append(status)
        for place in Placement.objects.extra(where=[where]):  # noqa: S610
            placements[place.child_id].append(place)
    result: dict[tuple[int, dt.datetime], Group] = {}
    for child_id, started in wanted:
        day = timezone.localdate(started)
        placement = partial(in_force, placements[child_id], day)
        result[(child_id, started)] = group_from(
            council.pk, in_force(statuses[child_id], day), placement
        )
    return result


def refresh_groups(child: Child) -> int:
    """Re-derive the group of each of the child's episodes after its history changed.

    The stored group is derived from this app's records, so this app keeps it, through the
    child's `episodes` relation (episodes sit above children and are never imported here)."""
    changed = 0
    for episode in child.episodes.select_related("council"):
        group = derive_group(child, episode.council, episode.reported_missing_at)
        if group != episode.group:
            child.episodes.filter(pk=episode.pk).update(group=group)
            changed += 1
    return changed
