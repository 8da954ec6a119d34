"""Recording an interview on the standard form, in sections with a check-your-answers page and a
draft saved as the practitioner goes (interviews/drafts.py); viewing it; the manager's review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from returnhome.access.policy import can_work_rhi, get_visible_or_404
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.interviews import drafts, services
from returnhome.interviews.forms import (
    SECTIONS,
    ActionFormSet,
    InterviewForm,
    action_rows,
    answer,
    keep_only,
    quiet,
    section_of,
    values_of,
)
from returnhome.interviews.models import RHI, Interview

MANAGEMENT = {"TOTAL_FORMS": "3", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "10"}


def _rhi(request: AuthedHttpRequest, pk: int, kind: str = Interview.Kind.INTERVIEW) -> RHI:
    if kind not in Interview.Kind.values:
        raise Http404("No such form")
    rhi = get_visible_or_404(
        request.user, RHI.objects.select_related("child", "episode", "interview"), pk
    )
    require(can_work_rhi(request.user, rhi), "Only the allocated worker or a manager can do this.")
    return rhi


def _forms(rhi: RHI, kind: str, data: Any) -> tuple[InterviewForm, Any]:
    carer_only = kind == Interview.Kind.CARER_ONLY
    fresh = rhi.status != RHI.Status.RETURNED
    coverable = services.rhis_coverable_with(rhi) if fresh and not carer_only else []
    form = InterviewForm(data, coverable=coverable, carer_only=carer_only)
    return form, ActionFormSet(data, prefix="actions")


def _draft_data(request: AuthedHttpRequest, rhi: RHI, kind: str) -> QueryDict:
    """The author's draft as posted data (a returned interview's draft starts from it)."""
    if rhi.status == RHI.Status.RETURNED and rhi.interview is not None:
        blank, _ = _forms(rhi, kind, None)
        values = values_of(rhi.interview, blank)
        drafts.start_changes(rhi, rhi.interview, values, acting_user=request.user)
    draft = drafts.draft_for(rhi, request.user, kind)
    data = QueryDict(mutable=True)
    for key, values in (draft.data if draft else {}).items():
        data.setlist(key, values)
    for key, value in MANAGEMENT.items():
        data.setdefault(f"actions-{key}", value)
    return data


def _section(slug: str) -> tuple[int, str, list[str]]:
    for index, (name, title, names) in enumerate(SECTIONS):
        if name == slug:
            return index, title, names
    raise Http404("No such section")


def _posted(request: AuthedHttpRequest) -> dict[str, list[str]]:
    return {key: request.POST.getlist(key) for key in request.POST}


def _urls(rhi: RHI, kind: str) -> dict[str, str]:
    return {
        slug: reverse("interviews:interview_section", args=[rhi.pk, kind, slug])
        for slug, _, _ in SECTIONS
    } | {"check": reverse("interviews:interview_check", args=[rhi.pk, kind])}


def record_interview(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """The form's first page; a whole form posted here at once is submitted as before."""
    rhi = _rhi(request, pk, kind)
    if request.method != "POST":
        return redirect("interviews:interview_section", pk=rhi.pk, kind=kind, section="interview")
    every = [name for _, _, names in SECTIONS for name in names]
    drafts.save_draft(
        rhi,
        kind=kind,
        names=every,
        values=_posted(request),
        acting_user=request.user,
        interview=rhi.interview,
    )
    form, actions = _forms(rhi, kind, _draft_data(request, rhi, kind))
    done = _submit(request, rhi, kind, form, actions)
    return done or _check_page(request, rhi, kind, form, actions)


