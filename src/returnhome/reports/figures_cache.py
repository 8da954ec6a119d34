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
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

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
SHAPE = 1
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


def cached_repeat_children(
    council: Organisation, date_from: dt.date, date_to: dt.date, stamps: Stamps | None = None
) -> list[RepeatChild]:
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
    return repeat_from(council, date_from, date_to, list(later.values()))


def create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate` (post_migrate): the database cache's table, when the reports cache is one
    (`createcachetable` leaves an existing table alone)."""
    backend = settings.CACHES.get(CACHE, {}).get("BACKEND", "")
    if backend.endswith("db.DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
