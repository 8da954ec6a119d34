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

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.http import HttpRequest, HttpResponseRedirect, QueryDict
from django.utils.functional import cached_property

PAGE_SIZE = 50
SEARCHES_KEPT = 20
SESSION_KEY = "searches"
COUNT_UP_TO = 1_000
"""A list counts its rows up to this many: past it, it says "more than 1,000" and its pages go on
past the count one "Next" at a time (each page reads one row beyond itself to know whether there
is a next). Counting every row of a council's ten-year history (360,000 actions, 200,000 children)
costs more than the page itself (docs/performance.md, load)."""


class MoreThan(int):
    """A count that stopped at its bound: the bound, as a number, for the pages' arithmetic and
    `pluralize`; `count_text` says "more than N"."""


def bounded_count(items: Any, limit: int | None = None) -> int:
    """How many items, counting at most `limit` (default COUNT_UP_TO) + 1 of them: the count, or
    `MoreThan(limit)`."""
    limit = COUNT_UP_TO if limit is None else limit
    queried = isinstance(items, QuerySet)
    counted = items.order_by()[: limit + 1].count() if queried else len(items)
    return MoreThan(limit) if counted > limit else counted


def count_text(items: Any, limit: int | None = None) -> int | str:
    """How many items, for a label: the number, or "more than 1,000" (`bounded_count`)."""
    counted = bounded_count(items, limit)
    return f"more than {counted:,}" if isinstance(counted, MoreThan) else counted


class BoundedPaginator(Paginator):
    """Django's paginator with a bounded count (`bounded_count`). A list of model rows is read in
    two short queries instead of a count and a page: the keys of its first COUNT_UP_TO + 1 rows, in
    order (their number is the count), then the page's rows by key. A searched or filtered list
    that PostgreSQL must scan for is then scanned once, not twice."""

    @cached_property
    def _keys(self) -> list[Any] | None:
        """The ordered primary keys of the first COUNT_UP_TO + 1 rows (None: not a list of model
        rows, counted and sliced the usual way)."""
        items = self.object_list
        if not isinstance(items, QuerySet) or items.query.is_sliced:
            return None
        if items._iterable_class is not ModelIterable:
            return None
        return list(items.values_list("pk", flat=True)[: COUNT_UP_TO + 1])

    @cached_property
    def count(self) -> int:
        keys = self._keys
        if keys is None:
            return bounded_count(self.object_list)
        return MoreThan(COUNT_UP_TO) if len(keys) > COUNT_UP_TO else len(keys)

    def validate_number(self, number: Any) -> int:
        """Past the bound, any page from 1 on may hold rows: `page` finds out."""
        if not self.bounded:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        return number

    def get_page(self, number: Any) -> Page:
        """As Django's, except that a page past the end of a list longer than the bound gives
        the first page (its last page is not known without counting every row)."""
        if not self.bounded:
            return super().get_page(number)
        try:
            return self.page(self.validate_number(number))
        except (PageNotAnInteger, EmptyPage):
            return self.page(1)

    def page(self, number: Any) -> Page:
        keys = self._keys
        if keys is None:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if bottom + self.per_page <= COUNT_UP_TO or not self.bounded:
            window = keys[bottom : bottom + self.per_page + 1]
        else:  # past the counted rows: read this page's keys, and one more
            items: Any = self.object_list
            window = list(items.values_list("pk", flat=True)[bottom : bottom + self.per_page + 1])
            if not window:
                raise EmptyPage("That page contains no results")
        chosen = window[: self.per_page]
        listed: Any = self.object_list
        found = {row.pk: row for row in listed.filter(pk__in=chosen)}
        page = OpenEndedPage([found[k] for k in chosen if k in found], number, self)
        page.more = len(window) > self.per_page
        return page

    @property
    def bounded(self) -> bool:
        """The count stopped at its bound: the pages hold the first COUNT_UP_TO items only."""
        return isinstance(self.count, MoreThan)

    @property
    def count_text(self) -> int | str:
        """The count for a caption: the number, or "more than 1,000"."""
        return f"more than {self.count:,}" if self.bounded else self.count


def page_of(
    request: HttpRequest, items: Any, per_page: int = PAGE_SIZE, param: str = "page"
) -> Page:
    """The page the request asks for (`?page=N`; the last page if N is past it, the first if N
    is not a number). `items` is a sliceable queryset or list, already in order. A page with
    several lists gives each its own `param`. Counted up to COUNT_UP_TO: see `bounded_count`."""
    return BoundedPaginator(items, per_page).get_page(request.GET.get(param))


class OpenEndedPage(Page):
    """A page of a list counted up to its bound: whether a next page exists is known from the
    row read beyond this page, not from the count."""

    more = False

    def has_next(self) -> bool:
        if not getattr(self.paginator, "bounded", False):
            return super().has_next()
        return self.more

    def next_page_number(self) -> int:
        if not getattr(self.paginator, "bounded", False):
            return super().next_page_number()
        return self.number + 1

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0


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
    bounded = getattr(page.paginator, "bounded", False)
    # Past the counting bound the last page is not known: the pages around this one, then "…".
    last = page.number + 1 if bounded and page.has_next() else page.paginator.num_pages
    if bounded:
        last = max(last, page.number)
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
    if bounded and page.has_next():
        links.append(PageLink(None, ""))
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
