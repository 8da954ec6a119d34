#!/usr/bin/env python
"""Benchmark the access policy's list filters (issue 12) against the filters they replaced.

    .venv/bin/python bench/access_lists.py --children 50000 --episodes 200000
    .venv/bin/python bench/access_lists.py --children 5000 --episodes 20000   # a quick check

Makes a fresh SQLite database (a temporary RETURNHOME_DATA_DIR), writes children of two councils
(a tenth of them looked after and placed in the other council's area), their placements and
episodes (2% still open) with bulk inserts, then times, three runs each, the pages' queries for
the council's front door, the host council and a police force: the children's search, the list of
those still missing, and one child's record fetched through the policy. Each is timed with the
policy (`visible_to`) and with the filter of before issue 12 (the user's own council's, or the
episodes the force reported), in the same run; it prints both and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any


def setup_django(data_dir: str) -> None:
    os.environ["RETURNHOME_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ["DEBUG"] = "false"
    os.environ["RETURNHOME_INSECURE_DEV_KEY"] = "true"
    os.environ["RETURNHOME_HTTPS"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "returnhome.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(n_children: int, n_episodes: int) -> dict[str, Any]:
    from django.utils import timezone

    from returnhome.accounts.models import Role, User
    from returnhome.children.models import Child, Placement
    from returnhome.episodes.models import Episode
    from returnhome.organisations.models import Organisation

    rng = random.Random(1)
    force_a = Organisation.objects.create(name="Bench force A", kind="police")
    force_b = Organisation.objects.create(name="Bench force B", kind="police")
    a = Organisation.objects.create(name="A", kind="council", la_code="ZA1", police_force=force_a)
    b = Organisation.objects.create(name="B", kind="council", la_code="ZB1", police_force=force_b)
    today = timezone.localdate()
    children = [
        Child(
            council=a if i % 2 == 0 else b,
            forename=f"F{i}",
            surname=f"S{i % 5000:04d}",
            date_of_birth=dt.date(2008 + i % 8, 1 + i % 12, 1 + i % 28),
        )
        for i in range(n_children)
    ]
    Child.objects.bulk_create(children, batch_size=5000)
    placements = [
        Placement(
            child=c,
            placement_type="foster",
            council_area=b if c.council_id == a.pk else a,
            start_date=today - dt.timedelta(days=400),
            out_of_area=True,
        )
        for i, c in enumerate(children)
        if i % 10 == 0
    ]
    Placement.objects.bulk_create(placements, batch_size=5000)
    now = timezone.now()
    episodes = []
    for _ in range(n_episodes):
        child = children[rng.randrange(n_children)]
        start = now - dt.timedelta(days=rng.uniform(1, 3000))
        episodes.append(
            Episode(
                child=child,
                council_id=child.council_id,
                group="MFH",
                reported_missing_at=start,
                returned_at=None if rng.random() < 0.02 else start + dt.timedelta(hours=20),
                police_force=force_a if child.council_id == a.pk else force_b,
            )
        )
    Episode.objects.bulk_create(episodes, batch_size=5000)
    users = {
        "front door A": User.objects.create(username="fa", organisation=a, role=Role.FRONT_DOOR),
        "front door B (host)": User.objects.create(
            username="fb", organisation=b, role=Role.FRONT_DOOR
        ),
        "police A": User.objects.create(username="pa", organisation=force_a, role=Role.POLICE),
    }
    return {"users": users, "child": placements[0].child_id}


def timed(run: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--episodes", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        setup_django(data_dir)
        from django.db.models import Q

        from returnhome.children.models import Child
        from returnhome.episodes.models import Episode

        made = build(args.children, args.episodes)
        print(f"{args.children} children, {args.episodes} episodes")
        print(f"{'who':22} {'query':16} {'policy ms':>10} {'before ms':>10} {'ratio':>6}")
        for who, user in made["users"].items():
            before = (
                Q(police_force_id=user.organisation_id)
                if user.role == "police"
                else Q(council_id=user.organisation_id)
            )
            before_child = (
                Q(episodes__police_force_id=user.organisation_id)
                if user.role == "police"
                else Q(council_id=user.organisation_id)
            )
            queries = {
                "still missing": (
                    lambda u=user: list(Episode.objects.visible_to(u).open()[:200]),
                    lambda b=before: list(Episode.objects.filter(b).open().distinct()[:200]),
                ),
                "search": (
                    lambda u=user: list(
                        Child.objects.visible_to(u).filter(surname__startswith="S01")[:100]
                    ),
                    lambda b=before_child: list(
                        Child.objects.filter(b, surname__startswith="S01").distinct()[:100]
                    ),
                ),
                "one child": (
                    lambda u=user: Child.objects.visible_to(u).filter(pk=made["child"]).exists(),
                    lambda b=before_child: Child.objects.filter(b, pk=made["child"]).exists(),
                ),
            }
            for name, (policy, old) in queries.items():
                now_ms, old_ms = timed(policy) * 1000, timed(old) * 1000
                ratio = now_ms / old_ms if old_ms else float("inf")
                print(f"{who:22} {name:16} {now_ms:10.1f} {old_ms:10.1f} {ratio:6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
