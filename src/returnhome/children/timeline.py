"""A child's timeline: episodes, RHIs, interviews, actions, placements and legal status, in date order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from returnhome.access.policy import can_read_interviews
from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, Interview

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


def _day(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time.min))


def timeline_for(child: Child, user: User) -> list[Entry]:
    entries: list[Entry] = []
    for status in child.legal_statuses.select_related("responsible_council"):
        by = f" by {status.responsible_council}" if status.responsible_council else ""
        entries.append(
            Entry(_day(status.start_date), "status", f"{status.get_status_display()}{by}")
        )
    for placement in child.placements.select_related("council_area"):
        entries.append(
            Entry(
                _day(placement.start_date),
                "placement",
                f"Placed: {placement.get_placement_type_display()}",
                f"{placement.council_area} {placement.postcode}".strip(),
            )
        )
    for episode in (
        Episode.objects.visible_to(user).filter(child=child).select_related("police_force")
    ):
        entries.append(
            Entry(
                episode.reported_missing_at,
                "missing",
                f"Reported missing ({episode.group})",
                f"Risk: {episode.get_risk_level_display() or 'not known'}. From: {episode.missing_from}",
                reverse("episodes:detail", args=[episode.pk]),
            )
        )
        if episode.returned_at:
            entries.append(
                Entry(
                    episode.returned_at,
                    "found",
                    "Returned / found",
                    episode.found_location,
                    reverse("episodes:detail", args=[episode.pk]),
                )
            )
    for rhi in RHI.objects.visible_to(user).filter(child=child):
        if rhi.offer_made_at:
            entries.append(
                Entry(
                    rhi.offer_made_at,
                    "offer",
                    "RHI offered",
                    rhi.get_offered_to_display(),
                    reverse("interviews:rhi", args=[rhi.pk]),
                )
            )
        if rhi.outcome and rhi.outcome_recorded_at:
            reason = f": {rhi.get_decline_reason_display()}" if rhi.decline_reason else ""
            entries.append(
                Entry(
                    rhi.outcome_recorded_at,
                    "outcome",
                    f"RHI {rhi.get_outcome_display().lower()}{reason}",
                    rhi.outcome_note,
                    reverse("interviews:rhi", args=[rhi.pk]),
                )
            )
    if can_read_interviews(user):
        for interview in (
            Interview.objects.visible_to(user).filter(child=child).select_related("conducted_by")
        ):
            entries.append(
                Entry(
                    interview.held_at,
                    "interview",
                    interview.get_kind_display(),
                    f"By {interview.conducted_by}",
                    reverse("interviews:interview", args=[interview.pk]),
                )
            )
        actions = (
            ProposedAction.objects.visible_to(user).filter(child=child).select_related("interview")
        )
        for action in actions:
            entries.append(
                Entry(
                    action.interview.held_at,  # proposed at the interview
                    "action",
                    f"Action: {action.get_service_display()} — {action.get_status_display()}",
                    action.description,
                    reverse("followup:action", args=[action.pk]),
                )
            )
    return sorted(entries, key=lambda e: e.at, reverse=True)
