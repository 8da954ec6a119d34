"""Benchmark: `returnhome import-notifications` against a register of existing children.

    python bench/import_notifications.py --rows 100000 --children 100000

Builds a fresh SQLite database in a temporary directory (RETURNHOME_DATA_DIR, DEBUG=true,
migrate), bulk-creates M synthetic children for one council, writes a police file of N rows
(half missing notifications — most about register children, with police-style noise, some about
children not on the register — and half the found notification for each), and imports it through
the real command. Prints the rate, and the rate of a plain sqlite3.executemany insert of the same
rows (one table, text columns) in the same run, and their ratio.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb


def build(args: argparse.Namespace, work: Path) -> tuple[Path, list[dict[str, str]]]:
    """Migrate, create the register's children for one council and write the police file (Django
    set up): the file's path and its rows. Also used by `bench/match_digest.py`."""
    from django.core.management import call_command
    from django.utils import timezone

    from returnhome.children.models import Alias, Child
    from returnhome.demo.synthetic import Generator
    from returnhome.imports.police.rows import COLUMNS
    from returnhome.organisations.models import Organisation

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    force, _ = Organisation.objects.get_or_create(
        code="police:SYN", defaults={"name": "Synthetic Police", "kind": Organisation.Kind.POLICE}
    )
    council, _ = Organisation.objects.get_or_create(
        la_code="Z99",
        defaults={
            "name": "Synthetic Council",
            "kind": Organisation.Kind.COUNCIL,
            "police_force": force,
        },
    )
    today = timezone.localdate()
    generator = Generator(args.seed, today)
    register = generator.register(args.children)
    children = [
        Child(
            council=council,
            forename=c.forename,
            surname=c.surname,
            date_of_birth=c.dob,
            sex=c.sex,
            postcode=c.postcode,
            address=c.address,
            la_child_id=c.la_child_id,
            nhs_number=c.nhs_number,
        )
        for c in register
    ]
    Child.objects.bulk_create(children, batch_size=2000)
    Alias.objects.bulk_create(
        [
            Alias(child=obj, name=name)
            for obj, c in zip(children, register, strict=True)
            for name in c.aliases
        ],
        batch_size=2000,
    )
    print(f"setup: {args.children} children in {time.monotonic() - started:.1f} s ({work})")

    rng = random.Random(args.seed)
    latest = timezone.now() - dt.timedelta(hours=1)
    missing_rows = list(generator.labelled_rows(register, args.rows // 2, new_share=0.2))
    rows: list[dict[str, str]] = []
    for labelled in missing_rows:
        missing = labelled.values
        missing["force"] = "Synthetic Police"
        rows.append(missing)
        at = dt.datetime.fromisoformat(missing["event_at"]) + dt.timedelta(hours=rng.randint(1, 20))
        found = dict(missing)
        found.update(
            event="found",
            event_at=min(at, latest).isoformat(timespec="minutes"),
            last_seen_at="",
            risk_level="",
            missing_from="",
            found_location="Found by police",
        )
        rows.append(found)
    path = work / "police.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(rows)
    return path, rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rows", type=int, default=20_000, help="notification rows (default 20000)"
    )
    parser.add_argument(
        "--children", type=int, default=20_000, help="children on the register (default 20000)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    benchdb.add_argument(parser)
    args = parser.parse_args()
    if benchdb.run_each(args):
        return

    work = Path(tempfile.mkdtemp(prefix="rh-bench-"))
    os.environ["RETURNHOME_DATA_DIR"] = str(work)
    # As in production: DEBUG off (Django then keeps no log of every query).
    os.environ["DEBUG"] = "false"
    os.environ["RETURNHOME_INSECURE_DEV_KEY"] = "true"
    os.environ["RETURNHOME_HTTPS"] = "false"
    drop_database = benchdb.use(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnhome.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from returnhome.imports.police.rows import COLUMNS

    path, rows = build(args, work)
    print(f"file: {len(rows)} rows, {path.stat().st_size / 1e6:.1f} MB")

    # Baseline: a plain sqlite3.executemany of the same rows.
    with path.open(newline="", encoding="utf-8") as handle:
        values = [tuple(r) for r in list(csv.reader(handle))[1:]]
    baseline_db = sqlite3.connect(work / "baseline.sqlite3")
    baseline_db.execute("PRAGMA journal_mode=WAL")
    baseline_db.execute("PRAGMA synchronous=NORMAL")
    baseline_db.execute(f"CREATE TABLE notifications ({', '.join(f'{c} TEXT' for c in COLUMNS)})")
    t0 = time.perf_counter()
    baseline_db.executemany(
        f"INSERT INTO notifications VALUES ({', '.join('?' for _ in COLUMNS)})",  # noqa: S608
        values,
    )
    baseline_db.commit()
    baseline = time.perf_counter() - t0
    baseline_db.close()

    connection.close()
    out = io.StringIO()
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    try:
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            cProfile.runctx(
                'call_command("import-notifications", str(path), "--org", "Z99", stdout=out)',
                globals(),
                locals(),
                os.environ["BENCH_PROFILE"],
            )
        else:
            call_command("import-notifications", str(path), "--org", "Z99", stdout=out)
    except SystemExit as exc:
        print(f"the import exited with {exc.code}")
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    summary = json.loads(out.getvalue())
    shown = {k: v for k, v in summary.items() if isinstance(v, int)}
    shown["rejected"] = len(summary["rejected"])
    print("summary:", json.dumps(shown))
    print("matching:", json.dumps(summary["matching"]))
    print("stages (s):", json.dumps(summary["timings"]))
    rate = len(rows) / elapsed
    base_rate = len(rows) / baseline
    print(
        f"import: {len(rows)} rows against {args.children} children in {elapsed:.2f} s = {rate:,.0f} rows/s"
    )
    print(
        f"import CPU time: {cpu:.2f} s = {len(rows) / cpu:,.0f} rows/s of CPU "
        "(steadier than the wall clock on a shared machine)"
    )
    print(f"plain sqlite3.executemany of the same rows: {baseline:.3f} s = {base_rate:,.0f} rows/s")
    print(
        f"ratio: the import runs at 1/{base_rate / rate:.1f} of the plain insert ({rate / base_rate:.2%})"
    )
    drop_database()
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
