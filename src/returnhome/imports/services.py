"""Carrying out an import plan: every write atomic and audited.

Two ways, the same records and the same audit trail:

- `commit_rows` goes through the services the web forms use, one notification at a time
  (children.services.create_child/add_alias, episodes.services.record_missing/record_return,
  which refers the RHI). The HTTP API and the front-door queue use this path.
- `commit_batch` is the fast path for files: it writes the same rows with bulk inserts, deriving
  groups with `lib.groups.group_for` from the legal status and placement on the day the episode
  started (the rule `children.groups.derive_group` applies), and the RHI deadline with the
  council's `ClockRule` and `interviews.services.provider_for` (what `refer_rhi` does), and one
  audit row per record with the same action and detail as the services write.
  tests/imports/test_import_paths.py checks both paths give the same records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children import groups as child_groups
from returnhome.children import services as child_services
from returnhome.children.models import Alias, Child, LegalStatus, Placement
from returnhome.core.audit import insert_chained, record_write, write_fields
from returnhome.core.models import AuditEvent
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.history import HistoryPlan, HistoryRow
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.imports.pipeline import Action, Plan, chunked
from returnhome.imports.rows import Notice
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import deadlines_by_rule, due_field, provider_for
from returnhome.lib.groups import Group
from returnhome.organisations.models import Organisation

M = TypeVar("M", bound=Model)
SOURCE = Notification.Source.POLICE
BATCH = 2000


def child_fields(notice: Notice) -> dict[str, Any]:
    """A new child's record from a notification."""
    return {
        "forename": notice.forename,
        "surname": notice.surname,
        "date_of_birth": notice.date_of_birth,
        "sex": notice.sex or Child.Sex.OTHER,
        "address": notice.address,
        "postcode": notice.postcode,
        "la_child_id": notice.la_child_id,
        "nhs_number": notice.nhs_number,
    }


def _review_fields(plan: Plan, action: Action, run: ImportRun | None) -> dict[str, Any]:
    notice = action.notice
    assert notice is not None
    decision = action.decision
    return {
        "council": plan.council,
        "reason": action.reason,
        "message": action.message[:500],
        "source": SOURCE,
        "event": notice.event,
        "event_at": notice.event_at,
        "received_at": plan.received_at,
        "police_force_id": notice.force_id,
        "police_reference": notice.police_reference,
        "row_number": notice.row,
        "data": notice.content(),
        "candidates": [c.as_dict() for c in decision.candidates] if decision else [],
        "suggested_child_id": decision.suggested
        if decision and (decision.suggested or 0) > 0
        else None,
        "open_episode_id": action.open_episode_id if (action.open_episode_id or 0) > 0 else None,
        "import_run": run,
    }


def _pending_fields(
    plan: Plan, notice: Notice, child_id: int | None, run: ImportRun | None
) -> dict[str, Any]:
    return {
        "council": plan.council,
        "police_force_id": notice.force_id,
        "police_reference": notice.police_reference,
        "event": notice.event,
        "event_at": notice.event_at,
        "received_at": plan.received_at,
        "found_location": notice.found_location,
        "content": notice.content(),
        "child_id": child_id,
        "import_run": run,
    }


@dataclass
class Outcome:
    import_run: ImportRun | None
    episodes: dict[int, int]  # plan's episode id (< 0 for new) -> episode pk
    children: dict[int, int]  # plan's child id (< 0 for new) -> child pk


# --------------------------------------------------------------------------- one at a time


@transaction.atomic
def keep_pending(
    plan: Plan,
    notice: Notice,
    child: Child | None,
    *,
    acting_user: User | None,
    run: ImportRun | None,
) -> PendingNotification:
    pending = PendingNotification.objects.create(
        **_pending_fields(plan, notice, child.pk if child else None, run)
    )
    record_write(
        acting_user, "keep_found_notification", pending, police_reference=notice.police_reference
    )
    return pending


@transaction.atomic
def send_to_review(
    plan: Plan, action: Action, *, acting_user: User | None, run: ImportRun | None
) -> ReviewItem:
    item = ReviewItem.objects.create(**_review_fields(plan, action, run))
    record_write(acting_user, "send_to_review", item, reason=item.reason, event=item.event)
    return item


