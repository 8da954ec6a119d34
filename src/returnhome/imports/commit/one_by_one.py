"""Carrying out a police notification plan one notification at a time, through the services the
web forms use (children.services.create_child/add_alias, episodes.services.record_missing/
record_return, which refers the RHI). The HTTP API uses this path for small batches; `bulk`
writes the same records and audit rows for files.
"""

from __future__ import annotations

from django.db import transaction

from returnhome.accounts.models import User
from returnhome.children import services as child_services
from returnhome.children.models import Child
from returnhome.core.audit import record_write
from returnhome.core.db import bulk_write
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode
from returnhome.imports.commit.records import (
    SOURCE,
    Outcome,
    add_notification,
    child_fields,
    keep_pending,
    send_to_review,
    tag_police_key,
)
from returnhome.imports.models import ImportRun, PendingNotification
from returnhome.imports.police.pipeline import Action, Plan
from returnhome.organisations.models import Organisation


class _OneByOne:
    """One plan being committed: the records written so far, by the plan's ids."""

    def __init__(self, plan: Plan, acting_user: User | None, run: ImportRun | None) -> None:
        self.plan = plan
        self.acting_user = acting_user
        self.run = run
        self.children: dict[int, Child] = {}
        self.episodes: dict[int, Episode] = {}
        self.forces: dict[int, Organisation] = {}

    def child(self, child_id: int) -> Child:
        if child_id not in self.children:
            self.children[child_id] = Child.objects.select_related("council").get(pk=child_id)
        return self.children[child_id]

    def episode(self, episode_id: int) -> Episode:
        if episode_id not in self.episodes:
            self.episodes[episode_id] = Episode.objects.get(pk=episode_id)
        return self.episodes[episode_id]

    def force(self, force_id: int) -> Organisation:
        if force_id not in self.forces:
            self.forces[force_id] = Organisation.objects.get(pk=force_id)
        return self.forces[force_id]

    def carry_out(self, action: Action) -> None:
        if action.kind == "new_child":
            self.new_child(action)
        elif action.kind == "open":
            self.open(action)
        elif action.kind == "close":
            self.close(action)
        elif action.kind == "add":
            assert action.notice is not None and action.episode_id is not None
            add_notification(
                self.episode(action.episode_id),
                action.notice,
                received_at=self.plan.received_at,
                acting_user=self.acting_user,
            )
        elif action.kind == "pending":
            assert action.notice is not None
            who = self.child(action.child_id) if action.child_id is not None else None
            keep_pending(self.plan, action.notice, who, acting_user=self.acting_user, run=self.run)
        elif action.kind == "review":
            send_to_review(self.plan, action, acting_user=self.acting_user, run=self.run)
        else:  # pragma: no cover
            raise ValueError(action.kind)

    def new_child(self, action: Action) -> None:
        notice = action.notice
        assert notice is not None and action.child_id is not None
        new = child_services.create_child(
            self.plan.council, acting_user=self.acting_user, **child_fields(notice)
        )
        for alias in notice.aliases:
            child_services.add_alias(new, alias, acting_user=self.acting_user)
        self.children[action.child_id] = new

    def open(self, action: Action) -> None:
        notice = action.notice
        assert notice is not None and action.child_id is not None and action.episode_id is not None
        opened = episode_services.record_missing(
            self.child(action.child_id),
            reported_missing_at=notice.event_at,
            received_at=self.plan.received_at,
            source=SOURCE,
            acting_user=self.acting_user,
            last_seen_at=notice.last_seen_at,
            missing_from=notice.missing_from,
            police_force=self.force(notice.force_id),
            police_reference=notice.police_reference,
            risk_level=notice.risk_level,
            circumstances=notice.circumstances,
            content=notice.content(),
            check_permission=False,
        )
        tag_police_key(opened, "missing", notice.force_id, notice.police_reference)
        self.episodes[action.episode_id] = opened

    def close(self, action: Action) -> None:
        assert action.episode_id is not None
        target = self.episode(action.episode_id)
        if action.pending_id is not None:
            closed = self.close_with_pending(target, action.pending_id)
        else:
            notice = action.notice
            assert notice is not None
            closed = episode_services.record_return(
                target,
                returned_at=notice.event_at,
                received_at=self.plan.received_at,
                source=SOURCE,
                acting_user=self.acting_user,
                found_location=notice.found_location,
                content=notice.content(),
                check_permission=False,
            )
            tag_police_key(closed, "found", notice.force_id, notice.police_reference)
        self.episodes[action.episode_id] = closed

    def close_with_pending(self, target: Episode, pending_id: int) -> Episode:
        """Record the return a found notification kept waiting reports, and join it."""
        pending = PendingNotification.objects.select_for_update().get(pk=pending_id)
        closed = episode_services.record_return(
            target,
            returned_at=pending.event_at,
            received_at=pending.received_at,
            source=SOURCE,
            acting_user=self.acting_user,
            found_location=pending.found_location,
            content=pending.content,
            check_permission=False,
        )
        tag_police_key(closed, "found", pending.police_force_id, pending.police_reference)
        pending.status = PendingNotification.Status.JOINED
        pending.episode = closed
        pending.joined_at = self.plan.received_at
        pending.save(update_fields=["status", "episode", "joined_at", "updated_at"])
        record_write(self.acting_user, "join_found_notification", pending, episode=closed.pk)
        return closed


@transaction.atomic
def commit_rows(plan: Plan, *, acting_user: User | None, run: ImportRun | None = None) -> Outcome:
    """Carry out the plan through the product's services, one notification at a time."""
    committing = _OneByOne(plan, acting_user, run)
    with bulk_write():  # the report facts derived once, for the children touched
        for action in plan.actions:
            committing.carry_out(action)
    return Outcome(
        run,
        {k: v.pk for k, v in committing.episodes.items()},
        {k: v.pk for k, v in committing.children.items()},
    )