def interview_section(request: AuthedHttpRequest, pk: int, kind: str, section: str) -> HttpResponse:
    rhi = _rhi(request, pk, kind)
    index, title, names = _section(section)
    if request.method == "POST":
        drafts.save_draft(
            rhi,
            kind=kind,
            names=names,
            values=_posted(request),
            acting_user=request.user,
            interview=rhi.interview,
        )
    form, actions = _forms(rhi, kind, _draft_data(request, rhi, kind))
    if request.method == "POST" and "later" in request.POST:
        messages.success(
            request, "Your draft is saved. Carry on from this page when you are ready."
        )
        return redirect("interviews:rhi", pk=rhi.pk)
    if request.method == "POST":
        form.is_valid()
        keep_only(form, names)
        if section != "actions":
            quiet(actions)
        if not form.errors and (section != "actions" or actions.is_valid()):
            following = SECTIONS[index + 1][0] if index + 1 < len(SECTIONS) else "check"
            return redirect(_urls(rhi, kind)[following])
    else:
        quiet(form, actions)
    return render(
        request,
        "interviews/interview_section.html",
        {
            "rhi": rhi,
            "kind": kind,
            "form": form,
            "actions": actions,
            "names": names,
            "title": title,
            "number": index + 1,
            "sections": SECTIONS,
            "slug": section,
            "carer_only": kind == Interview.Kind.CARER_ONLY,
            "back": _urls(rhi, kind)[SECTIONS[index - 1][0]] if index else "",
        },
    )


@require_POST
def autosave(request: AuthedHttpRequest, pk: int, kind: str, section: str) -> HttpResponse:
    """The page's script saves the section while its author types (no page load)."""
    rhi = _rhi(request, pk, kind)
    _, _, names = _section(section)
    draft = drafts.save_draft(
        rhi,
        kind=kind,
        names=names,
        values=_posted(request),
        acting_user=request.user,
        interview=rhi.interview,
    )
    return JsonResponse({"saved_at": f"{timezone.localtime(draft.saved_at):%H:%M:%S}"})


def _submit(
    request: AuthedHttpRequest, rhi: RHI, kind: str, form: InterviewForm, actions: Any
) -> HttpResponse | None:
    """Every problem found at once: the form's, each action's, then the service's."""
    if not (form.is_valid() & actions.is_valid()):
        return None
    data = dict(form.cleaned_data)
    try:
        interview = drafts.submit_draft(
            rhi,
            kind,
            data,
            services.action_proposals(actions.cleaned_data),
            covers=list(data.pop("covers", [])),
            acting_user=request.user,
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    messages.success(request, "Interview record submitted for manager review")
    return redirect("interviews:interview", pk=interview.pk)


def interview_check(request: AuthedHttpRequest, pk: int, kind: str) -> HttpResponse:
    rhi = _rhi(request, pk, kind)
    form, actions = _forms(rhi, kind, _draft_data(request, rhi, kind))
    if request.method == "POST":
        done = _submit(request, rhi, kind, form, actions)
        if done is not None:
            return done
    else:
        form.is_valid()
        actions.is_valid()
    return _check_page(request, rhi, kind, form, actions)


def _check_page(
    request: AuthedHttpRequest, rhi: RHI, kind: str, form: InterviewForm, actions: Any
) -> HttpResponse:
    urls = _urls(rhi, kind)
    problems = [
        (error, urls[section_of(name)]) for name, errs in form.errors.items() for error in errs
    ]
    for number, errors in enumerate(actions.errors, start=1):
        for errs in errors.values():
            problems += [(f"Action {number}: {e}", urls["actions"]) for e in errs]
    answers = [
        (title, urls[slug], [(form[n].label, answer(form, n)) for n in names if n in form.fields])
        for slug, title, names in SECTIONS
    ]
    return render(
        request,
        "interviews/interview_check.html",
        {
            "rhi": rhi,
            "kind": kind,
            "form": form,
            "actions": actions,
            "answers": answers,
            "problems": problems,
            "action_rows": action_rows(actions),
            "carer_only": kind == Interview.Kind.CARER_ONLY,
            "back": urls[SECTIONS[-1][0]],
            "resubmit": rhi.status == RHI.Status.RETURNED,
        },
    )
