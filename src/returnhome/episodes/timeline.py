"""The child's episodes on their timeline (`children.timeline`): reported missing, and found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse

from returnhome.children.timeline import Entry
from returnhome.episodes.models import Episode
from returnhome.lib.groups import GROUP_LABELS, Group, group_counted_by

if TYPE_CHECKING:
    from returnhome.accounts.models import User
    from returnhome.children.models import Child


def _group_in_words(episode: Episode, user: User) -> str:
    """The group as the reader's council counts it (decision 0039), code and meaning."""
    org = user.organisation
    reader = org.pk if org is not None and org.kind == "council" else None
    code = group_counted_by(episode.group, episode.council_id, reader)
    try:
        return f"{code}, {GROUP_LABELS[Group(code)]}"
    except ValueError:
        return "not known"


def episode_entries(child: Child, user: User) -> Iterator[Entry]:
    for episode in (
        Episode.objects.visible_to(user).filter(child=child).select_related("police_force")
    ):
        where = f" From: {episode.missing_from}." if episode.missing_from else ""
        yield Entry(
            episode.reported_missing_at,
            "missing",
            "Reported missing",
            f"Risk: {episode.get_risk_level_display() or 'not known'}.{where} "
            f"Group: {_group_in_words(episode, user)}.",
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
