"""The report figures cache's backends (decision 0048): computing the dashboard's figures afresh
against reading them from Django's database cache and from its file cache.

    .venv/bin/python bench/report_cache.py --database-url postgres://postgres@127.0.0.1:5432/DB

On a database `bench/load.py` generated (or any with a council holding episodes in the period):
the council with the most facts, the year 2025 (as bench/load.py's performance leads ask). Prints
the median and p95 of each over --runs (default 50), the size of the cached value, and each
backend's ratio to computing afresh (the baseline, in the same run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def timed(run: Callable[[], Any], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args(argv)
    data_dir = tempfile.mkdtemp(prefix="report-cache-")
    os.environ.update(
        {
            "DATABASE_URL": args.database_url,
            "RETURNHOME_DATA_DIR": data_dir,
            "DEBUG": "false",
            "RETURNHOME_INSECURE_DEV_KEY": "true",
            "RETURNHOME_HTTPS": "false",
            "DJANGO_SETTINGS_MODULE": "returnhome.settings",
        }
    )
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.cache.backends.filebased import FileBasedCache
    from django.db.models import Count

    from returnhome.organisations.models import Organisation
    from returnhome.reports import dashboard_views
    from returnhome.reports.models import EpisodeFacts

    council_id = (
        EpisodeFacts.objects.values("council_id")
        .annotate(n=Count("episode_id"))
        .order_by("-n")
        .values_list("council_id", flat=True)
        .first()
    )
    council = Organisation.objects.get(pk=council_id)
    params = {
        "date_from": dt.date(2025, 1, 1),
        "date_to": dt.date(2025, 12, 31),
        "clock": "return",
        "count": "hours",
    }
    value = dashboard_views.cached(council, params)  # also warms the database cache
    size = len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
    database = caches["reports"]
    files = FileBasedCache(str(Path(data_dir) / "files"), {})
    key = "bench-report-cache"

    def afresh() -> None:
        database.clear()
        dashboard_views.cached(council, params)

    print(f"council {council.name}: dashboard 2025, cached value {size / 1024:.0f} KiB pickled")
    results = {"computed afresh (baseline)": timed(afresh, max(5, args.runs // 5))}
    dashboard_views.cached(council, params)  # cached again
    database.set(key, value)
    files.set(key, value)
    assert database.get(key) is not None and files.get(key) is not None
    results |= {
        "database cache: get": timed(lambda: database.get(key), args.runs),
        "file cache: get": timed(lambda: files.get(key), args.runs),
        "database cache: set": timed(lambda: database.set(key, value), args.runs),
        "file cache: set": timed(lambda: files.set(key, value), args.runs),
        "stamps + database get (a cached view)": timed(
            lambda: dashboard_views.cached(council, params), args.runs
        ),
    }
    base = statistics.median(results["computed afresh (baseline)"])
    print(f"{'':<40} {'median':>9} {'p95':>9} {'÷ afresh':>9}")
    for name, values in results.items():
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
        median = statistics.median(values)
        print(f"{name:<40} {median:>7.2f}ms {p95:>7.2f}ms {median / base:>9.3f}")
    print(f"CPU time of this process: {time.process_time():.1f} s")
    database.delete(key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