@transaction.atomic
def add_notification(
    episode: Episode, notice: Notice, *, received_at: dt.datetime, acting_user: User | None
) -> Notification:
    """A further notification about an episode already recorded (e.g. police confirm a return)."""
    note = Notification.objects.create(
        episode=episode,
        council_id=episode.council_id,
        event=notice.event,
        source=SOURCE,
        received_at=received_at,
        content=notice.content(),
        recorded_by=acting_user if acting_user and acting_user.pk else None,
        police_force_id=notice.force_id,
        police_reference=notice.police_reference,
    )
    record_write(acting_user, "add_notification", episode, source=SOURCE, event=notice.event)
    return note


def _tag(episode: Episode, event: str, force_id: int, reference: str) -> None:
    """Mark the notification a service just recorded with its police key (idempotency)."""
    note = (
        Notification.objects.filter(episode=episode, event=event, police_reference="")
        .order_by("-pk")
        .first()
    )
    assert note is not None
    Notification.objects.filter(pk=note.pk).update(
        police_force_id=force_id, police_reference=reference
    )


@transaction.atomic
def commit_rows(plan: Plan, *, acting_user: User | None, run: ImportRun | None = None) -> Outcome:
    """Carry out the plan through the product's services, one notification at a time."""
    council = plan.council
    children: dict[int, Child] = {}
    episodes: dict[int, Episode] = {}
    forces: dict[int, Organisation] = {}

    def child(child_id: int) -> Child:
        if child_id not in children:
            children[child_id] = Child.objects.select_related("council").get(pk=child_id)
        return children[child_id]

    def episode(episode_id: int) -> Episode:
        if episode_id not in episodes:
            episodes[episode_id] = Episode.objects.get(pk=episode_id)
        return episodes[episode_id]

    def force(force_id: int) -> Organisation:
        if force_id not in forces:
            forces[force_id] = Organisation.objects.get(pk=force_id)
        return forces[force_id]

    for action in plan.actions:
        notice = action.notice
        if action.kind == "new_child":
            assert notice is not None and action.child_id is not None
            new = child_services.create_child(
                council, acting_user=acting_user, **child_fields(notice)
            )
            for alias in notice.aliases:
                child_services.add_alias(new, alias, acting_user=acting_user)
            children[action.child_id] = new
        elif action.kind == "open":
            assert (
                notice is not None and action.child_id is not None and action.episode_id is not None
            )
            opened = episode_services.record_missing(
                child(action.child_id),
                reported_missing_at=notice.event_at,
                received_at=plan.received_at,
                source=SOURCE,
                acting_user=acting_user,
                last_seen_at=notice.last_seen_at,
                missing_from=notice.missing_from,
                police_force=force(notice.force_id),
                police_reference=notice.police_reference,
                risk_level=notice.risk_level,
                circumstances=notice.circumstances,
                content=notice.content(),
                check_permission=False,
            )
            _tag(opened, "missing", notice.force_id, notice.police_reference)
            episodes[action.episode_id] = opened
        elif action.kind == "close":
            assert action.episode_id is not None
            target = episode(action.episode_id)
            if action.pending_id is not None:
                pending = PendingNotification.objects.select_for_update().get(pk=action.pending_id)
                closed = episode_services.record_return(
                    target,
                    returned_at=pending.event_at,
                    received_at=pending.received_at,
                    source=SOURCE,
                    acting_user=acting_user,
                    found_location=pending.found_location,
                    content=pending.content,
                    check_permission=False,
                )
                _tag(closed, "found", pending.police_force_id, pending.police_reference)
                pending.status = PendingNotification.Status.JOINED
                pending.episode = closed
                pending.joined_at = plan.received_at
                pending.save(update_fields=["status", "episode", "joined_at", "updated_at"])
                record_write(acting_user, "join_found_notification", pending, episode=closed.pk)
            else:
                assert notice is not None
                closed = episode_services.record_return(
                    target,
                    returned_at=notice.event_at,
                    received_at=plan.received_at,
                    source=SOURCE,
                    acting_user=acting_user,
                    found_location=notice.found_location,
                    content=notice.content(),
                    check_permission=False,
                )
                _tag(closed, "found", notice.force_id, notice.police_reference)
            episodes[action.episode_id] = closed
        elif action.kind == "add":
            assert notice is not None and action.episode_id is not None
            add_notification(
                episode(action.episode_id),
                notice,
                received_at=plan.received_at,
                acting_user=acting_user,
            )
        elif action.kind == "pending":
            assert notice is not None
            who = child(action.child_id) if action.child_id is not None else None
            keep_pending(plan, notice, who, acting_user=acting_user, run=run)
        elif action.kind == "review":
            send_to_review(plan, action, acting_user=acting_user, run=run)
        else:  # pragma: no cover
            raise ValueError(action.kind)
    return Outcome(
        run,
        {k: v.pk for k, v in episodes.items()},
        {k: v.pk for k, v in children.items()},
    )


