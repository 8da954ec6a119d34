#!/usr/bin/env python
"""Each page type the load test opens, one request at a time, on the load test's database.

    .venv/bin/python bench/load.py --data-dir /work/load-1m --reuse --generate-only  # once
    .venv/bin/python bench/pages.py --data-dir /work/load-1m                          # then
    .venv/bin/python bench/pages.py --data-dir /work/load-1m --explain "team RHIs"    # its SQL

What it does: on the PostgreSQL database `bench/load.py` generated (1M episodes and 200k children
by default; --database-url and --data-dir as given to it; migrations the code has are applied
first), signs in one person of each role and opens every page type of `bench/load.py` --runs
times, one request at a time, in this process through Django's test client with the production
settings (DEBUG off, the whole middleware stack: sessions, audit rows, the request log). The
baseline, `/readyz` (database reachable, no unapplied migrations), is measured in the same run,
interleaved with the pages. Prints per page type: median, p95, p95 / the baseline's p95, the
number of SQL queries and the time the database took (the rest is Python: templates, forms).

No concurrency: this is the server time of one request, the part of the load test's figures that
a faster machine does not hide. `--explain PAGE` prints every query of one request to that page
with PostgreSQL's EXPLAIN ANALYZE (the writes too, in a transaction rolled back).

Goal (issue 14): under 150 ms each, so that 50 people on a few workers stay under 300 ms at p95.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load

GOAL_MS = 150.0
BASELINE = "/readyz (baseline)"


class Person:
    """One signed-in person: a Django test client that keeps its session."""

    def __init__(self, username: str) -> None:
        from django.test import Client

        from returnhome.accounts.models import User

        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(User.objects.get(username=username))

    def get(self, path: str) -> Any:
        return self.client.get(path)

    def search(self, terms: str) -> Any:
        """The children's search: posted, then its results page (as bench/load.py does)."""
        posted = self.client.post("/children/", {"q": terms})
        if posted.status_code != 302:
            return posted
        return self.client.get(posted["Location"])


def page_types(world: load.World, rng: random.Random) -> dict[str, Callable[[], Any]]:
    """The page types of bench/load.py's people, each opened as the role that uses it."""
    people = {role: Person(names[0]) for role, names in world.accounts.items()}
    year = "?" + urllib.parse.urlencode(
        {"date_from": "2025-01-01", "date_to": "2025-12-31", "clock": "return", "count": "hours"}
    )
    front, worker, manager, lead = (
        people["front_door"],
        people["practitioner"],
        people["manager"],
        people["performance"],
    )
    anyone = Person(world.accounts["front_door"][0])
    anyone.client.logout()
    return {
        BASELINE: lambda: anyone.get("/readyz"),
        "front door queue": lambda: front.get("/front-door/"),
        "child search": lambda: front.search(rng.choice(world.surnames)),
        "child record": lambda: front.get(f"/children/{rng.choice(world.child_ids)}/"),
        "open episodes": lambda: front.get("/episodes/open/"),
        "my RHIs": lambda: worker.get("/rhis/mine/"),
        "RHI": lambda: worker.get(f"/rhis/{rng.choice(world.rhi_ids)}/"),
        "actions": lambda: worker.get("/actions/"),
        "team RHIs": lambda: manager.get("/rhis/team/"),
        "meeting pack": lambda: manager.get("/reports/meeting-pack/"),
        "dashboard": lambda: lead.get("/reports/dashboard/" + year),
        "indicators": lambda: lead.get("/reports/" + year),
        "benchmark": lambda: lead.get("/reports/benchmark/"),
    }


def send_notifications(world: load.World, total: int, seed: int) -> None:
    """`total` new notifications (missing and found, in batches of 10-100) through the police API's
    intake, in this process, as bench/load.py's police systems send them in a run."""
    import datetime as dt

    from returnhome.accounts.services import create_api_token
    from returnhome.children.models import Child
    from returnhome.demo.synthetic import Generator
    from returnhome.imports.api.intake import receive_notifications
    from returnhome.organisations.models import Organisation

    council = Organisation.objects.get(la_code=world.la_code)
    assert council.police_force is not None
    token = create_api_token(council.police_force, name="bench/pages.py", acting_user=None).token
    children = Child.objects.filter(council=council).count()
    register = Generator(1, dt.date(2026, 1, 1)).register(children)[:children]
    started, sent = time.perf_counter(), 0
    # Their own references: a suffix no load run uses (bench/load.py numbers its runs from 1).
    for batch in load.notification_batches(register, 900_000 + seed, total):
        received = receive_notifications(token, {"council": world.la_code, "notifications": batch})
        if received.status != 200:
            raise SystemExit(f"the API refused a batch: {received.errors[:3]}")
        sent += len(batch)
    print(f"sent {sent:,} notifications in {time.perf_counter() - started:.0f} s", flush=True)


