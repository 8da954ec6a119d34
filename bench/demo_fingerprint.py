"""Fingerprint of the demo data: proves a change to `returnhome.demo` left its output alone.

    python bench/demo_fingerprint.py --seed 1 --today 2026-11-30 [--children N] [--dump FILE]
        [--through-services]

Builds the demo data into a fresh SQLite database in a temporary directory and prints the number
of rows of every returnhome table and a SHA-256 of a deterministic dump of them all (every column,
in primary key order). Masked, as they differ from run to run: password hashes (salted),
times stamped by the real clock during the build, the audit chain's hashes (over those times)
and the import's own timings. Run it on two
versions with the same --seed and --today: the hashes must be equal. Prints how long the build took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", default="2026-11-30")
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument("--dump", help="also write the dump to this file")
    parser.add_argument(
        "--through-services",
        action="store_true",
        help="build every record through the services (demo-data --through-services)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rh-demo-fp-"))
    os.environ["RETURNHOME_DATA_DIR"] = str(work)
    os.environ["DEBUG"] = "false"
    os.environ["RETURNHOME_ALLOW_DEMO"] = "true"
    os.environ["RETURNHOME_INSECURE_DEV_KEY"] = "true"
    os.environ["RETURNHOME_HTTPS"] = "false"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnhome.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    call_command(
        "demo-data",
        seed=args.seed,
        today=args.today,
        children=args.children,
        through_services=args.through_services,
        stdout=io.StringIO(),
        verbosity=0,
    )
    print(
        f"demo-data --seed {args.seed} --today {args.today} --children {args.children}: "
        f"{time.perf_counter() - t0:.1f} s"
    )

    lines = []
    counts = {}
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if not model.__module__.startswith("returnhome.") or model._meta.app_label == "demo":
            continue  # the demo app's own bookkeeping is not demo data
        fields = list(model._meta.concrete_fields)
        counts[model._meta.label] = 0
        for obj in model._default_manager.order_by("pk").iterator():
            row = []
            for f in fields:
                value = getattr(obj, f.attname)
                if f.name == "password":
                    value = "<hash>"
                elif model._meta.label == "core.AuditEvent" and f.name in {"hash", "prev_hash"}:
                    value = "<chain>"  # hashed over `at`, a real-clock time
                elif isinstance(value, dt.datetime) and value >= start:
                    value = "<real-clock>"
                row.append(repr(value))
            lines.append(model._meta.label + "|" + "|".join(row))
            counts[model._meta.label] += 1
    text = "\n".join(lines)
    text = re.sub(r"'timings': \{[^}]*\}", "'timings': <t>", text)
    text = re.sub(r"'seconds': [0-9.]+", "'seconds': <s>", text)
    print(json.dumps(counts, indent=1))
    print("sha256", hashlib.sha256(text.encode()).hexdigest())
    if args.dump:
        Path(args.dump).write_text(text)
    import shutil

    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
