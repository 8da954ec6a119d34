"""The live queue: last night's police file, so the front door has decisions waiting."""

from __future__ import annotations

import csv
import datetime as dt
import io

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.imports.importer import import_notifications
from returnhome.imports.police.rows import COLUMNS
from returnhome.lib.clock import LONDON
from returnhome.organisations.models import Organisation

from .common import CHILD_ID_PREFIX, DemoDataError
from .records import demo_children


def queue_police_notifications(
    council: Organisation, force: Organisation, front_door: User, now: dt.datetime
) -> None:
    """Last night's police file, imported as the front door would: a few notifications the
    matcher will not decide alone (a typo and a swapped date of birth, a child already missing),
    a found notification before its missing one, a clear match and a child new to the council.
    So the front door's queue has work in it."""
    candidates = list(
        demo_children()
        .filter(council=council, date_of_birth__isnull=False)
        .exclude(episodes__returned_at__isnull=True, episodes__isnull=False)
        .order_by("pk")[:40]
    )
    # A date of birth whose day and month can be swapped and still be a date (police often do).
    swappable = [
        c
        for c in candidates
        if c.date_of_birth is not None
        and c.date_of_birth.day <= 12
        and c.date_of_birth.day != c.date_of_birth.month
    ]
    if len(candidates) < 5 or not swappable:
        return
    others = [c for c in candidates if c.pk != swappable[0].pk]
    children = [others[0], swappable[0], *others[1:4]]
    at = (now - dt.timedelta(hours=9)).astimezone(LONDON)

    def row(child: Child | None, ref: str, **values: str) -> dict[str, str]:
        out = dict.fromkeys(COLUMNS, "")
        out.update(force=force.name, police_reference=ref, event="missing", risk_level="medium")
        out["event_at"] = f"{at:%d/%m/%Y %H:%M}"
        if child is not None:
            dob = child.date_of_birth
            assert dob is not None
            out.update(
                forename=child.forename,
                surname=child.surname,
                date_of_birth=f"{dob:%d/%m/%Y}",
                sex=child.sex,
                postcode=child.postcode,
            )
        out.update(values)
        return out

    typo, swapped, clear, found_first, twice = children
    dob = swapped.date_of_birth
    assert dob is not None
    rows = [
        row(typo, "DEMO-Q1", forename=typo.forename[:-1] + "y", postcode=""),
        row(swapped, "DEMO-Q2", date_of_birth=f"{dob:%m/%d/%Y}", surname=swapped.surname.upper()),
        row(twice, "DEMO-Q3", event_at=f"{at - dt.timedelta(days=1):%d/%m/%Y %H:%M}"),
        row(twice, "DEMO-Q7", circumstances="Reported missing again by the carer."),
        row(clear, "DEMO-Q4", la_child_id=clear.la_child_id),
        row(
            None,
            "DEMO-Q5",
            forename="Tegan",
            surname="Ashdown-Vale",
            date_of_birth="14/02/2011",
            sex="F",
            la_child_id=f"{CHILD_ID_PREFIX}-P5",
            missing_from="Demo bus station",
        ),
        row(
            found_first,
            "DEMO-Q6",
            event="found",
            event_at=f"{at + dt.timedelta(hours=3):%d/%m/%Y %H:%M}",
            found_location="Demo retail park",
        ),
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerows(rows)
    report = import_notifications(
        out.getvalue().encode(), council, name="police-overnight.csv", acting_user=front_door
    )
    if not report.summary.get("committed"):
        raise DemoDataError(f"The demo police file did not import: {report.summary['rejected']}")
