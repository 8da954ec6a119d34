"""The front door's decisions on notifications the system would not decide alone.

A `ReviewItem` (a police row, or a report from a children's home or any other source) is resolved
once: recorded on the suggested child, on another of the council's children, on a new child, added
to the child's open episode, recorded as a new episode, kept waiting for its missing notification
(found), or discarded. A `PendingNotification` (found before missing) is joined to an episode or
discarded. Each is atomic, goes through the services the web forms use, and is audited with who
decided and why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from returnhome.access.policy import can_record_notification
from returnhome.accounts.models import User
from returnhome.children import services as child_services
from returnhome.children.models import Child
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.commit.records import tag_police_key
from returnhome.imports.direct_reports.reporting import link_review_resolution
from returnhome.imports.front_door.details import Details, details_of
from returnhome.imports.models import PendingNotification, ReviewItem

Resolution = ReviewItem.Resolution
# A child's record was created with a notification when both were written within this time of
# each other (the import and the front door write them in one transaction).
CREATED_TOGETHER = dt.timedelta(seconds=120)

SAME_EPISODE = "same_episode"
NEW_EPISODE = "new_episode"
KEEP_WAITING = "keep_waiting"


# --------------------------------------------------------------------------- helpers


def _lock(item: ReviewItem, acting_user: User) -> ReviewItem:
    item = ReviewItem.objects.select_for_update().select_related("council").get(pk=item.pk)
    require(
        can_record_notification(acting_user, item.council),
        "Only the front door resolves notifications.",
    )
    if item.status != ReviewItem.Status.OPEN:
        when = timezone.localtime(item.resolved_at) if item.resolved_at else None
        raise ValidationError(
            {
                "__all__": [
                    f"This notification was already resolved ({item.get_resolution_display()}"
                    f"{f' by {item.resolved_by}' if item.resolved_by else ''}"
                    f"{f' on {when:%d/%m/%Y %H:%M}' if when else ''})."
                ]
            }
        )
    return item


def _need_reason(reason: str, what: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": [f"Say why you {what}"]})


def _council_child(item: ReviewItem, child: Child) -> Child:
    child = Child.objects.select_related("council").get(pk=child.pk)
    if child.council_id != item.council_id:
        raise ValidationError({"child": ["Choose one of your council's children"]})
    if child.merged_into_id is not None:
        raise ValidationError(
            {"child": [f"{child.full_name}'s record was merged into another: choose that one"]}
        )
    return child


def _resolve(
    item: ReviewItem,
    resolution: str,
    child: Child | None,
    *,
    acting_user: User,
    reason: str,
    **detail: Any,
) -> ReviewItem:
    item.status = ReviewItem.Status.RESOLVED
    item.resolution = resolution
    item.resolved_child = child
    item.resolved_by = acting_user
    item.resolved_at = timezone.now()
    item.resolution_reason = reason.strip()
    item.save()
    episode = detail.get("episode")
    if isinstance(episode, Episode):
        # A direct report (home, school, carer) follows the episode it was resolved onto, so its
        # return closes that episode and the police force told can open it.
        link_review_resolution(item, episode, acting_user=acting_user)
    record_write(
        acting_user,
        "resolve_review_item",
        item,
        resolution=resolution,
        reason=item.resolution_reason,
        child=child,
        suggested_child=item.suggested_child_id,
        **detail,
    )
    return item


def _add_notification(
    episode: Episode, item: ReviewItem, details: Details, acting_user: User
) -> Notification:
    note = Notification.objects.create(
        episode=episode,
        council_id=episode.council_id,
        event=details.event,
        source=details.source,
        received_at=item.received_at,
        content=details.content,
        recorded_by=acting_user,
        police_force=details.force,
        police_reference=details.reference,
    )
    record_write(
        acting_user, "add_notification", episode, source=details.source, event=details.event
    )
    return note


def _tag_if_police(episode: Episode, details: Details) -> None:
    if details.force is not None and details.reference:
        tag_police_key(episode, details.event, details.force.pk, details.reference)


def _join_waiting_found(episode: Episode, details: Details, acting_user: User) -> None:
    """A found notification for this reference that arrived first closes the episode now."""
    if details.force is None or not details.reference:
        return
    pending = (
        PendingNotification.objects.select_for_update()
        .filter(
            council_id=episode.council_id,
            police_force=details.force,
            police_reference=details.reference,
            status=PendingNotification.Status.WAITING,
        )
        .first()
    )
    if pending is not None and pending.event_at >= episode.reported_missing_at:
        _close_with_pending(pending, episode, acting_user)


def _close_with_pending(
    pending: PendingNotification, episode: Episode, acting_user: User
) -> Episode:
    if episode.is_open:
        episode_services.record_return(
            episode,
            returned_at=pending.event_at,
            received_at=pending.received_at,
            source=Notification.Source.POLICE,
            acting_user=acting_user,
            found_location=pending.found_location,
            content=pending.content,
        )
        tag_police_key(episode, "found", pending.police_force_id, pending.police_reference)
    else:
        Notification.objects.create(
            episode=episode,
            council_id=episode.council_id,
            event=Notification.Event.FOUND,
            source=Notification.Source.POLICE,
            received_at=pending.received_at,
            content=pending.content,
            recorded_by=acting_user,
            police_force_id=pending.police_force_id,
            police_reference=pending.police_reference,
        )
        record_write(acting_user, "add_notification", episode, source="police", event="found")
    pending.status = PendingNotification.Status.JOINED
    pending.episode = episode
    pending.joined_at = timezone.now()
    pending.save(update_fields=["status", "episode", "joined_at", "updated_at"])
    record_write(acting_user, "join_found_notification", pending, episode=episode.pk)
    return episode


def _record_missing(child: Child, item: ReviewItem, details: Details, user: User) -> Episode:
    episode = episode_services.record_missing(
        child,
        reported_missing_at=details.event_at,
        received_at=item.received_at,
        source=details.source,
        acting_user=user,
        last_seen_at=details.last_seen_at,
        missing_from=details.missing_from,
        police_force=details.force,
        police_reference=details.reference,
        risk_level=details.risk_level,
        circumstances=details.circumstances,
        content=details.content,
    )
    _tag_if_police(episode, details)
    _join_waiting_found(episode, details, user)
    return episode


def _by_reference(item: ReviewItem, details: Details) -> Episode | None:
    if details.force is None or not details.reference:
        return None
    return (
        Episode.objects.select_related("child")
        .filter(
            council=item.council, police_force=details.force, police_reference=details.reference
        )
        .first()
    )


def _keep_waiting(
    item: ReviewItem, details: Details, child: Child | None, acting_user: User
) -> PendingNotification:
    """Keep a police found notification until its missing one arrives (audited). The callers
    have checked it is a police notification with a reference."""
    assert details.force is not None
    pending = PendingNotification.objects.create(
        council=item.council,
        police_force=details.force,
        police_reference=details.reference,
        event=details.event,
        event_at=details.event_at,
        received_at=item.received_at,
        found_location=details.found_location,
        content=details.content,
        child=child,
    )
    record_write(
        acting_user, "keep_found_notification", pending, police_reference=details.reference
    )
    return pending


class Recorded(NamedTuple):
    """What recording a notification on a child did, and the episode it went to (none when the
    found notification was kept waiting)."""

    how: str
    episode: Episode | None


def _record_on_child(
    item: ReviewItem,
    child: Child,
    *,
    acting_user: User,
    mode: str = "",
    earlier_returned_at: dt.datetime | None = None,
    reason: str = "",
) -> Recorded:
    """Record the notification on the child: how, and the episode it went to."""
    details = details_of(item)
    same_reference = _by_reference(item, details)
    if same_reference is not None and same_reference.child_id != child.pk:
        raise ValidationError(
            {
                "child": [
                    f"Police reference {details.reference} is already recorded on "
                    f"{same_reference.child.full_name}'s episode"
                ]
            }
        )
    open_episode = child.episodes.open().order_by("-reported_missing_at").first()
    if details.event == Notification.Event.MISSING:
        if same_reference is not None:
            _add_notification(same_reference, item, details, acting_user)
            return Recorded("added", same_reference)
        if open_episode is None:
            return Recorded("opened", _record_missing(child, item, details, acting_user))
        return _missing_while_open(
            item,
            child,
            details,
            open_episode,
            acting_user=acting_user,
            mode=mode,
            earlier_returned_at=earlier_returned_at,
            reason=reason,
        )
    return _found(item, child, details, same_reference or open_episode, acting_user, mode)


def _missing_while_open(
    item: ReviewItem,
    child: Child,
    details: Details,
    open_episode: Episode,
    *,
    acting_user: User,
    mode: str,
    earlier_returned_at: dt.datetime | None,
    reason: str,
) -> Recorded:
    """A missing notification for a child already missing: the same episode, or a new one once
    the earlier one is closed with the time the child came back (the front door says which)."""
    if mode == SAME_EPISODE:
        _add_notification(open_episode, item, details, acting_user)
        return Recorded("added", open_episode)
    if mode == NEW_EPISODE:
        problems = Problems()
        if earlier_returned_at is None:
            problems.add(
                "earlier_returned_at", "Enter when the child came back from the earlier episode"
            )
        elif earlier_returned_at > details.event_at:
            problems.add(
                "earlier_returned_at",
                "The child must have come back before they were reported missing again",
            )
        problems.raise_if_any()
        assert earlier_returned_at is not None
        episode_services.record_return(
            open_episode,
            returned_at=earlier_returned_at,
            received_at=max(item.received_at, earlier_returned_at),
            source=Notification.Source.FRONT_DOOR,
            acting_user=acting_user,
            content={
                "recorded_by_the_front_door": "return inferred from a later missing notification",
                "review_item": item.pk,
                "reason": reason.strip(),
            },
        )
        return Recorded(
            "closed earlier and opened", _record_missing(child, item, details, acting_user)
        )
    local = timezone.localtime(open_episode.reported_missing_at)
    raise ValidationError(
        {
            "__all__": [
                f"{child.full_name} already has an open missing episode (reported "
                f"{local:%d/%m/%Y %H:%M}): add this notification to it, or record a new "
                "episode with the time the child came back from the earlier one"
            ]
        }
    )


def _found(
    item: ReviewItem,
    child: Child,
    details: Details,
    target: Episode | None,
    acting_user: User,
    mode: str,
) -> Recorded:
    """A found notification: it closes the episode (or is added to a closed one), or is kept
    waiting for its missing notification."""
    if mode != KEEP_WAITING and target is not None:
        if target.is_open:
            if details.event_at < target.reported_missing_at:
                raise ValidationError(
                    {"__all__": ["Found before the child was reported missing on that episode"]}
                )
            episode_services.record_return(
                target,
                returned_at=details.event_at,
                received_at=item.received_at,
                source=details.source,
                acting_user=acting_user,
                found_location=details.found_location,
                content=details.content,
            )
            _tag_if_police(target, details)
            return Recorded("closed", target)
        _add_notification(target, item, details, acting_user)
        return Recorded("added", target)
    if details.force is None or not details.reference:
        raise ValidationError(
            {"__all__": [f"{child.full_name} has no open missing episode for this to close"]}
        )
    _keep_waiting(item, details, child, acting_user)
    return Recorded("kept waiting", None)


# --------------------------------------------------------------------------- the decisions


def _matched(item: ReviewItem, child: Child, *, acting_user: User, reason: str) -> ReviewItem:
    """Record the notification on `child`'s file and resolve the item as matched."""
    how, episode = _record_on_child(item, child, acting_user=acting_user)
    return _resolve(
        item,
        Resolution.MATCHED,
        child,
        acting_user=acting_user,
        reason=reason,
        how=how,
        episode=episode,
    )


