"""The staged import: parse -> validate -> match -> plan (the preview) -> commit.

`plan_import` reads the database but writes nothing: it decides, row by row in the order events
happened, what each valid notification will do (open an episode, close one, wait for its missing
notification, go to the front door's review queue, or nothing because it is already recorded).
The plan is the preview and the dry run; `imports.commit` carries it out.

The HTTP API will hand `validate_rows` the same column -> text mappings (one per notification).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from returnhome.core.db import chunked
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.models import PendingNotification, ReviewItem
from returnhome.imports.police.batch import Prescored, prescore
from returnhome.imports.police.matching import ChildIndex, Decision, Person
from returnhome.imports.police.register import (
    STORED_KEYS_UP_TO,
    load_index,
    load_index_for,
    placed_in_children,
    placed_out_of_area,
    probe_for,
)
from returnhome.imports.police.rows import COLUMNS, Notice, RowValidator
from returnhome.imports.validation import RowError, check_header
from returnhome.lib.tabular import Table, TableError, read_table
from returnhome.organisations.models import Organisation


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"


# --------------------------------------------------------------------------- parse + validate


@dataclass
class Checked:
    """The rows of one input after validation."""

    notices: list[Notice] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    raw_rows: dict[int, dict[str, str]] = field(default_factory=dict)
    rows: int = 0
    fatal: bool = False  # the file itself cannot be imported (no row is usable)


def force_lookup() -> dict[str, tuple[int, str]]:
    """A police force by its code ("police:KNT" or "KNT") or name, lower case."""
    lookup: dict[str, tuple[int, str]] = {}
    for pk, name, code in Organisation.objects.police_forces().values_list("pk", "name", "code"):
        lookup[name.lower()] = (pk, name)
        if code:
            lookup[code.lower()] = (pk, name)
            lookup[code.split(":", 1)[-1].lower()] = (pk, name)
    return lookup


def make_validator(now: dt.datetime) -> RowValidator:
    codes = set(
        Organisation.objects.councils().exclude(la_code=None).values_list("la_code", flat=True)
    )
    return RowValidator(forces=force_lookup(), council_codes={c for c in codes if c}, now=now)


def validate_rows(
    rows: Iterable[tuple[int, Mapping[str, str]]],
    validator: RowValidator,
    checked: Checked,
    noun: str = "row",
    *,
    texts: bool = False,
) -> Checked:
    """Validate each row; then the checks that need several rows (duplicates, found before missing).

    `noun` names a row in messages: "row" in a file, "notification" in an API request. `texts`:
    each row is a dict of every column to its text, in the order of COLUMNS (a file's rows), so
    a plainly valid row is read in one go (`RowValidator.quick`).
    """
    seen: dict[tuple[int, str, str], Notice] = {}
    quick = validator.quick if texts else None
    for number, values in rows:
        checked.rows += 1
        result: Notice | list[RowError] | None = None
        if quick is not None:
            result = quick(number, values)  # type: ignore[arg-type]  # `texts`: dicts
        if result is None:
            result = validator.validate(number, values)
        if isinstance(result, list):
            checked.errors.extend(result)
            checked.raw_rows[number] = {c: str(values.get(c) or "") for c in COLUMNS}
            continue
        previous = seen.get(result.key)
        if previous is not None:
            if previous.raw != result.raw:
                checked.errors.append(
                    RowError(
                        number,
                        "police_reference",
                        f"The {result.event} notification {result.police_reference} of "
                        f"{result.force_name} is also in {noun} {previous.row} with different details",
                    )
                )
                checked.raw_rows[number] = result.raw
            else:
                checked.warnings.append(
                    f"{noun.capitalize()} {number} repeats {noun} {previous.row} and was skipped"
                )
            continue
        seen[result.key] = result
        checked.notices.append(result)
    # A found before its missing, in time, within the file.
    for notice in checked.notices:
        if notice.event != "found":
            continue
        missing = seen.get((notice.force_id, notice.police_reference, "missing"))
        if missing is not None and notice.event_at < missing.event_at:
            checked.errors.append(
                RowError(
                    notice.row,
                    "event_at",
                    f"Found at {notice.raw['event_at']}, before the child was reported missing "
                    f"({missing.raw['event_at']}, {noun} {missing.row})",
                )
            )
    bad = {e.row for e in checked.errors}
    if bad:
        for notice in checked.notices:
            if notice.row in bad:
                checked.raw_rows[notice.row] = notice.raw
        checked.notices = [n for n in checked.notices if n.row not in bad]
    return checked


def read_file(source: Any, name: str, validator: RowValidator) -> Checked:
    """Parse and validate a CSV or XLSX file."""
    checked = Checked()
    try:
        table: Table = read_table(source, name)
    except TableError as exc:
        checked.errors.append(RowError(exc.row or 1, exc.column, str(exc)))
        checked.fatal = True
        return checked
    header = check_header(table.header, COLUMNS)
    checked.warnings.extend(header.warnings)
    if header.errors:
        checked.errors.extend(header.errors)
        checked.fatal = True
        return checked
    positions = header.positions
    width = len(table.header)
    # Each row's cells in the order of COLUMNS (every column is in the header).
    cells_of = itemgetter(*(positions[column] for column in COLUMNS))

    def mappings() -> Iterator[tuple[int, dict[str, str]]]:
        for number, cells in table.rows:
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            elif len(cells) > width and any(c.strip() for c in cells[width:]):
                checked.warnings.append(
                    f"Row {number} has more cells than the header has columns; the extra cells "
                    "were ignored"
                )
            yield number, dict(zip(COLUMNS, cells_of(cells), strict=True))

    try:
        validate_rows(mappings(), validator, checked, texts=True)
    except TableError as exc:
        checked.errors.append(RowError(exc.row, exc.column, str(exc)))
        checked.fatal = True
        return checked
    if table.blank_rows:
        checked.warnings.append(f"{table.blank_rows} blank row(s) were skipped")
    if checked.rows == 0:
        checked.warnings.append("The file has a header but no rows")
    return checked


# From this many notifications to match, a file's are matched all at once (`batch.prescore`).
BATCH_FROM = 500


def _details(notice: Notice) -> tuple[Any, ...]:
    """What `probe_for` makes a notification's probe of."""
    return (
        notice.forename,
        notice.surname,
        notice.date_of_birth,
        notice.sex,
        notice.postcode,
        notice.address,
        notice.la_child_id,
        notice.nhs_number,
        notice.aliases,
    )


# --------------------------------------------------------------------------- plan


@dataclass(slots=True)
class EpisodeState:
    """An episode as the plan knows it: in the database (id > 0) or to be created (id < 0)."""

    id: int
    child_id: int
    force_id: int | None
    reference: str
    reported_missing_at: dt.datetime
    returned_at: dt.datetime | None = None
    has_found: bool = False


@dataclass(slots=True)
class Action:
    """One thing the commit will do. `kind`:

    new_child      create the child (`child_id` < 0 names it within the plan)
    open           record_missing for `child_id` -> episode `episode_id` (< 0)
    close          record_return on `episode_id` with `notice` (or the pending `pending_id`)
    add            add `notice` as a further notification to closed `episode_id`
    pending        keep the found `notice` until its missing one arrives
    review         send `notice` to the front door (`reason`, `decision`, `open_episode_id`)
    """

    kind: str
    notice: Notice | None = None
    child_id: int | None = None
    episode_id: int | None = None
    pending_id: int | None = None
    reason: str = ""
    message: str = ""
    decision: Decision | None = None
    open_episode_id: int | None = None
    # About a child another council placed here (`placed_in_children`), or one of ours placed out
    # of area (`placed_out_of_area`): carried out through the
    # services (on the responsible council's record; the RHI to the named provider), whichever
    # commit path takes the rest.
    routed: bool = False
    # A review for another council's front door: the notification names that council (`la_code`)
    # and no child placed here fits it.
    review_council_id: int | None = None


class PlanCounts(NamedTuple):
    """What a notification plan does, counted: the figures of the import summary, in its order."""

    episodes_created: int
    episodes_updated: int
    episodes_closed: int
    children_matched: int
    children_created: int
    sent_to_review: int
    found_waiting_for_missing: int
    unchanged: int


# The names of those figures (the summary's keys, the API's counts).
PLAN_COUNTS: tuple[str, ...] = PlanCounts._fields


@dataclass
class Plan:
    council: Organisation
    received_at: dt.datetime
    actions: list[Action] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)
    new_children: dict[int, Notice] = field(default_factory=dict)
    matched_children: set[int] = field(default_factory=set)
    match_how: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # Seconds of each step of planning (the import's summary shows them): reading what the plan
    # needs from the database, matching a large file at once, deciding notification by
    # notification.
    timings: dict[str, float] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        kinds: dict[str, int] = defaultdict(int)
        for action in self.actions:
            kinds[action.kind] += 1
        updated = {a.episode_id for a in self.actions if a.kind in ("close", "add")}
        created = {a.episode_id for a in self.actions if a.kind == "open"}
        return PlanCounts(
            episodes_created=kinds["open"],
            episodes_updated=len(updated - created),
            episodes_closed=kinds["close"],
            children_matched=len(self.matched_children),
            children_created=kinds["new_child"],
            sent_to_review=kinds["review"],
            found_waiting_for_missing=kinds["pending"],
            unchanged=len(self.unchanged),
        )._asdict()


