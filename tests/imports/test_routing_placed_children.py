"""A notification reaching the council a child is placed in lands on the responsible council's one
record (issue 12, item 3): by the council child ID or by name and date of birth, only for a child
that council placed here now; otherwise the responsible council's front door decides. Everyone
responsible is told, and the RHI goes to the provider named for the placement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.alerts.models import Alert
from returnhome.children import services as child_services
from returnhome.children.models import Child, Placement, RHIArrangement
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.importer import import_notifications
from returnhome.imports.models import PendingNotification, ReviewItem
from returnhome.interviews.models import RHI
from returnhome.organisations.models import Organisation
from tests.factories import (
    ChildFactory,
    CouncilFactory,
    OrganisationFactory,
    PoliceFactory,
    UserFactory,
)
from tests.imports.import_helpers import csv_bytes, found, row


@pytest.fixture
def two_councils(db: None) -> dict[str, object]:
    a_force = PoliceFactory(name="Medway Police")
    b_force = PoliceFactory(name="Testshire Police")
    a = CouncilFactory(name="Medway", la_code="A01", police_force=a_force)
    b = CouncilFactory(name="Kent", la_code="B01", police_force=b_force)
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Named charity")
    users = {
        "a_front_door": UserFactory(organisation=a, role=Role.FRONT_DOOR),
        "b_front_door": UserFactory(organisation=b, role=Role.FRONT_DOOR),
        "a_police": UserFactory(organisation=a_force, role=Role.POLICE),
        "b_police": UserFactory(organisation=b_force, role=Role.POLICE),
        "charity": UserFactory(organisation=charity, role=Role.MANAGER),
    }
    alfie = ChildFactory(
        council=a,
        forename="Alfie",
        surname="Brown",
        date_of_birth=dt.date(2010, 4, 3),
        sex="M",
        la_child_id="MED-7",
    )
    child_services.record_placement(
        alfie,
        placement_type=Placement.Type.HOME_PRIVATE,
        council_area=b,
        start_date=dt.date(2024, 1, 1),
        rhi_arrangement=RHIArrangement.COMMISSIONED,
        rhi_provider=charity,
        acting_user=None,
    )
    return {"a": a, "b": b, "alfie": alfie, "charity_org": charity, **users}


def alfie_row(**values: str) -> dict[str, str]:
    return row(
        forename="Alfie",
        surname="Brown",
        date_of_birth="03/04/2010",
        sex="M",
        postcode="",
        police_reference="KEN-1",
        **values,
    )


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one-by-one"])
@pytest.mark.parametrize(
    "identified_by", [{"la_child_id": "MED-7", "la_code": "A01"}, {}], ids=["child ID", "name+DOB"]
)
def test_the_host_councils_police_file_lands_on_the_responsible_councils_record(
    two_councils: dict[str, object], per_row: bool, identified_by: dict[str, str]
) -> None:
    a, b, alfie = two_councils["a"], two_councils["b"], two_councils["alfie"]
    assert isinstance(b, Organisation) and isinstance(alfie, Child)
    report = import_notifications(
        csv_bytes([alfie_row(**identified_by)]), b, name="kent.csv", per_row=per_row
    )
    assert report.summary["committed"], report.summary
    episode = Episode.objects.get(child=alfie)
    assert episode.council == a and episode.is_open
    assert Child.objects.filter(council=b).count() == 0  # no second child at the host
    told = set(
        Alert.objects.filter(kind=Alert.Kind.PLACED_CHILD_MISSING).values_list(
            "recipient__username", flat=True
        )
    )
    expected = {
        two_councils[k].username
        for k in ("a_front_door", "b_front_door", "a_police", "b_police", "charity")
    }  # type: ignore[attr-defined]
    assert told == expected
    # Found, in the host's next file: the one episode closes, the RHI goes to the named provider.
    import_notifications(
        csv_bytes(
            [
                found(**{**alfie_row(), "event": "found", "event_at": "15/03/2025 08:10"})
                | identified_by
            ]
        ),
        b,
        name="kent2.csv",
        per_row=per_row,
    )
    episode.refresh_from_db()
    assert not episode.is_open
    rhi = RHI.objects.get(episode=episode)
    assert rhi.provider == two_councils["charity_org"] and rhi.council == a
    # The same file again changes nothing.
    again = import_notifications(csv_bytes([alfie_row(**identified_by)]), b, name="kent.csv")
    assert again.summary["episodes_created"] == 0
    assert Episode.objects.filter(child=alfie).count() == 1


def test_a_child_not_placed_here_is_never_attached_and_its_council_decides(
    two_councils: dict[str, object],
) -> None:
    """Alfie's placement in Kent has ended: Kent's file naming Medway does not reach his record,
    and makes no child at Kent either — Medway's front door decides."""
    a, b, alfie = two_councils["a"], two_councils["b"], two_councils["alfie"]
    assert isinstance(alfie, Child) and isinstance(b, Organisation)
    alfie.placements.update(end_date=timezone.localdate() - dt.timedelta(days=1))
    report = import_notifications(
        csv_bytes([alfie_row(la_child_id="MED-7", la_code="A01")]), b, name="kent.csv"
    )
    assert report.summary["committed"]
    assert not Episode.objects.filter(child=alfie).exists()
    assert Child.objects.filter(council=b).count() == 0
    item = ReviewItem.objects.get()
    assert item.council == a and item.reason == ReviewItem.Reason.NAMES_ANOTHER_COUNCIL
    assert item.suggested_child is None


