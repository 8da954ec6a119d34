"""The history import's plan: what each child and episode of a valid file will do, decided
against the database without writing (it is also the dry run). `commit.history` carries it out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.core.db import chunked
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.history.rows import HistoryRow
from returnhome.interviews.models import Interview
from returnhome.organisations.models import Organisation


@dataclass(slots=True)
class Period:
    """A legal-status or placement period as the plan sees it (`fields` are the model's)."""

    start_date: dt.date
    end_date: dt.date | None
    key: Any
    fields: dict[str, Any]

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.start_date, self.end_date, self.key)


class Run(NamedTuple):
    """Days in a row with the same legal status (or placement): its first day, what identifies it
    (None: no period), and the fields of its record."""

    first_day: dt.date
    key: Any
    fields: dict[str, Any]


def rewrite_periods(existing: list[Period], runs: list[Run], last_day: dt.date) -> list[Period]:
    """A child's periods with the file's runs written over the days the file covers.

    `runs` are (first day, key, fields) in order, key None for "no period" (a gap). Periods
    starting before the first run end the day before it; those starting within the file's days
    are replaced; those starting after the last episode day are kept, and the last run ends the
    day before the first of them (else it stays open).
    """
    first_day = runs[0].first_day
    before = [p for p in existing if p.start_date < first_day]
    after = sorted((p for p in existing if p.start_date > last_day), key=lambda p: p.start_date)
    result: list[Period] = []
    for period in sorted(before, key=lambda p: p.start_date):
        cut = period.end_date
        if cut is None or cut >= first_day:
            cut = first_day - dt.timedelta(days=1)
        result.append(Period(period.start_date, cut, period.key, period.fields))
    for index, (start, key, fields) in enumerate(runs):
        if key is None:
            continue
        if index + 1 < len(runs):
            end: dt.date | None = runs[index + 1].first_day - dt.timedelta(days=1)
        else:
            end = after[0].start_date - dt.timedelta(days=1) if after else None
        result.append(Period(start, end, key, fields))
    result.extend(after)
    return result


def runs_of(
    items: list[Run],
) -> list[Run]:
    """Consecutive days with the same key merged into one run (its first day)."""
    runs: list[Run] = []
    for run in sorted(items, key=lambda i: i.first_day):
        if not runs or runs[-1].key != run.key:
            runs.append(run)
    return runs


@dataclass
class ChildPlan:
    """What happens to one child: created or updated, and its history rewritten or not."""

    child_id: str
    pk: int | None
    fields: dict[str, Any]
    changed: dict[str, Any]
    statuses: list[Period] | None = None  # the new legal-status history, if it changes
    placements: list[Period] | None = None  # the new placement history, if it changes


@dataclass
class EpisodePlan:
    row: HistoryRow
    pk: int | None  # None: to create
    changes: list[str] = field(default_factory=list)


class HistoryCounts(NamedTuple):
    """What a history plan does, counted (the import summary's figures)."""

    children_created: int
    children_updated: int
    episodes_created: int
    episodes_updated: int
    episodes_unchanged: int


HISTORY_COUNTS: tuple[str, ...] = HistoryCounts._fields


@dataclass
class HistoryPlan:
    council: Organisation
    children: list[ChildPlan] = field(default_factory=list)
    episodes: list[EpisodePlan] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        created = [e for e in self.episodes if e.pk is None]
        updated = [e for e in self.episodes if e.pk is not None and e.changes]
        return HistoryCounts(
            children_created=sum(1 for c in self.children if c.pk is None),
            children_updated=sum(
                1
                for c in self.children
                if c.pk is not None
                and (c.changed or c.statuses is not None or c.placements is not None)
            ),
            episodes_created=len(created),
            episodes_updated=len(updated),
            episodes_unchanged=len(self.episodes) - len(created) - len(updated),
        )._asdict()


def _status_period(obj: LegalStatus) -> Period:
    return Period(
        obj.start_date,
        obj.end_date,
        (obj.status, obj.responsible_council_id),
        {"status": obj.status, "responsible_council_id": obj.responsible_council_id},
    )


def _placement_period(obj: Placement) -> Period:
    return Period(
        obj.start_date,
        obj.end_date,
        obj.council_area_id,
        {
            "placement_type": obj.placement_type,
            "council_area_id": obj.council_area_id,
            "address": obj.address,
            "postcode": obj.postcode,
        },
    )


def _same(a: list[Period], b: list[Period]) -> bool:
    return sorted(p.as_tuple() for p in a) == sorted(p.as_tuple() for p in b)


