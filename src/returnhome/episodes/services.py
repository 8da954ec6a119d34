"""Recording missing and found notifications, and the episodes they open and close."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from returnhome.access.policy import can_record_found, can_record_notification, records_for_child
from returnhome.accounts.models import User
from returnhome.children.groups import derive_group
from returnhome.children.models import Child
from returnhome.children.services import create_child
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.episodes.models import Episode, Notification
from returnhome.episodes.partners import tell_everyone_responsible
from returnhome.episodes.signals import episode_returned
from returnhome.organisations.models import Organisation


def episodes_going_back(records: dict[str, list[int]], keep: Child) -> list[str]:
    """Undoing a merge (`children.services.undo_merge`): the episodes that moved go back only if
    they are all still on the kept record."""
    moved = records.get("episodes.episode.child", [])
    elsewhere = Episode.objects.filter(pk__in=moved).exclude(child=keep).count()
    if elsewhere:
        return [
            f"{elsewhere} of the episodes that moved are no longer on {keep.full_name}'s record"
        ]
    return []


def _not_future(problems: Problems, field: str, value: dt.datetime | None, what: str) -> None:
    if value is not None and value > timezone.now() + dt.timedelta(minutes=5):
        problems.add(field, f"{what} cannot be in the future")


@transaction.atomic
def record_missing(
    child: Child,
    *,
    reported_missing_at: dt.datetime,
    received_at: dt.datetime,
    source: str,
    acting_user: User | None,
    last_seen_at: dt.datetime | None = None,
    missing_from: str = "",
    police_force: Organisation | None = None,
    police_reference: str = "",
    risk_level: str = "",
    classification: str = Episode.Classification.MISSING,
    reported_by: str = "",
    circumstances: str = "",
    content: dict[str, Any] | None = None,
    check_permission: bool = True,
) -> Episode:
    """A child has been reported missing: open an episode and keep the notification."""
    council = child.council
    if check_permission:
        require(
            records_for_child(acting_user, child),
            "Only the front door records notifications.",
        )
    problems = Problems()
    _not_future(problems, "reported_missing_at", reported_missing_at, "Reported missing time")
    _not_future(problems, "last_seen_at", last_seen_at, "Last seen time")
    _not_future(problems, "received_at", received_at, "Time the notification was received")
    # A time compared with another is judged only when that other is not itself wrong: a wrong
    # reported missing time must not flag an untouched field beside it.
    anchor_ok = "reported_missing_at" not in problems.errors
    if anchor_ok and last_seen_at is not None and last_seen_at > reported_missing_at:
        problems.add("last_seen_at", "Last seen must be before the child was reported missing")
    if anchor_ok and received_at < reported_missing_at - dt.timedelta(minutes=1):
        problems.add(
            "received_at",
            "The notification cannot be received before the child was reported missing",
        )
    if police_force is not None and police_force.kind != Organisation.Kind.POLICE:
        problems.add("police_force", "Choose a police force")
    open_episode = child.episodes.open().first()
    if open_episode is not None:
        local = timezone.localtime(open_episode.reported_missing_at)
        problems.add(
            "__all__",
            f"{child.full_name} is already missing (reported {local:%d/%m/%Y %H:%M}). "
            "Record their return on that episode first.",
        )
    problems.raise_if_any()
    episode = Episode.objects.create(
        child=child,
        council=council,
        group=derive_group(child, council, reported_missing_at),
        reported_missing_at=reported_missing_at,
        last_seen_at=last_seen_at,
        missing_from=missing_from,
        police_force=police_force,
        police_reference=police_reference,
        risk_level=risk_level,
        classification=classification,
        reported_by=reported_by,
        circumstances=circumstances,
    )
    Notification.objects.create(
        episode=episode,
        council=council,
        event=Notification.Event.MISSING,
        source=source,
        received_at=received_at,
        content=content or {},
        recorded_by=acting_user,
    )
    record_write(acting_user, "record_missing", episode, source=source, group=episode.group)
    tell_everyone_responsible(episode, event="missing", acting_user=acting_user)
    return episode


@transaction.atomic
def record_return(
    episode: Episode,
    *,
    returned_at: dt.datetime,
    received_at: dt.datetime,
    source: str,
    acting_user: User | None,
    found_location: str = "",
    content: dict[str, Any] | None = None,
    check_permission: bool = True,
) -> Episode:
    """The child is back: close the episode; `episode_returned` refers the RHI to the provider."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if check_permission:
        require(
            can_record_found(acting_user, episode),
            "Only the front door, or the police force handling the episode, records a return.",
        )
    problems = Problems()
    if not episode.is_open:
        problems.add("__all__", "This episode is already closed: the child's return was recorded.")
    _not_future(problems, "returned_at", returned_at, "Return time")
    _not_future(problems, "received_at", received_at, "Time the notification was received")
    if returned_at < episode.reported_missing_at:
        problems.add("returned_at", "The child cannot return before they were reported missing")
    if "returned_at" not in problems.errors and received_at < returned_at - dt.timedelta(minutes=1):
        problems.add(
            "received_at", "The found notification cannot be received before the child returned"
        )
    problems.raise_if_any()
    episode.returned_at = returned_at
    episode.found_location = found_location
    episode.save(update_fields=["returned_at", "found_location", "updated_at"])
    Notification.objects.create(
        episode=episode,
        council=episode.council,
        event=Notification.Event.FOUND,
        source=source,
        received_at=received_at,
        content=content or {},
        recorded_by=acting_user,
    )
    record_write(acting_user, "record_return", episode, source=source)
    tell_everyone_responsible(episode, event="found", acting_user=acting_user)
    episode_returned.send(
        Episode, episode=episode, acting_user=acting_user, received_at=received_at
    )
    return episode


@transaction.atomic
def record_missing_with_child(
    child: Child | None,
    new_child: dict[str, Any] | None,
    *,
    council: Organisation,
    acting_user: User,
    **notification: Any,
) -> Episode:
    """Record a missing notification for an existing child, or a new child: all or nothing."""
    if child is None:
        require(
            can_record_notification(acting_user, council),
            "Only the front door records notifications.",
        )
        child = create_child(council, acting_user=acting_user, **(new_child or {}))
    return record_missing(child, acting_user=acting_user, **notification)
