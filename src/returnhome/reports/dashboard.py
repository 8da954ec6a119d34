"""The dashboard's figures: monthly series, time to interview, repeat-missing children.

Every figure is an aggregate in the database, built from the indicator engine's own definitions
(`indicators.episode_aggregates` over the same report facts, `period_bounds`), so a month's
figures add up to `report indicators` for the same period, on SQLite and PostgreSQL alike:

- months are UK (Europe/London) calendar months of the date an episode was reported missing:
  the report facts store each episode's month (`month`, YYYYMM, kept by the triggers) and the
  database counts per (group, month), reading `facts_report_idx` in that order (no sort);
- time to interview is measured in real elapsed time from the clock start of the rule's start
  (return or notification) to the interview, to the millisecond: the report facts hold the
  interview's time after "clock start + 72 hours" (`ms_after_due_<start>_hours`), so the buckets
  are comparisons on the row; the 72-hour edge itself is the facts' "held by the deadline" flag,
  exactly as "within 72 hours" is.

Performance (bench/dashboard.py): one query over the period's report facts (every figure per
group and month, distinct children included) plus the repeat-children query; no referrals (the
dashboard does not show them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from returnhome.core.db import chunked
from returnhome.interviews.models import Interview
from returnhome.lib.clock import ClockCount, ClockRule, month_number
from returnhome.lib.groups import Group
from returnhome.organisations.models import Organisation
from returnhome.reports.indicators import (
    COLUMNS,
    GROUPS,
    HOST_PREVIOUS,
    ROW,
    TOTAL,
    GroupFigures,
    add_figures,
    due_field,
    episode_aggregates,
    hosted_facts,
    period_facts,
)

MONTH_FIGURES: tuple[tuple[str, str], ...] = (
    ("episodes", "Episodes"),
    ("offered", "Offered an RHI"),
    ("accepted", "Accepted"),
    ("undertaken", "Interviews undertaken"),
    ("within_72h", "Undertaken within 72 hours"),
)
HOUR_MS = 3_600_000
# (key, label, upper bound in hours from the clock start, inclusive; None = no bound)
TIME_BUCKETS: tuple[tuple[str, str, int | None], ...] = (
    ("h24", "Within 24 hours", 24),
    ("h48", "24 to 48 hours", 48),
    ("h72", "48 to 72 hours", 72),
    ("d7", "72 hours to 7 days", 168),
    ("later", "More than 7 days", None),
)
NOT_INTERVIEWED = ("never", "Not interviewed (yet)")
NO_CLOCK = ("no_clock", "Interviewed, clock start not recorded")
REPEAT_THRESHOLD = 3


@dataclass(frozen=True)
class Month:
    """One UK calendar month of the period (clipped to the period's first and last dates)."""

    first: dt.date
    last: dt.date

    @property
    def label(self) -> str:
        return f"{self.first:%b %Y}"

    @property
    def partial(self) -> bool:
        """Only part of the calendar month is in the period (the current month so far, say):
        its figures are not comparable with a whole month's, and charts say so."""
        return self.first.day != 1 or (self.last + dt.timedelta(days=1)).day != 1

    @property
    def number(self) -> int:
        """As the report facts store it: YYYYMM."""
        return month_number(self.first)


def months(date_from: dt.date, date_to: dt.date) -> list[Month]:
    """The months date_from..date_to touches, in order, each clipped to the period."""
    result = []
    first = date_from
    while first <= date_to:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        result.append(Month(first, min(date_to, following - dt.timedelta(days=1))))
        first = following
    return result


@dataclass
class MonthlySeries:
    """figures[column][figure] = one count per month; columns are the groups and the total."""

    months: list[Month]
    figures: dict[str, dict[str, list[int]]]


def _time_aggregates(rule: ClockRule) -> dict[str, Any]:
    """Returned episodes by hours from the clock start to the interview with the child.

    Buckets are inclusive at the top ("within 24 hours" includes exactly 24 hours).
    """
    due_72_hours = due_field(ClockRule(start=rule.start, count=ClockCount.HOURS))
    after_due = f"ms_after_{due_72_hours}"
    returned = Q(returned=True)
    interviewed = returned & Q(interview_kind=Interview.Kind.INTERVIEW)
    timed = interviewed & Q(**{f"{after_due}__isnull": False})
    aggregates: dict[str, Any] = {
        "time__returned": Count(ROW, filter=returned),
        f"time__{NO_CLOCK[0]}": Count(ROW, filter=interviewed & ~timed),
    }
    # The 72-hour edge is the stored "held by the deadline" flag (as "within 72 hours" is); the
    # 24 h, 48 h and 7 day edges are measured to the millisecond.
    in_time = Q(**{f"held_by_{due_72_hours}": True})
    lower: Q | None = None
    for key, _label, hours in TIME_BUCKETS:
        if hours is None:
            upper = None
        elif hours == 72:
            upper = in_time
        else:
            upper = Q(**{f"{after_due}__lte": (hours - 72) * HOUR_MS})
        window = timed
        if lower is not None:
            window &= ~lower
        if upper is not None:
            window &= upper
        aggregates[f"time__{key}"] = Count(ROW, filter=window)
        lower = upper
    return aggregates


@dataclass
class DashboardFigures:
    """The dashboard's figures: per group (as `indicators`, without referrals), per month, timing."""

    groups: dict[str, GroupFigures]
    series: MonthlySeries
    times: dict[str, int]


def dashboard_figures(
    council: Organisation, date_from: dt.date, date_to: dt.date, rule: ClockRule
) -> DashboardFigures:
    """One query over the period's report facts.

    Per (group, month): every episode figure of the indicator engine (its own
    `episode_aggregates`, distinct children included: a child counts in the month of its first
    episode of the period) and the time-to-interview buckets. Summed over the months these are
    exactly `indicators(...)`'s counts and decline reasons. Referrals are not on the dashboard
    (the Reports page has them) and are left at 0 here.
    """
    numbers = [m.number for m in months(date_from, date_to)]
    rows = month_rows(council, date_from, date_to, rule, numbers)
    return assemble(date_from, date_to, [row for m in numbers for row in rows[m]])


def month_rows(
    council: Organisation,
    date_from: dt.date,
    date_to: dt.date,
    rule: ClockRule,
    numbers: list[int],
) -> dict[int, list[dict[str, Any]]]:
    """The rows (one per group) of these months of the period (YYYYMM numbers): each month's
    rows depend only on the period's bounds and that month's facts, so they can be computed (and
    cached, decision 0048) month by month and summed by `assemble`."""
    facts, start = period_facts([council], date_from, date_to)
    aggregates = episode_aggregates(rule, start)
    aggregates.update(_time_aggregates(rule))
    result: dict[int, list[dict[str, Any]]] = {m: [] for m in numbers}
    every = len(numbers) == len(months(date_from, date_to))
    chosen = facts if every else facts.filter(month__in=numbers)
    for row in chosen.values("group", "month").annotate(**aggregates):
        result[row["month"]].append(row)
    # Other councils' episodes hosted here: the Hosted group (decision 0039).
    hosted = episode_aggregates(rule, start, HOST_PREVIOUS)
    hosted.update(_time_aggregates(rule))
    hosted_facts_ = hosted_facts([council], date_from, date_to)
    if not every:
        hosted_facts_ = hosted_facts_.filter(month__in=numbers)
    for row in hosted_facts_.values("month").annotate(**hosted):
        result[row["month"]].append({**row, "group": Group.HOSTED.value})
    return result


def assemble(date_from: dt.date, date_to: dt.date, rows: list[dict[str, Any]]) -> DashboardFigures:
    """The figures from the period's rows (`month_rows`, every month's)."""
    periods = months(date_from, date_to)
    index = {m.number: i for i, m in enumerate(periods)}
    groups = {column: GroupFigures.empty() for column in COLUMNS}
    series = {c: {key: [0] * len(periods) for key, _ in MONTH_FIGURES} for c in COLUMNS}
    times = {key: 0 for key, _label in time_bucket_labels()}
    for row in rows:
        add_figures(groups[row["group"]], row)
        add_figures(groups[TOTAL], row, total=True)
        for column in (row["group"], TOTAL):
            for key, _ in MONTH_FIGURES:
                series[column][key][index[row["month"]]] += row[key]
        for key, _label, _hours in TIME_BUCKETS:
            times[key] += row[f"time__{key}"]
        times[NO_CLOCK[0]] += row[f"time__{NO_CLOCK[0]}"]
        times[NOT_INTERVIEWED[0]] += row["time__returned"]
    times[NOT_INTERVIEWED[0]] -= sum(v for k, v in times.items() if k != NOT_INTERVIEWED[0])
    return DashboardFigures(groups, MonthlySeries(periods, series), times)


def time_bucket_labels() -> list[tuple[str, str]]:
    return [(k, label) for k, label, _h in TIME_BUCKETS] + [NO_CLOCK, NOT_INTERVIEWED]


@dataclass
class RepeatChild:
    child_id: int
    episodes: int


def repeat_children(
    council: Organisation,
    date_from: dt.date,
    date_to: dt.date,
    threshold: int = REPEAT_THRESHOLD,
) -> list[RepeatChild]:
    """Children with `threshold` (2 or more) episodes reported missing in the period, most first.

    Read from the report facts: an episode whose child was reported missing before it within the
    period (`child_previous_at` at or after the start) is the child's second or later of the
    period, so a child with n episodes has n - 1 such rows, and only those are counted
    (`later_by_month`).

    The children another council placed in this council's area count as the host counts them
    (decision 0039): their episodes in its area (the facts' `host_council`), and no other — the
    host reads only those. They are few (`facts_host_idx`), so each is counted outright.
    """
    numbers = [m.number for m in months(date_from, date_to)]
    later = later_by_month(council, date_from, date_to, numbers)
    return repeat_from(council, date_from, date_to, list(later.values()), threshold)


def later_by_month(
    council: Organisation, date_from: dt.date, date_to: dt.date, numbers: list[int]
) -> dict[int, dict[int, int]]:
    """Per month of the period (YYYYMM numbers): each child's episodes in that month that are not
    its first of the period. Each month's counts depend only on the period's bounds and that
    month's facts (so they can be cached month by month, decision 0048)."""
    facts, start = period_facts([council], date_from, date_to)
    later = facts.filter(child_previous_at__gte=start)
    if len(numbers) != len(months(date_from, date_to)):
        later = later.filter(month__in=numbers)
    result: dict[int, dict[int, int]] = {m: {} for m in numbers}
    for month, child_id, n in (
        later.values("month", "child_id")
        .annotate(n=Count(ROW))
        .values_list("month", "child_id", "n")
    ):
        result[month][child_id] = n
    return result


def repeat_from(
    council: Organisation,
    date_from: dt.date,
    date_to: dt.date,
    later: list[dict[int, int]],
    threshold: int = REPEAT_THRESHOLD,
) -> list[RepeatChild]:
    """`repeat_children` from the months' `later_by_month` counts, and the hosted children."""
    if threshold < 2:
        raise ValueError("a repeat is 2 or more episodes")
    totals: dict[int, int] = {}
    for month in later:
        for child_id, n in month.items():
            totals[child_id] = totals.get(child_id, 0) + n
    counts = {child_id: n + 1 for child_id, n in totals.items() if n >= threshold - 1}
    facts, _start = period_facts([council], date_from, date_to)
    hosted = dict(
        hosted_facts([council], date_from, date_to)
        .values("child_id")
        .annotate(n=Count(ROW))
        .values_list("child_id", "n")
    )
    own: dict[int, int] = {}  # a hosted child's own episodes here too (a record of its own)
    for part in chunked(sorted(hosted)):
        own.update(
            facts.filter(child_id__in=part)
            .values("child_id")
            .annotate(n=Count(ROW))
            .values_list("child_id", "n")
        )
    for child_id, episodes in hosted.items():
        if episodes + own.get(child_id, 0) >= threshold:
            counts[child_id] = episodes + own.get(child_id, 0)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [RepeatChild(child_id, episodes) for child_id, episodes in ranked]


def twelve_months_to(date_to: dt.date) -> dt.date:
    """The first day of the 12 months ending on date_to (same day a year before, plus one)."""
    try:
        year_before = date_to.replace(year=date_to.year - 1)
    except ValueError:  # 29 February
        year_before = date_to.replace(year=date_to.year - 1, day=28)
    return year_before + dt.timedelta(days=1)


def last_twelve_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The dashboard's default period: this month so far and the 11 full months before it."""
    first = today.replace(day=1)
    for _ in range(11):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first, today


__all__ = [
    "GROUPS",
    "MONTH_FIGURES",
    "DashboardFigures",
    "Month",
    "MonthlySeries",
    "RepeatChild",
    "dashboard_figures",
    "last_twelve_months",
    "months",
    "repeat_children",
]
