from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from returnhome.access.policy import (
    can_record_notification,
    can_see_child_records,
    can_send_sharing_form,
    child_sections,
    get_visible_or_404,
    reads_access_records,
    shares_with_host,
)
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children import services
from returnhome.children.forms import (
    AliasForm,
    ChildForm,
    EditChildForm,
    FindChildForm,
    LegalStatusForm,
    PlacementForm,
    TimelineFilterForm,
    search_children,
)
from returnhome.children.models import Child, ChildMerge
from returnhome.children.timeline import grouped, timeline_for
from returnhome.core.audit import describe, events_about_child, record_list_read
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import page_of, recall_search, remember_search


def child_list(request: AuthedHttpRequest) -> HttpResponse:
    require(can_see_child_records(request.user))
    # Searched by POST: a child's name never goes into a URL, an access log or the browser's
    # history (docs/audit.md). The search is kept in the session; the pages carry its id.
    if request.method == "POST":
        find = FindChildForm(request.POST)
        if find.is_valid() and find.cleaned_data["q"]:
            search_id = remember_search(request, {"q": find.cleaned_data["q"]})
            return redirect(f"{reverse('children:list')}?search={search_id}")
        if find.is_valid():
            return redirect("children:list")
    else:
        search_id, fields = recall_search(request)
        find = FindChildForm(fields or None)
    query = find.cleaned_data["q"] if find.is_bound and find.is_valid() else ""
    page = page_of(request, search_children(request.user, query))
    record_list_read(request.user, "list_children", list(page.object_list))
    return render(request, "children/list.html", {"find": find, "page": page, "query": query})


def child_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    child = get_visible_or_404(
        request.user, Child.objects.select_related("council", "merged_into"), pk
    )
    return render(
        request,
        "children/detail.html",
        {
            "child": child,
            "sections": child_sections(request.user, child),
            **_timeline(request, child),
            "can_edit": can_record_notification(request.user, child.council),
            "shares_with_host": shares_with_host(request.user, child)
            and child.placements.filter(out_of_area=True).exists(),
            "placements": child.placements.select_related("council_area", "rhi_provider"),
            "sees_access": reads_access_records(request.user, child.council),
            "can_share": can_send_sharing_form(request.user, child),
            "merges": ChildMerge.objects.visible_to(request.user)
            .filter(Q(keep=child) | Q(duplicate=child))
            .select_related("keep", "duplicate", "merged_by", "undone_by"),
        },
    )


def _timeline(request: AuthedHttpRequest, child: Child) -> dict[str, Any]:
    """The timeline by year and episode, filtered; the newest year (or the chosen one) open."""
    entries = timeline_for(child, request.user)
    every_year = sorted({timezone.localtime(e.at).year for e in entries}, reverse=True)
    filters = TimelineFilterForm(request.GET or None, years=every_year)
    years = grouped(entries, filters.kinds())
    chosen = filters.chosen_year()
    if chosen is not None:
        years = [y for y in years if y.year == chosen]
    return {
        "timeline_years": years,
        "timeline_filters": filters,
        "timeline_filtered": bool(filters.kinds() or chosen),
        "timeline_count": len(entries),
    }


ACCESS_PAGE_SIZE = 50


def access_history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Who opened or changed a child's record, when, from which organisation: for the managers
    and administrators of the child's council only (404 for anyone else)."""
    own_council = request.user.organisation
    if not reads_access_records(request.user, own_council):
        raise Http404("Not found")
    children = Child.objects.filter(council=own_council)
    child = get_visible_or_404(request.user, children, pk, action="view_access_history")
    page = page_of(request, events_about_child(child.pk), ACCESS_PAGE_SIZE)
    rows = [(event, describe(event)) for event in page]
    return render(
        request, "children/access_history.html", {"child": child, "page": page, "rows": rows}
    )


def _history_form(
    request: AuthedHttpRequest, pk: int, form_class: type, service: str, title: str
) -> HttpResponse:
    child = get_visible_or_404(request.user, Child.objects, pk)
    require(can_record_notification(request.user, child.council))
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            getattr(services, service)(child, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{title} recorded")
            return redirect("children:detail", pk=child.pk)
    return render(
        request, "children/history_form.html", {"form": form, "child": child, "title": title}
    )


def add_legal_status(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _history_form(request, pk, LegalStatusForm, "record_legal_status", "Legal status")


def add_alias(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _history_form(request, pk, AliasForm, "add_alias", "Also known as")


def add_placement(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A placement; outside the council's area it asks who interviews the child if they go
    missing, and sends the information package to the host council and force."""
    child = get_visible_or_404(request.user, Child.objects, pk)
    require(can_record_notification(request.user, child.council))
    form = PlacementForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_placement(child, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Placement recorded")
            return redirect("children:detail", pk=child.pk)
    return render(
        request,
        "children/history_form.html",
        {"form": form, "child": child, "title": "Placement"},
    )


def edit_child(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    child = get_visible_or_404(request.user, Child.objects, pk)
    require(can_record_notification(request.user, child.council))
    initial = {f: getattr(child, f) for f in ChildForm.base_fields}
    form = EditChildForm(
        request.POST or None, initial={**initial, "expected_version": child.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_child(child, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Child's details updated")
            return redirect("children:detail", pk=child.pk)
    return render(
        request,
        "children/history_form.html",
        {"form": form, "child": child, "title": "Child's details"},
    )
