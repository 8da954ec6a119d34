"""The police page of Reports: information shared with the police (per force) and police
timeliness (per force and month), each table also as CSV or XLSX. Figures only, no child named:
the Reports readers (`access.policy.can_see_reports`), for their own council."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_read
from returnhome.organisations.models import Organisation
from returnhome.reports.police import TIMELY_HOURS, found_timeliness, sharing_by_force
from returnhome.reports.tables import DataTable, download
from returnhome.reports.views import PeriodForm, _council


def _period(request: AuthedHttpRequest) -> tuple[PeriodForm, tuple[dt.date, dt.date] | None]:
    """What was asked for, else the last twelve months to today."""
    if "date_from" not in request.GET and "date_to" not in request.GET:
        today = timezone.localdate()
        start = today.replace(year=today.year - 1) + dt.timedelta(days=1)
        return PeriodForm(initial={"date_from": start, "date_to": today}), (start, today)
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return form, None
    return form, (form.cleaned_data["date_from"], form.cleaned_data["date_to"])


def tables(council: Organisation, date_from: dt.date, date_to: dt.date) -> list[DataTable]:
    sharing = sharing_by_force(council, date_from, date_to)
    timeliness = found_timeliness(council, date_from, date_to)
    return [
        DataTable(
            "sharing",
            "Information-sharing forms sent to the police, by force",
            ["Force", "Sent", "Acknowledged", "With feedback", "Median days to feedback"],
            [
                [f.force, f.sent, f.acknowledged, f.with_feedback, f.median_days_to_feedback]
                for f in sharing
            ],
            numeric={1, 2, 3, 4},
        ),
        DataTable(
            "timeliness",
            "Police timeliness: from the child's return to the found notification",
            [
                "Force",
                "Month returned",
                "Returned",
                "Found notification from the police",
                "Median hours",
                f"Within {TIMELY_HOURS} hours",
            ],
            [
                [t.force, t.month, t.returned, t.notified, t.median_hours, t.within_24_hours]
                for t in timeliness
            ],
            numeric={2, 3, 4, 5},
        ),
    ]


def _context(request: AuthedHttpRequest) -> dict[str, Any]:
    council = _council(request)
    form, period = _period(request)
    context: dict[str, Any] = {"form": form, "council": council, "period": period}
    if period is not None:
        dates = {"from": period[0].isoformat(), "to": period[1].isoformat()}
        record_read(request.user, council, "report_police", **dates)
        context["tables"] = {t.key: t for t in tables(council, *period)}
        context["query"] = urlencode({"date_from": period[0], "date_to": period[1]})
    return context


def police_page(request: AuthedHttpRequest) -> HttpResponse:
    context = _context(request)
    status = 200 if context["period"] else 400
    return render(request, "reports/police.html", context, status=status)


def police_download(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    context = _context(request)
    if context["period"] is None:
        return render(request, "reports/police.html", context, status=400)
    start, end = context["period"]
    heading = [
        ("Council", f"{context['council'].name} ({context['council'].la_code or ''})"),
        ("Period", f"{start:%d/%m/%Y} to {end:%d/%m/%Y} (UK time)"),
    ]
    key = request.GET.get("table", "")
    return download(list(context["tables"].values()), key, fmt, f"police-{start}-{end}", heading)
