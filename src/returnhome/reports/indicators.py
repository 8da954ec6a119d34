"""The indicator engine: the definitions in docs/formats/indicators.md, computed in the database.

One implementation for the command line, the web pages and every export. Every count is an
aggregate in SQL (conditional ``COUNT``s grouped by the episode's stored group); nothing loads
episodes into Python. It runs the same on SQLite and PostgreSQL.

- What is counted: the report facts (reports/models.py `EpisodeFacts`), one row per episode with
  its RHI's and interview's values, kept by database triggers in the same statement as every
  write to an episode, RHI or interview (reports/facts.py). A report reads one covering index
  instead of joining episode → RHI → interview row by row.
- Period membership: the local (Europe/London) date the episode was reported missing is in
  [date_from, date_to]; in SQL that is ``reported_missing_at`` in [local midnight starting
  date_from, local midnight after date_to), both instants computed in Python.
- "Within 72 hours" under any rule: each RHI stores its deadline under every rule
  (``due_<start>_<count>``, fixed by ``interviews.services.refer_rhi`` from the return and the
  first "found" notification) and the facts row whether the interview (and the offer) was at or
  before it, so "in time" is a flag. An interview exactly at the deadline is in time.
- Distinct children: each child counts on its first episode in the period (in the group, and
  once in total in any group): the facts row holds when that child was last reported missing
  before this episode (in the same council; in the group, and in any group), so "first in the
  period" is ``previous IS NULL OR previous < period start``, a test on the row alone. Follow-up
  referrals are counted the same way on the first episode of the period their interview covers.
- Hosted (decision 0039): a child placed out of area by another council has one record, at the
  responsible council, and its episodes that council's group (LAC-out). The facts row also holds
  the host council (where the child was placed when the episode began); the host's figures read
  those rows as its Hosted group, each child first in the period by the host's own "previous"
  columns. So the episode counts once for each council.
- Totals are the sum of the groups.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Count, Q, QuerySet

from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, DeclineReason, Interview
from returnhome.interviews.services import due_field
from returnhome.lib.clock import LONDON, ClockCount, ClockRule, ClockStart, month_number
from returnhome.lib.groups import Group
from returnhome.lib.tabular import safe_cell, text_cell
from returnhome.organisations.models import Organisation
from returnhome.reports.models import EpisodeFacts

__all__ = [
    "COUNTS",
    "GROUPS",
    "RATES",
    "IndicatorReport",
    "due_field",
    "indicators",
    "period_bounds",
]

GROUPS: tuple[str, ...] = tuple(g.value for g in Group)
TOTAL = "total"
COLUMNS: tuple[str, ...] = (*GROUPS, TOTAL)

COUNTS: tuple[tuple[str, str], ...] = (
    ("episodes", "Episodes"),
    ("children", "Children"),
    ("offered", "Offered an RHI"),
    ("accepted", "Accepted"),
    ("declined", "Declined"),
    ("not_applicable", "Not applicable"),
    ("undertaken", "Interviews undertaken"),
    ("carer_only", "Information from a parent or carer only (not undertaken)"),
    ("within_72h", "Undertaken within 72 hours"),
    ("offered_within_72h", "Offered within 72 hours"),
    ("cce_raised", "Child criminal exploitation raised"),
    ("cse_raised", "Child sexual exploitation raised"),
)

# (key, numerator, denominator, label)
RATES: tuple[tuple[str, str, str, str], ...] = (
    ("offered_of_episodes", "offered", "episodes", "Offered ÷ episodes"),
    ("accepted_of_offered", "accepted", "offered", "Accepted ÷ offered"),
    ("undertaken_of_episodes", "undertaken", "episodes", "Undertaken ÷ episodes"),
    ("undertaken_of_offered", "undertaken", "offered", "Undertaken ÷ offered"),
    ("undertaken_of_accepted", "undertaken", "accepted", "Undertaken ÷ accepted"),
    ("within_72h_of_undertaken", "within_72h", "undertaken", "Within 72 hours ÷ undertaken"),
)
RATE_PLACES = 4

DECLINE_REASONS: tuple[tuple[str, str], ...] = tuple(
    (str(value), str(label)) for value, label in DeclineReason.choices
)
SERVICES: tuple[tuple[str, str], ...] = tuple(
    (str(value), str(label)) for value, label in ProposedAction.Service.choices
)
# A referral is an action the manager agreed (as proposed or with changes); it has reached an
# outcome when it is recorded as done or not done.
REFERRAL_STATUSES = (
    ProposedAction.Status.AGREED,
    ProposedAction.Status.IN_PROGRESS,
    ProposedAction.Status.DONE,
    ProposedAction.Status.NOT_DONE,
)
OUTCOME_STATUSES = (ProposedAction.Status.DONE, ProposedAction.Status.NOT_DONE)


def period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) instants of the local dates date_from..date_to inclusive, Europe/London."""
    if date_from > date_to:
        raise ValueError(f"the period starts after it ends ({date_from} > {date_to})")
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=LONDON)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=LONDON)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


