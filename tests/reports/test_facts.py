"""The report facts (one row per episode, kept by database triggers) always equal their definition.

`expected_facts` computes every facts row in Python from the episodes, RHIs and interviews, with
none of the trigger SQL; each test makes a different kind of write (through the services, the
demo data, a merge and its undo, and writes that bypass the services: queryset updates and
deletes) and checks the table equals it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from returnhome.children import services as child_services
from returnhome.children.models import Child, Placement
from returnhome.core.db import bulk_write
from returnhome.demo.synthetic import Generator
from returnhome.episodes.models import Episode
from returnhome.imports.history.rows import ALL_COLUMNS
from returnhome.imports.importer import import_history, import_notifications
from returnhome.imports.police.rows import COLUMNS
from returnhome.interviews.models import RHI, DeclineReason, Interview
from returnhome.lib.clock import LONDON, uk_month
from returnhome.organisations.models import Organisation
from returnhome.reports.facts import rebuild_facts, uk_date_sql, uk_month_sql
from returnhome.reports.models import DUE_72_HOURS, DUE_FIELDS, DeferredFacts, EpisodeFacts
from tests.conftest import Cast
from tests.factories import ChildFactory
from tests.reports import builders as b

pytestmark = pytest.mark.django_db
DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats"


def _previous(rows: list[Episode]) -> dict[int, dt.datetime | None]:
    """For each episode, when the one before it (by time, then id) was reported missing."""
    result: dict[int, dt.datetime | None] = {}
    before: dt.datetime | None = None
    for episode in sorted(rows, key=lambda e: (e.reported_missing_at, e.pk)):
        result[episode.pk] = before
        before = episode.reported_missing_at
    return result


def _ms(later: dt.datetime | None, earlier: dt.datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return round((later - earlier).total_seconds() * 1000)


def _host(e: Episode, placements: list[Placement]) -> int | None:
    """The council whose area the child was placed in, out of area, on the UK date `e` began,
    for an episode its council counts as LAC-out (decision 0042)."""
    if e.group != "LAC-out":
        return None
    day = e.reported_missing_at.astimezone(LONDON).date()
    during = [
        p
        for p in placements
        if p.child_id == e.child_id
        and p.out_of_area
        and p.council_area_id != e.council_id
        and p.start_date <= day
        and (p.end_date is None or p.end_date >= day)
    ]
    return max(during, key=lambda p: (p.start_date, p.pk)).council_area_id if during else None


def expected_facts() -> dict[int, dict[str, Any]]:
    episodes = list(Episode.objects.all())
    placements = list(Placement.objects.all())
    hosts = {e.pk: _host(e, placements) for e in episodes}
    rhis = {r.episode_id: r for r in RHI.objects.all()}
    interviews = {i.pk: i for i in Interview.objects.all()}
    by_child: dict[tuple[Any, ...], list[Episode]] = defaultdict(list)
    by_interview: dict[tuple[Any, ...], list[Episode]] = defaultdict(list)
    for e in episodes:
        by_child[("child", e.child_id, e.council_id)].append(e)
        by_child[("child", e.child_id, e.council_id, e.group)].append(e)
        rhi = rhis.get(e.pk)
        if rhi is not None and rhi.interview_id is not None:
            by_interview[("interview", rhi.interview_id, e.council_id)].append(e)
            by_interview[("interview", rhi.interview_id, e.council_id, e.group)].append(e)
        if hosts[e.pk] is not None:
            by_child[("host", e.child_id, e.council_id, hosts[e.pk])].append(e)
            if rhi is not None and rhi.interview_id is not None:
                by_interview[
                    ("host interview", rhi.interview_id, e.council_id, hosts[e.pk])
                ].append(e)
    previous = {key: _previous(rows) for key, rows in {**by_child, **by_interview}.items()}
    expected = {}
    for e in episodes:
        rhi = rhis.get(e.pk)
        interview = interviews.get(rhi.interview_id) if rhi and rhi.interview_id else None
        held = interview.held_at if interview else None
        offer = rhi.offer_made_at if rhi else None
        row: dict[str, Any] = {
            "council_id": e.council_id,
            "group": e.group,
            "reported_missing_at": e.reported_missing_at,
            "month": uk_month(e.reported_missing_at),
            "child_id": e.child_id,
            "interview_id": interview.pk if interview else None,
            "returned": e.returned_at is not None,
            "offer_made": offer is not None,
            "outcome": rhi.outcome if rhi else "",
            "decline_reason": rhi.decline_reason if rhi else "",
            "interview_kind": interview.kind if interview else "",
            "cce_identified": bool(interview and interview.cce_identified),
            "cse_identified": bool(interview and interview.cse_identified),
            "child_previous_in_group_at": previous[("child", e.child_id, e.council_id, e.group)][
                e.pk
            ],
            "child_previous_at": previous[("child", e.child_id, e.council_id)][e.pk],
            "interview_previous_in_group_at": (
                previous[("interview", interview.pk, e.council_id, e.group)][e.pk]
                if interview
                else None
            ),
            "interview_previous_at": (
                previous[("interview", interview.pk, e.council_id)][e.pk] if interview else None
            ),
            "host_council_id": hosts[e.pk],
            "host_child_previous_at": (
                previous[("host", e.child_id, e.council_id, hosts[e.pk])][e.pk]
                if hosts[e.pk]
                else None
            ),
            "host_interview_previous_at": (
                previous[("host interview", interview.pk, e.council_id, hosts[e.pk])][e.pk]
                if hosts[e.pk] and interview
                else None
            ),
        }
        for name in DUE_FIELDS:
            due = getattr(rhi, name) if rhi else None
            row[f"held_by_{name}"] = held is not None and due is not None and held <= due
            row[f"offered_by_{name}"] = offer is not None and due is not None and offer <= due
        for name in DUE_72_HOURS.values():
            row[f"ms_after_{name}"] = _ms(held, getattr(rhi, name) if rhi else None)
        expected[e.pk] = row
    return expected


def stored_facts() -> dict[int, dict[str, Any]]:
    return {
        row.pop("episode_id"): row
        for row in EpisodeFacts.objects.values()  # every column
    }


def assert_facts_are_right() -> None:
    expected, stored = expected_facts(), stored_facts()
    assert stored.keys() == expected.keys()
    wrong = {pk: (stored[pk], expected[pk]) for pk in expected if stored[pk] != expected[pk]}
    assert not wrong, next(iter(wrong.items()))


def accepted(cast: Cast, rhi: RHI, at: dt.datetime) -> RHI:
    b.offer(cast, rhi, at)
    return b.accept(cast, rhi)


def test_demo_data_every_state_the_product_has() -> None:
    call_command("demo-data", seed=3, children=40, today="2026-03-14", stdout=io.StringIO())
    facts = stored_facts()
    assert len(facts) == Episode.objects.count() > 100
    kinds = {row["interview_kind"] for row in facts.values()}
    assert kinds == {"", Interview.Kind.INTERVIEW, Interview.Kind.CARER_ONLY}
    assert any(row["interview_previous_at"] for row in facts.values())  # an interview covers two
    assert any(row["child_previous_at"] for row in facts.values())
    assert_facts_are_right()
    # A rebuild from scratch (as after a restore) derives the same rows.
    rebuild_facts()
    assert_facts_are_right()


def test_every_step_of_the_journey(cast: Cast) -> None:
    child = b.mfh_child(cast)
    first, rhi = b.episode(cast, child, b.local(2025, 5, 2, 22), b.local(2025, 5, 3, 1))
    assert rhi is not None
    assert_facts_are_right()  # returned, referred, deadlines under every rule
    b.offer(cast, rhi, b.local(2025, 5, 4, 9))
    assert_facts_are_right()
    b.accept(cast, rhi)
    second, other = b.episode(cast, child, b.local(2025, 5, 5, 20), b.local(2025, 5, 6, 8))
    assert other is not None
    b.offer(cast, other, b.local(2025, 5, 6, 9))
    b.accept(cast, other)
    b.episode(cast, child, b.local(2025, 5, 7, 20))  # still missing
    interview = b.interview(cast, [rhi, other], b.local(2025, 5, 6, 10), cce=True)
    facts = stored_facts()
    assert facts[second.pk]["interview_previous_at"] == first.reported_missing_at
    assert facts[second.pk]["child_previous_at"] == first.reported_missing_at
    assert_facts_are_right()
    b.review(cast, interview, {})
    assert_facts_are_right()


def test_a_decline_and_a_change_of_group(cast: Cast) -> None:
    child = b.mfh_child(cast)
    _, rhi = b.episode(cast, child, b.local(2025, 6, 1, 10), b.local(2025, 6, 1, 12))
    assert rhi is not None
    b.offer(cast, rhi, b.local(2025, 6, 2, 9))
    b.decline(cast, rhi, DeclineReason.values[0])
    b.episode(cast, child, b.local(2025, 6, 20, 10), b.local(2025, 6, 20, 12))
    # Becoming looked after from 10 June re-derives the second episode's group.
    child_services.record_legal_status(
        child, status="looked_after", start_date=dt.date(2025, 6, 10), acting_user=None
    )
    assert set(EpisodeFacts.objects.values_list("group", flat=True)) == {"MFH", "LAC-in"}
    assert_facts_are_right()


def test_merging_two_records_of_a_child_and_undoing_it(cast: Cast) -> None:
    keep, duplicate = ChildFactory(council=cast.council), ChildFactory(council=cast.council)
    _, rhi = b.episode(cast, keep, b.local(2025, 6, 5, 10), b.local(2025, 6, 5, 12))
    _, rhi2 = b.episode(cast, duplicate, b.local(2025, 6, 1, 10), b.local(2025, 6, 1, 12))
    assert rhi is not None and rhi2 is not None
    b.interview(cast, [accepted(cast, rhi, b.local(2025, 6, 5, 13))], b.local(2025, 6, 6, 10))
    merge = child_services.merge_children(
        keep, duplicate, acting_user=cast.front_door, reason="Same child, two records"
    )
    assert set(EpisodeFacts.objects.values_list("child_id", flat=True)) == {keep.pk}
    assert_facts_are_right()  # the kept child's first episode is now the duplicate's
    child_services.undo_merge(merge, acting_user=cast.front_door, reason="Not the same child")
    assert_facts_are_right()


def test_writes_that_bypass_the_services_are_kept_too(cast: Cast) -> None:
    child = b.lac_in_child(cast)
    first, rhi = b.episode(cast, child, b.local(2025, 7, 1, 10), b.local(2025, 7, 1, 12))
    second, rhi2 = b.episode(cast, child, b.local(2025, 7, 3, 10), b.local(2025, 7, 3, 12))
    assert rhi is not None and rhi2 is not None
    interview = b.interview(
        cast,
        [accepted(cast, r, b.local(2025, 7, 3, 13)) for r in (rhi, rhi2)],
        b.local(2025, 7, 3, 15),
    )
    Interview.objects.filter(pk=interview.pk).update(
        held_at=b.local(2025, 7, 9, 15), kind=Interview.Kind.CARER_ONLY, cse_identified=True
    )
    assert_facts_are_right()
    Episode.objects.filter(pk=first.pk).update(reported_missing_at=b.local(2025, 7, 4, 10))
    assert_facts_are_right()  # the order of the child's (and the interview's) episodes changed
    RHI.objects.filter(pk=rhi2.pk).update(
        interview=None, offer_made_at=b.local(2025, 7, 3, 13), outcome=RHI.Outcome.ACCEPTED
    )
    assert_facts_are_right()
    Episode.objects.filter(pk=second.pk).update(group="Hosted", council=cast.partner_council)
    assert_facts_are_right()
    rhi2.contact_attempts.all().delete()
    RHI.objects.filter(pk=rhi2.pk).delete()
    assert_facts_are_right()
    second.notifications.all().delete()
    second.direct_reports.all().delete()
    Episode.objects.filter(pk=second.pk).delete()
    assert_facts_are_right()
    assert not EpisodeFacts.objects.filter(pk=second.pk).exists()


def test_an_episode_moved_across_a_uk_month_end_changes_month(cast: Cast) -> None:
    child = b.mfh_child(cast)
    episode, _rhi = b.episode(cast, child, b.local(2025, 6, 30, 12), b.local(2025, 7, 2, 12))
    assert EpisodeFacts.objects.get(pk=episode.pk).month == 202506
    # 23:30 UTC on 30 June is 00:30 on 1 July in British Summer Time.
    at = dt.datetime(2025, 6, 30, 23, 30, tzinfo=dt.UTC)
    Episode.objects.filter(pk=episode.pk).update(reported_missing_at=at)
    assert EpisodeFacts.objects.get(pk=episode.pk).month == 202507
    assert_facts_are_right()


def _month_edges(year: int) -> list[dt.datetime]:
    """Instants either side of every UK and UTC month end of a year, and of both clock changes."""
    tick = dt.timedelta(microseconds=1)
    instants = []
    for month in range(1, 13):
        local_start = dt.datetime(year, month, 1, tzinfo=LONDON).astimezone(dt.UTC)
        utc_start = dt.datetime(year, month, 1, tzinfo=dt.UTC)
        for edge in (local_start, utc_start, utc_start - dt.timedelta(hours=1)):
            instants += [edge - tick, edge, edge + dt.timedelta(minutes=30)]
    for month in (3, 10):  # the last Sunday, 01:00 UTC
        last = dt.date(year, month, 31)
        change = dt.datetime.combine(
            last - dt.timedelta(days=(last.weekday() + 1) % 7), dt.time(1), tzinfo=dt.UTC
        )
        instants += [change - tick, change, change + tick]
    return instants


def test_the_stored_month_is_the_uk_calendar_month_in_sql_as_in_python() -> None:
    """The facts' month SQL (SQLite spells out the UK rule) against the time-zone database."""
    instants = [i for year in range(1972, 2100) for i in _month_edges(year)]
    # Compare as the database compares what it stores (SQLite: Django's text for the instant).
    params = [connection.ops.adapt_datetimefield_value(i) for i in instants]
    wrong = []
    with connection.cursor() as cursor:
        for first in range(0, len(params), 500):
            batch = params[first : first + 500]
            values = ", ".join(["(%s)"] * len(batch))
            month = uk_month_sql(connection.vendor, "x.t")
            sql = f"WITH x(t) AS (VALUES {values}) SELECT {month} FROM x"  # noqa: S608
            cursor.execute(sql, batch)
            got = [row[0] for row in cursor.fetchall()]
            expected = [uk_month(i) for i in instants[first : first + 500]]
            wrong += [
                (i, g, e)
                for i, g, e in zip(instants[first:], got, expected, strict=False)
                if g != e
            ]
    assert len(instants) > 10_000
    assert not wrong, wrong[:5]