@transaction.atomic
def confirm_match(item: ReviewItem, *, acting_user: User, reason: str = "") -> ReviewItem:
    """The suggested child is right: record the notification on that child's file."""
    item = _lock(item, acting_user)
    if item.suggested_child is None:
        raise ValidationError({"__all__": ["No child was suggested: choose one"]})
    child = _council_child(item, item.suggested_child)
    return _matched(item, child, acting_user=acting_user, reason=reason)


@transaction.atomic
def match_to_child(item: ReviewItem, child: Child, *, acting_user: User, reason: str) -> ReviewItem:
    """Another of the council's children is the one: record it there."""
    item = _lock(item, acting_user)
    child = _council_child(item, child)
    if child.pk != item.suggested_child_id:
        _need_reason(reason, "chose this child")
    return _matched(item, child, acting_user=acting_user, reason=reason)


@transaction.atomic
def record_as_new_child(item: ReviewItem, *, acting_user: User, reason: str) -> ReviewItem:
    """None of the council's children: a new child's record from the notification."""
    item = _lock(item, acting_user)
    _need_reason(reason, "are sure this is a child we do not know")
    details = details_of(item)
    problems = Problems()
    if not details.child.get("forename") or not details.child.get("surname"):
        problems.add("__all__", "The notification has no name: find the child instead")
    problems.raise_if_any()
    child = child_services.create_child(item.council, acting_user=acting_user, **details.child)
    for alias in details.aliases:
        if not child.aliases.filter(name__iexact=alias).exists():
            child_services.add_alias(child, alias, acting_user=acting_user)
    how, episode = _record_on_child(item, child, acting_user=acting_user)
    return _resolve(
        item,
        Resolution.NEW_CHILD,
        child,
        acting_user=acting_user,
        reason=reason,
        how=how,
        episode=episode,
    )