# What a conditional COUNT counts: a column of every facts row (never NULL) in the covering index.
# Not the primary key: SQLite keeps it out of the index (it is not the table's rowid), so counting
# it would visit the table row of every episode.
ROW = "reported_missing_at"


def _first(previous: str, start: dt.datetime) -> Q:
    """The row is the first of its kind in the period: nothing of its kind earlier since `start`.

    `previous` is a report-facts column holding when the child's (or the interview's) previous
    episode of the same kind was reported missing; its rows' earliest in any period counts.
    """
    return Q(**{f"{previous}__isnull": True}) | Q(**{f"{previous}__lt": start})


# The "previous episode" columns a council's own rows are counted by: (child in the group, child
# in any group, interview in the group, interview in any group); and its hosted rows (decision
# 0039), in one group, so the same column serves both.
OWN_PREVIOUS = (
    "child_previous_in_group_at",
    "child_previous_at",
    "interview_previous_in_group_at",
    "interview_previous_at",
)
HOST_PREVIOUS = (
    "host_child_previous_at",
    "host_child_previous_at",
    "host_interview_previous_at",
    "host_interview_previous_at",
)


def episode_aggregates(
    rule: ClockRule, start: dt.datetime, previous: tuple[str, ...] = OWN_PREVIOUS
) -> dict[str, Any]:
    """One conditional COUNT per figure, over the period's report facts (one row per episode).

    Children are distinct children: each counts on its first episode in the period (in the group;
    `children_in_total` in any group), by the `previous` columns (the host's for hosted rows).
    Each filter's most selective test comes first (SQLite stops at the first false one).
    """
    due = due_field(rule)
    offered = Q(offer_made=True)
    returned = Q(returned=True)  # open episodes are in no 72-hour figure
    interviewed = Q(interview_kind=Interview.Kind.INTERVIEW)

    def outcome(value: str) -> Q:
        return Q(outcome=value) & offered

    aggregates: dict[str, Any] = {
        "episodes": Count(ROW),
        "children": Count(ROW, filter=_first(previous[0], start)),
        "children_in_total": Count(ROW, filter=_first(previous[1], start)),
        "offered": Count(ROW, filter=offered),
        "accepted": Count(ROW, filter=outcome(RHI.Outcome.ACCEPTED)),
        "declined": Count(ROW, filter=outcome(RHI.Outcome.DECLINED)),
        "not_applicable": Count(ROW, filter=outcome(RHI.Outcome.NOT_APPLICABLE)),
        "undertaken": Count(ROW, filter=interviewed),
        "carer_only": Count(ROW, filter=Q(interview_kind=Interview.Kind.CARER_ONLY)),
        "within_72h": Count(ROW, filter=Q(**{f"held_by_{due}": True}) & interviewed & returned),
        "offered_within_72h": Count(
            ROW, filter=Q(**{f"offered_by_{due}": True}) & offered & returned
        ),
        "cce_raised": Count(ROW, filter=Q(cce_identified=True)),
        "cse_raised": Count(ROW, filter=Q(cse_identified=True)),
    }
    for code, _label in DECLINE_REASONS:
        aggregates[f"declined__{code}"] = Count(
            ROW, filter=Q(decline_reason=code) & outcome(RHI.Outcome.DECLINED)
        )
    return aggregates


