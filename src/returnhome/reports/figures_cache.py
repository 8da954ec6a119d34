"""The report pages' computed figures, cached (decision 0048).

A figure is cached under what it depends on: its kind, the council, the period and rule (or week)
it was drawn for, and the figures stamps of the period's months (`reports.stamps`: a new value in
the same statement as any change to the council's facts of that month, or to the actions counted
with them). The key holds no user: every cached value is an aggregate of the council's facts, the
same for every reader; what a reader may see (children's names, records) is read and audited on
every view, after the cache.

A figure that sums over months (the dashboard's rows, the repeat-missing counts) is also cached
month by month, so a write in this month recomputes this month's part alone
(`cached_by_month`): at national scale a council's facts change every few seconds, almost always in
the current month.

The cache is `CACHES["reports"]`: by default Django's database cache (a table in the service's own
database, so every worker and app server shares it; `migrate` creates it). An entry whose stamp is
no longer current is never read again and goes when the cache culls or its timeout passes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from array import array
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, TypeVar, overload

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db.models import Q

from returnhome.lib.clock import month_number
from returnhome.organisations.models import Organisation
from returnhome.reports.dashboard import RepeatChild, later_by_month, repeat_from
from returnhome.reports.models import EpisodeFacts, FactsStamp

CACHE = "reports"
# Raised whenever the shape of a cached value changes, so a new release never reads an old one.
SHAPE = 2
T = TypeVar("T")
Stamps = dict[int, str]


def month_stamps(council: Organisation, date_from: dt.date, date_to: dt.date) -> Stamps:
    """Per month of the period (YYYYMM): the stamps its figures depend on, in one indexed query:
    the council's own, and those of the councils whose children it hosts in the period (their rows
    are its Hosted group; each such row is stamped under its own council, and a council that
    starts or stops placing a child here changes the list itself)."""
    low, high = month_number(date_from), month_number(date_to)
    placing = EpisodeFacts.objects.filter(
        host_council_id=council.pk, month__gte=low, month__lte=high
    ).values("council_id")
    rows = (
        FactsStamp.objects.filter(month__gte=low, month__lte=high)
        .filter(Q(council_id=council.pk) | Q(council_id__in=placing))
        .order_by("month", "council_id")
        .values_list("month", "council_id", "version")
    )
    stamps: Stamps = {}
    for month, council_id, version in rows:
        stamps[month] = f"{stamps.get(month, '')}{council_id}:{version},"
    return stamps


def _key(kind: str, council: Organisation, parts: tuple[Hashable, ...], stamps: Any) -> str:
    described = repr((SHAPE, kind, council.pk, parts, stamps))
    return f"figures:{kind}:{council.pk}:{hashlib.sha256(described.encode()).hexdigest()}"


def cached_figures(
    kind: str,
    council: Organisation,
    period: tuple[dt.date, dt.date],
    parts: tuple[Hashable, ...],
    compute: Callable[[], T],
    stamps: Stamps | None = None,
) -> T:
    """`compute()`, or what it gave for the same kind, council, period, parts and the stamps of
    the period's months (read here unless given)."""
    if stamps is None:
        stamps = month_stamps(council, *period)
    key = _key(kind, council, (*period, *parts), sorted(stamps.items()))
    cache = caches[CACHE]
    found: Any = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value)
    return value


def cached_by_month(
    kind: str,
    council: Organisation,
    period: tuple[dt.date, dt.date],
    parts: tuple[Hashable, ...],
    stamps: Stamps,
    compute: Callable[[list[int]], dict[int, T]],
) -> dict[int, T]:
    """Per month of the period: what `compute(months)` gave for that month under its stamps, the
    months whose stamps changed computed again (in one call)."""
    numbers = _month_numbers(*period)
    keys = {m: _key(kind, council, (*period, *parts, m), stamps.get(m, "")) for m in numbers}
    cache = caches[CACHE]
    found = cache.get_many(list(keys.values()))
    result = {m: found[key] for m, key in keys.items() if key in found}
    missing = [m for m in numbers if m not in result]
    if missing:
        computed = compute(missing)
        cache.set_many({keys[m]: computed[m] for m in missing})
        result.update(computed)
    return result


def _month_numbers(date_from: dt.date, date_to: dt.date) -> list[int]:
    numbers = []
    year, month = date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        numbers.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return numbers


class RepeatList(Sequence[RepeatChild]):
    """A repeat-missing list held as two arrays (child ids, episodes): a national council's year
    has thousands of repeat children, and a cached list of objects costs each view their
    unpickling (and the garbage collector's passes over them). Reads as a list of RepeatChild."""

    def __init__(self, items: Iterable[RepeatChild]) -> None:
        self._ids, self._episodes = array("q"), array("q")
        for item in items:
            self._ids.append(item.child_id)
            self._episodes.append(item.episodes)

    def __len__(self) -> int:
        return len(self._ids)

    @overload
    def __getitem__(self, index: int) -> RepeatChild: ...

    @overload
    def __getitem__(self, index: slice) -> list[RepeatChild]: ...

    def __getitem__(self, index: int | slice) -> RepeatChild | list[RepeatChild]:
        if isinstance(index, slice):
            pairs = zip(self._ids[index], self._episodes[index], strict=True)
            return [RepeatChild(c, n) for c, n in pairs]
        return RepeatChild(self._ids[index], self._episodes[index])

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented

    __hash__ = None  # type: ignore[assignment]


def cached_repeat_children(
    council: Organisation, date_from: dt.date, date_to: dt.date, stamps: Stamps | None = None
) -> RepeatList:
    """`dashboard.repeat_children`, its months' counts cached (the hosted few read each time)."""
    if stamps is None:
        stamps = month_stamps(council, date_from, date_to)
    later = cached_by_month(
        "later",
        council,
        (date_from, date_to),
        (),
        stamps,
        lambda numbers: later_by_month(council, date_from, date_to, numbers),
    )
    return RepeatList(repeat_from(council, date_from, date_to, list(later.values())))


def create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate` (post_migrate): the database cache's table, when the reports cache is one
    (`createcachetable` leaves an existing table alone)."""
    backend = settings.CACHES.get(CACHE, {}).get("BACKEND", "")
    if backend.endswith("db.DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
