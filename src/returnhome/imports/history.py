"""The history import: a council's past episodes, one row per episode (docs/formats/history.md).

Stages, as the notification import: parse (`lib.tabular`) -> validate each row
(`HistoryValidator`) -> checks across rows (`check_rows`) -> plan against the database
(`plan_history`, which is also the dry run) -> commit (`services.commit_history`).

An episode is identified by the council and the file's `episode_id` (stored as
`Episode.external_id`); a child by the council and `child_id` (`Child.la_child_id`). Importing
the same file again changes nothing; a changed row updates what it describes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.pipeline import chunked
from returnhome.imports.rows import (
    FUTURE_TOLERANCE,
    OLDEST_YEARS,
    RISK_LEVELS,
    SEXES,
    RowError,
    check_header,
)
from returnhome.interviews.models import DeclineReason, Interview
from returnhome.lib.clock import LONDON
from returnhome.lib.dates import DateError, parse_date, parse_datetime
from returnhome.lib.groups import Group, group_for
from returnhome.lib.tabular import TableError, read_table
from returnhome.organisations.models import Organisation

COLUMNS: tuple[str, ...] = (
    "child_id",
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "legal_status",
    "responsible_la",
    "placement_la",
    "episode_id",
    "reported_missing_at",
    "returned_at",
    "notification_received_at",
    "risk_level",
    "rhi_offered_at",
    "rhi_outcome",
    "decline_reason",
    "interview_at",
    "carer_only",
    "cce_identified",
    "cse_identified",
)
# Not required in the header; blank or absent means M (missing, whereabouts unknown).
OPTIONAL_COLUMNS: tuple[str, ...] = ("classification",)
ALL_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS)
REQUIRED_VALUES = (
    "child_id",
    "forename",
    "surname",
    "legal_status",
    "episode_id",
    "reported_missing_at",
)
LEGAL_STATUSES = ("not_looked_after", "looked_after")
OUTCOMES = ("accepted", "declined", "not_applicable")
YES = {"y": True, "yes": True, "n": False, "no": False, "": False}
MAX_LENGTHS = {"child_id": 40, "forename": 100, "surname": 100, "episode_id": 60}
# A found notification can be logged a minute before the return it reports (clocks differ).
RECEIVED_TOLERANCE = dt.timedelta(minutes=1)

History = tuple[str, int | None]  # (legal status, responsible council id)


@dataclass(slots=True)
class HistoryRow:
    """One valid row: one episode of one child, with its RHI and interview."""

    row: int
    child_id: str
    forename: str
    surname: str
    date_of_birth: dt.date | None
    sex: str
    looked_after: bool
    responsible_id: int | None
    placement_id: int | None
    episode_id: str
    reported_missing_at: dt.datetime
    returned_at: dt.datetime | None
    notification_received_at: dt.datetime | None
    risk_level: str
    rhi_offered_at: dt.datetime | None
    rhi_outcome: str
    decline_reason: str
    interview_at: dt.datetime | None
    carer_only: bool
    cce_identified: bool
    cse_identified: bool
    classification: str
    group: Group
    raw: dict[str, str] = field(default_factory=dict)

    @property
    def start_day(self) -> dt.date:
        """The UK date it started: the day the group is decided on."""
        return self.reported_missing_at.astimezone(LONDON).date()

    @property
    def status(self) -> History:
        status = LegalStatus.Status.LOOKED_AFTER if self.looked_after else "not_looked_after"
        return (str(status), self.responsible_id if self.looked_after else None)

    @property
    def placement(self) -> int | None:
        return self.placement_id if self.looked_after else None

    @property
    def received_at(self) -> dt.datetime | None:
        """When the found notification was received (the return itself if not given)."""
        return self.notification_received_at or self.returned_at

    def child_fields(self) -> dict[str, Any]:
        return {
            "forename": self.forename,
            "surname": self.surname,
            "date_of_birth": self.date_of_birth,
            "sex": self.sex or Child.Sex.OTHER,
        }


class HistoryValidator:
    """Checks one row at a time for the importing council."""

    def __init__(self, council: Organisation, councils: Mapping[str, int], now: dt.datetime):
        self.council = council
        self.councils = councils
        self.now = now

    def validate(self, row: int, values: Mapping[str, str]) -> HistoryRow | list[RowError]:
        errors: list[RowError] = []

        def error(column: str, message: str) -> None:
            errors.append(RowError(row, column, message))

        def text(column: str) -> str:
            value = values.get(column)
            value = "" if value is None else str(value).strip()
            limit = MAX_LENGTHS.get(column)
            if limit and len(value) > limit:
                error(column, f"Longer than {limit} characters")
            return value

        def moment(column: str) -> dt.datetime | None:
            value = text(column)
            if not value:
                return None
            try:
                parsed = parse_datetime(value)
            except DateError as exc:
                error(column, str(exc))
                return None
            if parsed > self.now + FUTURE_TOLERANCE:
                error(column, f"{value!r} is in the future")
                return None
            return parsed

        def flag(column: str) -> bool:
            value = text(column).lower()
            if value not in YES:
                error(column, f"{value!r} is not y or n")
            return YES.get(value, False)

        def council(column: str) -> int | None:
            code = text(column)
            if not code:
                return None
            pk = self.councils.get(code.upper())
            if pk is None:
                error(column, f"{code!r} is not a council's DfE LA code")
            return pk

        raw = {c: ("" if values.get(c) is None else str(values.get(c))) for c in ALL_COLUMNS}
        for column in REQUIRED_VALUES:
            if not raw[column].strip():
                error(column, f"{column} is blank: it is required")
        child_id, episode_id = text("child_id"), text("episode_id")
        forename, surname = text("forename"), text("surname")

        sex_text = text("sex").lower()
        sex = SEXES.get(sex_text, "") if sex_text else ""
        if sex_text and not sex:
            error("sex", f"{sex_text!r} is not a sex: use M, F or X")

        status = text("legal_status").lower()
        if status and status not in LEGAL_STATUSES:
            error(
                "legal_status",
                f"{status!r} is not a legal status: use not_looked_after or looked_after",
            )
        looked_after = status == "looked_after"
        responsible = council("responsible_la")
        placement = council("placement_la")
        group = Group.MFH
        if status == "not_looked_after":
            for column in ("responsible_la", "placement_la"):
                if raw[column].strip():
                    error(column, "Leave blank for a child who is not looked after")
        elif looked_after:
            if not raw["responsible_la"].strip():
                error("responsible_la", "A looked after child's responsible council is required")
            elif responsible is not None:
                if responsible != self.council.pk and placement not in (None, self.council.pk):
                    error(
                        "placement_la",
                        "A child looked after by another council is in this council's records "
                        "only when placed here (Hosted): the placement must be this council's "
                        "area, or blank",
                    )
                group = group_for(
                    self.council.pk,
                    looked_after=True,
                    responsible_council_id=responsible,
                    placement_council_id=placement,
                )

        started = moment("reported_missing_at")
        returned = moment("returned_at")
        received = moment("notification_received_at")
        offered = moment("rhi_offered_at")
        interviewed = moment("interview_at")
        if started and returned and returned < started:
            error("returned_at", "The child cannot return before they were reported missing")
        if received and not raw["returned_at"].strip():
            error(
                "notification_received_at",
                "A found notification needs a return: give returned_at, or leave this blank",
            )
        elif received and returned and received < returned - RECEIVED_TOLERANCE:
            error(
                "notification_received_at",
                "The found notification cannot be received before the child returned",
            )

        dob: dt.date | None = None
        dob_text = text("date_of_birth")
        if dob_text:
            try:
                dob = parse_date(dob_text)
            except DateError as exc:
                error("date_of_birth", str(exc))
            else:
                if dob > self.now.date():
                    error("date_of_birth", "Date of birth is in the future")
                elif started and dob > started.astimezone(LONDON).date():
                    error("date_of_birth", "Date of birth is after the child was reported missing")
                elif started and dob.year < started.astimezone(LONDON).year - OLDEST_YEARS:
                    error(
                        "date_of_birth",
                        f"Date of birth {dob:%d/%m/%Y} is more than {OLDEST_YEARS} years before "
                        "the episode",
                    )

        risk = " ".join(text("risk_level").lower().split())
        if risk and risk not in RISK_LEVELS:
            error(
                "risk_level",
                f"{risk!r} is not a risk level: use no apparent risk, low, medium or high",
            )

        classification = text("classification").upper() or Episode.Classification.MISSING
        if classification not in Episode.Classification.values:
            error("classification", f"{classification!r} is not M or A")

        is_open = not raw["returned_at"].strip()
        if offered is not None:
            if is_open:
                error(
                    "rhi_offered_at",
                    "The child has not returned (returned_at is blank): an RHI is offered after the return",
                )
            elif started and offered < started:
                error("rhi_offered_at", "The offer cannot be before the child was reported missing")
            elif returned and offered < returned:
                error("rhi_offered_at", "The offer cannot be before the child returned")
        outcome = text("rhi_outcome").lower()
        if outcome and outcome not in OUTCOMES:
            error(
                "rhi_outcome",
                f"{outcome!r} is not an outcome: use accepted, declined or not_applicable",
            )
        elif outcome in ("accepted", "declined") and not raw["rhi_offered_at"].strip():
            error(
                "rhi_outcome",
                f"An RHI can be {outcome} only once it was offered: give rhi_offered_at",
            )
        elif outcome and is_open:
            error(
                "rhi_outcome",
                "The child has not returned (returned_at is blank): there is no RHI yet",
            )
        reason = text("decline_reason").lower()
        if outcome == "declined" and not reason:
            error("decline_reason", "Say why the RHI was declined (a decline reason code)")
        elif reason and outcome != "declined":
            error("decline_reason", "A decline reason is given only when rhi_outcome is declined")
        elif reason and reason not in DeclineReason.values:
            error(
                "decline_reason",
                f"{reason!r} is not a decline reason: use {', '.join(DeclineReason.values)}",
            )

        carer_only = flag("carer_only")
        cce, cse = flag("cce_identified"), flag("cse_identified")
        if interviewed is not None:
            if is_open:
                error("interview_at", "The child has not returned (returned_at is blank)")
            elif returned and interviewed < returned:
                error("interview_at", "The interview cannot be before the child returned")
            if not carer_only:
                if outcome != "accepted":
                    error(
                        "interview_at",
                        "An interview with the child needs rhi_outcome accepted (information "
                        "from a carer only: carer_only y)",
                    )
                elif offered and interviewed < offered:
                    error("interview_at", "The interview cannot be before the offer")
        else:
            for column, value in (
                ("carer_only", carer_only),
                ("cce_identified", cce),
                ("cse_identified", cse),
            ):
                if value:
                    error(
                        column,
                        f"{column} y needs interview_at (when the interview or carer information was)",
                    )

        if errors:
            return errors
        assert started is not None
        return HistoryRow(
            row=row,
            child_id=child_id,
            forename=forename,
            surname=surname,
            date_of_birth=dob,
            sex=sex,
            looked_after=looked_after,
            responsible_id=responsible if looked_after else None,
            placement_id=placement if looked_after else None,
            episode_id=episode_id,
            reported_missing_at=started,
            returned_at=returned,
            notification_received_at=received,
            risk_level=risk,
            rhi_offered_at=offered,
            rhi_outcome=outcome,
            decline_reason=reason,
            interview_at=interviewed,
            carer_only=carer_only,
            cce_identified=cce,
            cse_identified=cse,
            classification=classification,
            group=group,
            raw=raw,
        )


@dataclass
class CheckedHistory:
    rows: list[HistoryRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw_rows: dict[int, dict[str, str]] = field(default_factory=dict)
    count: int = 0
    fatal: bool = False


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


def check_rows(rows: Iterable[HistoryRow], checked: CheckedHistory) -> None:
    """Checks across rows: repeated episodes, one child's details, overlapping episodes."""
    by_episode: dict[str, HistoryRow] = {}
    kept: list[HistoryRow] = []
    for item in rows:
        previous = by_episode.get(item.episode_id)
        if previous is None:
            by_episode[item.episode_id] = item
            kept.append(item)
        elif previous.raw == item.raw:
            checked.warnings.append(f"Row {item.row} repeats row {previous.row} and was skipped")
        else:
            checked.errors.append(
                RowError(
                    item.row,
                    "episode_id",
                    f"Episode {item.episode_id} is also in row {previous.row} with different details",
                )
            )
    by_child: dict[str, list[HistoryRow]] = defaultdict(list)
    for item in kept:
        by_child[item.child_id].append(item)
    for items in by_child.values():
        first = items[0]
        for item in items[1:]:
            for column in ("forename", "surname", "date_of_birth", "sex"):
                if getattr(item, column) != getattr(first, column):
                    checked.errors.append(
                        RowError(
                            item.row,
                            column,
                            f"Differs from row {first.row} for the same child_id {item.child_id}",
                        )
                    )
        ordered = sorted(items, key=lambda i: (i.reported_missing_at, i.row))
        for before, after in itertools.pairwise(ordered):
            if before.returned_at is None:
                checked.errors.append(
                    RowError(
                        after.row,
                        "reported_missing_at",
                        f"Child {after.child_id} is still missing from episode {before.episode_id} "
                        f"(row {before.row}, reported {_local(before.reported_missing_at)}): "
                        "an episode cannot start while another is open",
                    )
                )
            elif after.reported_missing_at < before.returned_at:
                checked.errors.append(
                    RowError(
                        after.row,
                        "reported_missing_at",
                        f"Overlaps episode {before.episode_id} of the same child (row {before.row}, "
                        f"returned {_local(before.returned_at)})",
                    )
                )
            elif before.start_day == after.start_day and (
                before.status != after.status or before.placement != after.placement
            ):
                checked.errors.append(
                    RowError(
                        after.row,
                        "legal_status",
                        f"Row {before.row} gives the same child a different legal status or "
                        "placement on the same day",
                    )
                )
    bad = {e.row for e in checked.errors}
    for item in kept:
        if item.row in bad:
            checked.raw_rows[item.row] = item.raw
    checked.rows = [i for i in kept if i.row not in bad]


