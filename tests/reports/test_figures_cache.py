"""The report pages' cached figures (decision 0048): always what the engine computes afresh.

Each page's figures are read from the page (its context), before and after a write that changes
the council's facts or the actions counted with them, and compared with the engine run directly:
a stale cached figure would differ. Runs on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from returnhome.accounts.models import Role
from returnhome.children import services as child_services
from returnhome.children.models import Child
from returnhome.demo.synthetic import Generator
from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.imports.importer import import_notifications
from returnhome.imports.police.rows import COLUMNS
from returnhome.lib.clock import ClockRule
from returnhome.organisations.models import Organisation
from returnhome.privacy import services as privacy_services
from returnhome.reports.dashboard import repeat_children, twelve_months_to
from returnhome.reports.figures_cache import CACHE, cached_figures
from returnhome.reports.indicators import indicators
from returnhome.reports.meeting_pack import week_of
from tests.conftest import Cast
from tests.factories import ChildFactory, UserFactory
from tests.reports import builders as b

PERIOD = {"date_from": "2015-01-01", "date_to": "2034-12-31", "clock": "return", "count": "hours"}
FROM, TO = dt.date(2015, 1, 1), dt.date(2034, 12, 31)
WEEK = "2025-06-30"


def _page(client: Client, name: str, query: dict[str, str]) -> Any:
    response = client.get(reverse(name), query)
    assert response.status_code == 200, response.content[:500]
    return response.context


def shown(user: Any, week: str = WEEK) -> dict[str, Any]:
    """Every figure the three report pages show this user (from the pages themselves)."""
    client = Client()
    client.force_login(user)
    dashboard = _page(client, "reports:dashboard", PERIOD)["d"]
    pack = _page(client, "reports:meeting_pack", {"week": week})["pack"]
    return {
        "indicators": _page(client, "reports:indicators", PERIOD)["report"].groups,
        "dashboard": dashboard.report.groups,
        "series": dashboard.series.figures,
        "times": dashboard.times,
        "repeat": [(r.child_id, r.episodes) for r in dashboard.repeat],
        "pack_repeat": [(r.child_id, r.episodes) for r in pack.repeat],
    }


def fresh(council: Organisation, week: str = WEEK) -> dict[str, Any]:
    """The same figures from the engine, never cached."""
    from returnhome.reports.dashboard import dashboard_figures

    rule = ClockRule(start="return", count="hours")
    figures = dashboard_figures(council, FROM, TO, rule)
    sunday = week_of(dt.date.fromisoformat(week))[1]
    return {
        "indicators": indicators(council, FROM, TO, rule).groups,
        "dashboard": figures.groups,
        "series": figures.series.figures,
        "times": figures.times,
        "repeat": [(r.child_id, r.episodes) for r in repeat_children(council, FROM, TO)],
        "pack_repeat": [
            (r.child_id, r.episodes)
            for r in repeat_children(council, twelve_months_to(sunday), sunday)
        ],
    }


def _start(cast: Cast) -> tuple[Child, Any]:
    """A child missing twice in June 2025 (once more makes it a repeat), interviewed with a
    referral: every page has figures."""
    child = b.mfh_child(cast)
    b.episode(cast, child, b.local(2025, 6, 2, 10), b.local(2025, 6, 2, 12))
    _, rhi = b.episode(cast, child, b.local(2025, 6, 9, 10), b.local(2025, 6, 9, 12))
    assert rhi is not None
    b.offer(cast, rhi, b.local(2025, 6, 9, 13))
    b.accept(cast, rhi)
    interview = b.interview(
        cast, [rhi], b.local(2025, 6, 10, 10), actions=[("Sessions on safety", "youth_work")]
    )
    b.review(cast, interview, {"youth_work": "agreed"})
    return child, interview


def _service_write(cast: Cast, child: Child, interview: Any) -> None:
    b.episode(cast, child, b.local(2025, 6, 16, 10), b.local(2025, 6, 16, 12))


def _action_progress(cast: Cast, child: Child, interview: Any) -> None:
    action = ProposedAction.objects.get(interview=interview)
    b.progress(cast, action, ProposedAction.Status.DONE)


def _merge(cast: Cast, child: Child, interview: Any) -> None:
    duplicate = ChildFactory(council=cast.council)
    b.episode(cast, duplicate, b.local(2025, 6, 20, 10), b.local(2025, 6, 20, 12))
    shown(cast.manager)  # the duplicate's episode counted, and cached
    child_services.merge_children(
        child, duplicate, acting_user=cast.front_door, reason="Same child, two records"
    )


def _erasure(cast: Cast, child: Child, interview: Any) -> None:
    privacy_services.erase_child(child, acting_user=cast.manager, reason="Past retention")


def _bypassing_write(cast: Cast, child: Child, interview: Any) -> None:
    Episode.objects.filter(child=child).update(reported_missing_at=b.local(2014, 1, 1, 9))


def _moved_to_another_month(cast: Cast, child: Child, interview: Any) -> None:
    """Only the months before and after the move are computed again: both must be."""
    first = Episode.objects.filter(child=child).order_by("reported_missing_at").first()
    assert first is not None
    Episode.objects.filter(pk=first.pk).update(reported_missing_at=b.local(2025, 3, 5, 9))


WRITES: dict[str, Callable[[Cast, Child, Any], None]] = {
    "moved to another month": _moved_to_another_month,
    "service write": _service_write,
    "action's outcome": _action_progress,
    "merge": _merge,
    "erasure": _erasure,
    "queryset update": _bypassing_write,
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_page_shows_the_new_figures_on_the_next_view_after_a_write(
    cast: Cast, write: Callable[[Cast, Child, Any], None]
) -> None:
    child, interview = _start(cast)
    before = shown(cast.manager)
    assert before == fresh(cast.council)
    assert shown(cast.manager) == before  # a second view, from the cache
    write(cast, child, interview)
    after = shown(cast.manager)
    assert after == fresh(cast.council)
    if write is not _erasure:  # an erasure keeps every figure (decision 0043)
        assert after != before


def test_an_import_changes_the_figures_on_the_next_view(cast: Cast) -> None:
    force = Organisation.objects.create(
        code="police:SYN", name="Synthetic Police", kind=Organisation.Kind.POLICE
    )
    council = Organisation.objects.create(
        la_code="Z99", name="Synthetic Council", kind=Organisation.Kind.COUNCIL, police_force=force
    )
    lead = UserFactory(organisation=council, role=Role.MANAGER, username="z99lead")
    generator = Generator(5, dt.date(2026, 3, 14))
    register = generator.register(30)
    Child.objects.bulk_create(
        Child(
            council=council,
            forename=c.forename,
            surname=c.surname,
            date_of_birth=c.dob,
            sex=c.sex,
            postcode=c.postcode,
            la_child_id=c.la_child_id,
        )
        for c in register
    )
    rows = [r.values for r in generator.labelled_rows(register, 20, new_share=0.2)]
    week = "2026-03-09"
    for part in (rows[:10], rows[10:]):
        before = shown(lead, week)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(part)
        report = import_notifications(out.getvalue().encode(), council, name="n.csv")
        assert report.summary["committed"], report.summary["rejected"]
        after = shown(lead, week)
        assert after == fresh(council, week)
        assert after["indicators"] != before["indicators"]


def test_a_host_councils_figures_change_when_the_placing_council_writes(cast: Cast) -> None:
    """The partner hosts a child the council placed there: the council's write changes the
    partner's Hosted figures, though only the council's own rows were written."""
    placed = b.lac_out_child(cast)
    b.episode(cast, placed, b.local(2025, 6, 3, 10), b.local(2025, 6, 3, 12))
    before = shown(cast.partner)
    assert before == fresh(cast.partner_council)
    b.episode(cast, placed, b.local(2025, 6, 5, 10), b.local(2025, 6, 5, 12))
    after = shown(cast.partner)
    assert after == fresh(cast.partner_council) != before


def test_two_councils_never_share_cached_figures(cast: Cast) -> None:
    _start(cast)
    other = UserFactory(organisation=cast.partner_council, role=Role.MANAGER, username="m2")
    ours = shown(cast.manager)
    theirs = shown(other)
    assert theirs == fresh(cast.partner_council) != ours
    assert shown(cast.manager) == fresh(cast.council) == ours


def test_a_reader_who_sees_less_never_sees_what_another_reader_was_shown(cast: Cast) -> None:
    """The figures are the same for every reader of a council (all its staff see the same
    children); what only some may read is never cached: the people recurring in interview records
    are on the meeting pack only for those who may read interviews, however the pack was viewed
    before."""
    _child, interview = _start(cast)
    interview.people_of_concern = "Tall Jim; tall jim"  # two mentions: it recurs
    interview.save(update_fields=["people_of_concern"])
    manager, lead = Client(), Client()
    manager.force_login(cast.manager)
    lead.force_login(cast.performance)
    query = {"week": WEEK}
    assert _page(manager, "reports:meeting_pack", query)["pack"].people
    assert _page(lead, "reports:meeting_pack", query)["pack"].people is None
    assert "Tall Jim" not in lead.get(reverse("reports:meeting_pack"), query).content.decode()
    assert shown(cast.performance) == shown(cast.manager) == fresh(cast.council)


def test_figures_are_computed_once_until_the_facts_change(cast: Cast) -> None:
    child, interview = _start(cast)
    computed: list[int] = []

    def compute() -> int:
        computed.append(Episode.objects.count())
        return computed[-1]

    first = cached_figures("test", cast.council, (FROM, TO), ("a",), compute)
    assert cached_figures("test", cast.council, (FROM, TO), ("a",), compute) == first
    assert len(computed) == 1
    # Other parts (another rule, say): computed.
    assert cached_figures("test", cast.council, (FROM, TO), ("b",), compute) == first
    assert len(computed) == 2
    _service_write(cast, child, interview)
    assert cached_figures("test", cast.council, (FROM, TO), ("a",), compute) == first + 1
    assert len(computed) == 3


def _pack_places(user: Any, week: str = WEEK) -> list[tuple[str, int, list[int], list[str]]]:
    client = Client()
    client.force_login(user)
    pack = _page(client, "reports:meeting_pack", {"week": week})["pack"]
    return [(p.text, p.mentions, sorted(p.children), sorted(p.sources)) for p in pack.places]


def _places_by_queryset(episodes: list[Episode], place: str) -> None:
    Episode.objects.filter(pk__in=[e.pk for e in episodes]).update(missing_from=place)


def _found_by_bulk_update(episodes: list[Episode], place: str) -> None:
    for episode in episodes:
        episode.found_location = place
    Episode.objects.bulk_update(episodes, ["found_location"])


@pytest.mark.parametrize(
    "write", [_places_by_queryset, _found_by_bulk_update], ids=["queryset update", "bulk update"]
)
def test_the_meeting_packs_places_change_on_the_next_view_after_an_episodes_places_change(
    cast: Cast, write: Callable[[list[Episode], str], None]
) -> None:
    """The pack's recurring places are cached (decision 0048, round 2); a write that changes only
    an episode's places (no report facts change) still shows on the next view."""
    children = [b.mfh_child(cast), b.mfh_child(cast)]
    episodes = [
        b.missing(cast, child, b.local(2025, 6, day, 10), missing_from="12 High Street")
        for child, day in zip(children, (2, 9), strict=True)
    ]
    before = _pack_places(cast.manager)
    assert [p[0] for p in before] == ["12 High Street"]
    assert _pack_places(cast.manager) == before  # a second view, from the cache
    write(episodes, "The Park")
    after = _pack_places(cast.manager)
    caches[CACHE].clear()
    assert after == _pack_places(cast.manager)  # as computed afresh
    assert after != before
    assert "The Park" in [p[0] for p in after]
