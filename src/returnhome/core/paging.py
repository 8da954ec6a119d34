"""Every list is paged and says how many there are in all (issue 13): one page of a queryset or
list, the links to the pages around it, and a search kept on the server.

A list view audits only the rows on its page (`record_list_read(user, action, page)`), so what
one view writes stays bounded however long the list grows.

Searches are posted, never put in a URL (a child's name must not reach an access log or the
browser's history, docs/audit.md). To page through the results, the view keeps the search in
the session under a random id (`remember_search`) and the page links carry only that id.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponseRedirect, QueryDict

PAGE_SIZE = 50
SEARCHES_KEPT = 20
SESSION_KEY = "searches"


def page_of(
    request: HttpRequest, items: Any, per_page: int = PAGE_SIZE, param: str = "page"
) -> Page:
    """The page the request asks for (`?page=N`; the last page if N is past it, the first if N
    is not a number). `items` is a sliceable queryset or list, already in order. A page with
    several lists gives each its own `param`."""
    return Paginator(items, per_page).get_page(request.GET.get(param))


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    url: str
    current: bool = False


def page_url(params: QueryDict, number: int, param: str = "page") -> str:
    query = params.copy()
    query[param] = str(number)
    return "?" + query.urlencode()


def page_links(params: QueryDict, page: Page, param: str = "page") -> list[PageLink]:
    """The GOV.UK pagination items: the first, the last, and the pages next to the current one,
    with an ellipsis for each gap. Every other parameter of the request is kept."""
    last = page.paginator.num_pages
    wanted = sorted(
        {1, last, page.number - 1, page.number, page.number + 1} & set(range(1, last + 1))
    )
    links: list[PageLink] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            links.append(PageLink(None, ""))
        links.append(PageLink(number, page_url(params, number, param), number == page.number))
        previous = number
    return links


def remember_search(request: HttpRequest, fields: dict[str, str]) -> str:
    """Keep a posted search in the session; returns its id (random, meaningless) for the URL."""
    kept: dict[str, dict[str, str]] = dict(request.session.get(SESSION_KEY, {}))
    search_id = secrets.token_urlsafe(8)
    kept[search_id] = fields
    while len(kept) > SEARCHES_KEPT:
        kept.pop(next(iter(kept)))
    request.session[SESSION_KEY] = kept
    return search_id


def recall_search(request: HttpRequest) -> tuple[str, dict[str, str]]:
    """The search named by `?search=ID` in this session, with its id; ("", {}) if none."""
    search_id = request.GET.get("search", "")
    fields = request.session.get(SESSION_KEY, {}).get(search_id)
    if not isinstance(fields, dict):
        return "", {}
    return search_id, fields


def redirect_to_search(
    request: HttpRequest, fields: dict[str, str], fragment: str = ""
) -> HttpResponseRedirect:
    """After a posted search: back to the same page at its first page of results, the search
    kept in the session and named by its id (no search if every field is empty). The page's
    other parameters (filters) are kept; `fragment` is where on the page to land."""
    params = request.GET.copy()
    params.pop("search", None)
    params.pop("page", None)
    if any(fields.values()):
        params["search"] = remember_search(request, fields)
    query = f"?{params.urlencode()}" if params else ""
    return HttpResponseRedirect(f"{request.path}{query}{fragment}")
