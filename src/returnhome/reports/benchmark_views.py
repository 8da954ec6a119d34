"""The benchmark page and its CSV/XLSX: the councils of the user's police-force area or region.

Who: the Reports readers (`can_see_reports`). The figures are aggregates only (no child data),
so a council's performance lead, manager or administrator sees the other councils of its own
police-force area and region side by side; other areas are not offered.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render

from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_read
from returnhome.lib.clock import ClockRule
from returnhome.organisations.models import Organisation
from returnhome.reports.benchmark import (
    COMPARED,
    Benchmark,
    area_councils,
    benchmark,
    region_councils,
)
from returnhome.reports.dashboard import last_twelve_months
from returnhome.reports.indicators import COUNTS, GROUPS
from returnhome.reports.tables import DataTable, download
from returnhome.reports.views import FIELDS, IndicatorsForm, _council

BENCH_FIELDS = (*FIELDS, "scope", "group")


class BenchmarkForm(IndicatorsForm):
    scope = forms.ChoiceField(label="Compare the councils of", widget=forms.RadioSelect)
    group = forms.ChoiceField(
        label="Group",
        choices=[("total", "All groups"), *((g, g) for g in GROUPS)],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, council: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if council.police_force is not None:
            choices.append(("police", f"{council.police_force.name} area"))
        if council.region:
            choices.append(("region", f"{council.region} region"))
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices


def _form(request: AuthedHttpRequest, council: Organisation) -> BenchmarkForm:
    from django.utils import timezone

    rule = council.clock_rule()
    start, end = last_twelve_months(timezone.localdate())
    initial = {
        "date_from": start, "date_to": end, "clock": rule.start.value, "count": rule.count.value,
        "scope": "police" if council.police_force_id else "region", "group": "total",
    }  # fmt: skip
    bound = any(name in request.GET for name in BENCH_FIELDS)
    return BenchmarkForm(request.GET if bound else None, initial=initial, council=council)


def _build(council: Organisation, form: BenchmarkForm) -> Benchmark | None:
    if form.is_bound and not form.is_valid():
        return None
    params = form.cleaned_data if form.is_bound else form.initial
    if params["scope"] == "police" and council.police_force is not None:
        name, councils = f"{council.police_force.name} area", area_councils(council.police_force)
    elif params["scope"] == "region" and council.region:
        name, councils = f"{council.region} region", region_councils(council.region)
    else:
        return None
    rule = ClockRule(start=params["clock"], count=params["count"])
    return benchmark(name, councils, params["date_from"], params["date_to"], rule, params["group"])


def bench_table(result: Benchmark) -> DataTable:
    medians = result.medians
    first_ratio = 2 + len(COUNTS)
    rows = result.table_rows()
    rows.append(
        [
            "Median",
            "",
            *([None] * len(COUNTS)),
            *(medians[k] for k, _l in COMPARED),
            *([""] * len(COMPARED)),
        ]
    )
    return DataTable(
        "councils", f"Benchmark: {result.name}", result.headers(), rows,
        numeric=set(range(2, first_ratio + 1)), percent=set(range(first_ratio + 1, first_ratio + len(COMPARED))),
    )  # fmt: skip


def _audit(request: AuthedHttpRequest, council: Organisation, result: Benchmark, fmt: str) -> None:
    record_read(
        request.user, council, "report_benchmark", name=result.name, format=fmt,
        **{"from": result.date_from.isoformat(), "to": result.date_to.isoformat()},
    )  # fmt: skip


def _query(form: BenchmarkForm) -> str:
    params = form.cleaned_data if form.is_bound else form.initial
    return urlencode(
        {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in params.items()}
    )


def benchmark_page(request: AuthedHttpRequest) -> HttpResponse:
    council = _council(request)
    form = _form(request, council)
    result = _build(council, form)
    context: dict[str, Any] = {"form": form, "council": council, "result": result}
    if result is not None:
        _audit(request, council, result, "html")
        medians = result.medians
        context.update(
            table=bench_table(result),
            query=_query(form),
            compared=[(k, label, medians[k]) for k, label in COMPARED],
            rows=[
                (r, [(r.ratios[k], result.shown_positions(r)[k]) for k, _l in COMPARED])
                for r in result.rows
            ],
        )
    invalid = form.is_bound and not form.is_valid()
    return render(request, "reports/benchmark.html", context, status=400 if invalid else 200)


def benchmark_download(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    council = _council(request)
    form = _form(request, council)
    result = _build(council, form)
    if result is None and not form.is_bound:
        raise Http404("The council has no police force or region to compare within")
    if result is None:
        return HttpResponse(
            "The comparison asked for is not valid.", status=400, content_type="text/plain"
        )
    _audit(request, council, result, fmt)
    heading = [
        (
            "Period",
            f"Episodes reported missing {result.date_from:%d/%m/%Y} to {result.date_to:%d/%m/%Y} inclusive (UK time)",
        ),
        ("Clock rule", result.rule.describe()),
        ("Group", result.group),
        ("Pooled episodes per child", str(result.pooled_per_child or "n/a")),
        ("Mean of councils' episodes per child", str(result.mean_per_child or "n/a")),
    ]
    return download(
        [bench_table(result)],
        "councils",
        fmt,
        f"benchmark-{result.date_from}-{result.date_to}",
        heading,
    )
