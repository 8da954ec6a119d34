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

The children another council placed in this council's area are in its pack as the host counts
them (group Hosted, decision 0039): their episodes that began while placed here (the report
facts' `host_council`), and only what the reader may see of them (`access.policy`: the episodes
in its area while it may still see the child; an RHI only when it delivers it; interview records
only when shared with it). Their sharing forms stay in the sending council's pack.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from returnhome.access.policy import can_read_interviews, child_sections
from returnhome.children.models import Child
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI, Interview
from returnhome.organisations.models import Organisation
from returnhome.reports.dashboard import RepeatChild, twelve_months_to
from returnhome.reports.figures_cache import cached_figures, cached_repeat_children, month_stamps
from returnhome.reports.indicators import period_bounds
from returnhome.reports.models import EpisodeFacts
from returnhome.sharing.models import SharingRecipient

RECENT_WEEKS = 12
_SPLIT = re.compile(r"[\n;,]+")


def week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    """Monday to Sunday of the week holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def normalise(text: str) -> str:
    """How two mentions of a place or person are judged the same: case, spacing, end punctuation."""
    return " ".join(text.split()).strip(" .:-'\"()").casefold()


@dataclass
class Recurring:
    text: str
    mentions: int = 0
    children: set[int] = field(default_factory=set)
    sources: set[str] = field(default_factory=set)


Counted = dict[str, tuple[str, int, tuple[int, ...], tuple[str, ...]]]
"""Mentions counted ahead (cached): normalised text → (shown as, mentions, children, where)."""


def _tally(
    found: dict[str, Recurring], items: Iterable[tuple[str, int, str]], counted: Counted
) -> None:
    """Adds (text, child_id, source) mentions to `found` (normalised text → its entry, shown as
    first mentioned), after those `counted` ahead (an entry of them is made when mentioned again)."""
    # Each distinct text normalised once, and its entry made once: a few places recur thousands
    # of times, and thousands of texts are mentioned once.
    entries: dict[str, Recurring | None] = {}
    for text, child_id, source in items:
        try:
            entry = entries[text]
        except KeyError:
            key = normalise(text)
            entry = found.get(key) if key else None
            if key and entry is None:
                ahead = counted.get(key)
                entry = found[key] = (
                    Recurring(ahead[0], ahead[1], set(ahead[2]), set(ahead[3]))
                    if ahead
                    else Recurring(" ".join(text.split()))
                )
            entries[text] = entry
        if entry is None:
            continue
        entry.mentions += 1
        entry.children.add(child_id)
        entry.sources.add(source)


def _recurring(found: dict[str, Recurring], counted: Counted) -> list[Recurring]:
    """The entries mentioned at least twice, most children first."""
    recurring = [r for r in found.values() if r.mentions >= 2]
    recurring += [
        Recurring(text, mentions, set(children), set(sources))
        for key, (text, mentions, children, sources) in counted.items()
        if mentions >= 2 and key not in found
    ]
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
    # The children named in the repeat list, as the reader may see them (hosted ones included).
    children: dict[int, Child] = field(default_factory=dict)
    reader: Any = None
    # How many children are still missing and RHIs past their deadline in all: more than the
    # lists hold when the pack was built for a page (`build_pack(rows=...)`).
    still_missing_total: int = 0
    overdue_total: int = 0
    missing_total: int = 0

    def shows(self, child: Child, section: str) -> bool:
        """The reader may see this part of the child's record (`access.policy.child_sections`)."""
        return section in child_sections(self.reader, child)


