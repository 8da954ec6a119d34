"""Everyone responsible for a child placed out of area hears when they go missing or come back
(issue 12): the responsible council's front door, the host council's front door, the RHI provider
named for the placement, and the police forces of both areas — whichever way the notification
arrived. The alert never names the child (decision 0013)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from returnhome.access.roles import front_door_users, police_coordinator_users, rhi_manager_users
from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import notify
from returnhome.children.models import Placement
from returnhome.core.db import chunked
from returnhome.episodes.models import Episode
from returnhome.organisations.models import Organisation


def placement_out_of_area(episode: Episode) -> Placement | None:
    """The out-of-area placement the child was in when reported missing, if any."""
    day = timezone.localdate(episode.reported_missing_at)
    placement = episode.child.placement_on(day)
    return placement if placement is not None and placement.out_of_area else None


def responsible_for(episode: Episode, placement: Placement) -> Q:
    """The users to tell: both councils' front doors, the named provider's managers, both
    forces' coordinators."""
    council, host = episode.council, placement.council_area
    provider = placement.rhi_provider or council
    forces = [f for f in (council.police_force_id, host.police_force_id) if f is not None]
    return (
        (front_door_users() & Q(organisation_id__in=[council.pk, host.pk]))
        | (rhi_manager_users() & Q(organisation_id=provider.pk))
        | (police_coordinator_users() & Q(organisation_id__in=forces))
    )


def tell_everyone_responsible(episode: Episode, *, event: str, acting_user: User | None) -> bool:
    """Alert everyone responsible for a child placed out of area that they went missing
    (`event` "missing") or came back ("found"); whether they were. Nothing for a child placed
    in their council's own area."""
    placement = placement_out_of_area(episode)
    if placement is None:
        return False
    council: Organisation = episode.council
    what = "reported missing" if event == "missing" else "back from missing"
    notify(
        User.objects.filter(responsible_for(episode, placement), is_active=True),
        kind=Alert.Kind.PLACED_CHILD_MISSING,
        title=f"A child looked after by {council} and placed in {placement.council_area} is {what}",
        link=reverse("episodes:detail", args=[episode.pk]),
        acting_user=acting_user,
    )
    return True


def tell_everyone_responsible_for(
    events: Iterable[tuple[Episode, str]], *, acting_user: User | None
) -> int:
    """What the bulk paths (a police file's bulk commit, the history import) wrote, told as
    `record_missing` and `record_return` tell it, one (episode, "missing" or "found") at a time:
    whoever is responsible for a child placed out of area hears, whether or not the placement
    names an RHI provider. One query finds the few children with an out-of-area placement among
    the many; only their episodes are looked at again. Returns how many events were told."""
    pairs = list(events)
    children = sorted({episode.child_id for episode, _event in pairs})
    placed: set[int] = set()
    for part in chunked(children):
        placed.update(
            Placement.objects.filter(child_id__in=part, out_of_area=True).values_list(
                "child_id", flat=True
            )
        )
    told = 0
    for episode, event in pairs:
        if episode.child_id in placed:
            told += tell_everyone_responsible(episode, event=event, acting_user=acting_user)
    return told
