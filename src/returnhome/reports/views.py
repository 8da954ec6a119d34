"""The indicators page and its CSV/XLSX downloads: the same engine as `returnhome report indicators`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from returnhome.access.policy import can_see_reports
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_read
from returnhome.core.errors import require
from returnhome.core.forms import Form, date_field
from returnhome.lib.clock import ClockRule
from returnhome.organisations.models import CLOCK_COUNT_CHOICES, CLOCK_START_CHOICES, Organisation
from returnhome.reports.figures_cache import cached_figures
from returnhome.reports.indicators import (
    COLUMNS,
    COUNTS,
    NOT_AVAILABLE,
    IndicatorReport,
    indicators,
)

FIELDS = ("date_from", "date_to", "clock", "count")
MAX_PERIOD_YEARS = 20
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last full financial year (1 April to 31 March) before `today`."""
    end_year = today.year if today.month >= 4 else today.year - 1
    return dt.date(end_year - 1, 4, 1), dt.date(end_year, 3, 31)


class PeriodForm(Form):
    """The period of a report: episodes reported missing from one date to another, inclusive.

    Each date lies from 1900 to 2100 (`core.forms.Form`) and the period is at most
    MAX_PERIOD_YEARS long: nothing the service holds is older, and a longer period is a slip."""

    date_from = date_field(
        "From", what="the first day", help_text="Episodes reported missing on or after this date"
    )
    date_to = date_field(
        "To", what="the last day", help_text="Episodes reported missing on or before this date"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        elif start and end and end >= _years_after(start, MAX_PERIOD_YEARS):
            self.add_error(
                "date_to",
                f"The period must be at most {MAX_PERIOD_YEARS} years long: choose a later "
                "start date or an earlier end date",
            )
        return data


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (1 March for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


class IndicatorsForm(PeriodForm):
    clock = forms.ChoiceField(
        label="The 72-hour clock starts", choices=CLOCK_START_CHOICES, widget=forms.RadioSelect
    )
    count = forms.ChoiceField(
        label="72 hours are counted in", choices=CLOCK_COUNT_CHOICES, widget=forms.RadioSelect
    )


def _council(request: AuthedHttpRequest) -> Organisation:
    require(
        can_see_reports(request.user),
        "Reports are for a council's performance leads, managers and administrators.",
    )
    council = request.user.organisation
    assert council is not None
    return council


def _form(
    request: AuthedHttpRequest,
    council: Organisation,
    period: Callable[[dt.date], tuple[dt.date, dt.date]] = default_period,
) -> IndicatorsForm:
    """The period and rule form: what was asked for, else `period` up to today and the
    council's own 72-hour rule."""
    rule = council.clock_rule()
    start, end = period(timezone.localdate())
    initial = {
        "date_from": start,
        "date_to": end,
        "clock": rule.start.value,
        "count": rule.count.value,
    }
    bound = any(name in request.GET for name in FIELDS)
    return IndicatorsForm(request.GET if bound else None, initial=initial)


def _params(form: IndicatorsForm) -> dict[str, Any] | None:
    """The period and rule asked for: the submitted values, else the defaults."""
    if form.is_bound:
        return dict(form.cleaned_data) if form.is_valid() else None
    return {name: form.initial[name] for name in FIELDS}


def _report(council: Organisation, params: dict[str, Any]) -> IndicatorReport:
    """The engine's figures, cached until the council's facts change (decision 0048)."""
    rule = ClockRule(start=params["clock"], count=params["count"])
    date_from, date_to = params["date_from"], params["date_to"]
    groups = cached_figures(
        "indicators",
        council,
        (date_from, date_to),
        (str(params["clock"]), str(params["count"])),
        lambda: indicators(council, date_from, date_to, rule).groups,
    )
    return IndicatorReport(council, date_from, date_to, rule, groups)


def _audit(
    request: AuthedHttpRequest, council: Organisation, params: dict[str, Any], fmt: str
) -> None:
    record_read(request.user, council, "report_indicators", **_period(params), format=fmt)


def _period(params: dict[str, Any]) -> dict[str, Any]:
    """What a report's audit row records of the period and rule it was drawn for."""
    return {
        "from": params["date_from"].isoformat(),
        "to": params["date_to"].isoformat(),
        "clock": params["clock"],
        "count": params["count"],
    }


def _query(params: dict[str, Any]) -> str:
    return urlencode(
        {
            "date_from": params["date_from"].isoformat(),
            "date_to": params["date_to"].isoformat(),
            "clock": params["clock"],
            "count": params["count"],
        }
    )


def _display(value: int | float | None, rate: bool) -> str:
    if value is None:
        return NOT_AVAILABLE
    if rate:
        return f"{value * 100:.1f}%"
    return str(value)


def _sections(report: IndicatorReport) -> list[dict[str, Any]]:
    """The engine's table, split for the page: counts, rates, decline reasons, referrals."""
    sections: dict[str, dict[str, Any]] = {
        "counts": {"title": "Episodes, offers and interviews", "rows": []},
        "rates": {"title": "Rates", "rows": []},
        "declined_reasons": {"title": "Why interviews were declined", "rows": []},
        "referrals": {"title": "Follow-up referrals after interviews", "rows": []},
    }
    count_keys = {key for key, _ in COUNTS}
    for key, label, values in report.rows():
        section = key.split(".", 1)[0] if key not in count_keys else "counts"
        if key.startswith("referrals.by_service.") and not any(values):
            continue  # services with no referrals in any group
        is_rate = section == "rates"
        sections[section]["rows"].append(
            {
                "key": key,
                "label": label,
                "values": [_display(v, is_rate) for v in values],
            }
        )
    return list(sections.values())


def indicators_page(request: AuthedHttpRequest) -> HttpResponse:
    council = _council(request)
    form = _form(request, council)
    params = _params(form)
    context: dict[str, Any] = {"form": form, "council": council, "columns": COLUMNS}
    if params is not None:
        report = _report(council, params)
        _audit(request, council, params, "html")
        context.update(
            report=report,
            sections=_sections(report),
            query=_query(params),
        )
    return render(
        request, "reports/indicators.html", context, status=200 if params is not None else 400
    )


def indicators_download(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    council = _council(request)
    form = _form(request, council)
    params = _params(form)
    if params is None:
        context = {"form": form, "council": council, "columns": COLUMNS}
        return render(request, "reports/indicators.html", context, status=400)
    report = _report(council, params)
    _audit(request, council, params, fmt)
    body: bytes = (
        report.to_xlsx() if fmt == "xlsx" else ("\ufeff" + report.to_csv()).encode("utf-8")
    )
    name = f"indicators-{council.la_code or council.pk}-{params['date_from']}-{params['date_to']}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