M = TypeVar("M", bound=Model)


def _referring(rows: QuerySet[M], references: list[str]) -> QuerySet[M]:
    """The rows with one of these police references. The references are passed as parameters
    of one `IN` written here: Django's `__in` prepares each value in Python, which for a file
    of 50,000 references cost more than the queries (decision 0047, round 2)."""
    column = f"{rows.model._meta.db_table}.police_reference"
    marks = ", ".join(["%s"] * len(references))
    return rows.extra(where=[f"{column} IN ({marks})"], params=references)  # noqa: S610


class Planner:
    """Walks the valid notices in the order the events happened, keeping the state they change."""

    def __init__(
        self, council: Organisation, received_at: dt.datetime, index: ChildIndex | None = None
    ) -> None:
        self.council = council
        self.plan = Plan(council, received_at)
        self.index = index
        self.next_temp = -1
        self.episodes_by_key: dict[tuple[int, str], EpisodeState] = {}
        self.episodes: dict[int, EpisodeState] = {}
        self.open_by_child: dict[int, EpisodeState] = {}
        self.notified: set[tuple[int, str, str]] = set()
        self.pending: dict[tuple[int, str], PendingNotification | Notice] = {}
        self.in_review: set[tuple[int, str, str]] = set()
        self.placed_in: set[int] = set()
        self.through_services: set[int] = set()
        self.councils: dict[str, Organisation | None] = {}
        # A large file's notifications matched all at once (`batch.prescore`): the position of
        # each notification in it, and the notifications (by position) that created a child.
        self.prescored: Prescored | None = None
        self.position: dict[int, int] = {}
        self.probes: list[Person] = []
        self.created: dict[int, int] = {}
        # Children created by a notification not matched in the batch (none, normally).
        self.unbatched = ChildIndex()

    def _temp(self) -> int:
        value = self.next_temp
        self.next_temp -= 1
        return value

    # ---- state from the database

    def load(self, notices: list[Notice]) -> None:
        council = self.council
        self.placed_in = set(placed_in_children(council).values_list("pk", flat=True))
        self.through_services = self.placed_in | placed_out_of_area(council)
        ours = Q(council=council) | Q(child_id__in=self.placed_in)
        references = sorted({n.police_reference for n in notices})
        episode_fields = (
            "pk",
            "child_id",
            "police_force_id",
            "police_reference",
            "reported_missing_at",
            "returned_at",
        )
        for refs in chunked(references):
            for pk, child_id, force_id, ref, started, returned in _referring(
                Episode.objects.filter(ours), refs
            ).values_list(*episode_fields):
                state = self._episode(pk, child_id, force_id, ref, started, returned)
                if force_id is not None:
                    self.episodes_by_key.setdefault((force_id, ref), state)
            for force_id, ref, event, episode_id in _referring(
                Notification.objects.filter(
                    Q(council=council) | Q(episode__child_id__in=self.placed_in),
                    police_force__isnull=False,
                ),
                refs,
            ).values_list("police_force_id", "police_reference", "event", "episode_id"):
                self.notified.add((force_id, ref, event))
                if event == "found" and episode_id in self.episodes:
                    self.episodes[episode_id].has_found = True
            for pending in _referring(
                PendingNotification.objects.filter(
                    Q(council=council) | Q(child_id__in=self.placed_in),
                    status=PendingNotification.Status.WAITING,
                ),
                refs,
            ):
                self.pending[(pending.police_force_id, pending.police_reference)] = pending
            for force_id, ref, event in _referring(
                ReviewItem.objects.filter(council=council, status=ReviewItem.Status.OPEN), refs
            ).values_list("police_force_id", "police_reference", "event"):
                self.in_review.add((force_id, ref, event))
        open_episodes = Episode.objects.filter(ours, returned_at__isnull=True)
        if self.index is None:
            if len(notices) <= STORED_KEYS_UP_TO:
                self.index = load_index_for(council, [probe_for(n) for n in notices])
            else:
                self.index = load_index(council)
        if self.index.partial:
            # Only the children matching can name: those in the index (the rest have no
            # candidates to offer the plan).
            # Their ids written into the SQL as numbers (ints, nothing else): thousands of
            # parameters cost the ORM more than the query.
            known = sorted(int(i) for i in self.index.people if i > 0)
            parts = [
                open_episodes.extra(  # noqa: S610
                    where=[f"episodes_episode.child_id IN ({', '.join(map(str, part))})"]
                )
                for part in chunked(known, 5000)
            ]
        else:
            parts = [open_episodes]
        rows = (row for part in parts for row in part.values_list(*episode_fields))
        for pk, child_id, force_id, ref, started, returned in rows:
            state = self.episodes.get(pk) or self._episode(
                pk, child_id, force_id, ref, started, returned
            )
            current = self.open_by_child.get(child_id)
            if current is None or current.reported_missing_at < state.reported_missing_at:
                self.open_by_child[child_id] = state

    def _episode(
        self,
        pk: int,
        child_id: int,
        force_id: int | None,
        ref: str,
        started: dt.datetime,
        returned: dt.datetime | None,
    ) -> EpisodeState:
        state = EpisodeState(pk, child_id, force_id, ref, started, returned)
        self.episodes[pk] = state
        return state

    # ---- deciding

    def _match(self, notice: Notice) -> Decision:
        assert self.index is not None
        position = self.position.get(id(notice))
        scored = None
        if position is not None and self.prescored is not None:
            scored = self.prescored.scored(position, self.created)
        if position is None or scored is None:
            decision = self.index.match(probe_for(notice))
        else:
            probe = self.probes[position]
            if len(self.unbatched):
                scored += self.unbatched._scored(probe)
            decision = self.index.match(probe, scored)
        self.plan.match_how[f"{decision.outcome} ({decision.how})"] += 1
        return decision

    def _prescore(self, order: list[Notice]) -> None:
        """Match at once every notification of a large file that the plan may match: the
        missing ones, and the found ones without a recorded episode. A found one giving the
        same details as its missing one in the file is that notification to matching (the
        same probe: its candidates are the same, with the children created by then)."""
        assert self.index is not None
        if self.index.partial:
            return
        wanted: list[Notice] = []
        position: dict[int, int] = {}
        missing: dict[tuple[int, str], tuple[Notice, int]] = {}
        for notice in order:
            if notice.event == "missing":
                missing[notice.episode_key] = (notice, len(wanted))
                position[id(notice)] = len(wanted)
                wanted.append(notice)
        for notice in order:
            if notice.event == "missing" or notice.episode_key in self.episodes_by_key:
                continue
            twin = missing.get(notice.episode_key)
            if twin is not None and _details(twin[0]) == _details(notice):
                position[id(notice)] = twin[1]
            else:
                position[id(notice)] = len(wanted)
                wanted.append(notice)
        if len(wanted) < BATCH_FROM:
            return
        self.probes = [probe_for(n) for n in wanted]
        self.position = position
        # When each may create its child (a missing one, when it is planned), and when it is
        # matched for the last time (itself, or a found one that is the same to matching).
        never = len(order)
        creates_at = [never] * len(wanted)
        last_matched = [0] * len(wanted)
        for moment, notice in enumerate(order):
            at = position.get(id(notice))
            if at is not None:
                last_matched[at] = moment
                if notice.event == "missing":
                    creates_at[at] = moment
        self.prescored = prescore(
            self.index,
            self.probes,
            [n.event == "missing" for n in wanted],
            (creates_at, last_matched),
        )

    def _review(
        self, notice: Notice, reason: str, message: str, decision: Decision | None = None, **kw: Any
    ) -> None:
        self.plan.actions.append(
            Action("review", notice, reason=reason, message=message, decision=decision, **kw)
        )
        self.in_review.add(notice.key)

    def _named_council(self, notice: Notice) -> Organisation | None:
        """Another council the notification names as the child's (its `la_code`), if any."""
        if not notice.la_code or notice.la_code == self.council.la_code:
            return None
        if notice.la_code not in self.councils:  # looked up once per code in an import
            self.councils[notice.la_code] = (
                Organisation.objects.councils().filter(la_code=notice.la_code).first()
            )
        return self.councils[notice.la_code]

    def _error(self, notice: Notice, column: str, message: str) -> None:
        self.plan.errors.append(RowError(notice.row, column, message))

    def _unchanged(self, notice: Notice, why: str) -> None:
        self.plan.unchanged.append((notice.row, why))

    def _close(
        self, notice: Notice | None, episode: EpisodeState, pending_id: int | None = None
    ) -> None:
        when = notice.event_at if notice is not None else None
        self.plan.actions.append(
            Action("close", notice, episode_id=episode.id, pending_id=pending_id)
        )
        episode.returned_at = when or episode.reported_missing_at
        episode.has_found = True
        if self.open_by_child.get(episode.child_id) is episode:
            del self.open_by_child[episode.child_id]
        if episode.child_id > 0:
            self.plan.matched_children.add(episode.child_id)

    def missing(self, notice: Notice) -> None:
        key = notice.episode_key
        if notice.key in self.notified:
            return self._unchanged(notice, "already recorded")
        if notice.key in self.in_review:
            return self._unchanged(notice, "already waiting for the front door")
        episode = self.episodes_by_key.get(key)
        if episode is not None:
            # Recorded already (e.g. by the front door, with this reference): add the notification.
            self.plan.actions.append(Action("add", notice, episode_id=episode.id))
            self.notified.add(notice.key)
            return None
        pending = self.pending.get(key)
        if pending is not None and pending.event_at < notice.event_at:
            return self._error(
                notice,
                "event_at",
                f"The found notification for {notice.police_reference} already received says the "
                f"child was found at {_local(pending.event_at)}, before this missing time",
            )
        decision = self._match(notice)
        elsewhere = self._named_council(notice)
        if elsewhere is not None and decision.outcome != "auto":
            return self._review(
                notice,
                ReviewItem.Reason.NAMES_ANOTHER_COUNCIL,
                f"Names {elsewhere.name} as the child's council; no child it placed in "
                f"{self.council.name} fits it",
                review_council_id=elsewhere.pk,
            )
        if decision.outcome == "review":
            reason = (
                ReviewItem.Reason.IDENTIFIER_CONFLICT
                if decision.conflict
                else ReviewItem.Reason.UNCERTAIN_MATCH
            )
            message = (
                f"The {decision.how} points to a child whose details do not agree"
                if decision.conflict
                else "More than one child, or none clearly, fits this notification"
            )
            return self._review(notice, reason, message, decision)
        if decision.outcome == "new":
            child_id = self._temp()
            self.plan.actions.append(Action("new_child", notice, child_id=child_id))
            self.plan.new_children[child_id] = notice
            assert self.index is not None
            person = probe_for(notice, child_id)
            self.index.add(person)
            position = self.position.get(id(notice))
            if self.prescored is not None:
                if position is not None and self.prescored.with_new:
                    self.created[position] = child_id
                else:
                    self.unbatched.add(person)
        else:
            assert decision.child_id is not None
            child_id = decision.child_id
        open_episode = self.open_by_child.get(child_id)
        if open_episode is not None:
            return self._review(
                notice,
                ReviewItem.Reason.ALREADY_MISSING,
                "This child already has an open missing episode"
                + (
                    f" (police reference {open_episode.reference})"
                    if open_episode.reference
                    else ""
                ),
                decision,
                open_episode_id=open_episode.id,
            )
        if child_id > 0:
            self.plan.matched_children.add(child_id)
        episode_id = self._temp()
        self.plan.actions.append(Action("open", notice, child_id=child_id, episode_id=episode_id))
        state = EpisodeState(
            episode_id, child_id, notice.force_id, notice.police_reference, notice.event_at
        )
        self.episodes[episode_id] = state
        self.episodes_by_key[key] = state
        self.open_by_child[child_id] = state
        self.notified.add(notice.key)
        if pending is not None:
            del self.pending[key]
            if isinstance(pending, PendingNotification):
                self._close(None, state, pending_id=pending.pk)
                state.returned_at = pending.event_at
            else:  # a found kept earlier in this same import
                self.plan.actions = [
                    a
                    for a in self.plan.actions
                    if not (a.kind == "pending" and a.notice is pending)
                ]
                self._close(pending, state)
            self.notified.add((notice.force_id, notice.police_reference, "found"))
        return None

    def found(self, notice: Notice) -> None:
        key = notice.episode_key
        if notice.key in self.notified or key in self.pending:
            return self._unchanged(notice, "already recorded")
        if notice.key in self.in_review:
            return self._unchanged(notice, "already waiting for the front door")
        episode = self.episodes_by_key.get(key)
        if episode is not None:
            if notice.event_at < episode.reported_missing_at:
                return self._error(
                    notice,
                    "event_at",
                    "Found before the child was reported missing "
                    f"({_local(episode.reported_missing_at)})",
                )
            self.notified.add(notice.key)
            if episode.returned_at is None:
                return self._close(notice, episode)
            self.plan.actions.append(Action("add", notice, episode_id=episode.id))
            return None
        decision = self._match(notice)
        child_id = decision.child_id if decision.outcome == "auto" else None
        open_episode = self.open_by_child.get(child_id) if child_id is not None else None
        if open_episode is not None and notice.event_at >= open_episode.reported_missing_at:
            if (
                open_episode.reference
                and open_episode.force_id == notice.force_id
                and open_episode.reference != notice.police_reference
            ):
                return self._review(
                    notice,
                    ReviewItem.Reason.REFERENCE_MISMATCH,
                    f"The child's open episode has police reference {open_episode.reference}, "
                    f"not {notice.police_reference}",
                    decision,
                    open_episode_id=open_episode.id,
                )
            self.notified.add(notice.key)
            return self._close(notice, open_episode)
        elsewhere = self._named_council(notice)
        if elsewhere is not None and child_id is None:
            # As for a missing one: the council it names decides, never this one (issue 12).
            return self._review(
                notice,
                ReviewItem.Reason.NAMES_ANOTHER_COUNCIL,
                f"Names {elsewhere.name} as the child's council; no child it placed in "
                f"{self.council.name} fits it, and no episode has this police reference",
                review_council_id=elsewhere.pk,
            )
        self.plan.actions.append(Action("pending", notice, child_id=child_id))
        self.pending[key] = notice
        if child_id is not None and child_id > 0:
            self.plan.matched_children.add(child_id)
        return None

    def run(self, notices: list[Notice]) -> Plan:
        timings = self.plan.timings
        mark = time.monotonic()
        self.load(notices)
        timings["plan_read"] = round(time.monotonic() - mark, 3)
        mark = time.monotonic()
        order = sorted(notices, key=lambda n: (n.event_at, n.event != "missing", n.row))
        self._prescore(order)
        timings["plan_match_at_once"] = round(time.monotonic() - mark, 3)
        mark = time.monotonic()
        for notice in order:
            if notice.event == "missing":
                self.missing(notice)
            else:
                self.found(notice)
        self._mark_routed()
        timings["plan_decide"] = round(time.monotonic() - mark, 3)
        return self.plan

    def _mark_routed(self) -> None:
        """The actions on another council's child (placed here), on one of ours with a provider
        named for an out-of-area placement, or on their episodes."""
        for action in self.plan.actions:
            episode = self.episodes.get(action.episode_id or 0)
            child_id = episode.child_id if episode is not None else action.child_id
            if action.kind != "review" and child_id in self.through_services:
                action.routed = True


def plan_import(
    council: Organisation,
    notices: list[Notice],
    *,
    received_at: dt.datetime,
    index: ChildIndex | None = None,
) -> Plan:
    return Planner(council, received_at, index).run(notices)
