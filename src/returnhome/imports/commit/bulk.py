"""Carrying out a police notification plan in bulk: the fast path for files and API requests.

It writes the records `one_by_one` writes through the services, with bulk inserts: episodes,
notifications, RHIs, waiting found notifications and review items as rows of values
(`core.db.insert_values`), children with `core.db.fast_insert`; the group of each new episode
from the legal status and placement on the day it started (`children.groups.groups_for`, the one
group rule), the RHI deadline with the council's `ClockRule` and `interviews.services.provider_for`
(what `refer_rhi` does), and one audit row per record with the action and detail the services
write (`core.audit.write_row` / `write_about` / `writes_about`, sealed and inserted in one pass by
`insert_writes`). tests/imports/test_import_paths.py checks both paths give the same records.
It reports every child whose episodes or RHIs it writes to `core.db.bulk_write`, so the report
facts' triggers skip its rows and those children are derived once at the end (decision 0046).

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
from django.db.models import Model
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.groups import groups_for
from returnhome.children.models import Alias, Child, Placement
from returnhome.core.audit import (
    Write,
    insert_writes,
    write_about,
    write_detail,
    write_row,
    writes_about,
)
from returnhome.core.db import bulk_write, chunked, fast_insert, insert_values, unsaved
from returnhome.episodes.models import Episode, Notification
from returnhome.episodes.partners import tell_everyone_responsible_for
from returnhome.imports.commit.one_by_one import commit_rows
from returnhome.imports.commit.records import (
    SOURCE,
    Outcome,
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
from returnhome.lib.clock import LONDON, ClockCount, ClockStart, deadline
from returnhome.organisations.models import Organisation

BATCH = 2000


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
    audit: list[Write] = field(default_factory=list)
    children: dict[int, int] = field(default_factory=dict)  # plan's child id -> pk
    episodes: dict[int, int] = field(default_factory=dict)  # plan's episode id -> pk
    episode_child: dict[int, int] = field(default_factory=dict)  # episode pk -> its child's pk
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

    def returned(self, action: Action) -> tuple[dt.datetime, str]:
        """When and where the child was found (`found`'s first and third, without the rest)."""
        if action.pending_id is not None:
            p = self.pendings_joined[action.pending_id]
            return p.event_at, p.found_location
        n = action.notice
        assert n is not None
        return n.event_at, n.found_location

    def write(
        self, action: str, model: type[Model], pk: int, child_id: int | None, **detail: Any
    ) -> None:
        """The audit row of a write to a record known by its pk (as `write_row` writes it)."""
        self.audit.append(write_about(self.actor, action, model, pk, child_id, **detail))

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
                write_row(batch.actor, "create_child", new, fields=child_fields(action.notice))
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
            write_row(
                batch.actor, "add_alias", by_pk[alias.child_id], alias=alias.name, kind=alias.kind
            )
        )


# The fields the bulk commit writes, in the order of its rows' values.
EPISODE_FIELDS = (
    "child_id",
    "council_id",
    "group",
    "reported_missing_at",
    "last_seen_at",
    "returned_at",
    "missing_from",
    "found_location",
    "police_force_id",
    "police_reference",
    "risk_level",
    "classification",
    "circumstances",
)
NOTIFICATION_FIELDS = (
    "episode_id",
    "council_id",
    "event",
    "source",
    "recorded_by_id",
    "received_at",
    "content",
    "police_force_id",
    "police_reference",
)
RHI_FIELDS = (
    "episode_id",
    "child_id",
    "council_id",
    "provider_id",
    "referred_at",
    "clock_started_at",
    "due_at",
    *(name for name, _rule in every_rule()),
)


