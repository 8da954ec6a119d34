"""Pages for reporters (children's homes, foster carers, schools, youth workers) and social
workers: report a child missing, report their return, and see what they reported — only that."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.policy import get_visible_or_404, is_reporter, reports_for_own_council
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import page_of
from returnhome.episodes.models import DirectReport
from returnhome.imports.direct_reports import reporting
from returnhome.imports.direct_reports.forms import ReportMissingForm, ReportReturnForm

ONLY_REPORTERS = "Only reporters and social workers report children directly."


def my_reports(request: AuthedHttpRequest) -> HttpResponse:
    require(is_reporter(request.user), ONLY_REPORTERS)
    page = page_of(
        request,
        DirectReport.objects.visible_to(request.user)
        .filter(reporter=request.user)
        .select_related("council", "episode")
        .order_by("-reported_at", "-pk"),
    )
    record_list_read(request.user, "list_my_reports", list(page.object_list))
    return render(request, "reporting/mine.html", {"page": page})


def report_missing(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    require(is_reporter(user), ONLY_REPORTERS)
    choose = not reports_for_own_council(user)
    council = reporting.receiving_council(user)
    form = ReportMissingForm(
        request.POST or None,
        council=council,
        source=reporting.default_source(user),
        choose_council=choose,
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["council"] if choose else council
        try:
            if target is None:
                raise ValidationError({"council": "Choose the council to report to"})
            report = reporting.report_missing(
                user,
                council=target,
                details=form.details(),
                source=form.cleaned_data.get("source"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _sent(report))
            return redirect("reporting:detail", pk=report.pk)
    return render(request, "reporting/missing_form.html", {"form": form})


def _sent(report: DirectReport) -> str:
    police = f" and to {report.police_force}" if report.police_force else ""
    return f"Report sent to the front door of {report.council}{police}"


def report_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(
        request.user,
        DirectReport.objects.select_related("council", "police_force", "episode", "reporter"),
        pk,
    )
    mine = report.reporter_id == request.user.pk
    can_return = mine and report.status != DirectReport.Status.RETURNED
    return render(
        request,
        "reporting/detail.html",
        {"report": report, "mine": mine, "can_return": can_return},
    )


def report_return(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    report = get_visible_or_404(request.user, DirectReport.objects, pk)
    require(report.reporter_id == request.user.pk, "Only the person who reported it can do this.")
    form = ReportReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reporting.report_return(report, acting_user=request.user, details=form.details())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Return reported. The front door and the RHI team are told.")
            return redirect("reporting:detail", pk=report.pk)
    return render(request, "reporting/return_form.html", {"form": form, "report": report})
