"""Unusual access: people who opened many children's records outside their caseload in a day.

From the audit trail (docs/audit.md). A person *opened* a child's record when they opened a page
of one of that child's records (the child, an episode, an RHI, an interview, an action: a read
with action "view"); lists and reports do not count. A person's *caseload* is the children whose
RHIs are allocated to them and the children they are the allocated social worker of. The front
door, managers and administrators have no caseload: their work is every child of the council,
so they show here too when they open many in one day. Days are UK calendar days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models.functions import TruncDate

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.audit import OPENED
from returnhome.core.models import AuditEvent
from returnhome.interviews.models import RHI
from returnhome.lib.clock import LONDON
from returnhome.organisations.models import Organisation

DEFAULT_THRESHOLD = 20


def threshold() -> int:
    """More than this many children outside a caseload in a day is unusual
    (`RETURNHOME_UNUSUAL_ACCESS_CHILDREN`, default 20)."""
    return int(getattr(settings, "RETURNHOME_UNUSUAL_ACCESS_CHILDREN", DEFAULT_THRESHOLD))


@dataclass(frozen=True)
class UnusualDay:
    day: dt.date
    user: User
    outside: int
    """Distinct children opened that are not in the person's caseload."""
    opened: int
    """Distinct children opened in all."""


def caseloads(user_ids: set[int]) -> dict[int, set[int]]:
    """Each person's caseload: the children whose RHIs are allocated to them and the children
    they are the allocated social worker of."""
    found: dict[int, set[int]] = defaultdict(set)
    ids = sorted(user_ids)
    rhis = RHI.objects.filter(allocated_worker_id__in=ids)
    for user_id, child_id in rhis.values_list("allocated_worker_id", "child_id"):
        found[user_id].add(child_id)
    children = Child.objects.filter(allocated_social_worker_id__in=ids)
    for user_id, child_id in children.values_list("allocated_social_worker_id", "pk"):
        found[user_id].add(child_id)
    return found


def unusual_access(
    council: Organisation, start: dt.date, end: dt.date, limit: int
) -> list[UnusualDay]:
    """Each (day, person) from `start` to `end` (UK days, inclusive) in which the person opened
    more than `limit` distinct children of this council outside their caseload; most first."""
    since = dt.datetime.combine(start, dt.time(), LONDON)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LONDON)
    opens = (
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.READ,
            action=OPENED,
            at__gte=since,
            at__lt=until,
            actor__isnull=False,
            child_id__in=Child.objects.filter(council=council).values("pk"),
        )
        .annotate(day=TruncDate("at", tzinfo=LONDON))
        .values_list("actor_id", "day", "child_id")
        .distinct()
    )
    opened: dict[tuple[int, dt.date], set[int]] = defaultdict(set)
    for actor_id, day, child_id in opens:
        if actor_id is not None and child_id is not None:
            opened[actor_id, day].add(child_id)
    own = caseloads({actor_id for actor_id, _day in opened})
    counted = {
        key: (len(children - own.get(key[0], set())), len(children))
        for key, children in opened.items()
    }
    flagged = {key: c for key, c in counted.items() if c[0] > limit}
    users = User.objects.select_related("organisation").in_bulk({a for a, _d in flagged})
    rows = [
        UnusualDay(day, users[actor_id], outside, total)
        for (actor_id, day), (outside, total) in flagged.items()
    ]
    return sorted(rows, key=lambda r: (-r.outside, r.day, r.user.username))
