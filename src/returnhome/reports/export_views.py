"""Statutory and inspection returns in the web app: the same builders as `returnhome export`."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_read
from returnhome.core.forms import Form
from returnhome.organisations.models import Organisation
from returnhome.reports.dashboard import twelve_months_to
from returnhome.reports.exports import Export, annex_a_missing, collection_year, ssda903_missing
from returnhome.reports.views import CONTENT_TYPES, PeriodForm, _council, default_period


class Ssda903Form(Form):
    year = forms.IntegerField(
        label="Collection year ending 31 March",
        min_value=2000,
        max_value=2100,
        help_text="For example, 2025 for 1 April 2024 to 31 March 2025",
        error_messages={
            "required": "Enter the year the collection ends",
            "invalid": "Enter the year as 4 digits, for example 2025",
            "min_value": "Enter a year from 2000 to 2100",
            "max_value": "Enter a year from 2000 to 2100",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
    )


class AnnexAForm(PeriodForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].help_text = (
            "Children looked after on any day from this date, and their episodes reported "
            "missing from it"
        )
        self.fields["date_to"].help_text = "Usually today: the counts cover the last 12 months"


SSDA903, ANNEX_A = "ssda903-missing", "annex-a-list-8"
FORMS: dict[str, type[forms.Form]] = {SSDA903: Ssda903Form, ANNEX_A: AnnexAForm}
AUDIT_ACTIONS = {SSDA903: "export_ssda903_missing", ANNEX_A: "export_annex_a_missing"}


def _forms(request: HttpRequest) -> dict[str, forms.Form]:
    """Both forms: bound to the query if it asks for that export, else with the defaults."""
    today = timezone.localdate()
    start, end = twelve_months_to(today), today
    ssda_bound = "year" in request.GET
    annex_bound = "date_from" in request.GET or "date_to" in request.GET
    return {
        SSDA903: Ssda903Form(
            request.GET if ssda_bound else None, initial={"year": default_period(today)[1].year}
        ),
        ANNEX_A: AnnexAForm(
            request.GET if annex_bound else None, initial={"date_from": start, "date_to": end}
        ),
    }


def _export(
    request: AuthedHttpRequest, council: Organisation, name: str, form: forms.Form, fmt: str
) -> Export | None:
    """The export the form asks for (audited as read, in `fmt`), or None if it is not valid."""
    if not form.is_bound or not form.is_valid():
        return None
    data = form.cleaned_data
    if name == SSDA903:
        export = ssda903_missing(council, data["year"], acting_user=request.user)
        detail: dict[str, Any] = {"year": data["year"]}
    else:
        export = annex_a_missing(
            council, data["date_from"], data["date_to"], acting_user=request.user
        )
        detail = {"from": data["date_from"].isoformat(), "to": data["date_to"].isoformat()}
    record_read(request.user, council, AUDIT_ACTIONS[name], format=fmt, **detail)
    return export


def _period(name: str, data: dict[str, Any]) -> str:
    if name == SSDA903:
        first, last = collection_year(data["year"])
    else:
        first, last = data["date_from"], data["date_to"]
    return f"{first.day} {first:%B %Y} to {last.day} {last:%B %Y}"


def _summary(
    request: AuthedHttpRequest, council: Organisation, name: str, form: forms.Form
) -> dict[str, Any] | None:
    """What the page shows of an export: its period, size, warnings and download links."""
    export = _export(request, council, name, form, "html")
    if export is None:
        return None
    data = form.cleaned_data
    query = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
    return {
        "export": export,
        "period": _period(name, data),
        "query": urlencode(query),
    }


def _render(
    request: AuthedHttpRequest, council: Organisation, found: dict[str, forms.Form], draw: bool
) -> HttpResponse:
    context: dict[str, Any] = {
        "council": council,
        "ssda_form": found[SSDA903],
        "annex_form": found[ANNEX_A],
    }
    if draw:
        context["ssda"] = _summary(request, council, SSDA903, found[SSDA903])
        context["annex"] = _summary(request, council, ANNEX_A, found[ANNEX_A])
    invalid = any(f.is_bound and not f.is_valid() for f in found.values())
    return render(request, "reports/exports.html", context, status=400 if invalid else 200)


def exports_page(request: AuthedHttpRequest) -> HttpResponse:
    council = _council(request)
    return _render(request, council, _forms(request), draw=True)


def export_download(request: AuthedHttpRequest, name: str, fmt: str) -> HttpResponse:
    council = _council(request)
    if name not in FORMS or fmt not in CONTENT_TYPES:
        raise Http404("Not found")
    form = FORMS[name](request.GET)
    export = _export(request, council, name, form, fmt)
    if export is None:
        return _render(request, council, {**_forms(request), name: form}, draw=False)
    body = export.to_xlsx() if fmt == "xlsx" else export.to_csv().encode("utf-8")
    data = form.cleaned_data
    period = str(data["year"]) if name == SSDA903 else f"{data['date_from']}-{data['date_to']}"
    filename = f"{name}-{council.la_code or council.pk}-{period}.{fmt}"
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