def measure(
    pages: dict[str, Callable[[], Any]], runs: int
) -> tuple[dict[str, list[float]], dict[str, list[tuple[int, float]]]]:
    """Each page `runs` times, round-robin (so a change in the machine's load touches all alike);
    the first round warms the caches and is not counted. Returns the times (ms) and, per request,
    (queries, database ms)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times: dict[str, list[float]] = {name: [] for name in pages}
    queries: dict[str, list[tuple[int, float]]] = {name: [] for name in pages}
    for round_ in range(runs + 1):
        for name, open_page in pages.items():
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = open_page()
                elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code}")
            if round_:
                times[name].append(elapsed)
                queries[name].append(
                    (
                        len(captured.captured_queries),
                        sum(float(q["time"]) for q in captured.captured_queries) * 1000,
                    )
                )
    return times, queries


def explain(open_page: Callable[[], Any]) -> None:
    """Every query of one request, with its plan and its actual time (EXPLAIN ANALYZE)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    open_page()  # warm
    with CaptureQueriesContext(connection) as captured:
        open_page()
    for n, query in enumerate(captured.captured_queries, 1):
        sql = query["sql"]
        print(f"\n--- query {n}: {float(query['time']) * 1000:.1f} ms\n{sql[:2000]}")
        if not sql.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")):
            continue
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join(row[0] for row in cursor.fetchall()))
                transaction.set_rollback(True)
        except Exception as exc:  # a query that cannot be replayed alone (e.g. a cursor's FETCH)
            print(f"(not explained: {type(exc).__name__}: {exc})")


def percentile(values: Sequence[float], fraction: float) -> float:
    return load.percentile(values, fraction)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=load.DEFAULT_DB)
    parser.add_argument(
        "--data-dir", required=True, help="the data directory of the `load.py` run that built it"
    )
    parser.add_argument("--runs", type=int, default=20, help="requests per page type (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", metavar="PAGE", help="print one page type's SQL with plans")
    parser.add_argument(
        "--only",
        metavar="PAGE",
        action="append",
        help="measure only this page type (and the baseline); may be given more than once",
    )
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="print where one request to a page type spends its time (environment: "
        "PAGES_PROFILE_SORT=tottime, PAGES_PROFILE_FILTER=returnhome to narrow the listing)",
    )
    parser.add_argument(
        "--notifications",
        type=int,
        default=0,
        metavar="N",
        help="first send N new notifications dated in the last days through the police API's "
        "intake (as a load run leaves them: the front door queue's and the meeting pack's week); "
        "they stay in the database",
    )
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir)
    if not (data_dir / "generated").exists():
        raise SystemExit(f"no generated database in {data_dir}: run bench/load.py --generate-only")
    print(f"machine load before: {load.load_average()}", flush=True)
    os.environ["RETURNHOME_REQUIRE_2FA"] = "false"
    os.environ["RETURNHOME_REQUEST_LOG"] = "false"
    load.setup_django(args.database_url, data_dir)
    world = load.build(
        argparse.Namespace(reuse=True, users=10, police=0, seed=args.seed, episodes=0, children=0),
        data_dir,
    )
    from django.core.management import call_command

    if args.notifications:
        send_notifications(world, args.notifications, args.seed)
    call_command("collectstatic", "--noinput", verbosity=0)  # the production static storage
    rng = random.Random(args.seed)
    pages = page_types(world, rng)
    if args.explain:
        if args.explain not in pages:
            raise SystemExit(f"--explain: one of {', '.join(pages)}")
        explain(pages[args.explain])
        return 0
    if args.profile:
        import cProfile
        import pstats

        pages[args.profile]()  # warm
        profiler = cProfile.Profile()
        profiler.runcall(pages[args.profile])
        pstats.Stats(profiler).sort_stats(
            os.environ.get("PAGES_PROFILE_SORT", "cumulative")
        ).print_stats(os.environ.get("PAGES_PROFILE_FILTER", ""), 40)
        return 0
    if args.only:
        unknown = set(args.only) - set(pages)
        if unknown:
            raise SystemExit(f"--only: one of {', '.join(pages)}")
        pages = {
            name: page for name, page in pages.items() if name == BASELINE or name in args.only
        }
    times, queries = measure(pages, args.runs)
    baseline = percentile(times[BASELINE], 0.95)
    print(
        f"\n{'page type':<20} {'median':>9} {'p95':>9} {'p95/base':>8} {'queries':>7} {'SQL ms':>8}"
    )
    slow = []
    for name, values in times.items():
        p95 = percentile(values, 0.95)
        if name != BASELINE and p95 >= GOAL_MS:
            slow.append(f"{name} ({p95:.0f} ms)")
        print(
            f"{name:<20} {statistics.median(values):>7.1f}ms {p95:>7.1f}ms {p95 / baseline:>7.1f}x"
            f" {statistics.median(q for q, _ in queries[name]):>7.0f}"
            f" {statistics.median(ms for _, ms in queries[name]):>6.1f}ms"
        )
    print(f"\nmachine load after: {load.load_average()}")
    print(
        f"goal: every page type's p95 under {GOAL_MS:.0f} ms, one at a time: "
        + ("MET" if not slow else "NOT MET (" + ", ".join(slow) + ")")
    )
    return 0 if not slow else 1


if __name__ == "__main__":
    sys.exit(main())