def whole_months(date_from: dt.date, date_to: dt.date) -> bool:
    """The period is whole UK calendar months (a month, a quarter, a year, a financial year)."""
    return date_from.day == 1 and (date_to + dt.timedelta(days=1)).day == 1


def period_facts(
    councils: Sequence[Organisation], date_from: dt.date, date_to: dt.date
) -> tuple[QuerySet[EpisodeFacts], dt.datetime]:
    """The report facts of these councils' episodes reported missing in the period, and its start.

    Read through `facts_report_idx` (council, group, month, instant, ...) as a range on the UK
    month the facts store: a period of whole months is exactly its months (nothing else is
    tested per row); any other period is its months and, within them, its instants. The group
    is tested with an IN list of the four (every episode has one of them), so SQLite reads the
    index group after group: a GROUP BY on the group (and month) needs no sort.
    """
    start, end = period_bounds(date_from, date_to)
    period = Q(
        council_id__in=[c.pk for c in councils],
        group__in=GROUPS,
        month__gte=month_number(date_from),
        month__lte=month_number(date_to),
    )
    if not whole_months(date_from, date_to):
        period &= Q(reported_missing_at__gte=start, reported_missing_at__lt=end)
    return EpisodeFacts.objects.filter(period).order_by(), start


def hosted_facts(
    councils: Sequence[Organisation], date_from: dt.date, date_to: dt.date
) -> QuerySet[EpisodeFacts]:
    """The report facts of other councils' episodes these councils hosted in the period (their
    Hosted group, decision 0039), read through `facts_host_idx`."""
    start, end = period_bounds(date_from, date_to)
    period = Q(
        host_council_id__in=[c.pk for c in councils],
        month__gte=month_number(date_from),
        month__lte=month_number(date_to),
    )
    if not whole_months(date_from, date_to):
        period &= Q(reported_missing_at__gte=start, reported_missing_at__lt=end)
    return EpisodeFacts.objects.filter(period).order_by()


def _referral_rows(
    facts: QuerySet[EpisodeFacts], start: dt.datetime, previous: tuple[str, ...] = OWN_PREVIOUS
) -> list[tuple[Any, ...]]:
    """Per (group, service): referrals made and with an outcome, in the group and in total.

    A referral belongs to an interview, which may cover several episodes (even, rarely, in two
    groups: then it counts once in each group and once in total). It is counted on the period's
    first episode its interview covers (in the group; in any group for the total), so no action
    is counted twice and no GROUP BY per action is needed. The facts' own filters and joins are
    the ORM's query, wrapped.
    """
    connection = connections[facts.db]
    quote = connection.ops.quote_name
    inner, params = (
        facts.filter(interview__isnull=False)
        .values("group", "interview_id", *dict.fromkeys(previous[2:]))
        .query.sql_with_params()
    )
    at = connection.ops.adapt_datetimefield_value(start)
    in_group, in_total = previous[2:]
    first_in_group = f"(f.{in_group} IS NULL OR f.{in_group} < %s)"
    first = f"(f.{in_total} IS NULL OR f.{in_total} < %s)"
    done = f"a.status IN ({', '.join(['%s'] * len(OUTCOME_STATUSES))})"
    counted = f"a.status IN ({', '.join(['%s'] * len(REFERRAL_STATUSES))})"
    sql = (
        f"SELECT f.{quote('group')}, a.service, "  # noqa: S608 - names are constants
        f"SUM(CASE WHEN {first_in_group} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {first_in_group} AND {done} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {first} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN {first} AND {done} THEN 1 ELSE 0 END) "
        f"FROM ({inner}) f JOIN {ProposedAction._meta.db_table} a "
        f"ON a.interview_id = f.interview_id AND {counted} "
        f"GROUP BY f.{quote('group')}, a.service"
    )
    done_params = [str(s) for s in OUTCOME_STATUSES]
    all_params = [
        at,
        at,
        *done_params,
        at,
        at,
        *done_params,
        *params,
        *(str(s) for s in REFERRAL_STATUSES),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, all_params)
        return list(cursor.fetchall())