# --------------------------------------------------------------------------- in bulk


def allocate_ids(model: type[Model], count: int) -> list[int] | None:
    """Primary keys for `count` new rows, or None where we cannot reserve them (then bulk_create).

    PostgreSQL: taken from the table's sequence. SQLite: the import's transaction holds the
    database's write lock, so the next ids after the largest ever used are ours.
    """
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
            top = cursor.fetchone()[0]
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            used = cursor.fetchone()
            top = max(top, used[0] if used else 0)
            return list(range(top + 1, top + 1 + count))
    return None


def _sqlite_datetime(value: dt.datetime) -> str:
    """What Django's SQLite backend stores for an aware datetime (UTC, naive, str), faster."""
    if value.tzinfo is None:
        return str(value)
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    return str(value.replace(tzinfo=None))


def _adapter(field: models.Field[Any, Any]) -> Any:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        if connection.vendor == "sqlite" and settings.USE_TZ and connection.timezone == dt.UTC:
            return _sqlite_datetime
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    return None


def fast_insert(model: type[Model], objs: list[Any]) -> None:
    """Insert unsaved instances with one prepared statement (executemany), setting their pks.

    The same rows bulk_create writes (auto_now fields set to one moment per call), without
    compiling SQL for every batch; falls back to bulk_create where ids cannot be reserved.
    """
    if not objs:
        return
    ids = allocate_ids(model, len(objs))
    if ids is None:
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
    fields = list(model._meta.local_concrete_fields)
    # auto_now(_add) fields: one moment for the whole insert (as one statement would have it).
    now = timezone.now()
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objs:
                setattr(obj, f.attname, now)
    columns = []
    for f in fields:
        adapt = _adapter(f)
        values = [getattr(obj, f.attname) for obj in objs]
        if adapt is not None and isinstance(f, models.JSONField):
            values = [None if v is None else adapt(v) for v in values]
        elif adapt is not None:
            # Adapted once per distinct value (many rows share a moment or a received time).
            cache: dict[Any, Any] = {}
            column: list[Any] = []
            for value in values:
                if value is None:
                    column.append(None)
                    continue
                adapted = cache.get(value)
                if adapted is None:
                    adapted = cache[value] = adapt(value)
                column.append(adapted)
            values = column
        columns.append(values)
    rows = list(zip(*columns, strict=True))
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (names from the model)
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


_DEFAULTS: dict[type[Model], tuple[dict[str, Any], list[Any]]] = {}


def _new(model: type[M], **attrs: Any) -> M:
    """An unsaved instance from attribute names (`episode_id=...`), without Model.__init__'s cost.

    Every other field gets its default, as Model.__init__ gives it.
    """
    spec = _DEFAULTS.get(model)
    if spec is None:
        static: dict[str, Any] = {}
        dynamic: list[Any] = []
        for f in model._meta.concrete_fields:
            if f.has_default() and callable(f.default):
                dynamic.append(f)
            else:
                static[f.attname] = f.get_default()
        spec = _DEFAULTS[model] = (static, dynamic)
    obj = model.__new__(model)
    obj._state = ModelState()
    values = obj.__dict__
    values.update(spec[0])
    for f in spec[1]:
        if f.attname not in attrs:
            values[f.attname] = f.get_default()
    values.update(attrs)
    return obj


def _audit(actor: User | None, action: str, obj: Model, **detail: Any) -> AuditEvent:
    """The audit row `core.audit.record_write` writes, not yet saved."""
    return _new(AuditEvent, **write_fields(actor, action, obj, **detail))


def groups_for(
    council: Organisation, starts: Iterable[tuple[int, dt.datetime]]
) -> dict[tuple[int, dt.datetime], Group]:
    """Each (child, start) -> the episode's group: the rule of `children.groups`."""
    return child_groups.groups_for(council, starts)


