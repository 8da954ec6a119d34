from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from returnhome.access.policy import can_allocate, can_work_rhi, get_visible_or_404
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.interviews import services
from returnhome.interviews.forms import (
    AllocateForm,
    ConsentForm,
    ContactAttemptForm,
    OfferForm,
    OutcomeForm,
)
from returnhome.interviews.models import RHI, ContactAttempt
from returnhome.interviews.tasks import tasks_for

RHI_RELATED = ("child", "episode", "provider", "allocated_worker", "interview")


def rhi_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rhi = get_visible_or_404(request.user, RHI.objects.select_related(*RHI_RELATED), pk)
    attempts = list(rhi.contact_attempts.select_related("recorded_by"))
    tasks = tasks_for(rhi, request.user, len(attempts))
    following = next((t for t in tasks if t.is_next and t.url), None)
    # The next step's form on this page, where it is short: one click fewer for who does it.
    inline: forms.Form | None = None
    if following is not None and following.slug == "allocate":
        inline = _allocate_form(rhi, None)
    elif following is not None and following.slug == "contact":
        inline = ContactAttemptForm()
    return render(
        request,
        "interviews/rhi_detail.html",
        {
            "rhi": rhi,
            "attempts": attempts,
            "tasks": tasks,
            "following": following,
            "inline": inline,
            "suggested": services.suggest_worker(rhi) if isinstance(inline, AllocateForm) else None,
            "can_reallocate": bool(rhi.allocated_worker_id)
            and rhi.status != RHI.Status.CLOSED
            and can_allocate(request.user, rhi),
            "now": timezone.now(),
        },
    )


def _allocate_form(rhi: RHI, data: Any) -> AllocateForm:
    suggested = services.suggest_worker(rhi)
    return AllocateForm(
        data,
        workers=services.eligible_workers(rhi),
        initial={
            "worker": suggested.pk if suggested else rhi.allocated_worker_id,
            "expected_version": rhi.version,
        },
    )


def allocate(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    rhi = get_visible_or_404(request.user, RHI.objects.select_related("child"), pk)
    require(can_allocate(request.user, rhi), "Only a manager of the provider allocates RHIs.")
    suggested = services.suggest_worker(rhi)
    form = _allocate_form(rhi, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_rhi(
                rhi,
                form.cleaned_data["worker"],
                expected_version=form.cleaned_data["expected_version"],
                acting_user=request.user,
                independence_reason=form.cleaned_data["independence_reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Allocated to {form.cleaned_data['worker']}")
            return redirect("interviews:rhi", pk=rhi.pk)
    social_worker = rhi.child.allocated_social_worker
    return render(
        request,
        "interviews/allocate.html",
        {
            "rhi": rhi,
            "form": form,
            "suggested": suggested,
            "independence_warning": services.independence_warning(rhi, social_worker)
            if social_worker
            else None,
        },
    )


def _rhi_step(
    request: AuthedHttpRequest,
    pk: int,
    form_class: type[forms.Form],
    step: Callable[..., Any],
    title: str,
    done: str | Callable[[dict[str, Any]], str],
) -> HttpResponse:
    rhi = get_visible_or_404(request.user, RHI.objects.select_related("child", "episode"), pk)
    require(can_work_rhi(request.user, rhi), "Only the allocated worker or a manager can do this.")
    form = form_class(request.POST or None, initial={"expected_version": rhi.version})
    if request.method == "POST" and form.is_valid():
        try:
            step(rhi, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done if isinstance(done, str) else done(form.cleaned_data))
            return redirect("interviews:rhi", pk=rhi.pk)
    return render(request, "interviews/step_form.html", {"rhi": rhi, "form": form, "title": title})


def contact_attempt(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _rhi_step(
        request,
        pk,
        ContactAttemptForm,
        services.log_contact_attempt,
        "Log a contact attempt",
        _contact_logged,
    )


def _contact_logged(data: dict[str, Any]) -> str:
    if data.get("result") == ContactAttempt.Result.ARRANGED:
        return "Contact attempt logged. The interview is arranged: the offer and its acceptance are recorded"
    return "Contact attempt logged"


def consent(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _rhi_step(
        request, pk, ConsentForm, services.record_consent, "Record consent", "Consent recorded"
    )


def offer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _rhi_step(
        request, pk, OfferForm, services.record_offer, "Record the offer", "Offer recorded"
    )


def outcome(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _rhi_step(
        request, pk, OutcomeForm, services.record_outcome, "Record the outcome", "Outcome recorded"
    )