def _open_episodes(batch: _Batch, opens: list[Action]) -> None:
    """Episodes opened (closed at once when their return is in the plan), each with its
    missing notification: rows of values, as `record_missing` writes them."""
    groups = groups_for(
        batch.council,
        (
            (batch.child_pk(a.child_id), a.notice.event_at)
            for a in opens
            if a.child_id is not None and a.notice
        ),
    )
    council_pk, actor_id, received = batch.council.pk, batch.actor_id, batch.received
    not_found = Episode._meta.get_field("found_location").get_default()
    rows: list[tuple[Any, ...]] = []
    for action in opens:
        n = action.notice
        assert n is not None and action.child_id is not None
        child = batch.child_pk(action.child_id)
        returned_at, found_location = None, not_found
        closing = batch.close_of.get(action.episode_id or 0)
        if closing is not None:
            returned_at, found_location = batch.returned(closing)
        rows.append(
            (
                child,
                council_pk,
                groups[(child, n.event_at)],
                n.event_at,
                n.last_seen_at,
                returned_at,
                n.missing_from,
                found_location,
                n.force_id,
                n.police_reference,
                n.risk_level,
                Episode.Classification.MISSING,
                n.circumstances,
            )
        )
    pks = insert_values(Episode, EPISODE_FIELDS, rows)
    notes = []
    missing = Notification.Event.MISSING
    details: dict[str, str] = {}  # the audit detail of each group, encoded once
    audit: list[tuple[int, int, str]] = []
    for action, pk, row in zip(opens, pks, rows, strict=True):
        n = action.notice
        assert n is not None and action.episode_id is not None
        batch.episodes[action.episode_id] = pk
        batch.episode_child[pk] = row[0]
        notes.append(
            (
                pk,
                council_pk,
                missing,
                SOURCE,
                actor_id,
                received,
                n.content(),
                n.force_id,
                n.police_reference,
            )
        )
        group = row[2]
        detail = details.get(group)
        if detail is None:
            detail = details[group] = write_detail(source=SOURCE, group=group)
        audit.append((pk, row[0], detail))
    batch.audit.extend(writes_about(batch.actor, "record_missing", Episode, audit))
    insert_values(Notification, NOTIFICATION_FIELDS, notes)


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
        batch.episode_child[obj.pk] = obj.child_id
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
        self.by_returned_day: dict[dt.date, dict[str, dt.datetime]] = {}
        self.by_both: dict[tuple[float, dt.date], dict[str, dt.datetime | None]] = {}
        self.by_instant = [
            (name, ClockCount(rule.count))
            for name, rule, at_notification in self.rules
            if not at_notification and ClockCount(rule.count) is ClockCount.HOURS
        ]

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
        # Those that start at the return and count days depend only on its UK date (shared by
        # many returns); the one counting hours on the instant.
        day = returned_at.astimezone(LONDON).date()
        by_day = self.by_returned_day.get(day)
        if by_day is None:
            by_day = self.by_returned_day[day] = {
                name: deadline(returned_at, rule.count)
                for name, rule, at_notification in self.rules
                if not at_notification and ClockCount(rule.count) is not ClockCount.HOURS
            }
        # The rule's order, those known already filled in once for each moment and day.
        both = self.by_both.get((key, day))
        if both is None:
            both = self.by_both[(key, day)] = {
                name: known[name] if at_notification else by_day.get(name)
                for name, _rule, at_notification in self.rules
            }
        every = dict(both)
        for name, count in self.by_instant:
            every[name] = deadline(returned_at, count)
        return every