def plan_children(council: Organisation, rows: list[HistoryRow]) -> list[ChildPlan]:
    by_child: dict[str, list[HistoryRow]] = defaultdict(list)
    for item in rows:
        by_child[item.child_id].append(item)
    existing: dict[str, Child] = {}
    for part in chunked(sorted(by_child)):
        for known in Child.objects.filter(council=council, la_child_id__in=part).only(
            "pk", "la_child_id", "forename", "surname", "date_of_birth", "sex"
        ):
            existing[known.la_child_id] = known
    ids = [c.pk for c in existing.values()]
    statuses: dict[int, list[Period]] = defaultdict(list)
    placements: dict[int, list[Period]] = defaultdict(list)
    for part in chunked(ids):
        for status in LegalStatus.objects.filter(child_id__in=part):
            statuses[status.child_id].append(_status_period(status))
        for place in Placement.objects.filter(child_id__in=part):
            placements[place.child_id].append(_placement_period(place))
    plans = []
    for child_id, items in by_child.items():
        fields = items[0].child_fields()
        child = existing.get(child_id)
        # A blank date of birth or sex in the file never erases what the record knows.
        given = {
            k: v
            for k, v in fields.items()
            if not (k == "date_of_birth" and v is None) and not (k == "sex" and not items[0].sex)
        }
        changed = (
            {k: v for k, v in given.items() if getattr(child, k) != v} if child is not None else {}
        )
        last_day = max(i.start_day for i in items)
        status_runs = runs_of(
            [
                Run(
                    i.start_day,
                    i.status,
                    {"status": i.status[0], "responsible_council_id": i.status[1]},
                )
                for i in items
            ]
        )
        place_runs = runs_of(
            [
                Run(
                    i.start_day,
                    i.placement,
                    {
                        "placement_type": Placement.Type.OTHER,
                        "council_area_id": i.placement,
                        "address": "",
                        "postcode": "",
                    },
                )
                for i in items
            ]
        )
        old_statuses = statuses.get(child.pk, []) if child is not None else []
        old_places = placements.get(child.pk, []) if child is not None else []
        new_statuses = rewrite_periods(old_statuses, status_runs, last_day)
        new_places = rewrite_periods(old_places, place_runs, last_day)
        plans.append(
            ChildPlan(
                child_id=child_id,
                pk=child.pk if child is not None else None,
                fields=fields,
                changed=changed,
                statuses=None if _same(old_statuses, new_statuses) else new_statuses,
                placements=None if _same(old_places, new_places) else new_places,
            )
        )
    return plans


# What the database holds for an imported episode, compared with the row (idempotency).
EPISODE_VALUES = (
    "pk",
    "external_id",
    "child__la_child_id",
    "reported_missing_at",
    "returned_at",
    "risk_level",
    "classification",
    "group",
    "rhi__pk",
    "rhi__offer_made_at",
    "rhi__outcome",
    "rhi__decline_reason",
    "rhi__interview__held_at",
    "rhi__interview__kind",
    "rhi__interview__cce_identified",
    "rhi__interview__cse_identified",
)


def row_state(item: HistoryRow) -> dict[str, Any]:
    """The values of EPISODE_VALUES this row should produce."""
    has_rhi = item.returned_at is not None
    interviewed = item.interview_at is not None
    return {
        "child__la_child_id": item.child_id,
        "reported_missing_at": item.reported_missing_at,
        "returned_at": item.returned_at,
        "risk_level": item.risk_level,
        "classification": item.classification,
        "group": str(item.group),
        "rhi__offer_made_at": item.rhi_offered_at if has_rhi else None,
        "rhi__outcome": (item.rhi_outcome if has_rhi else None),
        "rhi__decline_reason": (item.decline_reason if has_rhi else None),
        "rhi__interview__held_at": item.interview_at,
        "rhi__interview__kind": (
            (Interview.Kind.CARER_ONLY if item.carer_only else Interview.Kind.INTERVIEW)
            if interviewed
            else None
        ),
        "rhi__interview__cce_identified": item.cce_identified if interviewed else None,
        "rhi__interview__cse_identified": item.cse_identified if interviewed else None,
        "found_received_at": item.received_at,
    }


def plan_history(council: Organisation, rows: list[HistoryRow]) -> HistoryPlan:
    """Decide, without writing, what each child and episode of the file will do."""
    plan = HistoryPlan(council, plan_children(council, rows))
    existing: dict[str, dict[str, Any]] = {}
    for part in chunked(sorted({r.episode_id for r in rows})):
        for values in Episode.objects.filter(council=council, external_id__in=part).values(
            *EPISODE_VALUES
        ):
            values["found_received_at"] = None
            existing[values["external_id"]] = values
    found: dict[int, dt.datetime] = {}
    pks = [v["pk"] for v in existing.values()]
    for part in chunked(pks):
        for episode_id, received in (
            Notification.objects.filter(episode_id__in=part, event=Notification.Event.FOUND)
            .order_by("received_at")
            .values_list("episode_id", "received_at")
        ):
            found.setdefault(episode_id, received)
    for values in existing.values():
        values["found_received_at"] = found.get(values["pk"])
        if values["rhi__pk"] is not None:
            values["rhi__outcome"] = values["rhi__outcome"] or ""
            values["rhi__decline_reason"] = values["rhi__decline_reason"] or ""
    for item in rows:
        current = existing.get(item.episode_id)
        if current is None:
            plan.episodes.append(EpisodePlan(item, None))
            continue
        wanted = row_state(item)
        changes = [k for k, v in wanted.items() if current.get(k) != v]
        plan.episodes.append(EpisodePlan(item, current["pk"], changes))
    return plan