def test_the_uk_date_in_sql_is_the_uk_calendar_date() -> None:
    """The hosting rule's date SQL (SQLite spells out summer time) against the time-zone database,
    for every year under the current summer time rule (1996 on)."""
    instants = [i for year in range(1996, 2100) for i in _month_edges(year)]
    instants += [i + dt.timedelta(hours=h) for i in instants[::40] for h in (-2, 22, 23)]
    params = [connection.ops.adapt_datetimefield_value(i) for i in instants]
    wrong = []
    with connection.cursor() as cursor:
        for first in range(0, len(params), 500):
            batch = params[first : first + 500]
            values = ", ".join(["(%s)"] * len(batch))
            day = uk_date_sql(connection.vendor, "x.t")
            sql = f"WITH x(t) AS (VALUES {values}) SELECT {day} FROM x"  # noqa: S608
            cursor.execute(sql, batch)
            got = [str(row[0]) for row in cursor.fetchall()]
            expected = [str(i.astimezone(LONDON).date()) for i in instants[first : first + 500]]
            wrong += [
                (i, g, e)
                for i, g, e in zip(instants[first:], got, expected, strict=False)
                if g != e
            ]
    assert not wrong, wrong[:5]


# --------------------------------------------------------------------------- imports
# An import defers the triggers and derives the facts of the children it touched once, at the
# end of its transaction (decision 0036): the table must be exactly what the triggers, and a
# rebuild from scratch, give.


