"""The indicator engine: DOMAIN.md "Indicators — exact definitions", computed in the database.

One implementation for the command line, the web pages and every export. Every count is an
aggregate in SQL (conditional ``COUNT``s grouped by the episode's stored group); nothing loads
episodes into Python. It runs the same on SQLite and PostgreSQL.

- Period membership: the local (Europe/London) date the episode was reported missing is in
  [date_from, date_to]; in SQL that is ``reported_missing_at`` in [local midnight starting
  date_from, local midnight after date_to), both instants computed in Python.
- "Within 72 hours" under any rule: each RHI stores its deadline under every rule
  (``due_<start>_<count>``, fixed by ``interviews.services.refer_rhi`` from the return and the
  first "found" notification), so "in time" is ``held_at <= due_<rule>`` in SQL. An interview
  exactly at the deadline is in time.
- Totals are the sum of the groups, except children: a child can be in two groups in one period
  (a change of legal status), so distinct children in total is counted by its own query.
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
from django.db.models import Case, Count, F, Max, Q, QuerySet, When

from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, DeclineReason, Interview
from returnhome.interviews.services import due_field
from returnhome.lib.clock import LONDON, ClockCount, ClockRule, ClockStart
from returnhome.lib.groups import Group
from returnhome.organisations.models import Organisation

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


def _in_period(
    councils: Sequence[Organisation], start: dt.datetime, end: dt.datetime, prefix: str = ""
) -> Q:
    """Episodes (reached through `prefix`) of these councils reported missing in [start, end).

    The group is tested with an IN list of the four (every episode has one of them), so SQLite
    reads episode_indicator_idx (council, group, reported missing, ...) group after group: in a
    GROUP BY on the group, no sort of the period's rows; and never the wide table rows.
    """
    return Q(
        **{
            f"{prefix}council_id__in": [c.pk for c in councils],
            f"{prefix}group__in": GROUPS,
            f"{prefix}reported_missing_at__gte": start,
            f"{prefix}reported_missing_at__lt": end,
        }
    )


def _episode_aggregates(rule: ClockRule) -> dict[str, Any]:
    """One conditional COUNT per figure, over Episode LEFT JOIN RHI LEFT JOIN Interview.

    Each filter's most selective test comes first (SQLite stops at the first false one).
    """
    due = F(f"rhi__{due_field(rule)}")
    offered = Q(rhi__offer_made_at__isnull=False)
    returned = Q(returned_at__isnull=False)  # open episodes are in no 72-hour figure
    interviewed = Q(rhi__interview__kind=Interview.Kind.INTERVIEW)

    def outcome(value: str) -> Q:
        return Q(rhi__outcome=value) & offered

    aggregates: dict[str, Any] = {
        "episodes": Count("pk"),
        "children": Count("child_id", distinct=True),
        "offered": Count("pk", filter=offered),
        "accepted": Count("pk", filter=outcome(RHI.Outcome.ACCEPTED)),
        "declined": Count("pk", filter=outcome(RHI.Outcome.DECLINED)),
        "not_applicable": Count("pk", filter=outcome(RHI.Outcome.NOT_APPLICABLE)),
        "undertaken": Count("pk", filter=interviewed),
        "carer_only": Count("pk", filter=Q(rhi__interview__kind=Interview.Kind.CARER_ONLY)),
        "within_72h": Count(
            "pk", filter=interviewed & Q(rhi__interview__held_at__lte=due) & returned
        ),
        "offered_within_72h": Count(
            "pk", filter=Q(rhi__offer_made_at__lte=due) & offered & returned
        ),
        "cce_raised": Count("pk", filter=Q(rhi__interview__cce_identified=True)),
        "cse_raised": Count("pk", filter=Q(rhi__interview__cse_identified=True)),
    }
    for code, _label in DECLINE_REASONS:
        aggregates[f"declined__{code}"] = Count(
            "pk", filter=Q(rhi__decline_reason=code) & outcome(RHI.Outcome.DECLINED)
        )
    return aggregates


def _flag(group: str, lookup: str) -> Max:
    """1 when any row grouped over (here: an action's episodes) is in `group`, else 0."""
    return Max(Case(When(Q(**{lookup: group}), then=1), default=0))


def _referral_rows(actions: QuerySet[ProposedAction]) -> list[tuple[Any, ...]]:
    """Per service: referrals made and with an outcome, in total and per group.

    One row per action first (GROUP BY the action), a flag a group: an action belongs to an
    interview, which may cover several episodes (even, rarely, in two groups: then it counts once
    in each group and once in total). The outer query sums the flags per service; its SQL is the
    ORM's inner query wrapped in a sum, so the filters and joins are written once.
    """
    with_outcome = Q(status__in=OUTCOME_STATUSES)
    per_action = actions.values("pk", "service").annotate(
        outcome=Max(Case(When(with_outcome, then=1), default=0)),
        **{
            f"in_{i}": _flag(group, "interview__rhis__episode__group")
            for i, group in enumerate(GROUPS)
        },
    )
    inner, params = per_action.query.sql_with_params()
    connection = connections[actions.db]
    quote = connection.ops.quote_name
    sums = [f"COUNT(*), SUM({quote('outcome')})"]
    for i in range(len(GROUPS)):
        flag = quote(f"in_{i}")
        sums.append(f"SUM({flag}), SUM({flag} * {quote('outcome')})")
    sql = (
        f"SELECT {quote('service')}, {', '.join(sums)} "  # noqa: S608 - names are constants
        f"FROM ({inner}) {quote('per_action')} GROUP BY {quote('service')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
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
        writer.writerow([_safe(TITLE)])
        for label, value in self.title_lines():
            writer.writerow([label, _safe(value)])
        writer.writerow([])
        writer.writerow(["measure", "description", *COLUMNS])
        for key, label, values in self.rows():
            writer.writerow([key, _safe(label), *(_csv_value(v) for v in values)])
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
        _text(sheet.cell(1, 1), TITLE).font = Font(bold=True, size=14)
        row = 2
        for label, value in self.title_lines():
            _text(sheet.cell(row, 1), label).font = bold
            _text(sheet.cell(row, 2), value)
            row += 1
        row += 1
        header_row = row
        for col, heading in enumerate(["Measure", "Description", *COLUMNS], start=1):
            _text(sheet.cell(row, col), heading).font = bold
        for key, label, values in self.rows():
            row += 1
            _text(sheet.cell(row, 1), key)
            _text(sheet.cell(row, 2), label)
            is_rate = key.startswith("rates.")
            for col, figure in enumerate(values, start=3):
                cell = sheet.cell(row, col)
                if figure is None:
                    _text(cell, NOT_AVAILABLE)
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
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """CSV text that a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_value(value: int | float | None) -> str:
    return NOT_AVAILABLE if value is None else str(value)


def _text(cell: Any, text: str) -> Any:
    """Put `text` in an openpyxl cell as a string, never as a formula."""
    cell.value = text
    cell.data_type = "s"
    return cell


def _fill(figures: GroupFigures, row: dict[str, Any]) -> None:
    for key, _label in COUNTS:
        figures.counts[key] += int(row[key])
    for code, _label in DECLINE_REASONS:
        figures.declined_reasons[code] += int(row[f"declined__{code}"])


def _compute(
    councils: Sequence[Organisation], date_from: dt.date, date_to: dt.date, rule: ClockRule
) -> dict[str, GroupFigures]:
    start, end = period_bounds(date_from, date_to)
    episodes = Episode.objects.filter(_in_period(councils, start, end)).order_by()
    groups = {name: GroupFigures.empty() for name in COLUMNS}
    total = groups[TOTAL]
    rows: Iterable[dict[str, Any]] = episodes.values("group").annotate(**_episode_aggregates(rule))
    for row in rows:
        _fill(groups[row["group"]], row)
        _fill(total, row)
    # Children in total: distinct over the whole period (one child may be in two groups).
    total.counts["children"] = episodes.aggregate(n=Count("child_id", distinct=True))["n"]

    actions = ProposedAction.objects.filter(
        _in_period(councils, start, end, prefix="interview__rhis__episode__"),
        status__in=REFERRAL_STATUSES,
    ).order_by()
    for service, made, with_outcome, *by_group in _referral_rows(actions):
        _add_referrals(total, service, int(made), int(with_outcome or 0))
        for i, group in enumerate(GROUPS):
            _add_referrals(
                groups[group], service, int(by_group[2 * i] or 0), int(by_group[2 * i + 1] or 0)
            )
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
