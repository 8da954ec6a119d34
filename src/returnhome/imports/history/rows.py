"""The history import: a council's past episodes, one row per episode (docs/formats/history.md).

Stages, as the notification import: parse (`lib.tabular`) -> validate each row
(`HistoryValidator`) -> checks across rows (`check_rows`) -> plan against the database
(`plan.plan_history`, which is also the dry run) -> commit (`commit.history.commit_history`).

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
from typing import Any, NamedTuple

from django.utils import timezone

from returnhome.children.models import Child, LegalStatus
from returnhome.episodes.models import Episode
from returnhome.imports.police.rows import risk_level, sex_of
from returnhome.imports.validation import (
    OLDEST_YEARS,
    RowCheck,
    RowError,
    Validator,
    check_header,
)
from returnhome.interviews.models import DeclineReason
from returnhome.lib.clock import LONDON
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


class Legal(NamedTuple):
    """A row's legal status: looked after or not, by which council, placed where, so which group."""

    looked_after: bool
    responsible_id: int | None
    placement_id: int | None
    group: Group


class Times(NamedTuple):
    started: dt.datetime | None
    returned: dt.datetime | None
    received: dt.datetime | None
    offered: dt.datetime | None
    interviewed: dt.datetime | None


class Rhi(NamedTuple):
    outcome: str
    decline_reason: str


class Findings(NamedTuple):
    carer_only: bool
    cce_identified: bool
    cse_identified: bool