def _rate(numerator: int, denominator: int) -> float | None:
    """A rate rounded to 4 places; None ("n/a") when the denominator is 0."""
    if denominator == 0:
        return None
    return round(numerator / denominator, RATE_PLACES)


@dataclass
class GroupFigures:
    """Every figure for one group (or the total)."""

    counts: dict[str, int]
    declined_reasons: dict[str, int]
    referrals_made: int = 0
    referrals_with_outcome: int = 0
    referrals_by_service: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def empty(cls) -> GroupFigures:
        return cls(
            counts={key: 0 for key, _ in COUNTS},
            declined_reasons={code: 0 for code, _ in DECLINE_REASONS},
            referrals_by_service={code: {"made": 0, "with_outcome": 0} for code, _ in SERVICES},
        )

    @property
    def rates(self) -> dict[str, float | None]:
        return {
            key: _rate(self.counts[numerator], self.counts[denominator])
            for key, numerator, denominator, _label in RATES
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts,
            "declined_reasons": dict(self.declined_reasons),
            "referrals": {
                "made": self.referrals_made,
                "with_outcome": self.referrals_with_outcome,
                "by_service": {k: dict(v) for k, v in self.referrals_by_service.items()},
            },
            "rates": self.rates,
        }


@dataclass
class IndicatorReport:
    """The indicators for one council, one period and one clock rule."""

    council: Organisation
    date_from: dt.date
    date_to: dt.date
    rule: ClockRule
    groups: dict[str, GroupFigures]

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape documented in docs/formats/indicators.md."""
        return {
            "org": self.council.la_code or self.council.code or str(self.council.pk),
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "clock": ClockStart(self.rule.start).value,
            "count": ClockCount(self.rule.count).value,
            "rule": self.rule.describe(),
            "groups": {name: self.groups[name].as_dict() for name in COLUMNS},
        }

    def title_lines(self) -> list[tuple[str, str]]:
        """What every export states above the table: the council, the period and the rule."""
        return [
            ("Council", f"{self.council.name} ({self.council.la_code or ''})"),
            (
                "Period",
                f"Episodes reported missing {self.date_from:%d/%m/%Y} to {self.date_to:%d/%m/%Y} "
                "inclusive (UK time)",
            ),
            ("Clock rule", self.rule.describe()),
        ]

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_csv(self) -> str:
        """One row per measure, one column per group; the council, period and rule above it."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([safe_cell(TITLE)])
        for label, value in self.title_lines():
            writer.writerow([label, safe_cell(value)])
        writer.writerow([])
        writer.writerow(["measure", "description", *COLUMNS])
        for key, label, values in self.rows():
            writer.writerow([key, safe_cell(label), *(_csv_value(v) for v in values)])
        return out.getvalue()

    def to_xlsx(self) -> bytes:
        """One sheet: the council, period and rule, then the table. Text is never a formula."""
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Indicators"
        bold = Font(bold=True)
        text_cell(sheet.cell(1, 1), TITLE).font = Font(bold=True, size=14)
        row = 2
        for label, value in self.title_lines():
            text_cell(sheet.cell(row, 1), label).font = bold
            text_cell(sheet.cell(row, 2), value)
            row += 1
        row += 1
        header_row = row
        for col, heading in enumerate(["Measure", "Description", *COLUMNS], start=1):
            text_cell(sheet.cell(row, col), heading).font = bold
        for key, label, values in self.rows():
            row += 1
            text_cell(sheet.cell(row, 1), key)
            text_cell(sheet.cell(row, 2), label)
            is_rate = key.startswith("rates.")
            for col, figure in enumerate(values, start=3):
                cell = sheet.cell(row, col)
                if figure is None:
                    text_cell(cell, NOT_AVAILABLE)
                else:
                    cell.value = figure
                    cell.number_format = "0.0%" if is_rate else "0"
        sheet.column_dimensions["A"].width = 44
        sheet.column_dimensions["B"].width = 58
        for letter in "CDEFG":
            sheet.column_dimensions[letter].width = 11
        sheet.freeze_panes = sheet.cell(header_row + 1, 3)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def rows(self) -> list[tuple[str, str, list[int | float | None]]]:
        """The table every export shows: (measure key, description, one value per column)."""
        table: list[tuple[str, str, list[int | float | None]]] = []
        figures = [self.groups[name] for name in COLUMNS]
        for key, label in COUNTS:
            table.append((key, label, [f.counts[key] for f in figures]))
        for code, label in DECLINE_REASONS:
            table.append(
                (
                    f"declined_reasons.{code}",
                    f"Declined: {label}",
                    [f.declined_reasons[code] for f in figures],
                )
            )
        table.append(
            ("referrals.made", "Follow-up referrals made", [f.referrals_made for f in figures])
        )
        table.append(
            (
                "referrals.with_outcome",
                "Follow-up referrals that reached an outcome",
                [f.referrals_with_outcome for f in figures],
            )
        )
        for code, label in SERVICES:
            for part, text in (("made", "referrals"), ("with_outcome", "with an outcome")):
                table.append(
                    (
                        f"referrals.by_service.{code}.{part}",
                        f"{label}: {text}",
                        [f.referrals_by_service[code][part] for f in figures],
                    )
                )
        for key, _num, _den, label in RATES:
            table.append((f"rates.{key}", label, [f.rates[key] for f in figures]))
        return table


