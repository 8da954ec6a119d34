"""The dashboard page and the CSV/XLSX download of each of its tables.

Who: the Reports readers (`access.policy.can_see_reports`: a council's performance leads,
managers and administrators), for their own council. Children are named (repeat-missing list)
only to users who may see child records (`access.policy.can_see_child_records`); everyone else sees
how many children went missing how often. Every figure comes from the indicator engine
(`indicators`) or its companions in `reports.dashboard`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from returnhome.access.policy import can_see_child_records
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children.models import Child
from returnhome.core.audit import record_list_read, record_read
from returnhome.lib.clock import ClockRule
from returnhome.organisations.models import Organisation
from returnhome.reports import charts
from returnhome.reports.dashboard import (
    MONTH_FIGURES,
    MonthlySeries,
    RepeatChild,
    assemble,
    last_twelve_months,
    month_rows,
    time_bucket_labels,
)
from returnhome.reports.figures_cache import (
    cached_by_month,
    cached_figures,
    cached_repeat_children,
    month_stamps,
)
from returnhome.reports.indicators import (
    COLUMNS,
    DECLINE_REASONS,
    TOTAL,
    GroupFigures,
    IndicatorReport,
)
from returnhome.reports.tables import DataTable, download
from returnhome.reports.views import _council, _form, _params, _period, _query

PAGE_REPEAT_LIMIT = 25
FUNNEL = (
    ("episodes", "Episodes"),
    ("offered", "Offered an RHI"),
    ("accepted", "Accepted"),
    ("undertaken", "Interview undertaken"),
    ("within_72h", "Within 72 hours"),
)


def _column_name(column: str) -> str:
    return "Total" if column == TOTAL else column


@dataclass
class Dashboard:
    report: IndicatorReport
    series: MonthlySeries
    times: dict[str, int]
    repeat: Sequence[RepeatChild]
    names: dict[int, Child] | None  # None: the user may not see children's names
    charts: dict[str, Any] = field(default_factory=dict)

    @property
    def rule(self) -> ClockRule:
        return self.report.rule


def build(
    user: Any, council: Organisation, params: dict[str, Any], *, limit: int | None
) -> Dashboard:
    rule = ClockRule(start=params["clock"], count=params["count"])
    date_from, date_to = params["date_from"], params["date_to"]
    figures = cached(council, params)
    report = IndicatorReport(council, date_from, date_to, rule, figures.groups)
    d = Dashboard(report, figures.series, figures.times, figures.repeat, None, figures.charts)
    if can_see_child_records(user):
        shown = [r.child_id for r in d.repeat[:limit]]
        d.names = Child.objects.visible_to(user).in_bulk(shown)
        record_list_read(user, "dashboard_repeat_children", list(d.names.values()))
    return d


@dataclass
class CachedFigures:
    """What the dashboard computes from the council's facts alone: the same for every reader."""

    groups: dict[str, GroupFigures]
    series: MonthlySeries
    times: dict[str, int]
    repeat: Sequence[RepeatChild]  # ids and counts: names are read for each reader
    charts: dict[str, Any]


def cached(council: Organisation, params: dict[str, Any]) -> CachedFigures:
    """The dashboard's figures and charts, cached until the council's facts change; after a change,
    only the changed months' figures are computed again (decision 0048)."""
    rule = ClockRule(start=params["clock"], count=params["count"])
    date_from, date_to = params["date_from"], params["date_to"]
    period = (date_from, date_to)
    parts = (str(params["clock"]), str(params["count"]))
    stamps = month_stamps(council, *period)

    def compute() -> CachedFigures:
        rows = cached_by_month(
            "dashboard_rows",
            council,
            period,
            parts,
            stamps,
            lambda numbers: month_rows(council, date_from, date_to, rule, numbers),
        )
        figures = assemble(date_from, date_to, [r for m in sorted(rows) for r in rows[m]])
        report = IndicatorReport(council, date_from, date_to, rule, figures.groups)
        repeat = cached_repeat_children(council, date_from, date_to, stamps)
        charts = _charts(Dashboard(report, figures.series, figures.times, repeat, None))
        return CachedFigures(figures.groups, figures.series, figures.times, repeat, charts)

    return cached_figures("dashboard", council, period, parts, compute, stamps)


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 2) if denominator else None


def tables(d: Dashboard, *, limit: int | None) -> list[DataTable]:
    """Every table on the page (and its downloads), in page order."""
    groups = d.report.groups
    summary = DataTable(
        "summary",
        "Key figures by group",
        [
            "Group",
            "Episodes",
            "Children",
            "Episodes per child",
            "Offered ÷ episodes",
            "Undertaken ÷ episodes",
            "Within 72 hours ÷ undertaken",
        ],
        [
            [
                _column_name(c),
                groups[c].counts["episodes"],
                groups[c].counts["children"],
                _ratio(groups[c].counts["episodes"], groups[c].counts["children"]),
                groups[c].rates["offered_of_episodes"],
                groups[c].rates["undertaken_of_episodes"],
                groups[c].rates["within_72h_of_undertaken"],
            ]
            for c in COLUMNS
        ],
        numeric={1, 2, 3},
        percent={4, 5, 6},
    )
    monthly = DataTable(
        "monthly",
        "Monthly figures by group",
        ["Month", "Group", *(label for _k, label in MONTH_FIGURES)],
        [
            [month.label, _column_name(c), *(d.series.figures[c][k][i] for k, _l in MONTH_FIGURES)]
            for c in COLUMNS
            for i, month in enumerate(d.series.months)
        ],
        numeric={2, 3, 4, 5, 6},
    )
    total = groups[TOTAL].counts
    first = total["episodes"]
    funnel = DataTable(
        "funnel",
        "From episode to interview within 72 hours (all groups)",
        ["Step", "Episodes", "Share of episodes"],
        [
            [label, total[key], (round(total[key] / first, 4) if first else None)]
            for key, label in FUNNEL
        ],
        numeric={1},
        percent={2},
    )
    declined = DataTable(
        "declined",
        "Why interviews were declined",
        ["Reason", *(_column_name(c) for c in COLUMNS)],
        [
            [label, *(groups[c].declined_reasons[code] for c in COLUMNS)]
            for code, label in DECLINE_REASONS
        ],
        numeric={1, 2, 3, 4, 5},
    )
    timing = DataTable(
        "time_to_interview",
        "Time from the clock start to the interview (returned episodes)",
        ["Time", "Episodes"],
        [[label, d.times[key]] for key, label in time_bucket_labels()],
        numeric={1},
        note="Real elapsed hours from the clock start (" + d.rule.describe() + ")",
    )
    return [summary, monthly, funnel, declined, timing, repeat_table(d, limit=limit)]


