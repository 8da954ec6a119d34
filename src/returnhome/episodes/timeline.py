"""The child's episodes on their timeline (`children.timeline`): reported missing, and found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse

from returnhome.children.timeline import Entry
from returnhome.episodes.models import Episode

if TYPE_CHECKING:
    from returnhome.accounts.models import User
    from returnhome.children.models import Child


def episode_entries(child: Child, user: User) -> Iterator[Entry]:
    for episode in (
        Episode.objects.visible_to(user).filter(child=child).select_related("police_force")
    ):
        yield Entry(
            episode.reported_missing_at,
            "missing",
            f"Reported missing ({episode.group})",
            f"Risk: {episode.get_risk_level_display() or 'not known'}. From: {episode.missing_from}",
            reverse("episodes:detail", args=[episode.pk]),
            episode=episode.pk,
        )
        if episode.returned_at:
            yield Entry(
                episode.returned_at,
                "found",
                "Returned / found",
                episode.found_location,
                reverse("episodes:detail", args=[episode.pk]),
                episode=episode.pk,
            )