def build_pack(
    user: Any,
    council: Organisation,
    monday: dt.date,
    now: dt.datetime | None = None,
    rows: int | None = None,
) -> MeetingPack:
    """The pack; with `rows`, the lists of children who went missing this week, children still
    missing and RHIs past their deadline hold only their first `rows` (for a page: a national
    council's pack holds thousands), and the totals say how many in all."""
    now = now or timezone.now()
    cut = slice(rows)
    sunday = monday + dt.timedelta(days=6)
    start, end = period_bounds(monday, sunday)
    year_start, _ = period_bounds(twelve_months_to(monday - dt.timedelta(days=1)), sunday)
    earlier = {
        "child_id": OuterRef("child_id"),
        "reported_missing_at__gte": year_start,
        "reported_missing_at__lt": OuterRef("reported_missing_at"),
    }
    this_week = {"reported_missing_at__gte": start, "reported_missing_at__lt": end}
    went_missing = [
        _own(council, _before(Episode.objects.filter(council_id=council.pk, **earlier)))
        .filter(**this_week),
        _hosted(user, council, hosted_by(council).filter(**earlier)).filter(**this_week),
    ]  # fmt: skip
    missing = [e for q in went_missing for e in q.order_by("reported_missing_at", "pk")[cut]]
    missing.sort(key=lambda e: (e.reported_missing_at, e.pk))
    missing_total = _total(missing, went_missing, rows)
    if rows is not None and len(missing) >= rows:  # cut: this week's children, by their ids
        children_this_week = {
            child_id
            for q in (_own(council), _hosted(user, council))
            for child_id in q.filter(**this_week).values_list("child_id", flat=True)
        }
    else:
        children_this_week = {e.child_id for e in missing}
    missing = missing[cut]
    open_before_end = {"returned_at__isnull": True, "reported_missing_at__lt": end}
    still_open = [
        _own(council).filter(**open_before_end),
        _hosted(user, council).filter(**open_before_end),
    ]
    still_missing = [e for q in still_open for e in q.order_by("reported_missing_at", "pk")[cut]]
    still_missing.sort(key=lambda e: (e.reported_missing_at, e.pk))
    still_missing_total = _total(still_missing, still_open, rows)
    still_missing = still_missing[cut]
    hosted_here = hosted_by(council).values("episode_id")
    past_deadline = RHI.objects.filter(
        Q(council_id=council.pk)
        # A hosted child's RHI: the host reads it when it delivers it (`rhi_filter`).
        | Q(pk__in=RHI.objects.visible_to(user).filter(episode_id__in=hosted_here).values("pk"))
    ).overdue(now)
    # The keys in order first (a sort of the RHIs alone), then those rows with their child,
    # episode and worker: a national council can have thousands past their deadline.
    keys = list(past_deadline.order_by("due_at", "pk").values_list("pk", flat=True)[cut])
    found = RHI.objects.select_related("child", "episode", "allocated_worker").in_bulk(keys)
    overdue = [found[key] for key in keys]
    # The same for every reader, cached (decision 0048): who may see each child is read below.
    year = (twelve_months_to(sunday), sunday)
    stamps = month_stamps(council, *year)
    counted = cached_figures(
        "pack_repeat",
        council,
        year,
        (),
        lambda: cached_repeat_children(council, *year, stamps),
        stamps,
    )
    children = Child.objects.visible_to(user).in_bulk([r.child_id for r in counted])
    repeat = [r for r in counted if r.child_id in children]
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
        children_this_week, places, people, recent_from, sharing_overdue, children, user,
        still_missing_total, _total(overdue, [past_deadline], rows), missing_total,
    )  # fmt: skip


def _total(listed: list[Any], queries: list[Any], rows: int | None) -> int:
    """How many in all: the list's length, unless it was cut at `rows` (then counted)."""
    if rows is not None and len(listed) >= rows:
        return sum(query.count() for query in queries)
    return len(listed)


def hosted_by(council: Organisation) -> QuerySet[EpisodeFacts]:
    """The report facts a host council counts as Hosted (decision 0039): other councils'
    episodes of children placed in its area (`facts_host_idx`)."""
    return EpisodeFacts.objects.filter(host_council_id=council.pk).order_by()


