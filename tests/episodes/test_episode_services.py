"""Recording missing and found notifications: the rules, without HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from returnhome.accounts.models import Role
from returnhome.children import services as child_services
from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.core.models import AuditEvent
from returnhome.episodes import services
from returnhome.episodes.models import Episode, Notification
from returnhome.interviews.models import RHI
from returnhome.lib.clock import ClockCount, deadline
from returnhome.organisations.models import Organisation
from tests.conftest import Cast, missing, returned
from tests.factories import CouncilFactory, OrganisationFactory, UserFactory, ago


def test_missing_then_found_refers_an_rhi_with_a_72_hour_deadline(cast: Cast, child: Child) -> None:
    episode = missing(cast, child, ago(hours=40), risk_level="medium")
    assert episode.is_open and episode.group == "MFH"
    back = ago(hours=5)
    rhi = returned(cast, episode, back)
    episode.refresh_from_db()
    assert not episode.is_open
    assert rhi.provider == cast.council  # in-house by default
    assert rhi.status == RHI.Status.AWAITING_ALLOCATION
    assert rhi.clock_started_at == back
    assert rhi.due_at == back + dt.timedelta(hours=72)
    assert [n.event for n in episode.notifications.all()] == ["missing", "found"]
    actions = set(AuditEvent.objects.filter(actor=cast.front_door).values_list("action", flat=True))
    assert {"record_missing", "record_return", "refer_rhi"} <= actions


def test_clock_from_notification_under_the_councils_rule(cast: Cast, child: Child) -> None:
    from returnhome.organisations.services import configure_service

    configure_service(
        cast.council,
        rhi_provider=None,
        clock_start="notification",
        clock_count="working-days",
        acting_user=cast.admin,
    )
    episode = missing(cast, child, ago(hours=40))
    rhi = returned(cast, episode, ago(hours=5))
    received = episode.notifications.get(event="found").received_at
    assert rhi.clock_started_at == received
    assert rhi.due_at == deadline(received, ClockCount.WORKING_DAYS)


def test_return_before_reported_missing_is_refused_and_nothing_saved(
    cast: Cast, child: Child
) -> None:
    episode = missing(cast, child, ago(hours=10))
    with pytest.raises(ValidationError) as error:
        services.record_return(
            episode,
            returned_at=ago(hours=11),
            received_at=ago(hours=1),
            source="police",
            acting_user=cast.front_door,
        )
    assert "returned_at" in error.value.error_dict
    episode.refresh_from_db()
    assert episode.is_open
    assert not RHI.objects.exists()
    assert episode.notifications.count() == 1


@pytest.mark.parametrize("field", ["reported_missing_at", "received_at"])
def test_future_times_are_refused(cast: Cast, child: Child, field: str) -> None:
    times = {"reported_missing_at": ago(hours=2), "received_at": ago(hours=1)}
    times[field] = ago(hours=-3)
    with pytest.raises(ValidationError) as error:
        services.record_missing(child, source="police", acting_user=cast.front_door, **times)
    assert field in error.value.error_dict
    assert not Episode.objects.exists()


def test_a_second_missing_while_open_is_shown_not_merged(cast: Cast, child: Child) -> None:
    missing(cast, child, ago(hours=10))
    with pytest.raises(ValidationError, match="already missing"):
        missing(cast, child, ago(hours=5))
    assert child.episodes.count() == 1


def test_only_the_front_door_records(cast: Cast, child: Child) -> None:
    for user in (cast.practitioner, cast.police, cast.partner, cast.outsider):
        with pytest.raises(PermissionDenied):
            services.record_missing(
                child,
                reported_missing_at=ago(hours=2),
                received_at=ago(hours=1),
                source="police",
                acting_user=user,
            )


def test_a_charity_manager_is_no_front_door(cast: Cast) -> None:
    """A manager at a commissioned charity may not create a child and an episode held by it."""
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER, name="Test charity")
    manager = UserFactory(organisation=charity, role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        services.record_missing_with_child(
            None,
            {"first_name": "Ada", "last_name": "Synthetic"},
            council=charity,
            reported_missing_at=ago(hours=2),
            received_at=ago(hours=1),
            source="police",
            acting_user=manager,
        )
    assert not Child.objects.filter(council=charity).exists()


def test_new_child_and_notification_are_all_or_nothing(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.record_missing_with_child(
            None,
            {"forename": "Sam", "surname": "Newchild"},
            council=cast.council,
            acting_user=cast.front_door,
            reported_missing_at=ago(hours=-5),
            received_at=ago(hours=1),
            source="police",
        )
    assert not Child.objects.filter(surname="Newchild").exists()


class TestGroups:
    """The group is decided by legal status and placement on the day the episode started."""

    def _looked_after(self, cast: Cast, child: Child, by: object, placed_in: object) -> None:
        child_services.record_legal_status(
            child,
            status=LegalStatus.Status.LOOKED_AFTER,
            responsible_council=by,
            start_date=dt.date(2020, 1, 1),  # type: ignore[arg-type]
            acting_user=cast.front_door,
        )
        child_services.record_placement(
            child,
            placement_type=Placement.Type.FOSTER,
            council_area=placed_in,
            start_date=dt.date(2020, 1, 1),  # type: ignore[arg-type]
            acting_user=cast.front_door,
        )

    def test_not_looked_after_is_missing_from_home(self, cast: Cast, child: Child) -> None:
        assert missing(cast, child, ago(hours=3)).group == "MFH"

    def test_looked_after_placed_in_area(self, cast: Cast, child: Child) -> None:
        self._looked_after(cast, child, cast.council, cast.council)
        assert missing(cast, child, ago(hours=3)).group == "LAC-in"

    def test_looked_after_placed_out_of_area(self, cast: Cast, child: Child) -> None:
        self._looked_after(cast, child, cast.council, cast.partner_council)
        assert missing(cast, child, ago(hours=3)).group == "LAC-out"

    def test_hosted(self, cast: Cast, child: Child) -> None:
        self._looked_after(cast, child, cast.partner_council, cast.council)
        assert missing(cast, child, ago(hours=3)).group == "Hosted"

    def test_status_at_the_start_not_now(self, cast: Cast, child: Child) -> None:
        episode = missing(cast, child, ago(days=10))
        returned(cast, episode, ago(days=9))
        start = timezone.localdate() - dt.timedelta(days=2)
        child_services.record_legal_status(
            child,
            status=LegalStatus.Status.LOOKED_AFTER,
            start_date=start,
            acting_user=cast.front_door,
        )
        child_services.record_placement(
            child,
            placement_type=Placement.Type.FOSTER,
            council_area=CouncilFactory(),
            start_date=start,
            acting_user=cast.front_door,
        )
        episode.refresh_from_db()
        assert episode.group == "MFH"
        assert missing(cast, child, ago(hours=3)).group == "LAC-out"

    def test_history_recorded_later_rederives_the_group(self, cast: Cast, child: Child) -> None:
        episode = missing(cast, child, ago(days=3))
        assert episode.group == "MFH"
        self._looked_after(cast, child, cast.council, cast.partner_council)
        episode.refresh_from_db()
        assert episode.group == "LAC-out"


def test_notification_kept_as_received(cast: Cast, child: Child) -> None:
    episode = services.record_missing(
        child,
        reported_missing_at=ago(hours=3),
        received_at=ago(hours=2),
        source="childrens_home",
        acting_user=cast.front_door,
        content={"raw": "Called from Oak House"},
    )
    note = episode.notifications.get()
    assert note.source == Notification.Source.CHILDRENS_HOME
    assert note.content == {"raw": "Called from Oak House"}
