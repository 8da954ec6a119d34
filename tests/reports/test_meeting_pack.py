"""The weekly missing meeting pack: its lists, who sees people from interview records, PDF, downloads."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from returnhome.children.models import Child
from returnhome.interviews.models import RHI
from returnhome.interviews.services import InterviewDetails, record_interview
from returnhome.reports.meeting_pack import build_pack, normalise, week_of
from tests.conftest import Cast, missing
from tests.reports import builders as b

# The week of Monday 9 to Sunday 15 June 2025; the pack is looked at on Monday 16 June, 09:00.
MONDAY = dt.date(2025, 6, 9)
NOW = b.local(2025, 6, 16, 9)


@pytest.fixture
def week(cast: Cast) -> dict[str, Child]:
    """A: missing Tue 10 June, still missing (twice before in the 12 months, once 13 months ago); B: missing
    since Fri 6 June (open); C: back Wed 11 June, no interview (overdue since Sat 14 June);
    D: missing Sun 15 June 23:30 (in the week), back; E: missing Mon 16 June 00:30 (next week)."""
    a, bb, c, d, e = (b.mfh_child(cast) for _ in range(5))
    for when in (b.local(2024, 5, 1, 10), b.local(2024, 9, 1, 10), b.local(2025, 3, 1, 10)):
        _, earlier = b.episode(cast, a, when, when + dt.timedelta(hours=2))
        assert earlier is not None
        b.not_applicable(cast, earlier)  # closed: not overdue
    missing(cast, a, b.local(2025, 6, 10, 14), missing_from="12 High Street", risk_level="high")
    missing(cast, bb, b.local(2025, 6, 6, 22), missing_from="12 high street.")
    b.episode(cast, c, b.local(2025, 6, 11, 8), b.local(2025, 6, 11, 10))
    b.episode(cast, d, b.local(2025, 6, 15, 23, 30), b.local(2025, 6, 15, 23, 50))
    missing(cast, e, b.local(2025, 6, 16, 0, 30))
    return {"a": a, "b": bb, "c": c, "d": d, "e": e}


def _interview(cast: Cast, child: Child, at: dt.datetime, places: str, people: str) -> None:
    _, rhi = b.episode(cast, child, at - dt.timedelta(hours=10), at - dt.timedelta(hours=5))
    assert rhi is not None
    b.offer(cast, rhi, at - dt.timedelta(hours=4))
    b.accept(cast, rhi)
    record_interview(
        [RHI.objects.get(pk=rhi.pk)],
        InterviewDetails(
            kind="interview", held_at=at, place="home", mode="face_to_face", time_alone=True,
            box_o={"places_of_concern": places, "people_of_concern": people},
        ),
        [],
        acting_user=cast.manager,
    )  # fmt: skip


def test_week_runs_monday_to_sunday() -> None:
    assert week_of(dt.date(2025, 6, 15)) == (MONDAY, dt.date(2025, 6, 15))
    assert week_of(MONDAY) == (MONDAY, dt.date(2025, 6, 15))


def test_the_pack_lists_the_week(cast: Cast, week: dict[str, Child]) -> None:
    pack = build_pack(cast.manager, cast.council, MONDAY, now=NOW)
    missing_now = [(e.child_id, e.before) for e in pack.missing]  # type: ignore[attr-defined]
    # A had 2 episodes in the 12 months before the week (not the one 13 months ago); C and D none.
    assert missing_now == [(week["a"].pk, 2), (week["c"].pk, 0), (week["d"].pk, 0)]
    assert pack.missing[0].risk_level == "high"
    # Still missing: A (never returned here), B; E went missing after the week ended.
    assert {e.child_id for e in pack.still_missing} == {week["a"].pk, week["b"].pk}
    # C back Wed 10:00, deadline Sat 10:00, no interview: overdue. D's deadline is Wed 18th.
    assert [r.child_id for r in pack.overdue] == [week["c"].pk]
    # 12 months to Sunday 15 June 2025: from 16 June 2024 (so not 1 May 2024).
    assert [(r.child_id, r.episodes) for r in pack.repeat] == [(week["a"].pk, 3)]
    assert week["a"].pk in pack.repeat_this_week
    (place,) = pack.places
    assert normalise(place.text) == "12 high street" and place.mentions == 2
    assert len(place.children) == 2 and place.sources == {"missing from"}


def test_people_and_places_from_interview_records_only_for_interview_readers(
    cast: Cast, week: dict[str, Child]
) -> None:
    _interview(
        cast, week["c"], b.local(2025, 6, 12, 10), "The Park; bus station", "Jay, 07700 900123"
    )
    _interview(cast, week["d"], b.local(2025, 6, 13, 10), "the park\nMarket Square", "jay")
    manager = build_pack(cast.manager, cast.council, MONDAY, now=NOW)
    assert manager.people is not None
    assert [(normalise(p.text), p.mentions, len(p.children)) for p in manager.people] == [
        ("jay", 2, 2)
    ]
    assert "the park" in {normalise(p.text) for p in manager.places}
    lead = build_pack(cast.performance, cast.council, MONDAY, now=NOW)
    assert lead.people is None
    assert "the park" not in {normalise(p.text) for p in lead.places}


def test_page_pdf_and_downloads(cast: Cast, week: dict[str, Child]) -> None:
    client = Client()
    client.force_login(cast.front_door)
    query = {"week": "2025-06-11"}
    html = client.get(reverse("reports:meeting_pack"), query).content.decode()
    assert week["a"].full_name in html and week["e"].full_name not in html.split("Still missing")[0]
    pdf = client.get(reverse("reports:meeting_pack_pdf"), query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    csv_text = client.get(reverse("reports:meeting_pack_csv"), {**query, "table": "missing"})
    rows = csv_text.content.decode("utf-8-sig").splitlines()
    assert sum(week["a"].full_name in row for row in rows) == 1
    assert any(row.startswith(f"{week['a'].full_name},") and ",High,2," in row for row in rows)
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("reports:meeting_pack_xlsx"), {**query, "table": "places"}).content
        )
    )
    assert book.active is not None
    assert "12 High Street" in [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert client.get(reverse("reports:meeting_pack"), {"week": "not a date"}).status_code == 400


def test_the_page_shows_each_tables_first_rows_and_says_how_many(
    cast: Cast, week: dict[str, Child], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A national council's pack can hold thousands of rows: the page shows the first of each
    table and says how many in all; the table's download holds every row."""
    from returnhome.reports import meeting_pack_views

    monkeypatch.setattr(meeting_pack_views, "PAGE_ROWS", 1)
    client = Client()
    client.force_login(cast.front_door)
    query = {"week": "2025-06-11"}
    html = client.get(reverse("reports:meeting_pack"), query).content.decode()
    still = html.split(">Still missing</h2>")[1].split(">RHIs past their deadline</h2>")[0]
    assert (week["a"].full_name in still) != (week["b"].full_name in still)
    assert "Showing the first 1 of 2: download the table below for all of them." in still
    csv_text = client.get(reverse("reports:meeting_pack_csv"), {**query, "table": "still_missing"})
    rows = csv_text.content.decode("utf-8-sig")
    assert week["a"].full_name in rows and week["b"].full_name in rows


