"""Carrying out a police notification plan in bulk: the fast path for files.

It writes the records `one_by_one` writes through the services, with bulk inserts
(`core.db.fast_insert`): the group of each new episode from the legal status and placement on the
day it started (`children.groups.groups_for`, the one group rule), the RHI
deadline with the council's `ClockRule` and `interviews.services.provider_for` (what `refer_rhi`
does), and one audit row per record with the action and detail the services write.
tests/imports/test_import_paths.py checks both paths give the same records.

The steps, in the order they write: new children and their aliases; episodes opened (closed at
once when their found notification is in the same plan); episodes already recorded that close
now; the found notifications and the RHIs the returns refer; pending found notifications joined;
further notifications; found notifications kept waiting and the front door's review items; then
the audit rows, in that order.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.groups import groups_for
from returnhome.children.models import Alias, Child
from returnhome.core.audit import insert_chained
from returnhome.core.db import bulk_write, chunked, fast_insert, unsaved
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode, Notification
from returnhome.episodes.partners import tell_everyone_responsible_for
from returnhome.imports.commit.one_by_one import commit_rows
from returnhome.imports.commit.records import (
    SOURCE,
    Outcome,
    audit_row,
    child_fields,
    pending_fields,
    review_fields,
)
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.imports.police.pipeline import Action, Plan
from returnhome.interviews.models import RHI
from returnhome.interviews.services import (
    deadlines_by_rule,
    due_field,
    every_rule,
    provider_for,
)
from returnhome.lib.clock import ClockStart, deadline
from returnhome.organisations.models import Organisation

BATCH = 2000
LAST_STAGES: dict[str, Any] = {}


class Found(NamedTuple):
    """What a found notification says, from the file or from one kept waiting."""

    returned_at: dt.datetime
    received_at: dt.datetime
    found_location: str
    content: dict[str, Any]
    force_id: int
    police_reference: str


@dataclass
class _Batch:
    """One plan being committed in bulk: what is written so far, and the audit rows to write."""

    plan: Plan
    council: Organisation
    actor: User | None
    run: ImportRun | None
    audit: list[AuditEvent] = field(default_factory=list)
    children: dict[int, int] = field(default_factory=dict)  # plan's child id -> pk
    episodes: dict[int, int] = field(default_factory=dict)  # plan's episode id -> pk
    episode_objs: dict[int, Episode] = field(default_factory=dict)
    pendings_joined: dict[int, PendingNotification] = field(default_factory=dict)
    close_of: dict[int, Action] = field(default_factory=dict)  # episode id -> its close

    @property
    def actor_id(self) -> int | None:
        return self.actor.pk if self.actor is not None else None

    @property
    def received(self) -> dt.datetime:
        return self.plan.received_at

    def child_pk(self, child_id: int) -> int:
        return self.children[child_id] if child_id < 0 else child_id

    def found(self, action: Action) -> Found:
        if action.pending_id is not None:
            p = self.pendings_joined[action.pending_id]
            return Found(
                p.event_at,
                p.received_at,
                p.found_location,
                p.content,
                p.police_force_id,
                p.police_reference,
            )
        n = action.notice
        assert n is not None
        return Found(
            n.event_at,
            self.received,
            n.found_location,
            n.content(),
            n.force_id,
            n.police_reference,
        )

    def notification(self, episode_id: int, **fields: Any) -> Notification:
        """A police notification about `episode_id`, not yet saved."""
        return unsaved(
            Notification,
            episode_id=episode_id,
            council_id=self.council.pk,
            source=SOURCE,
            recorded_by_id=self.actor_id,
            **fields,
        )


def _new_children(batch: _Batch) -> None:
    new_children = [a for a in batch.plan.actions if a.kind == "new_child"]
    created_children: list[Child] = []
    for part in chunked(new_children, BATCH):
        new_objs = [
            unsaved(Child, council_id=batch.council.pk, **child_fields(a.notice))
            for a in part
            if a.notice
        ]
        fast_insert(Child, new_objs)
        for action, new in zip(part, new_objs, strict=True):
            assert action.child_id is not None and action.notice is not None
            batch.children[action.child_id] = new.pk
            created_children.append(new)
            batch.audit.append(
                audit_row(batch.actor, "create_child", new, fields=child_fields(action.notice))
            )
    alias_objs = [
        Alias(child_id=batch.children[a.child_id], name=name.strip(), kind=Alias.Kind.ALIAS)
        for a in new_children
        if a.notice and a.child_id is not None
        for name in a.notice.aliases
    ]
    fast_insert(Alias, alias_objs)
    by_pk = {c.pk: c for c in created_children}
    for alias in alias_objs:
        batch.audit.append(
            audit_row(
                batch.actor, "add_alias", by_pk[alias.child_id], alias=alias.name, kind=alias.kind
            )
        )


def _new_episode(batch: _Batch, action: Action, group: str) -> Episode:
    n = action.notice
    assert n is not None and action.child_id is not None
    episode = unsaved(
        Episode,
        child_id=batch.child_pk(action.child_id),
        council_id=batch.council.pk,
        group=group,
        reported_missing_at=n.event_at,
        last_seen_at=n.last_seen_at,
        missing_from=n.missing_from,
        police_force_id=n.force_id,
        police_reference=n.police_reference,
        risk_level=n.risk_level,
        classification=Episode.Classification.MISSING,
        circumstances=n.circumstances,
    )
    closing = batch.close_of.get(action.episode_id or 0)
    if closing is not None:
        found = batch.found(closing)
        episode.returned_at = found.returned_at
        episode.found_location = found.found_location
    return episode


def _open_episodes(batch: _Batch, opens: list[Action]) -> None:
    """Episodes opened, each with its missing notification."""
    groups = groups_for(
        batch.council,
        (
            (batch.child_pk(a.child_id), a.notice.event_at)
            for a in opens
            if a.child_id is not None and a.notice
        ),
    )
    missing_notes: list[Notification] = []
    for part in chunked(opens, BATCH):
        objs = []
        for action in part:
            assert action.notice is not None and action.child_id is not None
            group = groups[(batch.child_pk(action.child_id), action.notice.event_at)]
            objs.append(_new_episode(batch, action, group))
        fast_insert(Episode, objs)
        for action, obj in zip(part, objs, strict=True):
            n = action.notice
            assert n is not None and action.episode_id is not None
            batch.episodes[action.episode_id] = obj.pk
            batch.episode_objs[action.episode_id] = obj
            missing_notes.append(
                batch.notification(
                    obj.pk,
                    event=Notification.Event.MISSING,
                    received_at=batch.received,
                    content=n.content(),
                    police_force_id=n.force_id,
                    police_reference=n.police_reference,
                )
            )
            batch.audit.append(
                audit_row(batch.actor, "record_missing", obj, source=SOURCE, group=obj.group)
            )
    fast_insert(Notification, missing_notes)


def _close_existing(batch: _Batch, existing_ids: list[int]) -> dt.datetime:
    """Episodes already in the database that close now; when (their `updated_at`)."""
    existing: dict[int, Episode] = {}
    for part in chunked(existing_ids):
        existing.update(Episode.objects.in_bulk(part))
    now = timezone.now()
    to_update = []
    for episode_id in existing_ids:
        obj = existing[episode_id]
        found = batch.found(batch.close_of[episode_id])
        obj.returned_at, obj.found_location, obj.updated_at = (
            found.returned_at,
            found.found_location,
            now,
        )
        to_update.append(obj)
        batch.episode_objs[episode_id] = obj
        batch.episodes[episode_id] = obj.pk
    Episode.objects.bulk_update(
        to_update, ["returned_at", "found_location", "updated_at"], batch_size=BATCH
    )
    return now


def _aware(value: dt.datetime | None) -> bool:
    return value is not None and value.tzinfo is not None and value.utcoffset() is not None


class _DeadlinesByRule:
    """`interviews.services.deadlines_by_rule` for many returns: the deadlines of the rules that
    start the clock at the notification depend only on when it was received (one moment for
    most of an import's returns), so they are worked out once for each such moment."""

    def __init__(self) -> None:
        self.rules = [
            (name, rule, ClockStart(rule.start) is ClockStart.NOTIFICATION)
            for name, rule in every_rule()
        ]
        self.by_received: dict[float, dict[str, dt.datetime]] = {}

    def __call__(
        self, returned_at: dt.datetime | None, received_at: dt.datetime | None
    ) -> dict[str, dt.datetime | None]:
        if not (_aware(returned_at) and _aware(received_at)):
            return deadlines_by_rule(returned_at, received_at)  # its own way, or its error
        assert returned_at is not None and received_at is not None
        key = received_at.timestamp()
        known = self.by_received.get(key)
        if known is None:
            known = self.by_received[key] = {
                name: deadline(received_at, rule.count)
                for name, rule, at_notification in self.rules
                if at_notification
            }
        return {
            name: known[name] if at_notification else deadline(returned_at, rule.count)
            for name, rule, at_notification in self.rules
        }


def _record_returns(batch: _Batch, closes: list[Action], existing_ids: list[int]) -> None:
    """Each return's found notification, and the RHI it refers (as `refer_rhi`: an RHI already
    there gets its clock recomputed)."""
    council = batch.council
    rule = council.clock_rule()
    provider = provider_for(council)
    found_notes: list[Notification] = []
    rhis: list[RHI] = []
    existing_rhis = {
        r.episode_id: r
        for part in chunked([batch.episodes[i] for i in existing_ids])
        for r in RHI.objects.filter(episode_id__in=part)
    }
    closed_episodes: list[Episode] = []
    by_rule = _DeadlinesByRule()
    for action in closes:
        assert action.episode_id is not None
        obj = batch.episode_objs[action.episode_id]
        found = batch.found(action)
        found_notes.append(
            batch.notification(
                obj.pk,
                event=Notification.Event.FOUND,
                received_at=found.received_at,
                content=found.content,
                police_force_id=found.force_id,
                police_reference=found.police_reference,
            )
        )
        closed_episodes.append(obj)
        start = rule.start_at(found.returned_at, found.received_at)
        every_due = by_rule(found.returned_at, found.received_at)
        due = every_due[due_field(rule)]
        current = existing_rhis.get(obj.pk)
        if current is not None:
            current.clock_started_at, current.due_at = start, due
            for name, value in every_due.items():
                setattr(current, name, value)
            current.save(update_fields=["clock_started_at", "due_at", *every_due, "updated_at"])
            continue
        rhis.append(
            unsaved(
                RHI,
                episode_id=obj.pk,
                child_id=obj.child_id,
                council_id=council.pk,
                provider_id=provider.pk,
                referred_at=found.received_at,
                clock_started_at=start,
                due_at=due,
                **every_due,
            )
        )
    fast_insert(Notification, found_notes)
    for obj in closed_episodes:
        batch.audit.append(audit_row(batch.actor, "record_return", obj, source=SOURCE))
    fast_insert(RHI, rhis)
    for rhi in rhis:
        batch.audit.append(
            audit_row(batch.actor, "refer_rhi", rhi, provider=provider, due_at=rhi.due_at)
        )


def _join_pending(batch: _Batch, closes: list[Action], now: dt.datetime) -> None:
    """Found notifications kept waiting that joined their episode."""
    joined = []
    for action in closes:
        if action.pending_id is not None:
            p = batch.pendings_joined[action.pending_id]
            p.status, p.episode_id, p.joined_at, p.updated_at = (
                PendingNotification.Status.JOINED,
                batch.episodes[action.episode_id or 0],
                batch.received,
                now,
            )
            joined.append(p)
            batch.audit.append(
                audit_row(batch.actor, "join_found_notification", p, episode=p.episode_id)
            )
    PendingNotification.objects.bulk_update(
        joined, ["status", "episode", "joined_at", "updated_at"]
    )


def _add_notifications(batch: _Batch) -> None:
    """Further notifications about episodes already recorded."""
    add_notes = []
    for action in batch.plan.actions:
        if action.kind != "add":
            continue
        n = action.notice
        assert n is not None and action.episode_id is not None
        add_notes.append(
            batch.notification(
                action.episode_id,
                event=n.event,
                received_at=batch.received,
                content=n.content(),
                police_force_id=n.force_id,
                police_reference=n.police_reference,
            )
        )
    fast_insert(Notification, add_notes)
    if add_notes:
        targets = Episode.objects.in_bulk([n.episode_id for n in add_notes])
        for note in add_notes:
            assert note.episode_id is not None
            batch.audit.append(
                audit_row(
                    batch.actor,
                    "add_notification",
                    targets[note.episode_id],
                    source=SOURCE,
                    event=note.event,
                )
            )


def _ids(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields` with each related record (a council, the import run) given by its id, as
    `unsaved` takes them: the row written is the same as the model's own constructor's."""
    return {
        (f"{k}_id" if k in ("council", "import_run") else k): (
            (v.pk if v is not None else None) if k in ("council", "import_run") else v
        )
        for k, v in fields.items()
    }


def _pending_and_review(batch: _Batch) -> None:
    """Found notifications waiting for their missing one; the front door's review queue."""
    plan, run = batch.plan, batch.run
    pending_objs = [
        unsaved(
            PendingNotification,
            **_ids(
                pending_fields(
                    plan,
                    a.notice,
                    batch.child_pk(a.child_id) if a.child_id is not None else None,
                    run,
                )
            ),
        )
        for a in plan.actions
        if a.kind == "pending" and a.notice is not None
    ]
    fast_insert(PendingNotification, pending_objs)
    for p in pending_objs:
        batch.audit.append(
            audit_row(
                batch.actor, "keep_found_notification", p, police_reference=p.police_reference
            )
        )
    review_objs = [
        unsaved(ReviewItem, **_ids(review_fields(plan, a, run)))
        for a in plan.actions
        if a.kind == "review"
    ]
    fast_insert(ReviewItem, review_objs)
    for item in review_objs:
        batch.audit.append(
            audit_row(batch.actor, "send_to_review", item, reason=item.reason, event=item.event)
        )


@transaction.atomic
def commit_batch(plan: Plan, *, acting_user: User | None, run: ImportRun | None = None) -> Outcome:
    """Carry out the plan with bulk inserts: the same records and audit rows as `commit_rows`.
    Actions on another council's child placed here (`Action.routed`, a few) go through the
    services, onto that council's record."""
    routed = commit_rows(
        replace(plan, actions=[a for a in plan.actions if a.routed]),
        acting_user=acting_user,
        run=run,
    )
    plan = replace(plan, actions=[a for a in plan.actions if not a.routed])
    council = Organisation.objects.select_related("service_configuration").get(pk=plan.council.pk)
    actor = acting_user if acting_user is not None and acting_user.pk else None
    batch = _Batch(plan, council, actor, run)
    import time as _t

    _c = [(_t.perf_counter(), _t.process_time(), "start")]

    def _tick(name: str) -> None:
        _c.append((_t.perf_counter(), _t.process_time(), name))

    # The report facts derived once, for the children touched (the triggers skip these rows).
    with bulk_write(reports_children=True) as written:
        _new_children(batch)
        _tick("children")
        opens = [a for a in plan.actions if a.kind == "open"]
        closes = [a for a in plan.actions if a.kind == "close"]
        batch.pendings_joined = {
            p.pk: p
            for part in chunked([a.pending_id for a in closes if a.pending_id is not None])
            for p in PendingNotification.objects.filter(pk__in=part)
        }
        batch.close_of = {a.episode_id: a for a in closes if a.episode_id is not None}
        _open_episodes(batch, opens)
        _tick("open")
        existing_ids = [
            a.episode_id for a in closes if a.episode_id is not None and a.episode_id > 0
        ]
        now = _close_existing(batch, existing_ids)
        _tick("close_existing")
        _record_returns(batch, closes, existing_ids)
        _tick("returns")
        _join_pending(batch, closes, now)
        _tick("join")
        _add_notifications(batch)
        _tick("add")
        _pending_and_review(batch)
        _tick("pending_review")
        insert_chained(batch.audit)
        written.touched(e.child_id for e in batch.episode_objs.values())
        _tick("audit")
    _tick("facts")
    LAST_STAGES.clear()
    LAST_STAGES.update({n: (round(w - _c[i][0], 3), round(c - _c[i][1], 3)) for i, (w, c, n) in enumerate(_c[1:])})
    # Everyone responsible for a child placed out of area hears, as through the services.
    tell_everyone_responsible_for(
        [
            (batch.episode_objs[a.episode_id], "missing" if a.kind == "open" else "found")
            for a in (*opens, *closes)
            if a.episode_id in batch.episode_objs
        ],
        acting_user=actor,
    )
    return Outcome(
        run, {**routed.episodes, **batch.episodes}, {**routed.children, **batch.children}
    )