def test_a_child_of_another_council_with_no_placement_here_is_not_matched(
    two_councils: dict[str, object],
) -> None:
    """A third council's child with the same name and date of birth, not placed in Kent."""
    b, alfie = two_councils["b"], two_councils["alfie"]
    assert isinstance(b, Organisation) and isinstance(alfie, Child)
    other = ChildFactory(
        council=CouncilFactory(),
        forename="Alfie",
        surname="Brown",
        date_of_birth=alfie.date_of_birth,
    )
    alfie.placements.update(end_date=timezone.localdate() - dt.timedelta(days=1))
    import_notifications(csv_bytes([alfie_row()]), b, name="kent.csv")
    assert not Episode.objects.filter(child__in=[alfie, other]).exists()
    assert Episode.objects.get().child.council == b  # a record of its own, as before


def test_users_are_told_nothing_about_children_placed_in_their_own_area(
    two_councils: dict[str, object],
) -> None:
    a = two_councils["a"]
    assert isinstance(a, Organisation)
    child = ChildFactory(
        council=a, forename="Ina", surname="Area", date_of_birth=dt.date(2011, 1, 1)
    )
    child_services.record_placement(
        child,
        placement_type=Placement.Type.FOSTER,
        council_area=a,
        start_date=dt.date(2024, 1, 1),
        acting_user=None,
    )
    import_notifications(
        csv_bytes([row(forename="Ina", surname="Area", date_of_birth="01/01/2011", postcode="")]),
        a,
        name="medway.csv",
    )
    assert Episode.objects.filter(child=child).exists()
    assert not Alert.objects.filter(kind=Alert.Kind.PLACED_CHILD_MISSING).exists()
    assert isinstance(two_councils["b_front_door"], User)


