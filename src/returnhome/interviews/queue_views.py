"""The RHI queues: "My work" and "My team's work" (`interviews/queues.py` holds their rules)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from returnhome.access.policy import can_see_rhis
from returnhome.access.roles import Role
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.accounts.models import User
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.paging import page_of
from returnhome.interviews import queues
from returnhome.interviews.models import RHI, RHIQuerySet
from returnhome.interviews.notices import Notice, team_notices

RHI_RELATED = ("child", "episode", "provider", "allocated_worker", "interview")


def _queue(
    request: AuthedHttpRequest,
    rhis: RHIQuerySet,
    title: str,
    workers: list[User],
    notices: list[Notice] | None = None,
) -> HttpResponse:
    now = timezone.now()
    form = queues.QueueFilterForm(request.GET or None, workers=workers)
    choice = form.cleaned_data if form.is_bound and form.is_valid() else {}
    shown = queues.in_order(queues.filtered(rhis, choice, now), now)
    page = page_of(request, shown.select_related(*RHI_RELATED))
    record_list_read(request.user, "list_rhis", list(page.object_list))
    context = {
        "title": title,
        "form": form,
        "filtered": any(choice.values()),
        "counts": queues.counts(rhis, now),
        "page": page,
        "now": now,
        "team": bool(workers),
        "notices": notices or [],
    }
    return render(request, "interviews/queue.html", context)


def my_rhis(request: AuthedHttpRequest) -> HttpResponse:
    require(can_see_rhis(request.user))
    rhis = RHI.objects.visible_to(request.user).filter(allocated_worker=request.user)
    return _queue(request, rhis.exclude(status=RHI.Status.CLOSED), "My work", [])


def team_rhis(request: AuthedHttpRequest) -> HttpResponse:
    require(can_see_rhis(request.user))
    rhis = RHI.objects.visible_to(request.user).in_provider_queue(request.user)
    workers = list(
        User.objects.filter(
            organisation=request.user.organisation,
            role__in=[Role.PRACTITIONER, Role.MANAGER],
            is_active=True,
        ).order_by("first_name", "last_name", "username")
    )
    return _queue(request, rhis, "My team's work", workers, team_notices(request.user))
