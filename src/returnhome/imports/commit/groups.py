"""The episode group of many new episodes at once, for the bulk commit.

The rule of `episodes.services.derive_group` (the legal status and placement in force on the UK
day the episode started, through `lib.groups.group_for`), read for many children in a few
queries. Kept apart so it can give way to the one group rule the episodes app offers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from returnhome.children.models import LegalStatus, Placement
from returnhome.core.db import chunked
from returnhome.lib.groups import Group, group_for
from returnhome.organisations.models import Organisation


def _on(periods: list[Any], day: dt.date) -> Any:
    """The period in force on `day`: the latest start on or before it, not ended before it."""
    best = None
    for period in periods:
        current = period.start_date <= day and (period.end_date is None or period.end_date >= day)
        if current and (best is None or period.start_date > best.start_date):
            best = period
    return best


def groups_for(
    council: Organisation, starts: Iterable[tuple[int, dt.datetime]]
) -> dict[tuple[int, dt.datetime], Group]:
    """Each (child, start) -> the episode's group; the rule of episodes.services.derive_group."""
    wanted = list(starts)
    ids = sorted({child_id for child_id, _ in wanted})
    statuses: dict[int, list[LegalStatus]] = defaultdict(list)
    placements: dict[int, list[Placement]] = defaultdict(list)
    for part in chunked(ids):
        for status in LegalStatus.objects.filter(child_id__in=part):
            statuses[status.child_id].append(status)
        for place in Placement.objects.filter(child_id__in=part):
            placements[place.child_id].append(place)
    result: dict[tuple[int, dt.datetime], Group] = {}
    for child_id, started in wanted:
        if child_id not in statuses:
            result[(child_id, started)] = Group.MFH
            continue
        day = timezone.localdate(started)
        status = _on(statuses[child_id], day)
        looked_after = status is not None and status.status == LegalStatus.Status.LOOKED_AFTER
        placement = _on(placements[child_id], day) if looked_after else None
        result[(child_id, started)] = group_for(
            council.pk,
            looked_after=looked_after,
            responsible_council_id=status.responsible_council_id
            if status and looked_after
            else None,
            placement_council_id=placement.council_area_id if placement else None,
        )
    return result
