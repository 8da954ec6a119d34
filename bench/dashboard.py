#!/usr/bin/env python
"""Benchmark the dashboard page for one council on a council-scale history (SQLite; with
`--database postgres` a throwaway PostgreSQL database, `both` runs each, see bench/benchdb.py).

    .venv/bin/python bench/dashboard.py --episodes 1000000 --children 200000
    .venv/bin/python bench/dashboard.py --episodes 100000            # a quicker check
    .venv/bin/python bench/dashboard.py --data-dir /tmp/rh-1m --episodes 1000000   # keep, reuse

What it does:
1. Makes a SQLite database (a temporary RETURNHOME_DATA_DIR, or --data-dir: reused when it already
   holds a generated history) and writes the synthetic history with `bench/indicators.py`'s
   generator (imported, not copied): ten years of episodes, 95% for the council reported on.
2. Signs in a performance lead of that council and renders `/reports/dashboard/` for the year
   2025 (a full year of the history) through Django's test Client: one warm-up, then --runs
   timed renders (default 30). Also renders the Reports (indicators) page for the same period as a
   baseline measured in the same run, and prints median, p95 and the ratio.

Goal (issue 4): the dashboard for one council at 1M episodes / 200k children renders in under
300 ms at the 95th percentile.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb
import indicators as history

GOAL_MS = 300.0
PERIOD = ("2025-01-01", "2025-12-31")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[rank - 1]


def timed(render: Callable[[], int], runs: int) -> list[float]:
    status = render()  # warm-up
    assert status == 200, f"the page answered {status}"
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        render()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--episodes", type=int, default=1_000_000)
    parser.add_argument("--children", type=int, default=None, help="default: episodes / 5")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=30, help="timed renders (default 30)")
    parser.add_argument("--data-dir", help="keep the database here and reuse it next time")
    parser.add_argument("--generate-only", action="store_true")
    benchdb.add_argument(parser)
    args = parser.parse_args(argv)
    if benchdb.run_each(args):
        return 0
    if args.database == "postgres" and (args.data_dir or args.generate_only):
        parser.error("--data-dir and --generate-only keep a SQLite database only")
    children = args.children or max(1, args.episodes // 5)

    work = Path(args.data_dir or tempfile.mkdtemp(prefix="rh-dash-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    reuse = (work / "generated").exists()
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["RETURNHOME_HTTPS"] = "false"
    drop_database = history.setup_django(str(work), args.database)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from returnhome.accounts.models import Role, User
    from returnhome.organisations.models import Organisation

    settings.RETURNHOME_REQUIRE_2FA = False  # the pages are measured, not the sign-in
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    history.say(f"data directory {work}")
    call_command("migrate", verbosity=0)  # also adds any index a newer migration brings
    if reuse:
        la_code = (work / "generated").read_text().strip()
        history.say("reusing the history generated before")
    else:
        started = time.perf_counter()
        la_code, counts = history.generate(args.episodes, children, args.seed)
        (work / "generated").write_text(la_code)
        history.say(
            f"generated in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{v:,} {k}" for k, v in counts.items())
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if args.generate_only:
        return 0
    council = Organisation.objects.get(la_code=la_code)
    lead, _ = User.objects.get_or_create(
        username="bench-lead", defaults={"organisation": council, "role": Role.PERFORMANCE}
    )
    client = Client()
    client.force_login(lead)
    query = {"date_from": PERIOD[0], "date_to": PERIOD[1], "clock": "return", "count": "hours"}
    dashboard_url = reverse("reports:dashboard")
    baseline_url = reverse("reports:indicators")

    def dashboard() -> int:
        return client.get(dashboard_url, query).status_code

    def baseline() -> int:
        return client.get(baseline_url, query).status_code

    page = timed(dashboard, args.runs)
    base = timed(baseline, args.runs)
    episodes = council.episodes.count()
    print()
    print(f"council {la_code}: {episodes:,} episodes in all; period {PERIOD[0]} to {PERIOD[1]}")
    print(f"{'page':<28} {'median':>9} {'p95':>9} {'runs':>5}")
    for label, values in (("dashboard", page), ("indicators page (baseline)", base)):
        print(
            f"{label:<28} {statistics.median(values):>7.1f}ms "
            f"{percentile(values, 0.95):>7.1f}ms {len(values):>5}"
        )
    p95 = percentile(page, 0.95)
    ratio = statistics.median(page) / statistics.median(base)
    print(
        f"dashboard / indicators page (median): {ratio:.2f}x. Goal: dashboard p95 under "
        f"{GOAL_MS:.0f} ms: {'MET' if p95 < GOAL_MS else 'NOT MET'} ({p95:.1f} ms)"
    )
    connection.close()
    drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