def _open_episode_child(item: ReviewItem, child: Child | None) -> Child:
    if child is not None:
        return _council_child(item, child)
    if item.open_episode is not None:
        return _council_child(item, item.open_episode.child)
    if item.suggested_child is not None:
        return _council_child(item, item.suggested_child)
    raise ValidationError({"child": ["Choose the child"]})


@transaction.atomic
def add_to_open_episode(
    item: ReviewItem, *, acting_user: User, reason: str, child: Child | None = None
) -> ReviewItem:
    """A second missing notification about the episode already open: the same episode."""
    item = _lock(item, acting_user)
    _need_reason(reason, "think this is the same episode")
    child = _open_episode_child(item, child)
    how, episode = _record_on_child(item, child, acting_user=acting_user, mode=SAME_EPISODE)
    return _resolve(
        item,
        Resolution.MERGED,
        child,
        acting_user=acting_user,
        reason=reason,
        how=how,
        episode=episode,
    )


@transaction.atomic
def record_new_episode(
    item: ReviewItem,
    *,
    acting_user: User,
    reason: str,
    earlier_returned_at: dt.datetime | None,
    child: Child | None = None,
) -> ReviewItem:
    """The child came back in between: close the open episode then, and open a new one."""
    item = _lock(item, acting_user)
    _need_reason(reason, "think this is a new episode")
    child = _open_episode_child(item, child)
    how, episode = _record_on_child(
        item,
        child,
        acting_user=acting_user,
        mode=NEW_EPISODE,
        earlier_returned_at=earlier_returned_at,
        reason=reason,
    )
    return _resolve(
        item,
        Resolution.RECORDED,
        child,
        acting_user=acting_user,
        reason=reason,
        how=how,
        episode=episode,
    )