class HistoryValidator(Validator[HistoryRow]):
    """Checks one row at a time for the importing council."""

    columns = ALL_COLUMNS
    required = REQUIRED_VALUES
    max_lengths = MAX_LENGTHS

    def __init__(self, council: Organisation, councils: Mapping[str, int], now: dt.datetime):
        super().__init__(now)
        self.council = council
        self.councils = councils

    def check(self, check: RowCheck) -> HistoryRow | None:
        child_id, episode_id = check.text("child_id"), check.text("episode_id")
        forename, surname = check.text("forename"), check.text("surname")
        sex = sex_of(check)
        legal = self._legal_status(check)
        times = self._times(check)
        dob = self._date_of_birth(check, times.started)
        risk = risk_level(check)
        classification = check.text("classification").upper() or Episode.Classification.MISSING
        if classification not in Episode.Classification.values:
            check.error("classification", f"{classification!r} is not M or A")
        rhi = self._rhi(check, times)
        findings = self._interview(check, times, rhi.outcome)
        if check.errors:
            return None
        assert times.started is not None
        return HistoryRow(
            row=check.row,
            child_id=child_id,
            forename=forename,
            surname=surname,
            date_of_birth=dob,
            sex=sex,
            looked_after=legal.looked_after,
            responsible_id=legal.responsible_id if legal.looked_after else None,
            placement_id=legal.placement_id if legal.looked_after else None,
            episode_id=episode_id,
            reported_missing_at=times.started,
            returned_at=times.returned,
            notification_received_at=times.received,
            risk_level=risk,
            rhi_offered_at=times.offered,
            rhi_outcome=rhi.outcome,
            decline_reason=rhi.decline_reason,
            interview_at=times.interviewed,
            carer_only=findings.carer_only,
            cce_identified=findings.cce_identified,
            cse_identified=findings.cse_identified,
            classification=classification,
            group=legal.group,
            raw=check.raw,
        )

    def _council(self, check: RowCheck, column: str) -> int | None:
        code = check.text(column)
        if not code:
            return None
        pk = self.councils.get(code.upper())
        if pk is None:
            check.error(column, f"{code!r} is not a council's DfE LA code")
        return pk

    def _legal_status(self, check: RowCheck) -> Legal:
        status = check.text("legal_status").lower()
        if status and status not in LEGAL_STATUSES:
            check.error(
                "legal_status",
                f"{status!r} is not a legal status: use not_looked_after or looked_after",
            )
        looked_after = status == "looked_after"
        responsible = self._council(check, "responsible_la")
        placement = self._council(check, "placement_la")
        group = Group.MFH
        if status == "not_looked_after":
            for column in ("responsible_la", "placement_la"):
                if check.given(column):
                    check.error(column, "Leave blank for a child who is not looked after")
        elif looked_after:
            if not check.given("responsible_la"):
                check.error(
                    "responsible_la", "A looked after child's responsible council is required"
                )
            elif responsible is not None:
                if responsible != self.council.pk and placement not in (None, self.council.pk):
                    check.error(
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
        return Legal(looked_after, responsible, placement, group)

    def _times(self, check: RowCheck) -> Times:
        times = Times(
            started=self.moment(check, "reported_missing_at"),
            returned=self.moment(check, "returned_at"),
            received=self.moment(check, "notification_received_at"),
            offered=self.moment(check, "rhi_offered_at"),
            interviewed=self.moment(check, "interview_at"),
        )
        started, returned, received = times.started, times.returned, times.received
        if started and returned and returned < started:
            check.error("returned_at", "The child cannot return before they were reported missing")
        if received and not check.given("returned_at"):
            check.error(
                "notification_received_at",
                "A found notification needs a return: give returned_at, or leave this blank",
            )
        elif received and returned and received < returned - RECEIVED_TOLERANCE:
            check.error(
                "notification_received_at",
                "The found notification cannot be received before the child returned",
            )
        return times

    def _date_of_birth(self, check: RowCheck, started: dt.datetime | None) -> dt.date | None:
        dob = check.date("date_of_birth")
        if dob is None:
            return None
        if dob > self.now.date():
            check.error("date_of_birth", "Date of birth is in the future")
        elif started and dob > started.astimezone(LONDON).date():
            check.error("date_of_birth", "Date of birth is after the child was reported missing")
        elif started and dob.year < started.astimezone(LONDON).year - OLDEST_YEARS:
            check.error(
                "date_of_birth",
                f"Date of birth {dob:%d/%m/%Y} is more than {OLDEST_YEARS} years before "
                "the episode",
            )
        return dob

    @staticmethod
    def _rhi(check: RowCheck, times: Times) -> Rhi:
        is_open = not check.given("returned_at")
        offered = times.offered
        if offered is not None:
            if is_open:
                check.error(
                    "rhi_offered_at",
                    "The child has not returned (returned_at is blank): an RHI is offered after the return",
                )
            elif times.started and offered < times.started:
                check.error(
                    "rhi_offered_at", "The offer cannot be before the child was reported missing"
                )
            elif times.returned and offered < times.returned:
                check.error("rhi_offered_at", "The offer cannot be before the child returned")
        outcome = check.text("rhi_outcome").lower()
        if outcome and outcome not in OUTCOMES:
            check.error(
                "rhi_outcome",
                f"{outcome!r} is not an outcome: use accepted, declined or not_applicable",
            )
        elif outcome in ("accepted", "declined") and not check.given("rhi_offered_at"):
            check.error(
                "rhi_outcome",
                f"An RHI can be {outcome} only once it was offered: give rhi_offered_at",
            )
        elif outcome and is_open:
            check.error(
                "rhi_outcome",
                "The child has not returned (returned_at is blank): there is no RHI yet",
            )
        reason = check.text("decline_reason").lower()
        if outcome == "declined" and not reason:
            check.error("decline_reason", "Say why the RHI was declined (a decline reason code)")
        elif reason and outcome != "declined":
            check.error(
                "decline_reason", "A decline reason is given only when rhi_outcome is declined"
            )
        elif reason and reason not in DeclineReason.values:
            check.error(
                "decline_reason",
                f"{reason!r} is not a decline reason: use {', '.join(DeclineReason.values)}",
            )
        return Rhi(outcome, reason)

    @staticmethod
    def _flag(check: RowCheck, column: str) -> bool:
        value = check.text(column).lower()
        if value not in YES:
            check.error(column, f"{value!r} is not y or n")
        return YES.get(value, False)

    def _interview(self, check: RowCheck, times: Times, outcome: str) -> Findings:
        findings = Findings(
            carer_only=self._flag(check, "carer_only"),
            cce_identified=self._flag(check, "cce_identified"),
            cse_identified=self._flag(check, "cse_identified"),
        )
        interviewed, returned, offered = times.interviewed, times.returned, times.offered
        if interviewed is None:
            for column, value in zip(Findings._fields, findings, strict=True):
                if value:
                    check.error(
                        column,
                        f"{column} y needs interview_at (when the interview or carer information was)",
                    )
            return findings
        if not check.given("returned_at"):
            check.error("interview_at", "The child has not returned (returned_at is blank)")
        elif returned and interviewed < returned:
            check.error("interview_at", "The interview cannot be before the child returned")
        if not findings.carer_only:
            if outcome != "accepted":
                check.error(
                    "interview_at",
                    "An interview with the child needs rhi_outcome accepted (information "
                    "from a carer only: carer_only y)",
                )
            elif offered and interviewed < offered:
                check.error("interview_at", "The interview cannot be before the offer")
        return findings


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
