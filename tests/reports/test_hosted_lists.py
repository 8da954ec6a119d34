"""The lists a host council works from include the children another council placed in its area
(issue 12, decision 0039): the weekly meeting pack and the repeat-children list show their
episodes in the host's area as the host counts them (group Hosted), and only what the host may
see of them (`access.policy`: the episodes while it may still see the child, an RHI only when it
delivers it, interview records only when they are shared with it)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from returnhome.children import services as child_services
from returnhome.children.models import Child, Placement, RHIArrangement
from returnhome.interviews.models import RHI
from returnhome.interviews.services import InterviewDetails, record_interview
from returnhome.reports.dashboard import repeat_children
from returnhome.reports.meeting_pack import build_pack
from returnhome.reports.meeting_pack_views import tables
from tests.conftest import Cast, missing, returned
from tests.reports import builders as b

pytestmark = pytest.mark.django_db
# The week of Monday 9 to Sunday 15 June 2025, looked at on Monday 16 June, 09:00.
MONDAY = dt.date(2025, 6, 9)
NOW = b.local(2025, 6, 16, 9)


def _placed_in_partner_area(cast: Cast, since: dt.date, **arrangement: object) -> Child:
    child = b.lac_in_child(cast)
    child_services.record_placement(
        child,
        placement_type=Placement.Type.FOSTER,
        council_area=cast.partner_council,
        start_date=since,
        acting_user=None,
        **arrangement,  # type: ignore[arg-type]
    )
    return child


@pytest.fixture
def hosted(cast: Cast) -> dict[str, Child]:
    """Placed by the cast's council in the partner council's area:
    X since 2024: missing twice in May (back, interviewed), and Tue 10 June (still missing);
    Y since 1 May 2025: missing in January while still at home (not the host's), and Wed 11 June;
    Z since 2024, interviewed by the host council (its arrangement): back Wed 11 June, no
    interview by its deadline Sat 14 June;
    W placed there until Sat 14 June 2025 only: missing Thu 12 June — an episode the host
    counts, but the placement ended longer ago than the sharing window: the host sees it no more.
    """
    x = _placed_in_partner_area(cast, dt.date(2024, 1, 1))
    for day, where in ((dt.date(2025, 5, 5), "Bus station"), (dt.date(2025, 5, 19), "Park")):
        at = b.local(day.year, day.month, day.day, 10)
        episode = missing(cast, x, at, missing_from="Foster home", risk_level="medium")
        rhi = returned(cast, episode, at + dt.timedelta(hours=5))
        b.offer(cast, rhi, at + dt.timedelta(hours=6))
        b.accept(cast, rhi)
        record_interview(
            [RHI.objects.get(pk=rhi.pk)],
            InterviewDetails(
                kind="interview", held_at=at + dt.timedelta(hours=20), place="home",
                mode="face_to_face", time_alone=True,
                box_o={"places_of_concern": where, "people_of_concern": "Older lad called Dee"},
            ),
            [],
            acting_user=cast.manager,
        )  # fmt: skip
    missing(cast, x, b.local(2025, 6, 10, 14), missing_from="Foster home", risk_level="high")
    y = b.lac_in_child(cast)
    b.episode(cast, y, b.local(2025, 1, 20, 10), b.local(2025, 1, 20, 12))
    child_services.record_placement(
        y,
        placement_type=Placement.Type.FOSTER,
        council_area=cast.partner_council,
        start_date=dt.date(2025, 5, 1),
        acting_user=None,
    )
    b.episode(cast, y, b.local(2025, 6, 11, 9), b.local(2025, 6, 11, 11))
    z = _placed_in_partner_area(
        cast, dt.date(2024, 1, 1), rhi_arrangement=RHIArrangement.HOST_COUNCIL
    )
    b.episode(cast, z, b.local(2025, 6, 11, 8), b.local(2025, 6, 11, 10))
    w = b.lac_in_child(cast)
    child_services.record_placement(
        w,
        placement_type=Placement.Type.FOSTER,
        council_area=cast.partner_council,
        start_date=dt.date(2025, 1, 1),
        acting_user=None,
    )
    b.episode(cast, w, b.local(2025, 6, 12, 9), b.local(2025, 6, 12, 11))
    Placement.objects.filter(child=w).update(end_date=dt.date(2025, 6, 14))
    return {"x": x, "y": y, "z": z, "w": w}


def test_the_host_councils_pack_lists_the_children_placed_in_its_area(
    cast: Cast, hosted: dict[str, Child]
) -> None:
    x, y, z, w = hosted["x"], hosted["y"], hosted["z"], hosted["w"]
    pack = build_pack(cast.partner, cast.partner_council, MONDAY, now=NOW)
    # Who went missing this week: X (twice before, both in the host's area), Y (its January
    # episode was before the placement: not the host's), Z; never W (access ended).
    assert [(e.child_id, e.before) for e in pack.missing] == [  # type: ignore[attr-defined]
        (x.pk, 2),
        (z.pk, 0),
        (y.pk, 0),
    ]
    shown = {t.key: t for t in tables(pack)}
    rows = shown["missing"].rows
    assert {row[2] for row in rows} == {"Hosted"}  # as the host counts them
    assert rows[0][0] == x.full_name and rows[0][1] == x.la_child_id and rows[0][4] == "High"
    assert [e.child_id for e in pack.still_missing] == [x.pk]
    # Z's RHI is the host's to do (its arrangement), and overdue; X's and Y's are the
    # responsible council's own service's: the host does not read them.
    assert [r.child_id for r in pack.overdue] == [z.pk]
    # X went missing 3 times in the 12 months, all in the host's area.
    assert [(r.child_id, r.episodes) for r in pack.repeat] == [(x.pk, 3)]
    assert shown["repeat"].rows == [[x.full_name, x.la_child_id, 3, "Yes"]]
    assert w.pk not in {e.child_id for e in [*pack.missing, *pack.still_missing]}
    # The places of the host's episodes recur; people from the interview records only once the
    # responsible council shares them with the host.
    assert "foster home" in {p.text.casefold() for p in pack.places}
    assert pack.people == []
    Child.objects.filter(pk=x.pk).update(interviews_shared_with_host=True)
    shared = build_pack(cast.partner, cast.partner_council, MONDAY, now=NOW)
    assert [(p.text, len(p.children)) for p in shared.people or []] == [("Older lad called Dee", 1)]


def test_the_responsible_council_still_counts_them_as_placed_out(
    cast: Cast, hosted: dict[str, Child]
) -> None:
    pack = build_pack(cast.manager, cast.council, MONDAY, now=NOW)
    shown = {t.key: t for t in tables(pack)}
    assert {row[2] for row in shown["missing"].rows} == {"LAC-out"}
    assert {e.child_id for e in pack.missing} == {c.pk for c in hosted.values()}
    assert {r.child_id for r in pack.overdue} == {hosted["y"].pk, hosted["z"].pk, hosted["w"].pk}
    # X's 3 episodes, and W's and Y's are not 3: the same repeat list as the host's, from its side.
    assert [(r.child_id, r.episodes) for r in pack.repeat] == [(hosted["x"].pk, 3)]


def test_the_repeat_list_counts_the_hosts_episodes_of_each_placed_child(
    cast: Cast, hosted: dict[str, Child]
) -> None:
    """The dashboard's list, over a period: Y's January episode (placed at home then) is not
    the host's, so Y has 1 episode there, not 2."""
    period = (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    host = {r.child_id: r.episodes for r in repeat_children(cast.partner_council, *period, 2)}
    assert host == {hosted["x"].pk: 3}
    own = {r.child_id: r.episodes for r in repeat_children(cast.council, *period, 2)}
    assert own == {hosted["x"].pk: 3, hosted["y"].pk: 2}


def test_the_pack_page_shows_them_to_the_host(cast: Cast, hosted: dict[str, Child]) -> None:
    client = Client()
    client.force_login(cast.partner)
    response = client.get(reverse("reports:meeting_pack"), {"week": MONDAY.isoformat()})
    assert response.status_code == 200
    body = response.content.decode()
    assert hosted["x"].full_name in body and hosted["z"].full_name in body
    assert hosted["w"].full_name not in body