@transaction.atomic
def keep_waiting(
    item: ReviewItem, *, acting_user: User, reason: str, child: Child | None = None
) -> ReviewItem:
    """A found notification that belongs to no episode yet: keep it for its missing one."""
    item = _lock(item, acting_user)
    _need_reason(reason, "are keeping it waiting")
    if item.event != Notification.Event.FOUND:
        raise ValidationError({"__all__": ["Only a found notification waits for its missing one"]})
    chosen = child or item.suggested_child
    target = _council_child(item, chosen) if chosen is not None else None
    details = details_of(item)
    if details.force is None or not details.reference:
        raise ValidationError({"__all__": ["Only a police notification with a reference can wait"]})
    pending = _keep_waiting(item, details, target, acting_user)
    return _resolve(
        item,
        Resolution.KEPT_WAITING,
        target,
        acting_user=acting_user,
        reason=reason,
        pending=pending.pk,
    )


@transaction.atomic
def discard(item: ReviewItem, *, acting_user: User, reason: str) -> ReviewItem:
    """Not about a child of ours, or sent in error: recorded nowhere, kept here with why."""
    item = _lock(item, acting_user)
    _need_reason(reason, "are discarding it")
    return _resolve(item, Resolution.DISCARDED, None, acting_user=acting_user, reason=reason)