def _record_returns(batch: _Batch, closes: list[Action], existing_ids: list[int]) -> None:
    """Each return's found notification, and the RHI it refers (as `refer_rhi`: an RHI already
    there gets its clock recomputed)."""
    council = batch.council
    rule = council.clock_rule()
    provider = provider_for(council)
    due_name = due_field(rule)
    council_pk, actor_id = council.pk, batch.actor_id
    found_notes: list[tuple[Any, ...]] = []
    rhis: list[tuple[Any, ...]] = []
    existing_rhis = {
        r.episode_id: r
        for part in chunked([batch.episodes[i] for i in existing_ids])
        for r in RHI.objects.filter(episode_id__in=part)
    }
    closed: list[tuple[int, int]] = []
    by_rule = _DeadlinesByRule()
    found_event = Notification.Event.FOUND
    for action in closes:
        assert action.episode_id is not None
        pk = batch.episodes[action.episode_id]
        child = batch.episode_child[pk]
        found = batch.found(action)
        found_notes.append(
            (
                pk,
                council_pk,
                found_event,
                SOURCE,
                actor_id,
                found.received_at,
                found.content,
                found.force_id,
                found.police_reference,
            )
        )
        closed.append((pk, child))
        start = rule.start_at(found.returned_at, found.received_at)
        every_due = by_rule(found.returned_at, found.received_at)
        due = every_due[due_name]
        current = existing_rhis.get(pk)
        if current is not None:
            current.clock_started_at, current.due_at = start, due
            for name, value in every_due.items():
                setattr(current, name, value)
            current.save(update_fields=["clock_started_at", "due_at", *every_due, "updated_at"])
            continue
        rhis.append(
            (pk, child, council_pk, provider.pk, found.received_at, start, due, *every_due.values())
        )
    insert_values(Notification, NOTIFICATION_FIELDS, found_notes)
    returned = write_detail(source=SOURCE)
    batch.audit.extend(
        writes_about(
            batch.actor, "record_return", Episode, ((pk, child, returned) for pk, child in closed)
        )
    )
    rhi_pks = insert_values(RHI, RHI_FIELDS, rhis)
    # The audit detail of each deadline written once: known with its fold and zone (the two
    # 01:30s of the October change compare equal, and are written apart).
    referred: dict[Any, str] = {}
    audit: list[tuple[int, int, str]] = []
    for pk, row in zip(rhi_pks, rhis, strict=True):
        due = row[6]
        key = (due, due.fold, due.tzinfo) if due is not None else None
        detail = referred.get(key)
        if detail is None:
            detail = referred[key] = write_detail(provider=provider, due_at=due)
        audit.append((pk, row[1], detail))
    batch.audit.extend(writes_about(batch.actor, "refer_rhi", RHI, audit))


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
                write_row(batch.actor, "join_found_notification", p, episode=p.episode_id)
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
                write_row(
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


def _insert_dicts(model: type[Model], rows: list[dict[str, Any]]) -> list[int]:
    """`insert_values` for rows given as dicts of the same fields."""
    if not rows:
        return []
    names = tuple(rows[0])
    return insert_values(model, names, [tuple(map(row.__getitem__, names)) for row in rows])


def _pending_and_review(batch: _Batch) -> None:
    """Found notifications waiting for their missing one; the front door's review queue."""
    plan, run = batch.plan, batch.run
    pendings = [
        _ids(
            pending_fields(
                plan, a.notice, batch.child_pk(a.child_id) if a.child_id is not None else None, run
            )
        )
        for a in plan.actions
        if a.kind == "pending" and a.notice is not None
    ]
    for pk, p in zip(_insert_dicts(PendingNotification, pendings), pendings, strict=True):
        batch.write(
            "keep_found_notification",
            PendingNotification,
            pk,
            p["child_id"],
            police_reference=p["police_reference"],
        )
    reviews = [_ids(review_fields(plan, a, run)) for a in plan.actions if a.kind == "review"]
    for pk, r in zip(_insert_dicts(ReviewItem, reviews), reviews, strict=True):
        # A new review item's child, for the trail, is the suggested one (`ReviewItem.child_id`).
        child = r["suggested_child_id"]
        batch.write("send_to_review", ReviewItem, pk, child, reason=r["reason"], event=r["event"])


def _tell_everyone(batch: _Batch, events: list[tuple[int, str]]) -> None:
    """`tell_everyone_responsible_for` the episodes (by pk) of the few children placed out of
    area, read back for it; the others' episodes are not read."""
    placed: set[int] = set()
    for part in chunked(sorted({batch.episode_child[pk] for pk, _event in events})):
        placed.update(
            Placement.objects.filter(child_id__in=part, out_of_area=True).values_list(
                "child_id", flat=True
            )
        )
    wanted = [pk for pk, _event in events if batch.episode_child[pk] in placed]
    if not wanted:
        return
    episodes = Episode.objects.in_bulk(wanted)
    tell_everyone_responsible_for(
        [(episodes[pk], event) for pk, event in events if pk in episodes],
        acting_user=batch.actor,
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
    # The report facts derived once, for the children touched (the triggers skip these rows).
    with bulk_write(reports_children=True) as written:
        _new_children(batch)
        opens = [a for a in plan.actions if a.kind == "open"]
        closes = [a for a in plan.actions if a.kind == "close"]
        batch.pendings_joined = {
            p.pk: p
            for part in chunked([a.pending_id for a in closes if a.pending_id is not None])
            for p in PendingNotification.objects.filter(pk__in=part)
        }
        batch.close_of = {a.episode_id: a for a in closes if a.episode_id is not None}
        _open_episodes(batch, opens)
        existing_ids = [
            a.episode_id for a in closes if a.episode_id is not None and a.episode_id > 0
        ]
        now = _close_existing(batch, existing_ids)
        _record_returns(batch, closes, existing_ids)
        _join_pending(batch, closes, now)
        _add_notifications(batch)
        _pending_and_review(batch)
        insert_writes(batch.audit)
        written.touched(batch.episode_child.values())
    # Everyone responsible for a child placed out of area hears, as through the services.
    _tell_everyone(
        batch,
        [
            (batch.episodes[a.episode_id], "missing" if a.kind == "open" else "found")
            for a in (*opens, *closes)
            if a.episode_id in batch.episodes
        ],
    )
    return Outcome(
        run, {**routed.episodes, **batch.episodes}, {**routed.children, **batch.children}
    )
