"""The front door's queue: every incoming notification, its match decision, one-click actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from returnhome.access.policy import can_record_notification, get_visible_or_404
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children import services as child_services
from returnhome.children.forms import FindChildForm, search_children
from returnhome.children.models import Child, ChildMerge
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.paging import page_of, recall_search, redirect_to_search
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.front_door import review
from returnhome.imports.front_door.forms import NewEpisodeForm, QueueFilterForm, ReasonForm
from returnhome.imports.models import PendingNotification, ReviewItem

RECENT_DAYS = 7
ONLY = "Only the front door works the queue."


def _problems(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [str(m) for messages_ in error.message_dict.values() for m in messages_]
    return [str(m) for m in error.messages]


def queue(request: AuthedHttpRequest) -> HttpResponse:
    require(can_record_notification(request.user, request.user.organisation), ONLY)
    filters = QueueFilterForm(request.GET or None)
    status = (filters.cleaned_data.get("status") if filters.is_valid() else "") or "open"
    reason = filters.cleaned_data.get("reason") if filters.is_valid() else ""
    items = ReviewItem.objects.visible_to(request.user).select_related(
        "suggested_child", "resolved_child", "police_force", "resolved_by"
    )
    if status != "all":
        items = items.filter(status=status)
    if reason:
        items = items.filter(reason=reason)
    items_page = page_of(request, items.order_by("status", "received_at", "pk"), param="page")
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    # Read through `notification_recent_idx` in order, at most the counted rows' keys: the child's
    # first episode is looked up for the page's rows only (a week at national scale holds
    # thousands of notifications, docs/performance.md).
    recent_page = page_of(
        request,
        Notification.objects.filter(council=request.user.organisation, received_at__gte=since)
        .exclude(episode=None)
        .select_related("episode__child")
        .order_by("-received_at", "-pk"),
        param="recent_page",
    )
    waiting_page = page_of(
        request,
        PendingNotification.objects.visible_to(request.user)
        .filter(status=PendingNotification.Status.WAITING)
        .select_related("child", "police_force")
        .order_by("received_at", "pk"),
        param="waiting_page",
    )
    decide, waiting = list(items_page.object_list), list(waiting_page.object_list)
    recent = list(recent_page.object_list)
    _add_first_missing(recent)
    rows = [(n, review.created_the_child(n)) for n in recent]
    record_list_read(request.user, "front_door_queue", [*decide, *waiting])
    record_list_read(request.user, "front_door_recent", [n.episode for n in recent if n.episode])
    return render(
        request,
        "imports/queue.html",
        {
            "filters": filters,
            "items": decide,
            "recent": rows,
            "waiting": waiting,
            "status": status,
            "pages": {"items": items_page, "waiting": waiting_page, "recent": recent_page},
        },
    )


def _add_first_missing(notes: list[Notification]) -> None:
    """Each notification's `child_first_missing`: when its child was first reported missing (any
    of the child's episodes), as `review.created_the_child` reads it."""
    children = {n.episode.child_id for n in notes if n.episode is not None}
    first = dict(
        Episode.objects.filter(child_id__in=children)
        .order_by()
        .values("child_id")
        .annotate(first=Min("reported_missing_at"))
        .values_list("child_id", "first")
    )
    for note in notes:
        if note.episode is not None:
            note.child_first_missing = first.get(note.episode.child_id)  # type: ignore[attr-defined]


def _candidates(request: AuthedHttpRequest, item: ReviewItem) -> list[dict[str, Any]]:
    wanted = [c for c in item.candidates if (c.get("child_id") or 0) > 0]
    children = Child.objects.visible_to(request.user).select_related("merged_into")
    found = children.in_bulk([c["child_id"] for c in wanted])
    record_list_read(request.user, "review_candidates", list(found.values()))
    result = []
    for candidate in wanted:
        child = found.get(candidate["child_id"])
        if child is not None:
            result.append({**candidate, "child": child.merged_into or child, "was": child})
    return result