def council_codes() -> dict[str, int]:
    return {
        code.upper(): pk
        for pk, code in Organisation.objects.councils()
        .exclude(la_code=None)
        .values_list("pk", "la_code")
        if code
    }


def read_history(source: Any, name: str, council: Organisation, now: dt.datetime) -> CheckedHistory:
    """Parse and validate a history file (CSV or XLSX)."""
    checked = CheckedHistory()
    try:
        table = read_table(source, name)
    except TableError as exc:
        checked.errors.append(RowError(exc.row or 1, exc.column, str(exc)))
        checked.fatal = True
        return checked
    header = check_header(table.header, COLUMNS, OPTIONAL_COLUMNS)
    checked.warnings.extend(header.warnings)
    if header.errors:
        checked.errors.extend(header.errors)
        checked.fatal = True
        return checked
    validator = HistoryValidator(council, council_codes(), now)
    valid: list[HistoryRow] = []
    width = len(table.header)
    try:
        for number, cells in table.rows:
            checked.count += 1
            if len(cells) > width and any(c.strip() for c in cells[width:]):
                checked.warnings.append(
                    f"Row {number} has more cells than the header has columns; the extra cells were ignored"
                )
            values = {c: (cells[i] if i < len(cells) else "") for c, i in header.positions.items()}
            result = validator.validate(number, values)
            if isinstance(result, list):
                checked.errors.extend(result)
                checked.raw_rows[number] = {c: values.get(c, "") for c in ALL_COLUMNS}
            else:
                valid.append(result)
    except TableError as exc:
        checked.errors.append(RowError(exc.row, exc.column, str(exc)))
        checked.fatal = True
        return checked
    check_rows(valid, checked)
    if table.blank_rows:
        checked.warnings.append(f"{table.blank_rows} blank row(s) were skipped")
    if checked.count == 0:
        checked.warnings.append("The file has a header but no rows")
    return checked


