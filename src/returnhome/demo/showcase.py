"""The RHIs every demo holds whatever its seed and size: the deadlines the alerts are about and
the charity practitioner's own work (issue 13).

A few children's plans are chosen (no random draw) to end with one more return, at a moment
fixed from the build's "now" (midnight at the start of `--today`), and their last RHI is walked to
a fixed state (`RhiStage._showcase_rhi`):

- two of the demo council's RHIs due at the end of the build day (midnight tonight), so at
  whatever time of that day the demo is built they are due within the next 24 hours: one
  allocated to the demo practitioner, one waiting to be allocated;
- two of its RHIs past their deadline a few hours before the build day began, allocated (to the
  demo practitioner and to the second practitioner), the worker still trying to make contact;
- one child of the council whose RHIs the demo charity provides: every RHI of theirs goes to the
  charity practitioner, the earlier ones run their course, the last is still open.

The children are the council's first plans (in the shuffled order) that are not prolific, not
missing now if that can be helped, and only missing from home if that can be helped: their
category becomes "missing from home" so the council itself (or its commissioned charity)
provides the RHI. It takes seven children (five of the demo council, one of the charity's
council, `plan_children`'s shares) for all five: a smaller demo holds those it can, in the order
above.
"""

from __future__ import annotations

import datetime as dt

from returnhome.lib.clock import LONDON

from .common import ChildPlan

# (council key, what the child's last RHI shows, the demo user it is allocated to, if anyone)
SHOWCASES: list[tuple[str, str, str]] = [
    ("main", "due_soon", "practitioner"),
    ("main", "due_soon", ""),
    ("main", "overdue", "practitioner"),
    ("main", "overdue", "practitioner2"),
    ("n2", "charity", "charity-practitioner"),
]
CLOCK = dt.timedelta(hours=72)  # the demo council's rule: 72 elapsed hours from the return
SMALLEST_DEMO = 7  # children: the smallest --children that holds every showcase


def choose_showcases(plans: list[ChildPlan]) -> None:
    """Mark the plans that end with a showcase RHI (in place; no random draw)."""
    for key, shows, worker in SHOWCASES:
        candidates = [p for p in plans if p.council_key == key and not p.prolific and not p.shows]
        if not candidates:
            continue
        plan = min(candidates, key=lambda p: (p.open_episode, p.category != "mfh"))
        plan.shows, plan.worker = shows, worker
        plan.category = "mfh"
        plan.open_episode = False
        if shows == "charity":
            plan.n_episodes = max(plan.n_episodes, 4)  # earlier RHIs, done, as well as the open one


def due_at_end_of(now: dt.datetime) -> dt.datetime:
    """Midnight at the end of the day that starts at `now`: within 24 hours of any moment of
    that day (24 elapsed hours on the day the clocks go back)."""
    day = now.astimezone(LONDON).date() + dt.timedelta(days=1)
    tonight = dt.datetime(day.year, day.month, day.day, tzinfo=LONDON)
    return min(tonight, now + dt.timedelta(hours=24))


def last_return(plan: ChildPlan, now: dt.datetime, before: dt.timedelta) -> dt.datetime | None:
    """When a showcase child last returned (None for any other child). `before` (a draw the
    caller makes for every showcase) sets how long before the build day began the overdue RHI's
    deadline passed, or (20 hours more) the charity's child returned."""
    if plan.shows == "due_soon":
        return (due_at_end_of(now).astimezone(dt.UTC) - CLOCK).astimezone(LONDON)
    if plan.shows == "overdue":
        due = now - before
        return (due.astimezone(dt.UTC) - CLOCK).astimezone(LONDON)
    if plan.shows == "charity":
        return now - dt.timedelta(hours=20) - before
    return None