def _item_page(
    request: AuthedHttpRequest, item: ReviewItem, problems: list[str] | None = None
) -> HttpResponse:
    find = FindChildForm(recall_search(request)[1] or None)
    query = find.cleaned_data["q"] if find.is_bound and find.is_valid() else ""
    results = page_of(request, search_children(request.user, query), per_page=20) if query else None
    shown = list(results.object_list) if results is not None else []
    record_list_read(request.user, "search_children", shown)
    data = [(k, v) for k, v in item.data.items() if v not in ("", None)]
    context = {
        "item": item,
        "data": data,
        "candidates": _candidates(request, item),
        "find": find,
        "query": query,
        "results": results,
        "problems": problems or [],
        "reason_form": ReasonForm(),
        "episode_form": NewEpisodeForm(prefix="episode"),
        "is_open": item.status == ReviewItem.Status.OPEN,
    }
    return render(request, "imports/item.html", context, status=400 if problems else 200)


def item_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(
        request.user,
        ReviewItem.objects.select_related(
            "suggested_child", "open_episode__child", "police_force", "resolved_child"
        ),
        pk,
    )
    if request.method == "POST":  # "Another of our children": searched by POST, kept by its id
        find = FindChildForm(request.POST)
        if find.is_valid():
            return redirect_to_search(request, {"q": find.cleaned_data["q"]}, "#another")
        return _item_page(request, item, [str(e) for errs in find.errors.values() for e in errs])
    return _item_page(request, item)


def _chosen_child(request: AuthedHttpRequest, form: ReasonForm) -> Child | None:
    pk = form.cleaned_data.get("child")
    return get_visible_or_404(request.user, Child.objects, pk) if pk else None


ACTIONS = (
    "confirm",
    "match",
    "new-child",
    "same-episode",
    "new-episode",
    "keep-waiting",
    "discard",
)


def _apply(
    action: str, item: ReviewItem, request: AuthedHttpRequest, form: ReasonForm
) -> ReviewItem:
    """One click: the service for the action, with the reason given."""
    user, reason = request.user, form.cleaned_data["reason"] or ""
    child = _chosen_child(request, form)
    if action == "confirm":
        return review.confirm_match(item, acting_user=user, reason=reason)
    if action == "match":
        if child is None:
            raise ValidationError({"child": ["Choose the child"]})
        return review.match_to_child(item, child, acting_user=user, reason=reason)
    if action == "new-child":
        return review.record_as_new_child(item, acting_user=user, reason=reason)
    if action == "same-episode":
        return review.add_to_open_episode(item, acting_user=user, reason=reason, child=child)
    if action == "new-episode":
        returned = form.cleaned_data.get("earlier_returned_at")
        return review.record_new_episode(
            item, acting_user=user, reason=reason, earlier_returned_at=returned, child=child
        )
    if action == "keep-waiting":
        return review.keep_waiting(item, acting_user=user, reason=reason, child=child)
    return review.discard(item, acting_user=user, reason=reason)


