"""The child's proposed actions on their timeline (`children.timeline`), at their interview."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse

from returnhome.access.policy import can_read_interviews
from returnhome.children.timeline import Entry
from returnhome.followup.models import ProposedAction

if TYPE_CHECKING:
    from returnhome.accounts.models import User
    from returnhome.children.models import Child


def action_entries(child: Child, user: User) -> Iterator[Entry]:
    """Actions are part of the interview record: for those who may read interview records."""
    if not can_read_interviews(user):
        return
    actions = (
        ProposedAction.objects.visible_to(user).filter(child=child).select_related("interview")
    )
    for action in actions:
        yield Entry(
            action.interview.held_at,  # proposed at the interview
            "action",
            f"Action: {action.get_service_display()} — {action.get_status_display()}",
            action.description,
            reverse("followup:action", args=[action.pk]),
        )
