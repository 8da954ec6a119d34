"""A demo child's episodes written directly (`direct.DirectRows`): what
`episodes.services.record_missing`, `record_return` and the RHI referral it sets off
(`interviews.services.refer_rhi`) write, row for row and audit row for audit row, from the
child's legal status and placements read once rather than on every episode, with the alerts
to everyone responsible for a child placed out of area (`episodes.partners`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import email_on_commit
from returnhome.children.groups import group_from, in_force
from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.episodes.models import Episode, Notification
from returnhome.episodes.partners import responsible_for
from returnhome.interviews.models import RHI
from returnhome.interviews.services import deadlines_by_rule, provider_for
from returnhome.lib.clock import ClockRule, deadline
from returnhome.organisations.models import Organisation

from .direct import DirectRows, as_read


@dataclass
class Lookups:
    """What every child of a build shares, read once: each council's 72-hour rule and RHI
    provider, and who hears about a child placed out of area (none of them changes while the
    children are built)."""

    rules: dict[int, ClockRule] = field(default_factory=dict)
    providers: dict[int, int] = field(default_factory=dict)
    recipients: dict[tuple[int, int, int | None], list[User]] = field(default_factory=dict)


@dataclass
class ChildHistory:
    """One child's legal statuses and placements, as written, and the build's lookups."""

    child: Child
    statuses: list[LegalStatus]
    placements: list[Placement]
    lookups: Lookups

    def placement_on(self, day: dt.date) -> Placement | None:
        return in_force(self.placements, day)

    def responsible(self, episode: Episode, placement: Placement) -> list[User]:
        """The active users `tell_everyone_responsible` alerts, in the order it reads them
        (the same for every episode of a placement: read once)."""
        recipients = self.lookups.recipients
        key = (episode.council_id, placement.council_area_id, placement.rhi_provider_id)
        if key not in recipients:  # what responsible_for reads
            users: dict[int, User] = {}  # each once, as notify alerts them
            for user in User.objects.filter(responsible_for(episode, placement), is_active=True):
                users.setdefault(user.pk, user)
            recipients[key] = list(users.values())
        return recipients[key]

    def rule(self, council: Organisation) -> ClockRule:
        rules = self.lookups.rules
        if council.pk not in rules:
            rules[council.pk] = council.clock_rule()
        return rules[council.pk]

    def provider_id(self, episode: Episode) -> int:
        """`interviews.services.provider_for_episode`, from the placements read."""
        placement = self.placement_on(timezone.localdate(episode.reported_missing_at))
        if placement is not None and placement.out_of_area and placement.rhi_provider_id:
            return int(placement.rhi_provider_id)
        council = episode.council
        providers = self.lookups.providers
        if council.pk not in providers:
            providers[council.pk] = provider_for(council).pk
        return providers[council.pk]


def _tell(
    rows: DirectRows,
    history: ChildHistory,
    episode: Episode,
    *,
    event: str,
    acting_user: User | None,
) -> None:
    """What `episodes.partners.tell_everyone_responsible` writes (through `alerts.services.notify`,
    without a key): for a child placed out of area, an alert to each of everyone responsible."""
    placement = history.placement_on(timezone.localdate(episode.reported_missing_at))
    if placement is None or not placement.out_of_area:
        return
    council: Organisation = episode.council
    what = "reported missing" if event == "missing" else "back from missing"
    title = f"A child looked after by {council} and placed in {placement.council_area} is {what}"
    kind = Alert.Kind.PLACED_CHILD_MISSING
    link = reverse("episodes:detail", args=[episode.pk])
    now = timezone.now()
    alerts = []
    for user in history.responsible(episode, placement):
        alert = rows.add(
            Alert(
                recipient=user,
                kind=kind,
                title=title[:200],
                link=link,
                created_at=now,
                emailed_to=user.email or "",
                detail="",
                email_state=Alert.Email.PENDING if user.email else Alert.Email.NONE,
            )
        )
        rows.audit(acting_user, "send_alert", alert, recipient=user.pk, kind=kind)
        alerts.append(alert)
    email_on_commit(alerts)


def write_missing(
    rows: DirectRows,
    history: ChildHistory,
    *,
    reported_missing_at: dt.datetime,
    received_at: dt.datetime,
    source: str,
    acting_user: User | None,
    content: dict[str, Any],
    **details: Any,
) -> Episode:
    """What `record_missing(child, ..., check_permission=False)` writes."""
    child = history.child
    council = child.council
    day = timezone.localdate(reported_missing_at)
    group = group_from(
        council.pk, in_force(history.statuses, day), partial(in_force, history.placements, day)
    )
    episode = rows.add(
        Episode(
            child=child,
            council=council,
            group=group,
            reported_missing_at=reported_missing_at,
            **details,
        )
    )
    rows.add(
        Notification(
            episode=episode,
            council=council,
            event=Notification.Event.MISSING,
            source=source,
            received_at=received_at,
            content=content,
            recorded_by=acting_user,
        )
    )
    rows.audit(acting_user, "record_missing", episode, source=source, group=episode.group)
    _tell(rows, history, episode, event="missing", acting_user=acting_user)
    return episode


def write_return(
    rows: DirectRows,
    history: ChildHistory,
    episode: Episode,
    *,
    returned_at: dt.datetime,
    received_at: dt.datetime,
    source: str,
    acting_user: User | None,
    found_location: str,
    content: dict[str, Any],
) -> tuple[Episode, RHI]:
    """What `record_return(episode, ..., check_permission=False)` writes, with the RHI it
    refers; the episode and the RHI as the demo would read them back."""
    council = episode.council
    as_read(episode)  # record_return reads the episode again
    episode.returned_at = returned_at
    episode.found_location = found_location
    rows.add(
        Notification(
            episode=episode,
            council=council,
            event=Notification.Event.FOUND,
            source=source,
            received_at=received_at,
            content=content,
            recorded_by=acting_user,
        )
    )
    rows.audit(acting_user, "record_return", episode, source=source)
    _tell(rows, history, episode, event="found", acting_user=acting_user)
    # interviews.services.refer_rhi: the found notification, as read back, starts the clock.
    found_at = received_at.astimezone(dt.UTC)
    rule = history.rule(council)
    start = rule.start_at(returned_at, found_at)
    due = deadline(start, rule.count) if start else None
    rhi = rows.add(
        RHI(
            episode=episode,
            child_id=episode.child_id,
            council=council,
            provider_id=history.provider_id(episode),
            referred_at=received_at,
            clock_started_at=start,
            due_at=due,
            **deadlines_by_rule(returned_at, found_at),
        )
    )
    rows.audit(acting_user, "refer_rhi", rhi, provider=rhi.provider_id, due_at=due)
    return episode, rhi
