"""Check: every matching decision of the police bench's file, as a digest, and the clocks of
reading, matching and planning (no commit).

    python bench/match_digest.py --rows 100000 --children 100000 --dir /tmp/rh-digest [--record F | --check F]

Builds the same register and file as `bench/import_notifications.py` (same seed) in `--dir`
(kept, and reused when it holds them already), then reads and checks the file and plans the
import (`pipeline.read_file`, `plan_import`) without committing. Every action of the plan, in
order, with its notification's row, child and episode, and its matching decision (outcome,
child, how, conflict, and each candidate's child, score and reasons), is written one a line;
`--record F` keeps them in F, `--check F` compares them with F and says the first difference.
Decision 0047: a change to reading or matching must leave this digest as it was.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dir", required=True, help="where the database and file are kept")
    parser.add_argument("--record", help="write the decisions to this file")
    parser.add_argument("--check", help="compare the decisions with this file")
    args = parser.parse_args()

    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    os.environ["RETURNHOME_DATA_DIR"] = str(work)
    os.environ["DEBUG"] = "false"
    os.environ["RETURNHOME_INSECURE_DEV_KEY"] = "true"
    os.environ["RETURNHOME_HTTPS"] = "false"
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "returnhome.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone
    from import_notifications import build

    from returnhome.imports.police.pipeline import make_validator, plan_import, read_file
    from returnhome.organisations.models import Organisation

    made = work / f"built-{args.rows}-{args.children}-{args.seed}"
    path = work / "police.csv"
    if not made.exists():
        build(args, work)
        made.write_text("")
    council = Organisation.objects.get(la_code="Z99")
    data = path.read_bytes()

    import gc
    import io

    gc.disable()
    now = timezone.now()
    t0, c0 = time.perf_counter(), time.process_time()
    checked = read_file(io.BytesIO(data), path.name, make_validator(now))
    t1, c1 = time.perf_counter(), time.process_time()
    with transaction.atomic():
        plan = plan_import(council, checked.notices, received_at=now)
        transaction.set_rollback(True)
    t2, c2 = time.perf_counter(), time.process_time()
    print(
        f"read_and_check {t1 - t0:.2f} s ({c1 - c0:.2f} s CPU); "
        f"match_and_plan {t2 - t1:.2f} s ({c2 - c1:.2f} s CPU)"
    )
    print("matching:", json.dumps(dict(plan.match_how)))
    print("counts:", json.dumps(plan.counts()))

    lines = []
    for a in plan.actions:
        d = a.decision
        decision = (
            None
            if d is None
            else [
                d.outcome,
                d.child_id,
                d.how,
                d.conflict,
                [[c.child_id, round(c.score, 2), c.reasons] for c in d.candidates],
            ]
        )
        lines.append(
            json.dumps(
                [
                    a.kind,
                    a.notice.row if a.notice else None,
                    a.child_id,
                    a.episode_id,
                    a.pending_id,
                    a.reason,
                    a.open_episode_id,
                    a.routed,
                    decision,
                ]
            )
        )
    lines += [json.dumps(["error", e.row, e.column, e.message]) for e in plan.errors]
    lines += [json.dumps(["unchanged", *u]) for u in plan.unchanged]
    lines.append(json.dumps(["checked", len(checked.notices), len(checked.errors)]))
    text = "\n".join(lines) + "\n"
    print(f"digest: {hashlib.sha256(text.encode()).hexdigest()} ({len(lines)} lines)")
    if args.record:
        Path(args.record).write_text(text)
    if args.check:
        old = Path(args.check).read_text().splitlines()
        new = text.splitlines()
        if old == new:
            print("check: the same decisions")
        else:
            first = next(
                (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
                min(len(old), len(new)),
            )
            print(
                f"check: DIFFERENT from line {first + 1} ({len(old)} lines recorded, {len(new)} now)"
            )
            print("  recorded:", old[first] if first < len(old) else "-")
            print("  now:     ", new[first] if first < len(new) else "-")
            sys.exit(1)


if __name__ == "__main__":
    main()