def test_a_pack_cut_for_the_page_holds_the_first_rows_of_the_whole_packs_lists(
    cast: Cast, week: dict[str, Child]
) -> None:
    """Each list of the page's pack is the first rows of the whole pack's, in the same order, with
    the same totals; the repeat list's "missing this week" is the whole week's."""
    whole = build_pack(cast.manager, cast.council, MONDAY, now=NOW)
    assert len(whole.missing) > 1 and len(whole.still_missing) > 1
    cut = build_pack(cast.manager, cast.council, MONDAY, now=NOW, rows=1)
    assert [e.pk for e in cut.missing] == [e.pk for e in whole.missing[:1]]
    assert [e.pk for e in cut.still_missing] == [e.pk for e in whole.still_missing[:1]]
    assert [r.pk for r in cut.overdue] == [r.pk for r in whole.overdue[:1]]
    assert cut.missing_total == len(whole.missing)
    assert cut.still_missing_total == len(whole.still_missing)
    assert cut.overdue_total == len(whole.overdue)
    assert cut.repeat_this_week == whole.repeat_this_week


def test_the_pages_queries_do_not_grow_with_its_rows(cast: Cast) -> None:
    """No query per row: the page with three times the children in every list (missing this
    week, still missing, RHIs past their deadline, repeat, places) runs as many queries."""
    client = Client()
    client.force_login(cast.manager)

    def add(children: int) -> None:
        for n in range(children):
            child = b.mfh_child(cast)
            for day in (2, 3):
                b.episode(cast, child, b.local(2025, 6, day, 10), b.local(2025, 6, day, 12))
            missing(cast, child, b.local(2025, 6, 10, 10 + n), missing_from="12 High Street")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("reports:meeting_pack"), {"week": MONDAY.isoformat()})
        assert response.status_code == 200
        return len(captured.captured_queries)

    add(1)
    queries()  # the cached figures of the year's other months (decision 0048)
    add(1)  # then each view after a write in June alike
    fewer = queries()
    add(4)
    assert queries() == fewer
