"""Benchmarking three councils of one police force: pooled vs mean of ratios, medians, equality."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from returnhome.accounts.models import Role, User
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Notification
from returnhome.interviews import services
from returnhome.interviews.models import RHI
from returnhome.lib.clock import ClockRule
from returnhome.organisations.models import Organisation
from returnhome.reports.benchmark import area_councils, benchmark, shown_position
from returnhome.reports.indicators import COLUMNS, indicators
from tests.conftest import Cast
from tests.factories import ChildFactory, CouncilFactory, UserFactory
from tests.reports import builders as b

JUNE = (dt.date(2025, 6, 1), dt.date(2025, 6, 30))


def _episodes(
    council: Organisation, manager: User, children: int, episodes: int, offered: int
) -> None:
    """`episodes` returned episodes in June spread over `children` children; the first `offered` offered."""
    kids = [ChildFactory(council=council) for _ in range(children)]
    for n in range(episodes):
        at = b.local(2025, 6, 1 + n, 10)
        episode = episode_services.record_missing(
            kids[n % children], reported_missing_at=at, received_at=at, source=Notification.Source.POLICE,
            acting_user=None, check_permission=False,
        )  # fmt: skip
        episode_services.record_return(
            episode, returned_at=at + dt.timedelta(hours=2), received_at=at + dt.timedelta(hours=2),
            source=Notification.Source.POLICE, acting_user=None, check_permission=False,
        )  # fmt: skip
        if n < offered:
            rhi = RHI.objects.get(episode=episode)
            services.record_offer(
                rhi,
                offer_made_at=at + dt.timedelta(hours=3),
                offered_to="child",
                expected_version=None,
                acting_user=manager,
            )
            services.record_outcome(
                rhi, outcome=RHI.Outcome.ACCEPTED, expected_version=None, acting_user=manager
            )


@pytest.fixture
def area(cast: Cast) -> list[Organisation]:
    """A (the cast's council): 4 episodes, 2 children, 2 offered; B: 3, 3, 3; C: 6, 1, 0."""
    other_b = CouncilFactory(police_force=cast.police_force, name="B council")
    other_c = CouncilFactory(police_force=cast.police_force, name="C council")
    _episodes(cast.council, cast.manager, 2, 4, 2)
    _episodes(other_b, UserFactory(organisation=other_b, role=Role.MANAGER), 3, 3, 3)
    _episodes(other_c, UserFactory(organisation=other_c, role=Role.MANAGER), 1, 6, 0)
    return [cast.council, other_b, other_c]


def test_pooled_mean_of_ratios_and_medians_by_hand(cast: Cast, area: list[Organisation]) -> None:
    result = benchmark("area", area_councils(cast.police_force), *JUNE, ClockRule())
    assert {r.council.pk for r in result.rows} == {c.pk for c in area}
    assert result.pooled_per_child == round(13 / 6, 4)  # Σ episodes ÷ Σ children
    assert result.mean_per_child == 3.0  # (2 + 1 + 6) ÷ 3
    assert result.medians["episodes_per_child"] == 2.0
    assert result.medians["offered_of_episodes"] == 0.5
    by_council = {r.council.pk: result.positions(r) for r in result.rows}
    a, other_b, other_c = (c.pk for c in area)
    assert by_council[a]["episodes_per_child"] == "at"
    assert by_council[other_b]["episodes_per_child"] == "below"
    assert by_council[other_c]["episodes_per_child"] == "above"
    assert by_council[other_b]["offered_of_episodes"] == "above"
    assert by_council[other_c]["accepted_of_offered"] == "n/a"  # nothing offered: left out


def test_the_page_compares_with_the_median_as_it_shows_them() -> None:
    """86% beside a median of 86% is "at" on the page (the download keeps 4 decimals)."""
    assert shown_position("offered_of_episodes", 0.8601, 0.8604) == "at"
    assert shown_position("offered_of_episodes", 0.8549, 0.8604) == "below"
    assert shown_position("episodes_per_child", 2.1667, 2.1701) == "at"
    assert shown_position("episodes_per_child", 2.16, 2.1701) == "below"
    assert shown_position("offered_of_episodes", None, 0.5) == "n/a"


@pytest.mark.parametrize("group", COLUMNS)
def test_each_councils_figures_equal_its_own_indicators(
    cast: Cast, area: list[Organisation], group: str
) -> None:
    result = benchmark("area", area, *JUNE, ClockRule(), group=group)
    for row in result.rows:
        own = indicators(row.council, *JUNE, ClockRule()).groups[group]
        assert row.figures.counts == own.counts
        assert row.figures.declined_reasons == own.declined_reasons
        assert row.figures.rates == own.rates


def test_page_download_and_command(cast: Cast, area: list[Organisation]) -> None:
    client = Client()
    client.force_login(cast.performance)
    query = {
        "date_from": "2025-06-01", "date_to": "2025-06-30", "clock": "return", "count": "hours",
        "scope": "police", "group": "total",
    }  # fmt: skip
    html = client.get(reverse("reports:benchmark"), query).content.decode()
    assert "B council" in html and "C council" in html and "2.17" in html  # 2 decimals on the page
    csv_text = client.get(
        reverse("reports:benchmark_download", args=["csv"]), {**query, "table": "councils"}
    ).content.decode("utf-8-sig")
    assert (
        "Pooled episodes per child,2.1667" in csv_text
        and "Mean of councils' episodes per child,3.0" in csv_text
    )
    out = io.StringIO()
    code = (cast.police_force.code or "").removeprefix("police:")
    cast.police_force.code = "police:test-force"
    cast.police_force.save()
    call_command(
        "report",
        "benchmark",
        "--area",
        "test-force",
        "--from",
        "2025-06-01",
        "--to",
        "2025-06-30",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert (
        data["pooled_episodes_per_child"] == round(13 / 6, 4)
        and data["mean_of_councils_episodes_per_child"] == 3.0
    )
    assert len(data["councils"]) == 3 and code is not None
