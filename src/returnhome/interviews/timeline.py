"""The child's RHIs and interviews on their timeline (`children.timeline`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse

from returnhome.access.policy import can_read_interviews
from returnhome.children.timeline import Entry
from returnhome.interviews.models import RHI, Interview

if TYPE_CHECKING:
    from returnhome.accounts.models import User
    from returnhome.children.models import Child


def rhi_entries(child: Child, user: User) -> Iterator[Entry]:
    """The offer and the outcome of each RHI."""
    for rhi in RHI.objects.visible_to(user).filter(child=child):
        if rhi.offer_made_at:
            yield Entry(
                rhi.offer_made_at,
                "offer",
                "RHI offered",
                rhi.get_offered_to_display(),
                reverse("interviews:rhi", args=[rhi.pk]),
                episode=rhi.episode_id,
            )
        if rhi.outcome and rhi.outcome_recorded_at:
            reason = f": {rhi.get_decline_reason_display()}" if rhi.decline_reason else ""
            yield Entry(
                rhi.outcome_recorded_at,
                "outcome",
                f"RHI {rhi.get_outcome_display().lower()}{reason}",
                rhi.outcome_note,
                reverse("interviews:rhi", args=[rhi.pk]),
                episode=rhi.episode_id,
            )


def interview_entries(child: Child, user: User) -> Iterator[Entry]:
    """The interviews, for those who may read interview records."""
    if not can_read_interviews(user):
        return
    for interview in (
        Interview.objects.visible_to(user).filter(child=child).select_related("conducted_by")
    ):
        yield Entry(
            interview.held_at,
            "interview",
            interview.get_kind_display(),
            f"By {interview.conducted_by}",
            reverse("interviews:interview", args=[interview.pk]),
        )
