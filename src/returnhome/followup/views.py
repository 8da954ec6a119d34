from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from returnhome.access.policy import can_read_interviews, get_visible_or_404
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import count_text, page_of
from returnhome.followup import services
from returnhome.followup.forms import ProgressForm
from returnhome.followup.models import ProposedAction

OPEN = [
    ProposedAction.Status.PROPOSED,
    ProposedAction.Status.AGREED,
    ProposedAction.Status.IN_PROGRESS,
]


def action_list(request: AuthedHttpRequest) -> HttpResponse:
    require(can_read_interviews(request.user))
    every = ProposedAction.objects.visible_to(request.user)
    views = {"open": every.filter(status__in=OPEN), "overdue": every.overdue(), "all": every}
    show = request.GET.get("show", "open")
    if show not in views:
        show = "open"
    page = page_of(request, views[show].select_related("child", "interview"))
    record_list_read(request.user, "list_actions", list(page.object_list))
    counts = {name: count_text(actions) for name, actions in views.items()}
    return render(
        request,
        "followup/list.html",
        {"page": page, "show": show, "counts": counts, "today": timezone.localdate()},
    )


def action_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require(can_read_interviews(request.user))
    action = get_visible_or_404(
        request.user, ProposedAction.objects.select_related("child", "interview"), pk
    )
    form = ProgressForm(
        request.POST or None,
        initial={
            "status": action.status,
            "outcome": action.outcome,
            "expected_version": action.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_action_progress(action, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action updated")
            return redirect("followup:action", pk=action.pk)
    return render(request, "followup/detail.html", {"action": action, "form": form})
