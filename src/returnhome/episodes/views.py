from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.policy import (
    can_record_found,
    can_record_notification,
    can_see_child_records,
    can_send_sharing_form,
    get_visible_or_404,
    holds_child,
    is_outside_reporter,
    is_police,
    sees_record,
)
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children.forms import ChildForm, FindChildForm, search_children
from returnhome.children.models import Child
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import page_of, recall_search, redirect_to_search
from returnhome.episodes import services
from returnhome.episodes.forms import FoundForm, MissingForm, notification_content
from returnhome.episodes.models import DirectReport, Episode


def open_episodes(request: AuthedHttpRequest) -> HttpResponse:
    require(can_see_child_records(request.user))
    episodes = (
        Episode.objects.visible_to(request.user)
        .open()
        .select_related("child", "police_force")
        .order_by("reported_missing_at", "pk")
    )
    page = page_of(request, episodes)
    record_list_read(request.user, "list_open_episodes", list(page.object_list))
    can_record = can_record_notification(request.user, request.user.organisation)
    return render(request, "episodes/open.html", {"page": page, "can_record": can_record})


def record_missing(request: AuthedHttpRequest) -> HttpResponse:
    """Step 1: find the child (or start a new one). Step 2 is the notification form.

    The search is posted, kept in the session and paged by its id: a child's name or date of
    birth never goes into a URL (core/paging.py)."""
    council = request.user.organisation
    require(
        can_record_notification(request.user, council), "Only the front door records notifications."
    )
    if request.method == "POST":
        find = FindChildForm(request.POST)
        if find.is_valid():
            return redirect_to_search(request, {"q": find.cleaned_data["q"]})
    else:
        find = FindChildForm(recall_search(request)[1] or None)
    query = find.cleaned_data["q"] if find.is_bound and find.is_valid() else ""
    page = page_of(request, search_children(request.user, query)) if query else None
    shown = list(page.object_list) if page else []
    record_list_read(request.user, "search_children", shown)
    return render(
        request,
        "episodes/find_child.html",
        {"find": find, "query": query, "page": page, "missing": _open_episodes(shown)},
    )


def _open_episodes(children: Any) -> dict[int, int]:
    """Each child's open episode (child pk to episode pk): "already missing" is said at once."""
    return dict(
        Episode.objects.open()
        .filter(child_id__in=[c.pk for c in children])
        .values_list("child_id", "pk")
    )


def record_missing_for(request: AuthedHttpRequest, child_pk: int | None = None) -> HttpResponse:
    council = request.user.organisation
    require(
        can_record_notification(request.user, council), "Only the front door records notifications."
    )
    assert council is not None
    child = get_visible_or_404(request.user, Child.objects, child_pk) if child_pk else None
    form = MissingForm(request.POST or None, council=council)
    child_form = ChildForm(request.POST or None, prefix="child") if child is None else None
    if (
        request.method == "POST"
        and form.is_valid()
        and (child_form is None or child_form.is_valid())
    ):
        try:
            episode = services.record_missing_with_child(
                child,
                child_form.cleaned_data if child_form else None,
                council=council,
                acting_user=request.user,
                content=notification_content(form.cleaned_data),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(child_form if child_form and _is_child_error(error) else form, error)
        else:
            messages.success(request, f"{episode.child} recorded as missing")
            return redirect("episodes:detail", pk=episode.pk)
    return render(
        request,
        "episodes/missing_form.html",
        {
            "form": form,
            "child_form": child_form,
            "child": child,
            "open_episode": child.episodes.open().first() if child else None,
        },
    )


def _is_child_error(error: ValidationError) -> bool:
    return hasattr(error, "error_dict") and bool(set(error.error_dict) & set(ChildForm.base_fields))


def episode_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    if is_outside_reporter(request.user):  # sees what they reported, not the episode
        mine = DirectReport.objects.visible_to(request.user).filter(episode_id=pk).first()
        if mine is None:
            raise Http404("Not found")
        return redirect("reporting:detail", pk=mine.pk)
    episode = get_visible_or_404(
        request.user, Episode.objects.select_related("child", "police_force"), pk
    )
    rhi = getattr(episode, "rhi", None)  # episodes sit below interviews: known by relation
    # The reports on this episode the user may open themselves (the access policy), each read
    # audited: the page never shows a report's details to someone its own page would refuse.
    direct_reports = list(
        DirectReport.objects.visible_to(request.user)
        .filter(episode=episode)
        .select_related("reporter", "reporter_organisation", "police_force")
    )
    record_list_read(request.user, "episode_direct_reports", direct_reports)
    return render(
        request,
        "episodes/detail.html",
        {
            "episode": episode,
            "notifications": episode.notifications.select_related("recorded_by"),
            "rhi": rhi,
            "holds": holds_child(request.user, episode.child),
            "opens_rhi": sees_record(request.user, type(rhi).objects, rhi) if rhi else False,
            "opens_interview": rhi is not None
            and rhi.interview is not None
            and sees_record(request.user, type(rhi.interview).objects, rhi.interview),
            "can_record": can_record_found(request.user, episode),
            "found_form": FoundForm(police=is_police(request.user))
            if episode.is_open and can_record_found(request.user, episode)
            else None,
            "can_share": can_send_sharing_form(request.user, episode.child),
            "direct_reports": direct_reports,
        },
    )


def record_found(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    episode = get_visible_or_404(request.user, Episode.objects.select_related("child"), pk)
    require(
        can_record_found(request.user, episode),
        "Only the front door, or the police force handling the episode, records a return.",
    )
    form = FoundForm(request.POST or None, police=is_police(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_return(
                episode,
                acting_user=request.user,
                content=notification_content(form.cleaned_data),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{episode.child} recorded as returned. The RHI is in the provider's queue.",
            )
            return redirect("episodes:detail", pk=episode.pk)
    return render(request, "episodes/found_form.html", {"form": form, "episode": episode})
