"""An interview record's page, and the manager's review: agree (respond to each proposed action,
the RHIs close) or return it to the practitioner with what to change."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.policy import (
    can_read_interviews,
    can_review_interview,
    can_send_sharing_form,
    get_visible_or_404,
)
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.interviews import services
from returnhome.interviews.forms import (
    ReturnForm,
    ReviewActionForm,
    ReviewForm,
    spread_review_errors,
)
from returnhome.interviews.models import Interview
from returnhome.interviews.returns import return_interview


def _record_context(interview: Interview) -> dict[str, object]:
    return {
        "interview": interview,
        "rhis": interview.rhis.select_related("episode").prefetch_related("episode__notifications"),
        "actions": interview.actions.all(),
    }


def interview_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require(can_read_interviews(request.user))
    interview = get_visible_or_404(
        request.user, Interview.objects.select_related("child", "conducted_by", "returned_by"), pk
    )
    waiting = interview.reviewed_at is None and interview.submitted_at is not None
    return render(
        request,
        "interviews/interview_detail.html",
        {
            **_record_context(interview),
            "can_review": waiting and can_review_interview(request.user, interview),
            "can_share": can_send_sharing_form(request.user, interview.child),
        },
    )


def review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    interview = get_visible_or_404(
        request.user, Interview.objects.select_related("child", "conducted_by"), pk
    )
    require(
        can_review_interview(request.user, interview),
        "Only a manager of the provider reviews interviews.",
    )
    returning = request.method == "POST" and "return" in request.POST
    data = request.POST if request.method == "POST" and not returning else None
    form = ReviewForm(data)
    actions = list(interview.actions.all())
    action_forms = [(a, ReviewActionForm(data, prefix=f"action-{a.pk}")) for a in actions]
    back = ReturnForm(
        request.POST if returning else None, initial={"expected_version": interview.version}
    )
    if returning and back.is_valid():
        try:
            return_interview(
                interview,
                comment=back.cleaned_data["return_comment"],
                expected_version=back.cleaned_data["expected_version"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(back, error)
        else:
            messages.success(request, f"Returned to {interview.conducted_by} for changes")
            return redirect("interviews:interview", pk=interview.pk)
    if data is not None and form.is_valid() & all([f.is_valid() for _, f in action_forms]):
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
        {**_record_context(interview), "form": form, "action_forms": action_forms, "back": back},
    )
