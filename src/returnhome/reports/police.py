"""Figures about working with the police, for one council (docs/formats/indicators.md,
"Police: sharing and found notifications"):

- information sharing (Box P): forms sent in the period, per force — sent, acknowledged, with
  feedback, median days to feedback;
- police timeliness: the time from a child's return to the council receiving the police's found
  notification, per force and UK month of the return.

Counts are grouped in the database; a median is taken over the period's durations (one per
sending or episode) as the database returns them.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Min, OuterRef, Subquery

from returnhome.episodes.models import Episode, Notification
from returnhome.lib.clock import uk_month
from returnhome.organisations.models import Organisation
from returnhome.reports.indicators import period_bounds
from returnhome.sharing.models import SharingRecipient

NO_FORCE = "Force not recorded"
ALL_FORCES = "All forces"
TIMELY_HOURS = 24


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


@dataclass
class ForceSharing:
    force: str
    sent: int = 0
    acknowledged: int = 0
    with_feedback: int = 0
    median_days_to_feedback: float | None = None


def sharing_by_force(
    council: Organisation, date_from: dt.date, date_to: dt.date
) -> list[ForceSharing]:
    """Each force's sendings of the council's forms sent in the period (UK dates), then all forces.
    A form sent to two forces counts once for each."""
    start, end = period_bounds(date_from, date_to)
    rows = SharingRecipient.objects.filter(
        form__council_id=council.pk, sent_at__gte=start, sent_at__lt=end
    ).values_list("force__name", "sent_at", "received_at", "feedback_at")
    by_force: dict[str, ForceSharing] = {}
    days: dict[str, list[float]] = defaultdict(list)
    total = ForceSharing(ALL_FORCES)
    for force, sent_at, received_at, feedback_at in rows.order_by("force__name"):
        for figures in (by_force.setdefault(force, ForceSharing(force)), total):
            figures.sent += 1
            figures.acknowledged += received_at is not None
            figures.with_feedback += feedback_at is not None
            if feedback_at is not None:
                days[figures.force].append((feedback_at - sent_at).total_seconds() / 86400)
    result = [*by_force.values(), total]
    for figures in result:
        figures.median_days_to_feedback = _median(days[figures.force])
    return result


@dataclass
class FoundTimeliness:
    force: str
    month: str  # YYYY-MM, the UK month of the return
    returned: int = 0
    notified: int = 0  # with a found notification from the police
    median_hours: float | None = None
    within_24_hours: int = 0


def found_timeliness(
    council: Organisation, date_from: dt.date, date_to: dt.date
) -> list[FoundTimeliness]:
    """Per force (the episode's) and UK month of return, the council's episodes that returned in
    the period: how many, how many the police sent a found notification for, the median hours
    from the return to the first one received, and how many arrived within 24 hours. A
    notification received before the recorded return counts as 0 hours."""
    start, end = period_bounds(date_from, date_to)
    first_found = (
        Notification.objects.filter(
            episode_id=OuterRef("pk"),
            event=Notification.Event.FOUND,
            source=Notification.Source.POLICE,
        )
        .order_by()
        .values("episode_id")
        .annotate(first=Min("received_at"))
        .values("first")
    )
    rows = (
        Episode.objects.filter(council_id=council.pk, returned_at__gte=start, returned_at__lt=end)
        .annotate(first_found=Subquery(first_found))
        .values_list("police_force__name", "returned_at", "first_found")
    )
    groups: dict[tuple[str, str], FoundTimeliness] = {}
    hours: dict[tuple[str, str], list[float]] = defaultdict(list)
    for force, returned_at, found_at in rows:
        assert returned_at is not None
        month = uk_month(returned_at)
        key = (force or NO_FORCE, f"{month // 100}-{month % 100:02d}")
        figures = groups.setdefault(key, FoundTimeliness(*key))
        figures.returned += 1
        if found_at is not None:
            delay = max((found_at - returned_at).total_seconds() / 3600, 0.0)
            figures.notified += 1
            figures.within_24_hours += delay <= TIMELY_HOURS
            hours[key].append(delay)
    for key, figures in groups.items():
        figures.median_hours = _median(hours[key])
    return [groups[k] for k in sorted(groups)]