def _csv(rows: list[dict[str, str]], columns: Any) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _found(row: dict[str, str], hours: int) -> dict[str, str]:
    at = dt.datetime.strptime(row["event_at"], "%Y-%m-%dT%H:%M%z") + dt.timedelta(hours=hours)
    return {
        **row,
        "event": "found",
        "event_at": at.strftime("%Y-%m-%dT%H:%M%z"),
        "last_seen_at": "",
        "missing_from": "",
        "risk_level": "",
        "found_location": "Found by police",
    }


def assert_an_import_left_the_facts_right() -> None:
    assert_facts_are_right()
    assert not DeferredFacts.objects.exists()  # nothing left deferred
    imported = stored_facts()
    rebuild_facts()
    assert stored_facts() == imported


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one by one"])
def test_a_police_import_derives_the_facts_of_the_children_it_touched(per_row: bool) -> None:
    force = Organisation.objects.create(
        code="police:SYN", name="Synthetic Police", kind=Organisation.Kind.POLICE
    )
    council = Organisation.objects.create(
        la_code="Z99", name="Synthetic Council", kind=Organisation.Kind.COUNCIL, police_force=force
    )
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
    missing = [r.values for r in generator.labelled_rows(register, 40, new_share=0.2)]
    # Some return in the same file, the others in the next one (episodes already recorded).
    first = missing[:30] + [_found(r, 3) for r in missing[:15]]
    report = import_notifications(_csv(first, COLUMNS), council, name="first.csv", per_row=per_row)
    assert report.summary["committed"], report.summary["rejected"]
    assert_an_import_left_the_facts_right()
    returned = Episode.objects.filter(returned_at__isnull=False).count()
    second = [_found(r, 5) for r in missing[15:30]] + missing[30:]
    report = import_notifications(_csv(second, COLUMNS), council, name="next.csv", per_row=per_row)
    assert report.summary["committed"], report.summary["rejected"]
    assert Episode.objects.filter(returned_at__isnull=False).count() > returned > 0
    assert_an_import_left_the_facts_right()
    # Outside an import the triggers derive row by row again.
    episode = Episode.objects.filter(returned_at__isnull=False).first()
    assert episode is not None
    Episode.objects.filter(pk=episode.pk).update(reported_missing_at=b.local(2020, 1, 1, 9))
    assert_facts_are_right()


