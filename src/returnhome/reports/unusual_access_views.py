"""The unusual access report page (reports/unusual_access.py): a council's managers and
administrators only."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from returnhome.access.policy import reads_access_records
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_read
from returnhome.core.errors import require
from returnhome.core.forms import Form, date_field
from returnhome.reports.unusual_access import threshold, unusual_access

FIELDS = ("date_from", "date_to", "limit")
LONGEST = 92  # days in one report


class UnusualAccessForm(Form):
    date_from = date_field("From", what="the first day")
    date_to = date_field("To", what="the last day")
    limit = forms.IntegerField(
        label="Unusual: more children than this in a day",
        min_value=0,
        max_value=100_000,
        help_text="Children opened outside the person's caseload",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        elif start and end and (end - start).days >= LONGEST:
            self.add_error("date_to", f"Choose a period of at most {LONGEST} days")
        return data


def unusual_access_page(request: AuthedHttpRequest) -> HttpResponse:
    council = request.user.organisation
    require(
        reads_access_records(request.user, council),
        "The unusual access report is for a council's managers and administrators.",
    )
    assert council is not None
    today = timezone.localdate()
    initial: dict[str, Any] = {
        "date_from": today - dt.timedelta(days=13),
        "date_to": today,
        "limit": threshold(),
    }
    bound = any(name in request.GET for name in FIELDS)
    form = UnusualAccessForm(request.GET if bound else None, initial=initial)
    rows = None
    if not bound or form.is_valid():
        params = form.cleaned_data if bound else initial
        rows = unusual_access(council, params["date_from"], params["date_to"], params["limit"])
        record_read(
            request.user,
            council,
            "report_unusual_access",
            date_from=params["date_from"],
            date_to=params["date_to"],
            limit=params["limit"],
        )
    else:
        params = initial
    return render(
        request,
        "reports/unusual_access.html",
        {"council": council, "form": form, "rows": rows, "params": params},
    )
