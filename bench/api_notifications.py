"""Benchmark: POST /api/v1/notifications/ with a full batch, against the file import of the same rows.

    python bench/api_notifications.py --rows 5000 --children 20000

Builds a fresh SQLite database in a temporary directory, two councils of the same force each with
the same M synthetic children, and N notifications (half missing, half their found). Sends them
to one council as one API request (through the whole HTTP stack: token, JSON, the services one
notification at a time) and imports them as a file to the other (bulk path); then sends the same
request again (every notification unchanged). Prints each time and the ratio of the API to the file.

    python bench/api_notifications.py --rows 2000 --children 100000 --batch 50

With `--batch N` the notifications go in requests of N, as police systems send them (each
request's server time, median and 95th percentile, and the rate), then all again (unchanged): the
time of a small request must not grow with the council's children (issue 14). The children's
stored match keys are derived during setup, and the planner's statistics gathered, as the
migration does for an existing register.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000, help="notifications (default 5000)")
    parser.add_argument("--children", type=int, default=20_000, help="children per council")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--batch", type=int, default=0, help="send the notifications in requests of N"
    )
    benchdb.add_argument(parser)
    args = parser.parse_args()
    if benchdb.run_each(args):
        return

    work = Path(tempfile.mkdtemp(prefix="rh-bench-api-"))
    os.environ["RETURNHOME_DATA_DIR"] = str(work)
    os.environ["DEBUG"] = "true"
    drop_database = benchdb.use(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnhome.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from returnhome.accounts.services import create_api_token
    from returnhome.children.matchkeys import refresh_match_keys
    from returnhome.children.models import Child
    from returnhome.demo.synthetic import Generator
    from returnhome.imports.police.rows import COLUMNS
    from returnhome.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    force = Organisation.objects.create(
        code="police:SYN", name="Synthetic Police", kind=Organisation.Kind.POLICE
    )
    councils = [
        Organisation.objects.create(
            la_code=code, name=f"Council {code}", kind="council", police_force=force
        )
        for code in ("Z98", "Z99")
    ]
    generator = Generator(args.seed, timezone.localdate())
    register = generator.register(args.children)
    for council in councils:
        Child.objects.bulk_create(
            [
                Child(
                    council=council,
                    forename=c.forename,
                    surname=c.surname,
                    date_of_birth=c.dob,
                    sex=c.sex,
                    postcode=c.postcode,
                    la_child_id=c.la_child_id,
                    nhs_number=c.nhs_number,
                )
                for c in register
            ],
            batch_size=2000,
        )
    t0 = time.perf_counter()
    refresh_match_keys()
    with connection.cursor() as cursor:
        # The register's tables, as the migration and autovacuum would have (not the tables
        # still empty: statistics saying "empty" mislead the planner once the requests fill them).
        for table in ("children_child", "children_alias", "children_matchkey"):
            cursor.execute(f"ANALYZE {table}")
    print(f"setup: match keys of {2 * args.children} children in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(args.seed)
    latest = timezone.now() - dt.timedelta(hours=1)
    rows: list[dict[str, str]] = []
    for labelled in generator.labelled_rows(register, args.rows // 2, new_share=0.2):
        missing = labelled.values
        missing["force"] = "Synthetic Police"
        rows.append(missing)
        at = dt.datetime.fromisoformat(missing["event_at"]) + dt.timedelta(hours=rng.randint(1, 20))
        found = dict(missing, event="found", last_seen_at="", risk_level="", missing_from="")
        found["event_at"] = min(at, latest).isoformat(timespec="minutes")
        rows.append(found)
    body = json.dumps(
        {"council": "Z98", "notifications": [{k: v for k, v in r.items() if v} for r in rows]}
    )
    secret = create_api_token(force, name="bench", acting_user=None).secret
    client = Client()

    def post(payload: str = body) -> tuple[float, dict[str, object]]:
        t0 = time.perf_counter()
        response = client.post(
            "/api/v1/notifications/",
            payload,
            content_type="application/json",
            headers={"authorization": f"Bearer {secret}"},
        )
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.content[:2000]
        return elapsed, response.json()

    if args.batch:
        sent = [{k: v for k, v in r.items() if v} for r in rows]
        payloads = [
            json.dumps({"council": "Z98", "notifications": sent[i : i + args.batch]})
            for i in range(0, len(sent), args.batch)
        ]
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            profile = cProfile.Profile()
            firsts = [profile.runcall(post, p) for p in payloads]
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        else:
            firsts = [post(p) for p in payloads]
        agains = [post(p) for p in payloads]
        first = sum(t for t, _ in firsts)
        again = sum(t for t, _ in agains)
        summary = {
            k: sum(int(s[k]) for _, s in firsts)  # type: ignore[call-overload]
            for k in ("rows", "accepted", "queued_for_review")
        }
        repeat = {"accepted": sum(int(s["accepted"]) for _, s in agains)}  # type: ignore[call-overload]
        for label, times in (("first time", firsts), ("again (unchanged)", agains)):
            each = sorted(t for t, _ in times)
            print(
                f"API requests of {args.batch}, {label}: {len(each)} requests, median "
                f"{statistics.median(each) * 1000:.0f} ms, p95 "
                f"{each[int(0.95 * (len(each) - 1))] * 1000:.0f} ms, max {each[-1] * 1000:.0f} ms"
            )
    else:
        first, summary = post()
        again, repeat = post()
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    path = work / "police.csv"
    path.write_text(handle.getvalue(), encoding="utf-8")
    t0 = time.perf_counter()
    call_command("import-notifications", str(path), "--org", "Z99", stdout=io.StringIO())
    file_time = time.perf_counter() - t0
    counts = {k: v for k, v in summary.items() if isinstance(v, int)}
    print(f"request: {len(rows)} notifications, {len(body) / 1e6:.1f} MB, {args.children} children")
    print("summary:", json.dumps(counts))
    print(f"API, first time: {first:.2f} s = {len(rows) / first:,.0f} notifications/s")
    print(f"API, same request again: {again:.2f} s (accepted again: {repeat['accepted']})")
    print(f"file import of the same rows (bulk path): {file_time:.2f} s")
    print(f"ratio: the API takes {first / file_time:.1f} x the file import's time")
    import shutil

    drop_database()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