def test_a_history_import_and_its_changes_derive_the_facts() -> None:
    council = Organisation.objects.get(la_code="886")
    with (DOCS / "history-example.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    report = import_history(_csv(rows, ALL_COLUMNS), council, name="history.csv")
    assert report.summary["committed"], report.summary["rejected"]
    assert_an_import_left_the_facts_right()
    # Again with changes: an interview gone, an episode moved, one more episode.
    rows[0].update(
        interview_at="", rhi_outcome="declined", decline_reason="child_refused", cce_identified="n"
    )
    rows[2].update(reported_missing_at="2024-06-20T18:00")
    rows.append({**rows[1], "episode_id": "OLD-0099", "reported_missing_at": "2024-12-01 10:00",
                 "returned_at": "2024-12-01 20:00", "notification_received_at": "",
                 "rhi_offered_at": "", "rhi_outcome": "", "decline_reason": "",
                 "interview_at": "", "carer_only": "n", "cce_identified": "n"})  # fmt: skip
    report = import_history(_csv(rows, ALL_COLUMNS), council, name="history.csv")
    assert report.summary["committed"], report.summary["rejected"]
    assert report.summary["episodes_updated"] >= 2 and report.summary["episodes_created"] == 1
    assert_an_import_left_the_facts_right()


# A writer that reports the children it touches (the police bulk commit, decision 0046) has the
# triggers skip its rows: the children it reports, and those sharing an interview with them, are
# derived at the end, as the triggers would have noted them.


def test_a_bulk_write_that_reports_its_children_derives_theirs_and_their_interviews(
    cast: Cast,
) -> None:
    one, other = b.mfh_child(cast), b.mfh_child(cast)
    first, rhi = b.episode(cast, one, b.local(2025, 5, 2, 22), b.local(2025, 5, 3, 1))
    second, rhi2 = b.episode(cast, one, b.local(2025, 5, 4, 20), b.local(2025, 5, 5, 8))
    assert rhi is not None and rhi2 is not None
    b.interview(
        cast,
        [accepted(cast, rhi, b.local(2025, 5, 5, 9)), accepted(cast, rhi2, b.local(2025, 5, 5, 9))],
        b.local(2025, 5, 5, 10),
    )
    # An episode of another child in the same interview (as a merge undone can leave it).
    Episode.objects.filter(pk=second.pk).update(child=other)
    RHI.objects.filter(pk=rhi2.pk).update(child=other)
    assert stored_facts()[second.pk]["interview_previous_at"] == first.reported_missing_at
    with transaction.atomic(), bulk_write(reports_children=True) as written:
        # Skipped by the triggers: nothing derived until the end, even for the other child.
        Episode.objects.filter(pk=first.pk).update(reported_missing_at=b.local(2025, 5, 1, 9))
        assert stored_facts()[second.pk]["interview_previous_at"] == first.reported_missing_at
        written.touched([one.pk])  # only the child written to
    assert stored_facts()[second.pk]["interview_previous_at"] == b.local(2025, 5, 1, 9)
    assert_an_import_left_the_facts_right()


def test_a_bulk_write_that_does_not_report_its_children_cannot_sit_in_one_that_does() -> None:
    with (
        transaction.atomic(),
        bulk_write(reports_children=True),
        pytest.raises(RuntimeError),
        bulk_write(),
    ):
        pass
