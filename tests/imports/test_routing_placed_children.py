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
from returnhome.imports.models import ReviewItem
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