@transaction.atomic
def commit_batch(plan: Plan, *, acting_user: User | None, run: ImportRun | None = None) -> Outcome:
    """Carry out the plan with bulk inserts: the same records and audit rows as `commit_rows`."""
    council = Organisation.objects.select_related("service_configuration").get(pk=plan.council.pk)
    actor = acting_user if acting_user is not None and acting_user.pk else None
    actor_id = actor.pk if actor is not None else None
    audit: list[AuditEvent] = []
    received = plan.received_at

    # Children (new), then their aliases.
    new_children = [a for a in plan.actions if a.kind == "new_child"]
    children: dict[int, int] = {}
    created_children: list[Child] = []
    for part in chunked(new_children, BATCH):
        new_objs = [Child(council=council, **child_fields(a.notice)) for a in part if a.notice]
        fast_insert(Child, new_objs)
        for action, new in zip(part, new_objs, strict=True):
            assert action.child_id is not None and action.notice is not None
            children[action.child_id] = new.pk
            created_children.append(new)
            audit.append(_audit(actor, "create_child", new, fields=child_fields(action.notice)))
    aliases = [
        (children[a.child_id], name)
        for a in new_children
        if a.notice and a.child_id is not None
        for name in a.notice.aliases
    ]
    alias_objs = [
        Alias(child_id=child_id, name=name.strip(), kind=Alias.Kind.ALIAS)
        for child_id, name in aliases
    ]
    fast_insert(Alias, alias_objs)
    by_pk = {c.pk: c for c in created_children}
    for alias in alias_objs:
        audit.append(
            _audit(actor, "add_alias", by_pk[alias.child_id], alias=alias.name, kind=alias.kind)
        )

    def child_pk(child_id: int) -> int:
        return children[child_id] if child_id < 0 else child_id

    # Episodes opened (closed at once when their found notification is in the same plan).
    opens = [a for a in plan.actions if a.kind == "open"]
    closes = [a for a in plan.actions if a.kind == "close"]
    pendings_joined = {
        p.pk: p
        for part in chunked([a.pending_id for a in closes if a.pending_id is not None])
        for p in PendingNotification.objects.filter(pk__in=part)
    }

    def found_details(
        action: Action,
    ) -> tuple[dt.datetime, dt.datetime, str, dict[str, Any], int, str]:
        """returned at, received at, found location, content, force, reference."""
        if action.pending_id is not None:
            p = pendings_joined[action.pending_id]
            return (
                p.event_at,
                p.received_at,
                p.found_location,
                p.content,
                p.police_force_id,
                p.police_reference,
            )
        n = action.notice
        assert n is not None
        return n.event_at, received, n.found_location, n.content(), n.force_id, n.police_reference

    close_of: dict[int, Action] = {a.episode_id: a for a in closes if a.episode_id is not None}
    groups = groups_for(
        council,
        (
            (child_pk(a.child_id), a.notice.event_at)
            for a in opens
            if a.child_id is not None and a.notice
        ),
    )
    episodes: dict[int, int] = {}
    episode_objs: dict[int, Episode] = {}
    missing_notes: list[Notification] = []
    for part in chunked(opens, BATCH):
        objs = []
        for action in part:
            n = action.notice
            assert n is not None and action.child_id is not None
            pk = child_pk(action.child_id)
            episode = _new(
                Episode,
                child_id=pk,
                council_id=council.pk,
                group=groups[(pk, n.event_at)],
                reported_missing_at=n.event_at,
                last_seen_at=n.last_seen_at,
                missing_from=n.missing_from,
                police_force_id=n.force_id,
                police_reference=n.police_reference,
                risk_level=n.risk_level,
                classification=Episode.Classification.MISSING,
                circumstances=n.circumstances,
            )
            closing = close_of.get(action.episode_id or 0)
            if closing is not None:
                returned_at, _, location, _, _, _ = found_details(closing)
                episode.returned_at = returned_at
                episode.found_location = location
            objs.append(episode)
        fast_insert(Episode, objs)
        for action, obj in zip(part, objs, strict=True):
            n = action.notice
            assert n is not None and action.episode_id is not None
            episodes[action.episode_id] = obj.pk
            episode_objs[action.episode_id] = obj
            missing_notes.append(
                _new(
                    Notification,
                    episode_id=obj.pk,
                    council_id=council.pk,
                    event=Notification.Event.MISSING,
                    source=SOURCE,
                    received_at=received,
                    content=n.content(),
                    recorded_by_id=actor_id,
                    police_force_id=n.force_id,
                    police_reference=n.police_reference,
                )
            )
            audit.append(_audit(actor, "record_missing", obj, source=SOURCE, group=obj.group))
    fast_insert(Notification, missing_notes)

    # Episodes already in the database that close now.
    existing_ids = [a.episode_id for a in closes if a.episode_id is not None and a.episode_id > 0]
    existing: dict[int, Episode] = {}
    for part in chunked(existing_ids):
        existing.update(Episode.objects.in_bulk(part))
    now = timezone.now()
    to_update = []
    for episode_id in existing_ids:
        obj = existing[episode_id]
        returned_at, _, location, _, _, _ = found_details(close_of[episode_id])
        obj.returned_at, obj.found_location, obj.updated_at = returned_at, location, now
        to_update.append(obj)
        episode_objs[episode_id] = obj
        episodes[episode_id] = obj.pk
    Episode.objects.bulk_update(
        to_update, ["returned_at", "found_location", "updated_at"], batch_size=BATCH
    )

    # Found notifications, the RHI each return refers, and pending notifications joined.
    rule = council.clock_rule()
    provider = provider_for(council)
    found_notes: list[Notification] = []
    rhis: list[RHI] = []
    existing_rhis = {
        r.episode_id: r
        for part in chunked([episodes[i] for i in existing_ids])
        for r in RHI.objects.filter(episode_id__in=part)
    }
    closed_episodes: list[Episode] = []
    for action in closes:
        assert action.episode_id is not None
        obj = episode_objs[action.episode_id]
        returned_at, received_at, _, content, force_id, reference = found_details(action)
        found_notes.append(
            _new(
                Notification,
                episode_id=obj.pk,
                council_id=council.pk,
                event=Notification.Event.FOUND,
                source=SOURCE,
                received_at=received_at,
                content=content,
                recorded_by_id=actor_id,
                police_force_id=force_id,
                police_reference=reference,
            )
        )
        closed_episodes.append(obj)
        start = rule.start_at(returned_at, received_at)
        every_due = deadlines_by_rule(returned_at, received_at)
        due = every_due[due_field(rule)]
        current = existing_rhis.get(obj.pk)
        if current is not None:  # as refer_rhi: an RHI already there gets its clock recomputed
            current.clock_started_at, current.due_at = start, due
            for name, value in every_due.items():
                setattr(current, name, value)
            current.save(update_fields=["clock_started_at", "due_at", *every_due, "updated_at"])
            continue
        rhis.append(
            _new(
                RHI,
                episode_id=obj.pk,
                child_id=obj.child_id,
                council_id=council.pk,
                provider_id=provider.pk,
                referred_at=received_at,
                clock_started_at=start,
                due_at=due,
                **every_due,
            )
        )
    fast_insert(Notification, found_notes)
    for obj in closed_episodes:
        audit.append(_audit(actor, "record_return", obj, source=SOURCE))
    fast_insert(RHI, rhis)
    for rhi in rhis:
        audit.append(_audit(actor, "refer_rhi", rhi, provider=provider, due_at=rhi.due_at))
    joined = []
    for action in closes:
        if action.pending_id is not None:
            p = pendings_joined[action.pending_id]
            p.status, p.episode_id, p.joined_at, p.updated_at = (
                PendingNotification.Status.JOINED,
                episodes[action.episode_id or 0],
                received,
                now,
            )
            joined.append(p)
            audit.append(_audit(actor, "join_found_notification", p, episode=p.episode_id))
    PendingNotification.objects.bulk_update(
        joined, ["status", "episode", "joined_at", "updated_at"]
    )

    # Further notifications about episodes already recorded.
    add_notes = []
    for action in plan.actions:
        if action.kind != "add":
            continue
        n = action.notice
        assert n is not None and action.episode_id is not None
        add_notes.append(
            _new(
                Notification,
                episode_id=action.episode_id,
                council_id=council.pk,
                event=n.event,
                source=SOURCE,
                received_at=received,
                content=n.content(),
                recorded_by_id=actor_id,
                police_force_id=n.force_id,
                police_reference=n.police_reference,
            )
        )
    fast_insert(Notification, add_notes)
    if add_notes:
        targets = Episode.objects.in_bulk([n.episode_id for n in add_notes])
        for note in add_notes:
            assert note.episode_id is not None
            audit.append(
                _audit(
                    actor,
                    "add_notification",
                    targets[note.episode_id],
                    source=SOURCE,
                    event=note.event,
                )
            )

    # Found notifications waiting for their missing one; the front door's review queue.
    pending_objs = [
        PendingNotification(
            **_pending_fields(
                plan, a.notice, child_pk(a.child_id) if a.child_id is not None else None, run
            )
        )
        for a in plan.actions
        if a.kind == "pending" and a.notice is not None
    ]
    fast_insert(PendingNotification, pending_objs)
    for p in pending_objs:
        audit.append(
            _audit(actor, "keep_found_notification", p, police_reference=p.police_reference)
        )
    review_objs = [
        ReviewItem(**_review_fields(plan, a, run)) for a in plan.actions if a.kind == "review"
    ]
    fast_insert(ReviewItem, review_objs)
    for item in review_objs:
        audit.append(_audit(actor, "send_to_review", item, reason=item.reason, event=item.event))

    insert_chained(audit)
    return Outcome(run, episodes, children)


