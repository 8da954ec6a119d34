"""The dashboard's figures (monthly series, funnel, time to interview, repeat children) and page."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from returnhome.children import services as child_services
from returnhome.episodes.models import Episode
from returnhome.interviews.models import Interview
from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.reports.charts import funnel_chart, line_chart
from returnhome.reports.dashboard import dashboard_figures, months, repeat_children
from returnhome.reports.indicators import COLUMNS, indicators
from tests.conftest import Cast
from tests.reports import builders as b
from tests.reports.conftest import AUGUST, JUNE_EXPECTED

JUNE = (dt.date(2025, 6, 1), dt.date(2025, 6, 30))
MAY_TO_JULY = (dt.date(2025, 5, 1), dt.date(2025, 7, 31))
# Not whole months: the edges of the June scenario (31 May 23:30 BST, 1 July 00:30 BST) are in it.
LAST_OF_MAY_TO_FIRST_OF_JULY = (dt.date(2025, 5, 31), dt.date(2025, 7, 1))
RULES = [ClockRule(start, count) for start in ClockStart for count in ClockCount]


def test_months_are_uk_calendar_months_clipped_to_the_period() -> None:
    got = [(m.first, m.last) for m in months(dt.date(2025, 1, 15), dt.date(2025, 3, 10))]
    assert got == [
        (dt.date(2025, 1, 15), dt.date(2025, 1, 31)),
        (dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        (dt.date(2025, 3, 1), dt.date(2025, 3, 10)),
    ]


def test_episodes_at_2330_on_the_last_day_of_a_summer_month_stay_in_that_month(june: Cast) -> None:
    """31/05 23:30 BST is 22:30 UTC on 31 May: May. 30/06 23:30 BST is June; 01/07 00:30 is July."""
    figures = dashboard_figures(june.council, *MAY_TO_JULY, ClockRule())
    assert [m.number for m in figures.series.months] == [202505, 202506, 202507]
    assert figures.series.figures["Hosted"]["episodes"] == [1, 2, 1]
    assert figures.series.figures["total"]["episodes"] == [1, 11, 1]
    june_total = JUNE_EXPECTED["total"]
    for key in ("offered", "accepted", "undertaken", "within_72h"):
        assert figures.series.figures["total"][key][1] == june_total[key]


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_the_dashboards_figures_are_the_indicator_engines(june: Cast, rule: ClockRule) -> None:
    for period in (JUNE, MAY_TO_JULY, LAST_OF_MAY_TO_FIRST_OF_JULY):
        figures = dashboard_figures(june.council, *period, rule)
        report = indicators(june.council, *period, rule)
        for column in COLUMNS:
            assert figures.groups[column].counts == report.groups[column].counts, column
            assert figures.groups[column].declined_reasons == report.groups[column].declined_reasons
            for key in ("episodes", "offered", "accepted", "undertaken", "within_72h"):
                assert sum(figures.series.figures[column][key]) == report.groups[column].counts[key]


def test_june_funnel_by_hand(june: Cast) -> None:
    total = dashboard_figures(june.council, *JUNE, ClockRule()).groups["total"].counts
    funnel = [total[k] for k in ("episodes", "offered", "accepted", "undertaken", "within_72h")]
    assert funnel == [11, 8, 5, 4, 2]


def test_time_to_interview_buckets(cast: Cast) -> None:
    """Every child back at 10:00 on 2 June 2025; interviews at the bucket edges (inclusive at the top)."""
    back = b.local(2025, 6, 2, 10)
    hours = dt.timedelta(hours=1)
    minute = dt.timedelta(minutes=1)
    for after in (
        24 * hours,
        24 * hours + minute,
        72 * hours,
        72 * hours + minute,
        168 * hours + minute,
    ):
        _, rhi = b.episode(cast, b.mfh_child(cast), back - 5 * hours, back)
        assert rhi is not None
        b.offer(cast, rhi, back + minute)
        b.accept(cast, rhi)
        b.interview(cast, [rhi], back + after)
    _, carer = b.episode(cast, b.mfh_child(cast), back - 5 * hours, back)
    assert carer is not None
    b.interview(cast, [carer], back + hours, kind=Interview.Kind.CARER_ONLY)
    b.episode(cast, b.mfh_child(cast), back - 5 * hours, back)  # returned, never interviewed
    b.episode(cast, b.mfh_child(cast), back)  # still missing: no clock, not counted
    times = dashboard_figures(cast.council, *JUNE, ClockRule()).times
    assert times == {"h24": 1, "h48": 1, "h72": 1, "d7": 1, "later": 1, "no_clock": 0, "never": 2}
    # From the notification (received 30 minutes after the return): the 24 h interview is
    # 23 h 30 min after the clock start, the 24 h 1 min one also within 24 hours.
    times = dashboard_figures(cast.council, *JUNE, ClockRule(start=ClockStart.NOTIFICATION)).times
    assert times["h24"] == 2 and times["h48"] == 0 and times["h72"] == 2


def test_august_time_buckets_add_up_to_the_returned_episodes(august: Cast) -> None:
    figures = dashboard_figures(august.council, *AUGUST, ClockRule())
    total = figures.groups["total"].counts
    returned = total["episodes"] - 1  # one still missing
    assert sum(figures.times.values()) == returned
    assert figures.times["h24"] + figures.times["h48"] + figures.times["h72"] == total["within_72h"]


def test_repeat_children_three_or_more_in_the_period(cast: Cast) -> None:
    often, twice = b.mfh_child(cast), b.mfh_child(cast)
    for day in (2, 9, 16):
        b.episode(cast, often, b.local(2025, 6, day, 10), b.local(2025, 6, day, 12))
    b.episode(cast, often, b.local(2025, 5, 20, 10), b.local(2025, 5, 20, 12))  # before the period
    for day in (3, 4):
        b.episode(cast, twice, b.local(2025, 6, day, 10), b.local(2025, 6, day, 12))
    found = repeat_children(cast.council, *JUNE)
    assert [(r.child_id, r.episodes) for r in found] == [(often.pk, 3)]
    assert [(r.child_id, r.episodes) for r in repeat_children(cast.council, *MAY_TO_JULY)] == [
        (often.pk, 4)
    ]
    # Part of June: twice on the 3rd and 4th, often on the 9th and 16th (its 2nd is before).
    part = (dt.date(2025, 6, 3), dt.date(2025, 6, 16))
    assert repeat_children(cast.council, *part) == []
    found = repeat_children(cast.council, *part, threshold=2)
    assert sorted((r.child_id, r.episodes) for r in found) == sorted([(often.pk, 2), (twice.pk, 2)])


def test_repeat_children_counts_every_group_and_only_this_council(cast: Cast) -> None:
    child = b.mfh_child(cast)
    b.episode(cast, child, b.local(2025, 6, 2, 10), b.local(2025, 6, 2, 12))
    b.episode(cast, child, b.local(2025, 6, 9, 10), b.local(2025, 6, 9, 12))
    assert repeat_children(cast.council, *JUNE) == []
    b.episode(cast, child, b.local(2025, 6, 20, 10), b.local(2025, 6, 20, 12))
    child_services.record_legal_status(
        child, status="looked_after", start_date=dt.date(2025, 6, 10), acting_user=None
    )
    groups = set(Episode.objects.filter(child=child).values_list("group", flat=True))
    assert len(groups) == 2  # MFH, then looked after
    assert [(r.child_id, r.episodes) for r in repeat_children(cast.council, *JUNE)] == [
        (child.pk, 3)
    ]
    assert repeat_children(cast.partner_council, *JUNE) == []


def _get(client: Client, name: str, **params: str) -> bytes:
    query = {
        "date_from": "2025-06-01",
        "date_to": "2025-06-30",
        "clock": "return",
        "count": "hours",
    }
    response = client.get(reverse(name, args=params.pop("args", None) or []), {**query, **params})
    assert response.status_code == 200, response.content[:500]
    return response.content


def test_page_shows_tiles_charts_and_the_rule(june: Cast) -> None:
    client = Client()
    client.force_login(june.performance)
    html = _get(client, "reports:dashboard").decode()
    assert html.count('role="img"') >= 8 and "<title" in html and "<desc" in html
    assert ClockRule().describe() in html
    for column in ("MFH", "LAC-in", "LAC-out", "Hosted", "Total"):
        assert f'data-group="{column}"' in html
    assert "<script" not in html.split("</main>")[0].split('<main class="govuk-main-wrapper"')[1]


def test_a_narrow_funnel_bars_figure_stands_beside_it_inside_the_chart() -> None:
    svg = funnel_chart("f", "Funnel", [("Episodes", 12345), ("Within 72 hours", 617)])
    width = float(re.search(r'viewBox="0 0 (\d+)', svg)[1])  # type: ignore[index]
    bars = re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)
    texts = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(\w+)"[^>]*>([^<]+)<', svg)
    figures = {t: (float(x), anchor) for x, anchor, t in texts if "of episodes" in t}
    assert figures["12345 (100% of episodes)"][1] == "middle"  # wide: inside, centred
    narrow_x, narrow_w = (float(v) for v in bars[1])
    x, anchor = figures["617 (5% of episodes)"]
    assert narrow_w < 60 and anchor == "start"
    assert x > narrow_x + narrow_w  # beside the bar, not across its edges
    assert x + len("617 (5% of episodes)") * 13 * 0.62 <= width  # and within the chart


@pytest.mark.parametrize("highest", [3, 7, 10, 18, 31, 50, 99, 140, 260])
def test_the_month_by_month_axis_counts_in_whole_numbers(highest: int) -> None:
    svg = line_chart("m", "Months", ["Jan", "Feb", "Mar"], [("Episodes", [1, highest, 2])])
    ticks = [float(t) for t in re.findall(r'text-anchor="end"[^>]*>([\d.]+)<', svg)]
    assert len(ticks) >= 5 and ticks[0] == 0 and ticks[-1] >= highest
    assert all(t == int(t) for t in ticks), ticks  # never 12.5 children
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1  # evenly spaced


def test_downloads_equal_the_page(june: Cast) -> None:
    often = b.mfh_child(june)
    for day in (2, 9, 16):
        b.episode(june, often, b.local(2025, 6, day, 10), b.local(2025, 6, day, 12))
    client = Client()
    client.force_login(june.performance)
    html = _get(client, "reports:dashboard").decode()
    assert often.full_name in html
    csv_text = _get(client, "reports:dashboard_download", args=["csv"], table="funnel").decode(
        "utf-8-sig"
    )
    assert "Episodes,14," in csv_text  # the june scenario's 11 and these 3
    book = load_workbook(
        io.BytesIO(_get(client, "reports:dashboard_download", args=["xlsx"], table="repeat"))
    )
    sheet = book.active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert often.full_name in cells and 3 in cells
    for table in ("summary", "monthly", "declined", "time_to_interview"):
        assert _get(client, "reports:dashboard_download", args=["csv"], table=table)
    response = client.get(reverse("reports:dashboard_download", args=["csv"]), {"table": "nope"})
    assert response.status_code == 404