def _before(earlier: QuerySet[Any]) -> Coalesce:
    """How many of the `earlier` rows (one child's, before this episode) there are."""
    count = earlier.order_by().values("child_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(count, output_field=IntegerField()), Value(0))


def _own(council: Organisation, before: Any = None) -> QuerySet[Episode]:
    """The council's own episodes (the record's), with `before` when given."""
    episodes = Episode.objects.filter(council_id=council.pk).select_related("child")
    return episodes.annotate(before=before) if before is not None else episodes


def _hosted(user: Any, council: Organisation, earlier: Any = None) -> QuerySet[Episode]:
    """The episodes of children another council placed here, as the host counts them (the facts'
    `host_council`), of those the reader may see; with how many of `earlier` when given."""
    hosted = Episode.objects.visible_to(user).filter(pk__in=hosted_by(council).values("episode_id"))
    hosted = hosted.select_related("child")
    return hosted.annotate(before=_before(earlier)) if earlier is not None else hosted


def _places_and_people(
    user: Any, council: Organisation, date_from: dt.date, date_to: dt.date
) -> tuple[list[Recurring], list[Recurring] | None]:
    start, end = period_bounds(date_from, date_to)
    period = {"reported_missing_at__gte": start, "reported_missing_at__lt": end}
    # The council's own episodes' places, the same for every reader (a national council's 12
    # weeks hold thousands): cached under the stamps of the weeks' months, which an episode's
    # places changed renews too (`stamps`, decision 0048). Then the hosted episodes' the reader
    # may see, and the interview records', after them.
    own = cached_figures(
        "pack_places",
        council,
        (date_from, date_to),
        (),
        lambda: _place_entries(_own(council).filter(**period)),
    )
    places: dict[str, Recurring] = {}
    _tally(places, _episode_places(_hosted(user, council).filter(**period)), own)
    if not can_read_interviews(user):
        return _recurring(places, own), None
    people: dict[str, Recurring] = {}
    hosted_here = hosted_by(council).filter(interview__isnull=False).values("interview_id")
    visible = Interview.objects.visible_to(user).filter(held_at__gte=start, held_at__lt=end)
    # The council's own and the hosted ones apart: their OR kept PostgreSQL from reading the
    # council's own by (council, held_at) (`interview_council_held_idx`): it read every council's
    # interviews of the 12 weeks. Then as one list, latest first (and distinct, as it was).
    fields = ("child_id", "places_of_concern", "people_of_concern", "held_at")
    rows = [
        *visible.filter(council_id=council.pk).values_list(*fields),
        *visible.filter(pk__in=hosted_here).exclude(council_id=council.pk).values_list(*fields),
    ]
    if visible.query.distinct:
        rows = list(dict.fromkeys(rows))
    rows.sort(key=lambda row: row[3], reverse=True)
    records = [row[:3] for row in rows]
    place_mentions: list[tuple[str, int, str]] = []
    person_mentions: list[tuple[str, int, str]] = []
    for child_id, places_of_concern, people_of_concern in records:
        place_mentions.extend((p, child_id, "interview record") for p in _pieces(places_of_concern))
        person_mentions.extend(
            (p, child_id, "interview record") for p in _pieces(people_of_concern)
        )
    _tally(places, place_mentions, own)
    _tally(people, person_mentions, {})
    return _recurring(places, own), _recurring(people, {})


def _episode_places(episodes: QuerySet[Episode]) -> Iterable[tuple[str, int, str]]:
    """The places the episodes were missing from and found at, as mentions."""
    for child_id, missing_from, found in episodes.values_list(
        "child_id", "missing_from", "found_location"
    ):
        yield missing_from, child_id, "missing from"
        yield found, child_id, "found at"


def _place_entries(episodes: QuerySet[Episode]) -> Counted:
    """The episodes' places, every text mentioned (once or more), as plain tuples to cache."""
    found: dict[str, Recurring] = {}
    _tally(found, _episode_places(episodes), {})
    return {
        key: (r.text, r.mentions, tuple(r.children), tuple(r.sources)) for key, r in found.items()
    }