def repeat_table(d: Dashboard, *, limit: int | None) -> DataTable:
    title = "Children missing 3 or more times in the period"
    if d.names is None:
        counts: dict[int, int] = {}
        for r in d.repeat:
            counts[r.episodes] = counts.get(r.episodes, 0) + 1
        rows: list[list[Any]] = [[n, counts[n]] for n in sorted(counts, reverse=True)]
        return DataTable(
            "repeat", title, ["Episodes in the period", "Children"], rows, numeric={0, 1}
        )
    rows = []
    for r in d.repeat[:limit]:
        child = d.names.get(r.child_id)
        rows.append(
            [child.full_name if child else "", child.la_child_id if child else "", r.episodes]
        )
    return DataTable(
        "repeat", title, ["Child", "Council child ID", "Episodes in the period"], rows, numeric={2}
    )


def _charts(d: Dashboard) -> dict[str, Any]:
    labels = [m.label for m in d.series.months]
    partial = [m.partial for m in d.series.months]
    total = d.series.figures[TOTAL]
    tiles = []
    for c in COLUMNS:
        figures = d.report.groups[c]
        tiles.append(
            {
                "name": _column_name(c),
                "figures": figures,
                "per_child": _ratio(figures.counts["episodes"], figures.counts["children"]),
                "chart": charts.column_chart(
                    f"tile-{c.lower()}",
                    f"{_column_name(c)}: episodes per month",
                    labels,
                    d.series.figures[c]["episodes"],
                    partial=partial,
                ),
            }
        )
    return {
        "tiles": tiles,
        "trend": charts.line_chart(
            "trend",
            "Episodes, offers and interviews per month (all groups)",
            labels,
            [(label, total[key]) for key, label in MONTH_FIGURES if key != "accepted"],
            partial=partial,
        ),
        "funnel": charts.funnel_chart(
            "funnel",
            "From episode to interview within 72 hours",
            [(label, d.report.groups[TOTAL].counts[key]) for key, label in FUNNEL],
        ),
        "declined": charts.bar_chart(
            "declined",
            "Why interviews were declined (all groups)",
            [
                (label, d.report.groups[TOTAL].declined_reasons[code])
                for code, label in DECLINE_REASONS
            ],
        ),
        "time_to_interview": charts.bar_chart(
            "time-to-interview",
            "Time from the clock start to the interview",
            [(label, d.times[key]) for key, label in time_bucket_labels()],
        ),
    }


def _audit(
    request: AuthedHttpRequest, council: Organisation, params: dict[str, Any], what: str
) -> None:
    record_read(request.user, council, "report_dashboard", **_period(params), what=what)


def dashboard_page(request: AuthedHttpRequest) -> HttpResponse:
    council = _council(request)
    form = _form(request, council, last_twelve_months)
    params = _params(form)
    context: dict[str, Any] = {"form": form, "council": council}
    if params is not None:
        d = build(request.user, council, params, limit=PAGE_REPEAT_LIMIT)
        _audit(request, council, params, "html")
        context.update(
            d=d,
            tables={t.key: t for t in tables(d, limit=PAGE_REPEAT_LIMIT)},
            charts=d.charts,
            query=_query(params),
            repeat_total=len(d.repeat),
            repeat_limit=PAGE_REPEAT_LIMIT,
            download_url=reverse("reports:dashboard_download", args=["csv"]),
        )
    return render(request, "reports/dashboard.html", context, status=200 if params else 400)


def dashboard_download(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    council = _council(request)
    params = _params(_form(request, council, last_twelve_months))
    if params is None:
        return HttpResponse(
            "The period or rule is not valid.", status=400, content_type="text/plain"
        )
    d = build(request.user, council, params, limit=None)
    key = request.GET.get("table", "")
    _audit(request, council, params, f"{key}.{fmt}")
    heading = [
        ("Council", f"{council.name} ({council.la_code or ''})"),
        (
            "Period",
            f"Episodes reported missing {params['date_from']:%d/%m/%Y} to {params['date_to']:%d/%m/%Y} inclusive (UK time)",
        ),
        ("Clock rule", d.rule.describe()),
    ]
    name = f"dashboard-{council.la_code or council.pk}-{params['date_from']}-{params['date_to']}"
    return download(tables(d, limit=None), key, fmt, name, heading)
