"""The report pages' computed figures, cached (decision 0048).

A figure is cached under what it depends on: its kind, the council, the period and rule (or week)
it was drawn for, and the council's figures stamp (`reports.stamps`: a new value in the same
statement as any change to the council's facts or the actions counted with them). The key holds
no user: every cached value is an aggregate of the council's facts, the same for every reader;
what a reader may see (children's names, records) is read and audited on every view, after the
cache.

The cache is `CACHES["reports"]`: by default Django's database cache (a table in the service's own
database, so every worker and app server shares it; `migrate` creates it). An entry whose stamp is
no longer current is never read again and goes when the cache culls or its timeout passes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db.models import Q

from returnhome.organisations.models import Organisation
from returnhome.reports.models import EpisodeFacts, FactsStamp

CACHE = "reports"
# Raised whenever the shape of a cached value changes, so a new release never reads an old one.
SHAPE = 1
T = TypeVar("T")


def figures_stamp(council: Organisation) -> str:
    """The stamps the council's figures depend on, in one indexed query: its own, and those of the
    councils whose children it hosts (their rows are its Hosted group; each such row is stamped
    under its own council, and a council that starts or stops placing a child here changes the
    list itself)."""
    placing = EpisodeFacts.objects.filter(host_council_id=council.pk).values("council_id")
    rows = (
        FactsStamp.objects.filter(Q(council_id=council.pk) | Q(council_id__in=placing))
        .order_by("council_id")
        .values_list("council_id", "version")
    )
    return ",".join(f"{c}:{v}" for c, v in rows)


def cached_figures(
    kind: str, council: Organisation, parts: tuple[Hashable, ...], compute: Callable[[], T]
) -> T:
    """`compute()`, or what it gave for the same kind, council, parts and figures stamp."""
    described = repr((SHAPE, kind, council.pk, parts, figures_stamp(council)))
    key = f"figures:{kind}:{council.pk}:{hashlib.sha256(described.encode()).hexdigest()}"
    cache = caches[CACHE]
    found: Any = cache.get(key)
    if found is not None:
        return found
    value = compute()
    cache.set(key, value)
    return value


def create_cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate` (post_migrate): the database cache's table, when the reports cache is one
    (`createcachetable` leaves an existing table alone)."""
    backend = settings.CACHES.get(CACHE, {}).get("BACKEND", "")
    if backend.endswith("db.DatabaseCache"):
        call_command("createcachetable", CACHE, database=using, verbosity=0)