def test_either_front_door_records_by_hand_on_the_one_record(
    two_councils: dict[str, object],
) -> None:
    """The host council's front door reports the child missing and back by hand: on the
    responsible council's record, with everyone told; it may not for a child not placed there."""
    a, alfie, b_front_door = two_councils["a"], two_councils["alfie"], two_councils["b_front_door"]
    assert isinstance(alfie, Child) and isinstance(b_front_door, User)
    episode = episode_services.record_missing(
        alfie,
        reported_missing_at=timezone.now() - dt.timedelta(hours=5),
        received_at=timezone.now() - dt.timedelta(hours=4),
        source=Notification.Source.CHILDRENS_HOME,
        acting_user=b_front_door,
    )
    assert episode.council == a
    episode_services.record_return(
        episode,
        returned_at=timezone.now() - dt.timedelta(hours=1),
        received_at=timezone.now() - dt.timedelta(hours=1),
        source=Notification.Source.CHILDRENS_HOME,
        acting_user=b_front_door,
    )
    assert RHI.objects.get(episode=episode).provider == two_councils["charity_org"]
    assert (
        Alert.objects.filter(kind=Alert.Kind.PLACED_CHILD_MISSING).count() == 10
    )  # five people, twice
    alfie.placements.update(end_date=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        episode_services.record_missing(
            alfie,
            reported_missing_at=timezone.now() - dt.timedelta(minutes=30),
            received_at=timezone.now() - dt.timedelta(minutes=20),
            source=Notification.Source.CHILDRENS_HOME,
            acting_user=b_front_door,
        )


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one-by-one"])
def test_the_responsible_councils_own_file_sends_the_rhi_to_the_named_provider(
    two_councils: dict[str, object], per_row: bool
) -> None:
    a, alfie = two_councils["a"], two_councils["alfie"]
    assert isinstance(a, Organisation) and isinstance(alfie, Child)
    rows = [
        alfie_row(la_child_id="MED-7"),
        found(
            **{**alfie_row(la_child_id="MED-7"), "event": "found", "event_at": "15/03/2025 08:10"}
        ),
    ]
    import_notifications(csv_bytes(rows), a, name="medway.csv", per_row=per_row)
    rhi = RHI.objects.get(episode__child=alfie)
    assert rhi.provider == two_councils["charity_org"] and rhi.council == a


def _placed_with_no_provider(two_councils: dict[str, object]) -> Child:
    """Bea: looked after by Medway, placed in Kent, her RHI by Medway's own service (no provider
    named), so the bulk commit writes her episodes itself rather than through the services."""
    a, b = two_councils["a"], two_councils["b"]
    assert isinstance(a, Organisation) and isinstance(b, Organisation)
    bea = ChildFactory(
        council=a,
        forename="Bea",
        surname="Stone",
        date_of_birth=dt.date(2011, 5, 6),
        sex="F",
        la_child_id="MED-9",
    )
    child_services.record_placement(
        bea,
        placement_type=Placement.Type.FOSTER,
        council_area=b,
        start_date=dt.date(2024, 1, 1),
        rhi_arrangement=RHIArrangement.OWN_SERVICE,
        acting_user=None,
    )
    return bea


def _told() -> list[tuple[str, str]]:
    return sorted(
        Alert.objects.filter(kind=Alert.Kind.PLACED_CHILD_MISSING).values_list(
            "recipient__username", "title"
        )
    )


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one-by-one"])
def test_the_responsible_councils_own_file_tells_everyone_with_no_provider_named(
    two_councils: dict[str, object], per_row: bool
) -> None:
    """Issue 12, item 3: every route alerts the responsible council, the host council, the RHI
    provider (none named: the responsible council's own managers) and both forces — the bulk
    commit exactly as the services do, missing and found."""
    a = two_councils["a"]
    assert isinstance(a, Organisation)
    a_manager = UserFactory(organisation=a, role=Role.MANAGER)
    bea = _placed_with_no_provider(two_councils)
    bea_row = row(
        forename="Bea",
        surname="Stone",
        date_of_birth="06/05/2011",
        sex="F",
        postcode="",
        la_child_id="MED-9",
        police_reference="MED-55",
    )
    rows = [bea_row, found(**{**bea_row, "event": "found", "event_at": "15/03/2025 08:10"})]
    report = import_notifications(csv_bytes(rows), a, name="medway.csv", per_row=per_row)
    assert report.summary["committed"], report.summary
    episode = Episode.objects.get(child=bea)
    assert episode.council == a and not episode.is_open
    expected = {
        two_councils[k].username  # type: ignore[attr-defined]
        for k in ("a_front_door", "b_front_door", "a_police", "b_police")
    } | {a_manager.username}
    told = _told()
    assert {who for who, _title in told} == expected
    assert len(told) == 2 * len(expected)  # missing and found, once each
    assert sum("is reported missing" in title for _who, title in told) == len(expected)
    # The other children of the same file (placed in their own area) tell no one.
    import_notifications(csv_bytes([row(police_reference="MED-56")]), a, name="medway2.csv")
    assert len(_told()) == 2 * len(expected)


def test_the_history_import_tells_everyone_of_a_child_still_missing(
    two_councils: dict[str, object],
) -> None:
    """A history file's episode still open (the child is missing now) of a child placed out of
    area: everyone responsible hears; its closed episodes are history and alert no one."""
    from returnhome.imports.importer import import_history
    from tests.imports.test_history_import import csv_bytes as history_csv
    from tests.imports.test_history_import import row as history_row

    a = two_councils["a"]
    assert isinstance(a, Organisation)
    placed = {"legal_status": "looked_after", "responsible_la": "A01", "placement_la": "B01"}
    closed = history_row(child_id="MED-20", episode_id="H-1", **placed)
    still_missing = history_row(
        child_id="MED-20",
        episode_id="H-2",
        reported_missing_at="01/02/2025 19:30",
        returned_at="",
        notification_received_at="",
        rhi_offered_at="",
        rhi_outcome="",
        interview_at="",
        **placed,
    )
    report = import_history(history_csv([closed, still_missing]), a, name="history.csv")
    assert report.summary["committed"], report.summary
    open_episode = Episode.objects.get(external_id="H-2")
    assert open_episode.is_open and open_episode.group == "LAC-out"
    told = _told()
    assert {who for who, _title in told} == {
        two_councils[k].username  # type: ignore[attr-defined]
        for k in ("a_front_door", "b_front_door", "a_police", "b_police")
    }
    assert all("is reported missing" in title for _who, title in told)


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one-by-one"])
def test_a_found_at_the_host_naming_another_council_goes_to_that_councils_front_door(
    two_councils: dict[str, object], per_row: bool
) -> None:
    """Kent's police file reports found a child it holds no episode for, naming Medway, whom no
    child Medway placed in Kent fits: Medway's front door reviews it (not Kent's), and Kent
    keeps nothing waiting (issue 12, item 3: the same rule as a missing notification)."""
    a, b = two_councils["a"], two_councils["b"]
    assert isinstance(a, Organisation) and isinstance(b, Organisation)
    stranger = found(
        forename="Cara",
        surname="Unknown",
        date_of_birth="01/01/2012",
        postcode="",
        la_code="A01",
        la_child_id="MED-404",
        police_reference="KEN-77",
    )
    report = import_notifications(csv_bytes([stranger]), b, name="kent.csv", per_row=per_row)
    assert report.summary["committed"], report.summary
    item = ReviewItem.objects.get()
    assert item.council == a and item.event == "found"
    assert item.reason == ReviewItem.Reason.NAMES_ANOTHER_COUNCIL
    assert item.suggested_child is None and item.candidates == []  # nothing of Kent's shown
    assert not PendingNotification.objects.exists()
    assert Child.objects.filter(council=b).count() == 0


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one-by-one"])
@pytest.mark.parametrize("missing_to", ["a", "b"], ids=["missing to Medway", "missing to Kent"])
def test_a_found_at_the_host_for_a_placed_child_waits_at_the_responsible_council(
    two_councils: dict[str, object], per_row: bool, missing_to: str
) -> None:
    """Kent's police file reports Alfie (placed in Kent by Medway, matched by his Medway child
    ID) found before any missing notification: it waits on Medway's record, at Medway's front
    door, and joins the episode when the missing one arrives at either council."""
    a, b, alfie = two_councils["a"], two_councils["b"], two_councils["alfie"]
    assert isinstance(a, Organisation) and isinstance(b, Organisation)
    assert isinstance(alfie, Child)
    ids = {"la_child_id": "MED-7", "la_code": "A01"}
    back = found(**{**alfie_row(**ids), "event": "found", "event_at": "15/03/2025 08:10"})
    import_notifications(csv_bytes([back]), b, name="kent.csv", per_row=per_row)
    waiting = PendingNotification.objects.get()
    assert waiting.council == a and waiting.child == alfie
    assert waiting.status == PendingNotification.Status.WAITING
    assert not Episode.objects.exists()
    receiver = two_councils[missing_to]
    assert isinstance(receiver, Organisation)
    import_notifications(
        csv_bytes([alfie_row(**ids)]), receiver, name="missing.csv", per_row=per_row
    )
    episode = Episode.objects.get(child=alfie)
    assert episode.council == a and not episode.is_open
    waiting.refresh_from_db()
    assert waiting.status == PendingNotification.Status.JOINED and waiting.episode == episode
    assert RHI.objects.get(episode=episode).provider == two_councils["charity_org"]


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one-by-one"])
def test_the_host_forces_file_counts_for_both_councils(
    two_councils: dict[str, object], per_row: bool
) -> None:
    """Issue 12's "done when": the host force's file to the host council about a child the other
    council placed there reaches that council's record and counts once for each: LAC-out for the
    responsible council, Hosted for the host; in a benchmark of the two, once."""
    from returnhome.lib.clock import ClockRule
    from returnhome.reports.benchmark import benchmark
    from returnhome.reports.indicators import indicators

    a, b, alfie = two_councils["a"], two_councils["b"], two_councils["alfie"]
    assert isinstance(a, Organisation) and isinstance(b, Organisation)
    assert isinstance(alfie, Child)
    child_services.record_legal_status(
        alfie, status="looked_after", start_date=dt.date(2024, 1, 1), acting_user=None
    )
    rows = [
        alfie_row(la_child_id="MED-7", la_code="A01"),
        found(
            **{**alfie_row(la_child_id="MED-7"), "event": "found", "event_at": "15/03/2025 08:10"}
        ),
    ]
    import_notifications(csv_bytes(rows), b, name="kent.csv", per_row=per_row)
    march = (dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    responsible = indicators(a, *march, ClockRule()).groups
    host = indicators(b, *march, ClockRule()).groups
    assert (
        responsible["LAC-out"].counts["episodes"],
        responsible["Hosted"].counts["episodes"],
    ) == (
        1,
        0,
    )
    assert (host["Hosted"].counts["episodes"], host["LAC-out"].counts["episodes"]) == (1, 0)
    assert host["total"].counts["children"] == responsible["total"].counts["children"] == 1
    pooled = benchmark("area", [a, b], *march, ClockRule())
    assert (pooled.pooled_episodes, pooled.pooled_children) == (1, 1)


@pytest.mark.parametrize("per_row", [False, True], ids=["bulk", "one-by-one"])
def test_the_responsible_councils_own_file_tells_everyone_when_no_provider_is_named(
    two_councils: dict[str, object], per_row: bool
) -> None:
    """A child placed out of area whose RHI the council does itself: its own police file (bulk or
    one at a time, as every API request now commits in bulk) tells everyone responsible, as a
    notification recorded by hand does."""
    a, alfie = two_councils["a"], two_councils["alfie"]
    assert isinstance(a, Organisation) and isinstance(alfie, Child)
    Placement.objects.filter(child=alfie).update(
        rhi_provider=None, rhi_arrangement=RHIArrangement.OWN_SERVICE
    )
    report = import_notifications(
        csv_bytes([alfie_row(la_child_id="MED-7")]), a, name="medway.csv", per_row=per_row
    )
    assert report.summary["committed"], report.summary
    assert Episode.objects.filter(child=alfie, council=a).exists()
    told = set(
        Alert.objects.filter(kind=Alert.Kind.PLACED_CHILD_MISSING).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {
        two_councils[k].username  # type: ignore[attr-defined]
        for k in ("a_front_door", "b_front_door", "a_police", "b_police")
    }