TITLE = "Missing episodes and Return Home Interviews: indicators"
NOT_AVAILABLE = "n/a"


def _csv_value(value: int | float | None) -> str:
    return NOT_AVAILABLE if value is None else str(value)


def add_figures(figures: GroupFigures, row: dict[str, Any], *, total: bool = False) -> None:
    """Add one grouped row of `episode_aggregates` to a group's (or, `total`, the total's) figures."""
    for key, _label in COUNTS:
        # A child counts once in total, on its first episode of the period in any group.
        column = "children_in_total" if total and key == "children" else key
        figures.counts[key] += int(row[column])
    for code, _label in DECLINE_REASONS:
        figures.declined_reasons[code] += int(row[f"declined__{code}"])


def _compute(
    councils: Sequence[Organisation], date_from: dt.date, date_to: dt.date, rule: ClockRule
) -> dict[str, GroupFigures]:
    facts, start = period_facts(councils, date_from, date_to)
    groups = {name: GroupFigures.empty() for name in COLUMNS}
    total = groups[TOTAL]
    rows: Iterable[dict[str, Any]] = facts.values("group").annotate(
        **episode_aggregates(rule, start)
    )
    for row in rows:
        add_figures(groups[row["group"]], row)
        add_figures(total, row, total=True)
    referrals = [(group, *rest) for group, *rest in _referral_rows(facts, start)]
    hosted = hosted_facts(councils, date_from, date_to)
    for row in hosted.values("host_council_id").annotate(
        **episode_aggregates(rule, start, HOST_PREVIOUS)
    ):
        add_figures(groups[Group.HOSTED], row)
        add_figures(total, row, total=True)
    referrals += [
        (Group.HOSTED.value, *rest)
        for _group, *rest in _referral_rows(hosted, start, HOST_PREVIOUS)
    ]
    for group, service, made, with_outcome, made_total, with_outcome_total in referrals:
        _add_referrals(groups[group], service, int(made or 0), int(with_outcome or 0))
        _add_referrals(total, service, int(made_total or 0), int(with_outcome_total or 0))
    return groups


def _add_referrals(figures: GroupFigures, service: str, made: int, with_outcome: int) -> None:
    counts = figures.referrals_by_service.setdefault(service, {"made": 0, "with_outcome": 0})
    counts["made"] += made
    counts["with_outcome"] += with_outcome
    figures.referrals_made += made
    figures.referrals_with_outcome += with_outcome


def indicators(
    council: Organisation,
    date_from: dt.date,
    date_to: dt.date,
    rule: ClockRule | None = None,
) -> IndicatorReport:
    """Every indicator for `council`, episodes reported missing date_from..date_to (inclusive).

    `rule` defaults to the council's own 72-hour rule.
    """
    rule = rule or council.clock_rule()
    groups = _compute([council], date_from, date_to, rule)
    return IndicatorReport(council, date_from, date_to, rule, groups)
