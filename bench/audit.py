"""Benchmark: the cost of the audit trail's hash chain.

    python bench/audit.py [--reads 10000] [--verify-rows 1000000] [--database-url URL]

On a fresh database (SQLite in a temporary directory, or the PostgreSQL database at URL, which
is dropped and created again), times `core.audit.record_read` N times, each in its own
transaction as a page view writes it, then fills the trail to M rows with bulk chained inserts
and times `returnhome audit verify` over all of them. Run it from a checkout before and after a
change to compare: it uses that checkout's `src`.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reads", type=int, default=10_000)
    parser.add_argument("--verify-rows", type=int, default=0)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rh-bench-audit-"))
    os.environ["RETURNHOME_DATA_DIR"] = str(work)
    os.environ["DEBUG"] = "false"
    os.environ["RETURNHOME_INSECURE_DEV_KEY"] = "true"
    os.environ["RETURNHOME_HTTPS"] = "false"
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        import psycopg

        base, name = args.database_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnhome.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from returnhome.accounts.models import User
    from returnhome.children.models import Child
    from returnhome.core import audit
    from returnhome.core.models import AuditEvent
    from returnhome.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    council = Organisation.objects.filter(kind="council").first()
    user = User.objects.create(username="bench", organisation=council, role="manager")
    child = Child.objects.create(council=council, forename="Bench", surname="Child")

    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(args.reads):
        audit.record_read(user, child)
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    if args.reads:
        print(
            f"{connection.vendor}: record_read x{args.reads}: {took:.2f} s "
            f"({took / args.reads * 1e6:.0f} µs each; this process's CPU "
            f"{cpu / args.reads * 1e6:.0f} µs each)"
        )

    if args.verify_rows and hasattr(audit, "insert_chained"):
        batch = 50_000
        have = AuditEvent.objects.count()
        while have < args.verify_rows:
            n = min(batch, args.verify_rows - have)
            audit.insert_chained(
                [
                    AuditEvent(**audit.write_fields(user, "update_child", child, changed={"x": 1}))
                    for _ in range(n)
                ]
            )
            have += n
        out = io.StringIO()
        start = time.perf_counter()
        call_command("audit", "verify", stdout=out)
        took = time.perf_counter() - start
        print(f"{connection.vendor}: audit verify over {have} rows: {took:.1f} s")
        print(out.getvalue().strip())


if __name__ == "__main__":
    main()