def resolve_item(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    item = get_visible_or_404(request.user, ReviewItem.objects, pk)
    if request.method != "POST" or action not in ACTIONS:
        return redirect("imports:item", pk=item.pk)
    form = (NewEpisodeForm if action == "new-episode" else ReasonForm)(
        request.POST, prefix="episode" if action == "new-episode" else None
    )
    if not form.is_valid():
        return _item_page(request, item, [str(e) for errs in form.errors.values() for e in errs])
    try:
        done = _apply(action, item, request, form)
    except ValidationError as error:
        return _item_page(request, item, _problems(error))
    messages.success(
        request, f"{done.get_resolution_display()}: {done.resolved_child or 'no child'}"
    )
    return redirect("imports:queue")


# --------------------------------------------------------------------------- found before missing


def _pending_page(
    request: AuthedHttpRequest, pending: PendingNotification, problems: list[str] | None = None
) -> HttpResponse:
    episodes = Episode.objects.visible_to(request.user).open().select_related("child")
    surname = str(pending.content.get("surname") or "").strip()
    if pending.child_id is not None or surname:
        near = episodes.filter(child_id=pending.child_id or 0) | episodes.filter(
            child__surname__iexact=surname or "-"
        )
        episodes = near.filter(reported_missing_at__lte=pending.event_at)
    else:
        episodes = episodes.none()
    page = page_of(request, episodes.order_by("-reported_missing_at", "-pk"), per_page=20)
    shown = list(page.object_list)
    record_list_read(request.user, "waiting_candidates", shown)
    data = [(k, v) for k, v in pending.content.items() if v not in ("", None)]
    return render(
        request,
        "imports/pending.html",
        {
            "pending": pending,
            "data": data,
            "episodes": shown,
            "page": page,
            "problems": problems or [],
            "reason_form": ReasonForm(),
            "is_open": pending.status == PendingNotification.Status.WAITING,
        },
        status=400 if problems else 200,
    )


def pending_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pending = get_visible_or_404(
        request.user, PendingNotification.objects.select_related("child", "police_force"), pk
    )
    return _pending_page(request, pending)


def resolve_pending(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    pending = get_visible_or_404(request.user, PendingNotification.objects, pk)
    if request.method != "POST" or action not in ("join", "discard"):
        return redirect("imports:pending", pk=pending.pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason") or ""
    try:
        if action == "join":
            episode_pk = request.POST.get("episode")
            if not episode_pk:
                raise ValidationError({"episode": ["Choose the episode"]})
            episode = get_visible_or_404(request.user, Episode.objects, episode_pk)
            review.join_pending(pending, episode, acting_user=request.user, reason=reason)
        else:
            review.discard_pending(pending, acting_user=request.user, reason=reason)
    except ValidationError as error:
        return _pending_page(request, pending, _problems(error))
    messages.success(
        request, "Found notification " + ("joined" if action == "join" else "discarded")
    )
    return redirect("imports:queue")


# --------------------------------------------------------------------------- merging duplicates


def merge_choose(request: AuthedHttpRequest, keep_pk: int) -> HttpResponse:
    keep = get_visible_or_404(request.user, Child.objects.select_related("council"), keep_pk)
    require(
        can_record_notification(request.user, keep.council), "Only the front door merges records."
    )
    if request.method == "POST":  # searched by POST, kept in the session by its id
        find = FindChildForm(request.POST)
        if find.is_valid():
            return redirect_to_search(request, {"q": find.cleaned_data["q"]})
    else:
        find = FindChildForm(recall_search(request)[1] or None)
    query = find.cleaned_data["q"] if find.is_bound and find.is_valid() else ""
    others = search_children(request.user, query or keep.surname).exclude(pk=keep.pk)
    others = others.select_related("council")
    page = page_of(request, others)
    record_list_read(request.user, "search_children", list(page.object_list))
    context = {"keep": keep, "find": find, "query": query, "page": page}
    return render(request, "imports/merge_choose.html", context)


def merge_confirm(request: AuthedHttpRequest, keep_pk: int, duplicate_pk: int) -> HttpResponse:
    keep = get_visible_or_404(request.user, Child.objects.select_related("council"), keep_pk)
    duplicate = get_visible_or_404(request.user, Child.objects, duplicate_pk)
    require(
        can_record_notification(request.user, keep.council), "Only the front door merges records."
    )
    form = ReasonForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            child_services.merge_children(
                keep, duplicate, acting_user=request.user, reason=form.cleaned_data["reason"] or ""
            )
        except ValidationError as error:
            problems = _problems(error)
        else:
            messages.success(request, f"{duplicate.full_name}'s record merged into this one")
            return redirect("children:detail", pk=keep.pk)
    context = {"keep": keep, "duplicate": duplicate, "form": form, "problems": problems}
    return render(request, "imports/merge_confirm.html", context, status=400 if problems else 200)


def undo_merge(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    merge = get_visible_or_404(
        request.user, ChildMerge.objects.select_related("keep", "duplicate", "merged_by"), pk
    )
    form = ReasonForm(request.POST or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            child_services.undo_merge(
                merge, acting_user=request.user, reason=form.cleaned_data["reason"] or ""
            )
        except ValidationError as error:
            problems = _problems(error)
        else:
            messages.success(request, "Merge undone: both records are as they were")
            return redirect("children:detail", pk=merge.duplicate_id)
    context = {"merge": merge, "form": form, "problems": problems}
    return render(request, "imports/undo_merge.html", context, status=400 if problems else 200)
