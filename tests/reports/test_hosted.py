"""A child placed out of area counts once for each council (issue 12, decision 0039): LAC-out for
the council responsible for them (which holds the one record), Hosted for the council whose area
they are placed in — in the indicators, their totals and the dashboard, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

import pytest

from returnhome.children import services as child_services
from returnhome.children.models import Child, Placement
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Notification
from returnhome.lib.clock import ClockRule
from returnhome.reports.benchmark import benchmark
from returnhome.reports.dashboard import dashboard_figures
from returnhome.reports.indicators import TOTAL, indicators
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory
from tests.reports import builders as b
from tests.reports.test_facts import assert_facts_are_right

pytestmark = pytest.mark.django_db
JANUARY = (dt.date(2025, 1, 1), dt.date(2025, 1, 31))
RULE = ClockRule()


def groups(council: object, date_from: dt.date, date_to: dt.date) -> dict[str, dict[str, int]]:
    report = indicators(council, date_from, date_to, RULE)  # type: ignore[arg-type]
    return {name: figures.counts for name, figures in report.groups.items()}


def placed_out(cast: Cast) -> Child:
    """Looked after by the cast's council, placed in the partner council's area."""
    child = b.lac_out_child(cast)
    assert child.placements.get().out_of_area
    return child


def test_the_episode_counts_once_for_each_council(cast: Cast) -> None:
    child = placed_out(cast)
    first = missing(cast, child, b.local(2025, 1, 10, 9))
    rhi = returned(cast, first, b.local(2025, 1, 10, 20))
    b.offer(cast, rhi, b.local(2025, 1, 11, 9))
    b.accept(cast, rhi)
    b.interview(cast, [rhi], b.local(2025, 1, 12, 9))
    returned(cast, missing(cast, child, b.local(2025, 1, 20, 9)), b.local(2025, 1, 20, 12))
    assert_facts_are_right()

    responsible = groups(cast.council, *JANUARY)
    host = groups(cast.partner_council, *JANUARY)
    assert responsible["LAC-out"]["episodes"] == 2
    assert responsible["LAC-out"]["children"] == 1
    assert responsible["Hosted"]["episodes"] == 0
    assert host["Hosted"]["episodes"] == 2
    assert host["Hosted"]["children"] == 1  # the same child twice: once
    assert host["Hosted"]["undertaken"] == 1
    assert host["LAC-out"]["episodes"] == 0
    assert host[TOTAL]["episodes"] == 2
    assert host[TOTAL]["children"] == 1
    # The dashboard reads the same rows the same way.
    shown = dashboard_figures(cast.partner_council, *JANUARY, RULE).groups
    assert shown["Hosted"].counts == host["Hosted"]
    assert shown[TOTAL].counts == host[TOTAL]
    # So does the benchmark, each council as its own indicators.
    for group in ("LAC-out", "Hosted", TOTAL):
        side_by_side = benchmark(
            "area", [cast.council, cast.partner_council], *JANUARY, RULE, group
        )
        assert [row.figures.counts for row in side_by_side.rows] == [
            responsible[group],
            host[group],
        ]


def test_a_child_counts_for_the_host_on_its_first_hosted_episode_of_the_period(
    cast: Cast,
) -> None:
    """An episode before the period counts for neither; one in the period counts the child."""
    child = placed_out(cast)
    returned(cast, missing(cast, child, b.local(2024, 12, 20, 9)), b.local(2024, 12, 20, 12))
    returned(cast, missing(cast, child, b.local(2025, 1, 5, 9)), b.local(2025, 1, 5, 12))
    assert groups(cast.partner_council, *JANUARY)["Hosted"]["children"] == 1
    assert (
        groups(cast.partner_council, dt.date(2024, 12, 1), dt.date(2025, 1, 31))["Hosted"][
            "children"
        ]
        == 1
    )


def test_only_while_placed_there(cast: Cast) -> None:
    """An episode before the placement began, or after it ended, is not the host's; ending the
    placement (or recording it later) re-derives the facts."""
    child = b.lac_in_child(cast)
    before = missing(cast, child, b.local(2025, 1, 3, 9))
    returned(cast, before, b.local(2025, 1, 3, 12))
    placement = child_services.record_placement(
        child,
        placement_type=Placement.Type.FOSTER,
        council_area=cast.partner_council,
        start_date=dt.date(2025, 1, 10),
        acting_user=None,
    )
    missing(cast, child, b.local(2025, 1, 15, 9))
    assert_facts_are_right()
    assert groups(cast.partner_council, *JANUARY)["Hosted"]["episodes"] == 1
    Placement.objects.filter(pk=placement.pk).update(end_date=dt.date(2025, 1, 12))
    assert_facts_are_right()
    assert groups(cast.partner_council, *JANUARY)["Hosted"]["episodes"] == 0
    assert before.facts.host_council_id is None  # type: ignore[attr-defined]


def test_the_uk_date_decides(cast: Cast) -> None:
    """Reported missing at 23:30 UTC on the eve of the placement in summer is the placement's
    first UK day: hosted."""
    child = b.lac_in_child(cast)
    child_services.record_placement(
        child,
        placement_type=Placement.Type.FOSTER,
        council_area=cast.partner_council,
        start_date=dt.date(2025, 7, 1),
        acting_user=None,
    )
    missing(cast, child, dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC))
    assert_facts_are_right()
    july = groups(cast.partner_council, dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    assert july["Hosted"]["episodes"] == 1


def test_the_pooled_benchmark_counts_each_episode_once(cast: Cast) -> None:
    """Each council's row counts a hosted episode (LAC-out for the responsible council, Hosted
    for the host); the pooled figure over the councils counts it once (decision 0042), and a
    hosted episode whose responsible council is not compared once, in the host's row."""
    child = placed_out(cast)
    for day in (10, 20):
        returned(cast, missing(cast, child, b.local(2025, 1, day, 9)), b.local(2025, 1, day, 12))
    at = b.local(2025, 1, 15, 9)
    episode = episode_services.record_missing(
        ChildFactory(council=cast.partner_council), reported_missing_at=at, received_at=at,
        source=Notification.Source.POLICE, acting_user=None, check_permission=False,
    )  # fmt: skip
    episode_services.record_return(
        episode, returned_at=at + dt.timedelta(hours=3), received_at=at + dt.timedelta(hours=3),
        source=Notification.Source.POLICE, acting_user=None, check_permission=False,
    )  # fmt: skip
    assert_facts_are_right()

    both = benchmark("area", [cast.council, cast.partner_council], *JANUARY, RULE)
    assert [(r.figures.counts["episodes"], r.figures.counts["children"]) for r in both.rows] == [
        (2, 1),  # the responsible council: LAC-out
        (3, 2),  # the host: 2 Hosted and 1 of its own
    ]
    assert (both.pooled_episodes, both.pooled_children) == (3, 2)
    assert both.pooled_per_child == 1.5
    assert both.mean_per_child == 1.75  # the councils' own ratios: 2 and 1.5
    as_json = both.as_dict()
    assert (as_json["pooled_episodes"], as_json["pooled_children"]) == (3, 2)
    # The host alone: its hosted episodes are counted, once.
    host_only = benchmark("region", [cast.partner_council], *JANUARY, RULE)
    assert (host_only.pooled_episodes, host_only.pooled_children) == (3, 2)
    # Within one group no episode is in two rows: the pooled figure is the rows' sum.
    for group, expected in (("LAC-out", (2, 1)), ("Hosted", (2, 1)), ("MFH", (1, 1))):
        one_group = benchmark("area", [cast.council, cast.partner_council], *JANUARY, RULE, group)
        assert (one_group.pooled_episodes, one_group.pooled_children) == expected


def test_a_child_not_looked_after_is_not_hosted(cast: Cast) -> None:
    """A placement in another area recorded for a child not looked after (the responsible
    council counts the episode as MFH): the host does not count it as Hosted, so the episode
    counts in one group of each council that counts it, never MFH for one and Hosted for the
    other (decision 0042)."""
    child = b.mfh_child(cast)
    child_services.record_placement(
        child,
        placement_type=Placement.Type.WITH_PARENTS,
        council_area=cast.partner_council,
        start_date=dt.date(2024, 6, 1),
        acting_user=None,
    )
    returned(cast, missing(cast, child, b.local(2025, 1, 10, 9)), b.local(2025, 1, 10, 12))
    assert_facts_are_right()
    assert groups(cast.council, *JANUARY)["MFH"]["episodes"] == 1
    assert groups(cast.partner_council, *JANUARY)[TOTAL]["episodes"] == 0
