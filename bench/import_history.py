"""Benchmark: `returnhome import-history` with a council's ten years of episodes.

    python bench/import_history.py --rows 50000 --children 10000

Builds a fresh SQLite database in a temporary directory, writes a history file of N synthetic
episodes (M children, a mix of groups, offers, outcomes and interviews, spread over ten years,
never overlapping for one child), imports it through the real command, then imports it again
(every episode unchanged). Prints both times and the first import's rows per second.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchdb


def rows(count: int, children: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    per_child = [count // children + (1 if i < count % children else 0) for i in range(children)]
    start = dt.datetime(2015, 4, 1, 9, 0, tzinfo=dt.UTC)
    span = (dt.datetime(2025, 3, 1, tzinfo=dt.UTC) - start).total_seconds()
    out = []
    number = 0
    for child, episodes in enumerate(per_child):
        state = rng.choice(["mfh", "in", "out", "hosted"])
        status = {
            "mfh": ("not_looked_after", "", ""),
            "in": ("looked_after", "886", "886"),
            "out": ("looked_after", "886", rng.choice(["887", "208", "941"])),
            "hosted": ("looked_after", rng.choice(["887", "208"]), "886"),
        }[state]
        dob = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2005"
        sex = rng.choice("MFX")
        gap = span / max(episodes, 1)
        for index in range(episodes):
            number += 1
            missing = start + dt.timedelta(seconds=gap * index + rng.uniform(0, gap / 4))
            missing = missing.replace(
                minute=rng.choice([0, 15, 30, 45]), hour=rng.choice([10, 14, 19, 22])
            )
            back = missing + dt.timedelta(hours=rng.randint(1, 60))
            offered = back + dt.timedelta(hours=rng.randint(1, 90))
            outcome = rng.choice(["accepted", "accepted", "declined", "not_applicable", ""])
            interview = (
                offered + dt.timedelta(hours=rng.randint(1, 60)) if outcome == "accepted" else None
            )
            fmt = "%Y-%m-%dT%H:%MZ"  # UTC, so no time falls in a clock change
            out.append(
                {
                    "child_id": f"B{child:06d}",
                    "forename": f"Child{child}",
                    "surname": "Benchmark",
                    "date_of_birth": dob,
                    "sex": sex,
                    "legal_status": status[0],
                    "responsible_la": status[1],
                    "placement_la": status[2],
                    "episode_id": f"EP{number:07d}",
                    "reported_missing_at": missing.strftime(fmt),
                    "returned_at": back.strftime(fmt),
                    "notification_received_at": (back + dt.timedelta(minutes=40)).strftime(fmt),
                    "risk_level": rng.choice(["low", "medium", "high", "no apparent risk"]),
                    "rhi_offered_at": offered.strftime(fmt) if outcome != "" else "",
                    "rhi_outcome": outcome,
                    "decline_reason": "child_refused" if outcome == "declined" else "",
                    "interview_at": interview.strftime(fmt) if interview else "",
                    "carer_only": "n",
                    "cce_identified": "y" if interview and rng.random() < 0.1 else "n",
                    "cse_identified": "y" if interview and rng.random() < 0.1 else "n",
                    "classification": rng.choice("MMMA"),
                }
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--children", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    benchdb.add_argument(parser)
    args = parser.parse_args()
    if benchdb.run_each(args):
        return
    work = Path(tempfile.mkdtemp(prefix="rh-bench-history-"))
    os.environ["RETURNHOME_DATA_DIR"] = str(work)
    os.environ["DEBUG"] = "true"
    drop_database = benchdb.use(args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnhome.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    from returnhome.imports.history.rows import ALL_COLUMNS
    from returnhome.imports.importer import import_history
    from returnhome.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    path = work / "history.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(ALL_COLUMNS))
        writer.writeheader()
        writer.writerows(rows(args.rows, args.children, args.seed))
    council = Organisation.objects.get(la_code="886")
    results = {}
    for label in ("first", "again"):
        began, cpu = time.monotonic(), time.process_time()
        report = import_history(path, council)
        took = time.monotonic() - began
        cpu = time.process_time() - cpu
        summary = report.summary
        assert summary["committed"], json.dumps(summary["rejected"][:5])
        results[label] = {
            "seconds": round(took, 2),
            "cpu_seconds": round(cpu, 2),
            "timings": summary["timings"],
            **{
                k: summary[k]
                for k in ("episodes_created", "episodes_updated", "episodes_unchanged")
            },
        }
    results["rows_per_second_first"] = round(args.rows / results["first"]["seconds"])
    print(json.dumps(results, indent=2))
    drop_database()


if __name__ == "__main__":
    main()