# --------------------------------------------------------------------------- found before missing


def _lock_pending(pending: PendingNotification, acting_user: User) -> PendingNotification:
    pending = (
        PendingNotification.objects.select_for_update().select_related("council").get(pk=pending.pk)
    )
    require(
        can_record_notification(acting_user, pending.council),
        "Only the front door resolves notifications.",
    )
    if pending.status != PendingNotification.Status.WAITING:
        raise ValidationError(
            {
                "__all__": [
                    f"This notification is no longer waiting ({pending.get_status_display()})"
                ]
            }
        )
    return pending


@transaction.atomic
def join_pending(
    pending: PendingNotification, episode: Episode, *, acting_user: User, reason: str
) -> PendingNotification:
    """The front door knows which episode a waiting found notification belongs to."""
    pending = _lock_pending(pending, acting_user)
    _need_reason(reason, "chose this episode")
    episode = Episode.objects.select_related("child").get(pk=episode.pk)
    problems = Problems()
    if episode.council_id != pending.council_id:
        problems.add("episode", "Choose one of your council's episodes")
    elif pending.event_at < episode.reported_missing_at:
        problems.add("episode", "The child was found before this episode started")
    problems.raise_if_any()
    _close_with_pending(pending, episode, acting_user)
    pending.resolved_by = acting_user
    pending.resolution_reason = reason.strip()
    pending.save(update_fields=["resolved_by", "resolution_reason", "updated_at"])
    record_write(
        acting_user,
        "resolve_found_notification",
        pending,
        episode=episode.pk,
        reason=reason.strip(),
    )
    return pending


@transaction.atomic
def discard_pending(
    pending: PendingNotification, *, acting_user: User, reason: str
) -> PendingNotification:
    pending = _lock_pending(pending, acting_user)
    _need_reason(reason, "are discarding it")
    pending.status = PendingNotification.Status.DISCARDED
    pending.resolved_by = acting_user
    pending.resolution_reason = reason.strip()
    pending.save(update_fields=["status", "resolved_by", "resolution_reason", "updated_at"])
    record_write(acting_user, "discard_found_notification", pending, reason=reason.strip())
    return pending


def created_the_child(note: Notification) -> bool:
    """The child's record was created with this notification (by the import or the front door):
    made at the same time, and this is the child's first episode.

    `note` is annotated with `child_first_missing`, the start of the child's first episode."""
    episode = note.episode
    if episode is None:
        return False
    first = getattr(note, "child_first_missing", None)
    return (
        abs(episode.child.created_at - note.created_at) < CREATED_TOGETHER
        and first is not None
        and episode.reported_missing_at <= first
    )
