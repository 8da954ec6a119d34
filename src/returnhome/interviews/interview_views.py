"""Recording an interview on the standard form, viewing it, and the manager's review."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.policy import (
    can_read_interviews,
    can_review_interview,
    can_send_sharing_form,
    can_work_rhi,
    get_visible_or_404,
)
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.interviews import services
from returnhome.interviews.forms import (
    ActionFormSet,
    InterviewForm,
    ReviewActionForm,
    ReviewForm,
    spread_review_errors,
)
from returnhome.interviews.models import RHI, Interview


def record_interview(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    rhi = get_visible_or_404(request.user, RHI.objects.select_related("child", "episode"), pk)
    require(can_work_rhi(request.user, rhi), "Only the allocated worker or a manager can do this.")
    carer_only = kind == Interview.Kind.CARER_ONLY
    coverable = services.rhis_coverable_with(rhi) if not carer_only else []
    form = InterviewForm(request.POST or None, coverable=coverable, carer_only=carer_only)
    actions = ActionFormSet(request.POST or None, prefix="actions")
    if request.method == "POST" and form.is_valid() and actions.is_valid():
        data = dict(form.cleaned_data)
        covered = [rhi, *data.pop("covers", [])]
        try:
            interview = services.record_interview(
                covered,
                services.interview_details(kind, data),
                services.action_proposals(actions.cleaned_data),
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Interview record submitted for manager review")
            return redirect("interviews:interview", pk=interview.pk)
    return render(
        request,
        "interviews/interview_form.html",
        {
            "rhi": rhi,
            "form": form,
            "actions": actions,
            "carer_only": carer_only,
        },
    )


def interview_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require(can_read_interviews(request.user))
    interview = get_visible_or_404(
        request.user, Interview.objects.select_related("child", "conducted_by"), pk
    )
    return render(
        request,
        "interviews/interview_detail.html",
        {
            "interview": interview,
            "rhis": interview.rhis.select_related("episode").prefetch_related(
                "episode__notifications"
            ),
            "actions": interview.actions.all(),
            "can_review": interview.reviewed_at is None
            and can_review_interview(request.user, interview),
            "can_share": can_send_sharing_form(request.user, interview.child),
        },
    )


def review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    interview = get_visible_or_404(request.user, Interview.objects.select_related("child"), pk)
    require(
        can_review_interview(request.user, interview),
        "Only a manager of the provider reviews interviews.",
    )
    actions = list(interview.actions.all())
    data = request.POST or None
    form = ReviewForm(data)
    action_forms = [(a, ReviewActionForm(data, prefix=f"action-{a.pk}")) for a in actions]
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for _, f in action_forms):
        responses = {
            a.pk: (f.cleaned_data["response"], f.cleaned_data["comment"]) for a, f in action_forms
        }
        try:
            services.review_interview(
                interview,
                responses=responses,
                comment=form.cleaned_data["comment"],
                acting_user=request.user,
            )
        except ValidationError as error:
            spread_review_errors(error, form, action_forms)
        else:
            messages.success(request, "Review recorded. The RHI is closed.")
            return redirect("interviews:interview", pk=interview.pk)
    return render(
        request,
        "interviews/review.html",
        {"interview": interview, "form": form, "action_forms": action_forms},
    )
