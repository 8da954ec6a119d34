"""The weekly missing meeting pack (docs/domain.md, Box U and Box Q): one council, one week.

Who went missing this week (risk, how many times before), children still missing, RHIs past their
deadline, children missing again and again, and the places and people that recur — the "child -
location - perpetrator" view the oversight meeting works from.

Who may see it (`access.policy.can_see_meeting_pack`): a council's team managers, front door and
performance leads (they run or feed the meeting; the pack names children). Not administrators, practitioners, social workers, police or
partner councils. People and places from interview records (Box O, confidential) are added only
for users who may read interview records (`access.policy.can_read_interviews`: of the pack's readers,
the team manager); places from the episodes themselves (missing from, found at) are shown to all
of the pack's readers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from returnhome.access.policy import can_read_interviews
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI, Interview
from returnhome.organisations.models import Organisation
from returnhome.reports.dashboard import RepeatChild, repeat_children, twelve_months_to
from returnhome.reports.indicators import period_bounds
from returnhome.sharing.models import SharingRecipient

RECENT_WEEKS = 12
_SPLIT = re.compile(r"[\n;,]+")
_SPACE = re.compile(r"\s+")


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def normalise(text: str) -> str:
    """How two mentions of a place or person are judged the same: case, spacing, end punctuation."""
    return _SPACE.sub(" ", text).strip(" .:-'\"()").casefold()


@dataclass
class Recurring:
    text: str
    mentions: int = 0
    children: set[int] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


def _recurring(items: Iterable[tuple[str, int, str]]) -> list[Recurring]:
    """(text, child_id, source) mentions → those mentioned at least twice, most children first."""
    found: dict[str, Recurring] = {}
    for text, child_id, source in items:
        key = normalise(text)
        if not key:
            continue
        entry = found.setdefault(key, Recurring(_SPACE.sub(" ", text).strip()))
        entry.mentions += 1
        entry.children.add(child_id)
        entry.sources.add(source)
    recurring = [r for r in found.values() if r.mentions >= 2]
    return sorted(recurring, key=lambda r: (-len(r.children), -r.mentions, r.text.casefold()))


def _pieces(text: str) -> list[str]:
    return [p for p in _SPLIT.split(text) if p.strip()]


@dataclass
class MeetingPack:
    council: Organisation
    monday: dt.date
    sunday: dt.date
    now: dt.datetime
    missing: list[Episode]
    still_missing: list[Episode]
    overdue: list[RHI]
    repeat: list[RepeatChild]
    repeat_this_week: set[int]
    places: list[Recurring]
    people: list[Recurring] | None  # None: the user may not read interview records
    recent_from: dt.date
    # Information shared with the police and still without their feedback after the configured
    # days (`sharing.models.feedback_overdue`), as at `now`: one row per force.
    sharing_overdue: list[SharingRecipient] = field(default_factory=list)
    # How many children are still missing and RHIs past their deadline in all: more than the
    # lists hold when the pack was built for a page (`build_pack(rows=...)`).
    still_missing_total: int = 0
    overdue_total: int = 0


def build_pack(
    user: Any,
    council: Organisation,
    monday: dt.date,
    now: dt.datetime | None = None,
    rows: int | None = None,
) -> MeetingPack:
    """The pack; with `rows`, the lists of children still missing and RHIs past their deadline
    hold only their first `rows` (for a page: a national council's pack holds thousands), and
    the totals say how many in all."""
    now = now or timezone.now()
    cut = slice(rows)
    sunday = monday + dt.timedelta(days=6)
    start, end = period_bounds(monday, sunday)
    year_start, _ = period_bounds(twelve_months_to(monday - dt.timedelta(days=1)), sunday)
    before = (
        Episode.objects.filter(
            council_id=council.pk,
            child_id=OuterRef("child_id"),
            reported_missing_at__gte=year_start,
            reported_missing_at__lt=OuterRef("reported_missing_at"),
        )
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    episodes = Episode.objects.filter(council_id=council.pk).select_related("child")
    missing = list(
        episodes.filter(reported_missing_at__gte=start, reported_missing_at__lt=end)
        .annotate(before=Coalesce(Subquery(before, output_field=IntegerField()), Value(0)))
        .order_by("reported_missing_at", "pk")
    )
    open_episodes = episodes.filter(returned_at__isnull=True, reported_missing_at__lt=end)
    still_missing = list(open_episodes.order_by("reported_missing_at", "pk")[cut])
    past_deadline = RHI.objects.filter(council_id=council.pk).overdue(now)
    overdue = list(
        past_deadline.select_related("child", "episode", "allocated_worker").order_by(
            "due_at", "pk"
        )[cut]
    )
    repeat = repeat_children(council, twelve_months_to(sunday), sunday)
    recent_from = sunday - dt.timedelta(weeks=RECENT_WEEKS) + dt.timedelta(days=1)
    places, people = _places_and_people(user, council, recent_from, sunday)
    sharing_overdue = list(
        SharingRecipient.objects.filter(form__council_id=council.pk)
        .overdue(now)
        .select_related("form__child", "force")
        .order_by("sent_at", "pk")
    )
    return MeetingPack(
        council, monday, sunday, now, missing, still_missing, overdue, repeat,
        {e.child_id for e in missing}, places, people, recent_from, sharing_overdue,
        still_missing_total=_total(still_missing, open_episodes, rows),
        overdue_total=_total(overdue, past_deadline, rows),
    )  # fmt: skip


def _total(listed: list[Any], query: Any, rows: int | None) -> int:
    """How many in all: the list's length, unless the list was cut at `rows`."""
    return query.count() if rows is not None and len(listed) >= rows else len(listed)


def _places_and_people(
    user: Any, council: Organisation, date_from: dt.date, date_to: dt.date
) -> tuple[list[Recurring], list[Recurring] | None]:
    start, end = period_bounds(date_from, date_to)
    place_mentions: list[tuple[str, int, str]] = []
    for child_id, missing_from, found in Episode.objects.filter(
        council_id=council.pk, reported_missing_at__gte=start, reported_missing_at__lt=end
    ).values_list("child_id", "missing_from", "found_location"):
        place_mentions.append((missing_from, child_id, "missing from"))
        place_mentions.append((found, child_id, "found at"))
    if not can_read_interviews(user):
        return _recurring(place_mentions), None
    person_mentions: list[tuple[str, int, str]] = []
    records = (
        Interview.objects.visible_to(user)
        .filter(council_id=council.pk, held_at__gte=start, held_at__lt=end)
        .values_list("child_id", "places_of_concern", "people_of_concern")
    )
    for child_id, places, people in records:
        place_mentions.extend((p, child_id, "interview record") for p in _pieces(places))
        person_mentions.extend((p, child_id, "interview record") for p in _pieces(people))
    return _recurring(place_mentions), _recurring(person_mentions)