# --------------------------------------------------------------------------- plan


@dataclass(slots=True)
class Period:
    """A legal-status or placement period as the plan sees it (`fields` are the model's)."""

    start_date: dt.date
    end_date: dt.date | None
    key: Any
    fields: dict[str, Any]

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.start_date, self.end_date, self.key)


def rewrite_periods(
    existing: list[Period], runs: list[tuple[dt.date, Any, dict[str, Any]]], last_day: dt.date
) -> list[Period]:
    """A child's periods with the file's runs written over the days the file covers.

    `runs` are (first day, key, fields) in order, key None for "no period" (a gap). Periods
    starting before the first run end the day before it; those starting within the file's days
    are replaced; those starting after the last episode day are kept, and the last run ends the
    day before the first of them (else it stays open).
    """
    first_day = runs[0][0]
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
            end: dt.date | None = runs[index + 1][0] - dt.timedelta(days=1)
        else:
            end = after[0].start_date - dt.timedelta(days=1) if after else None
        result.append(Period(start, end, key, fields))
    result.extend(after)
    return result


def runs_of(
    items: list[tuple[dt.date, Any, dict[str, Any]]],
) -> list[tuple[dt.date, Any, dict[str, Any]]]:
    """Consecutive days with the same key merged into one run (its first day)."""
    runs: list[tuple[dt.date, Any, dict[str, Any]]] = []
    for day, key, fields in sorted(items, key=lambda i: i[0]):
        if not runs or runs[-1][1] != key:
            runs.append((day, key, fields))
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


@dataclass
class HistoryPlan:
    council: Organisation
    children: list[ChildPlan] = field(default_factory=list)
    episodes: list[EpisodePlan] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        created = [e for e in self.episodes if e.pk is None]
        updated = [e for e in self.episodes if e.pk is not None and e.changes]
        return {
            "children_created": sum(1 for c in self.children if c.pk is None),
            "children_updated": sum(
                1
                for c in self.children
                if c.pk is not None
                and (c.changed or c.statuses is not None or c.placements is not None)
            ),
            "episodes_created": len(created),
            "episodes_updated": len(updated),
            "episodes_unchanged": len(self.episodes) - len(created) - len(updated),
        }


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
                (
                    i.start_day,
                    i.status,
                    {"status": i.status[0], "responsible_council_id": i.status[1]},
                )
                for i in items
            ]
        )
        place_runs = runs_of(
            [
                (
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