# --------------------------------------------------------------------------- the import


def start_run(
    council: Organisation,
    *,
    source: str,
    file_name: str,
    sha256: str,
    acting_user: User | None,
    started_at: dt.datetime,
) -> ImportRun:
    return ImportRun.objects.create(
        council=council,
        source=source,
        file_name=file_name[:300],
        sha256=sha256,
        started_at=started_at,
        acting_user=acting_user if acting_user is not None and acting_user.pk else None,
    )


def finish_run(
    run: ImportRun,
    summary: dict[str, Any],
    *,
    acting_user: User | None,
    action: str = "import_notifications",
) -> None:
    run.finished_at = timezone.now()
    run.summary = summary
    run.save(update_fields=["finished_at", "summary"])
    record_write(
        acting_user,
        action,
        run,
        file=run.file_name,
        sha256=run.sha256,
        **{k: v for k, v in summary.items() if isinstance(v, int)},
    )


# --------------------------------------------------------------------------- history import

HISTORY_SOURCE = Notification.Source.OTHER
HISTORY_WORKER = "imported-history"


def history_worker() -> User:
    """Who "conducted" an imported interview: the file does not say, so a named placeholder
    (inactive, no organisation, no role, cannot log in)."""
    user, created = User.objects.get_or_create(
        username=HISTORY_WORKER,
        defaults={
            "first_name": "Imported history",
            "last_name": "(worker not recorded)",
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _history_rhi_fields(item: HistoryRow, rule: Any, now: dt.datetime) -> dict[str, Any]:
    """The RHI of an imported returned episode: its clock as refer_rhi sets it, its offer and
    outcome as the row says. Imported RHIs are closed: they are history, not work to do."""
    received = item.received_at
    every_due = deadlines_by_rule(item.returned_at, received)
    outcome = item.rhi_outcome
    return {
        "referred_at": received,
        "clock_started_at": rule.start_at(item.returned_at, received),
        "due_at": every_due[due_field(rule)],
        **every_due,
        "offer_made_at": item.rhi_offered_at,
        "outcome": outcome,
        "decline_reason": item.decline_reason,
        "outcome_note": "Imported from history" if outcome else "",
        "outcome_recorded_at": (item.interview_at or item.rhi_offered_at or received)
        if outcome
        else None,
        "status": RHI.Status.CLOSED,
        "closed_at": now,
    }


def _history_interview_fields(item: HistoryRow, now: dt.datetime) -> dict[str, Any]:
    assert item.interview_at is not None
    return {
        "kind": Interview.Kind.CARER_ONLY if item.carer_only else Interview.Kind.INTERVIEW,
        "held_at": item.interview_at,
        "place": Interview.Place.OTHER,
        "mode": "",
        "information_from": "Not recorded (imported history)" if item.carer_only else "",
        "cce_identified": item.cce_identified,
        "cse_identified": item.cse_identified,
        "submitted_at": item.interview_at,
        "reviewed_at": now,
        "manager_comment": "Imported from history: not reviewed in returnhome",
    }


def _write_periods(model: Any, plans: list[tuple[int, list[Any]]]) -> list[Any]:
    """Replace each child's periods (legal status or placement) with the planned ones."""
    ids = [child_pk for child_pk, _ in plans]
    for part in chunked(ids):
        model.objects.filter(child_id__in=part).delete()
    objs = [
        model(child_id=child_pk, start_date=p.start_date, end_date=p.end_date, **p.fields)
        for child_pk, periods in plans
        for p in periods
    ]
    model.objects.bulk_create(objs, batch_size=BATCH)
    return objs


@transaction.atomic
def commit_history(
    plan: HistoryPlan, *, acting_user: User | None, run: ImportRun | None = None
) -> dict[str, int]:
    """Carry out a history plan: children, their legal-status and placement history, episodes,
    found notifications, RHIs and interviews, in bulk, with one audit row per record written."""
    council = Organisation.objects.select_related("service_configuration").get(pk=plan.council.pk)
    actor = acting_user if acting_user is not None and acting_user.pk else None
    audit: list[AuditEvent] = []
    now = timezone.now()
    rule = council.clock_rule()
    provider = provider_for(council)
    worker = history_worker()

    # Children: new ones, changed details, and their history where it changes.
    children: dict[str, int] = {c.child_id: c.pk for c in plan.children if c.pk is not None}
    new_children = [
        Child(council=council, la_child_id=c.child_id, **c.fields)
        for c in plan.children
        if c.pk is None
    ]
    Child.objects.bulk_create(new_children, batch_size=BATCH)
    for new in new_children:
        children[new.la_child_id] = new.pk
        audit.append(
            _audit(
                actor,
                "create_child",
                new,
                fields={"la_child_id": new.la_child_id},
                source="history",
            )
        )
    for child_plan in plan.children:
        if child_plan.pk is not None and child_plan.changed:
            Child.objects.filter(pk=child_plan.pk).update(updated_at=now, **child_plan.changed)
            target = Child(pk=child_plan.pk)
            audit.append(_audit(actor, "update_child", target, changed=child_plan.changed))
    status_plans = [
        (children[c.child_id], c.statuses) for c in plan.children if c.statuses is not None
    ]
    place_plans = [
        (children[c.child_id], c.placements) for c in plan.children if c.placements is not None
    ]
    _write_periods(LegalStatus, status_plans)
    _write_periods(Placement, place_plans)
    for child_pk, periods in status_plans:
        audit.append(
            _audit(
                actor,
                "record_legal_status",
                Child(pk=child_pk),
                source="history",
                periods=[[p.start_date, p.end_date, *p.key] for p in periods],
            )
        )
    for child_pk, periods in place_plans:
        audit.append(
            _audit(
                actor,
                "record_placement",
                Child(pk=child_pk),
                source="history",
                periods=[[p.start_date, p.end_date, p.key] for p in periods],
            )
        )

    # New episodes, with their found notification, interview and RHI.
    creates = [e.row for e in plan.episodes if e.pk is None]
    episode_objs = [
        _new(
            Episode,
            child_id=children[item.child_id],
            council_id=council.pk,
            group=str(item.group),
            reported_missing_at=item.reported_missing_at,
            returned_at=item.returned_at,
            risk_level=item.risk_level,
            classification=item.classification,
            external_id=item.episode_id,
        )
        for item in creates
    ]
    fast_insert(Episode, episode_objs)
    notes = []
    interviews: dict[str, Interview] = {}
    for item, episode in zip(creates, episode_objs, strict=True):
        audit.append(
            _audit(
                actor, "import_episode", episode, external_id=item.episode_id, group=episode.group
            )
        )
        if item.returned_at is not None:
            notes.append(
                _new(
                    Notification,
                    episode_id=episode.pk,
                    council_id=council.pk,
                    event=Notification.Event.FOUND,
                    source=HISTORY_SOURCE,
                    received_at=item.received_at,
                    content={"import": "history", "episode_id": item.episode_id, "row": item.row},
                    recorded_by_id=actor.pk if actor else None,
                )
            )
        if item.interview_at is not None:
            interviews[item.episode_id] = _new(
                Interview,
                child_id=episode.child_id,
                council_id=council.pk,
                conducted_by_id=worker.pk,
                **_history_interview_fields(item, now),
            )
    fast_insert(Notification, notes)
    fast_insert(Interview, list(interviews.values()))
    rhis = []
    for item, episode in zip(creates, episode_objs, strict=True):
        if item.returned_at is None:
            continue
        interview = interviews.get(item.episode_id)
        rhis.append(
            _new(
                RHI,
                episode_id=episode.pk,
                child_id=episode.child_id,
                council_id=council.pk,
                provider_id=provider.pk,
                interview_id=interview.pk if interview else None,
                **_history_rhi_fields(item, rule, now),
            )
        )
    fast_insert(RHI, rhis)
    for rhi in rhis:
        audit.append(
            _audit(
                actor,
                "import_rhi",
                rhi,
                offer_made_at=rhi.offer_made_at,
                outcome=rhi.outcome,
                interview=rhi.interview_id,
            )
        )

    # Episodes imported before whose row changed.
    updates = [e for e in plan.episodes if e.pk is not None and e.changes]
    for episode_plan in updates:
        assert episode_plan.pk is not None
        _update_history_episode(
            episode_plan.pk,
            episode_plan.row,
            children[episode_plan.row.child_id],
            rule=rule,
            provider=provider,
            worker=worker,
            now=now,
        )
        audit.append(
            _audit(
                actor,
                "update_imported_episode",
                Episode(pk=episode_plan.pk, child_id=children[episode_plan.row.child_id]),
                external_id=episode_plan.row.episode_id,
                changed=sorted(episode_plan.changes),
            )
        )

    # Other episodes of children whose history changed take their group from it again.
    changed = sorted({pk for pk, _ in status_plans} | {pk for pk, _ in place_plans})
    in_file = {e.row.episode_id for e in plan.episodes}
    others: set[int] = set()
    for part in chunked(changed):
        for child_pk, external in Episode.objects.filter(child_id__in=part).values_list(
            "child_id", "external_id"
        ):
            if not external or external not in in_file:
                others.add(child_pk)
    for child in Child.objects.filter(pk__in=sorted(others)):
        child_groups.refresh_groups(child)

    insert_chained(audit)
    return plan.counts()


def _update_history_episode(
    pk: int,
    item: HistoryRow,
    child_pk: int,
    *,
    rule: Any,
    provider: Organisation,
    worker: User,
    now: dt.datetime,
) -> None:
    """Make an episode imported earlier (and its notification, RHI, interview) match its row."""
    episode = Episode.objects.select_for_update().get(pk=pk)
    for name, value in (
        ("child_id", child_pk),
        ("reported_missing_at", item.reported_missing_at),
        ("returned_at", item.returned_at),
        ("risk_level", item.risk_level),
        ("classification", item.classification),
        ("group", str(item.group)),
    ):
        setattr(episode, name, value)
    episode.save()
    found = list(
        episode.notifications.filter(event=Notification.Event.FOUND).order_by("received_at")
    )
    rhi = RHI.objects.filter(episode=episode).select_related("interview").first()
    if item.returned_at is None:
        for note in found:
            note.delete()
        if rhi is not None:
            old = rhi.interview
            rhi.delete()
            if old is not None and not old.rhis.exists():
                old.delete()
        return
    received = item.received_at or item.returned_at
    if found:
        Notification.objects.filter(pk=found[0].pk).update(received_at=received)
    else:
        Notification.objects.create(
            episode=episode,
            council_id=episode.council_id,
            event=Notification.Event.FOUND,
            source=HISTORY_SOURCE,
            received_at=received,
            content={"import": "history", "episode_id": item.episode_id, "row": item.row},
        )
    interview = rhi.interview if rhi is not None else None
    if item.interview_at is None:
        if interview is not None:
            RHI.objects.filter(interview=interview, episode=episode).update(interview=None)
            if not interview.rhis.exists():
                interview.delete()
            interview = None
    elif interview is None:
        interview = Interview.objects.create(
            child_id=child_pk,
            council_id=episode.council_id,
            conducted_by=worker,
            **_history_interview_fields(item, now),
        )
    else:
        for name, value in {"child_id": child_pk, **_history_interview_fields(item, now)}.items():
            setattr(interview, name, value)
        interview.save()
    fields = _history_rhi_fields(item, rule, now)
    if rhi is None:
        RHI.objects.create(
            episode=episode,
            child_id=child_pk,
            council_id=episode.council_id,
            provider=provider,
            interview=interview,
            **fields,
        )
        return
    for name, value in {**fields, "child_id": child_pk, "interview": interview}.items():
        setattr(rhi, name, value)
    rhi.save()
