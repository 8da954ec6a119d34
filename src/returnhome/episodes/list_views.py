"""The list of all episodes: filters by GET, the child searched by POST (kept in the session,
`core/paging.py`), paged; only the rows on the page are audited as read."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from returnhome.access.policy import can_see_child_records
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.children.forms import FindChildForm
from returnhome.core.audit import record_list_read
from returnhome.core.errors import require
from returnhome.core.paging import page_of, recall_search, remember_search
from returnhome.episodes.listing import EpisodeFilterForm, episodes_for


def episode_list(request: AuthedHttpRequest) -> HttpResponse:
    require(can_see_child_records(request.user))
    params = request.GET.copy()
    if request.method == "POST":
        find = FindChildForm(request.POST)
        params.pop("search", None)
        params.pop("page", None)
        if find.is_valid() and find.cleaned_data["q"]:
            params["search"] = remember_search(request, {"q": find.cleaned_data["q"]})
        return redirect(f"{request.path}?{params.urlencode()}")
    _search_id, fields = recall_search(request)
    find = FindChildForm(fields or None)
    child_text = find.cleaned_data["q"] if find.is_bound and find.is_valid() else ""
    filters = EpisodeFilterForm(request.GET or None)
    choice = filters.cleaned_data if filters.is_bound and filters.is_valid() else {}
    page = page_of(
        request,
        episodes_for(request.user, choice, child_text).select_related("child", "police_force"),
    )
    record_list_read(request.user, "list_episodes", list(page.object_list))
    without_search = params.copy()
    without_search.pop("search", None)
    without_search.pop("page", None)
    context = {
        "find": find,
        "filters": filters,
        "filtered": any(choice.values()),
        "child_text": child_text,
        "page": page,
        "clear_search": f"?{without_search.urlencode()}",
        "keep": params.urlencode(),
    }
    return render(request, "episodes/list.html", context)
