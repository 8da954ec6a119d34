"""Out-of-area placements (issue 12, item 2): the placement asks who interviews the child if they
go missing, and the child's information package goes to the host council and host force, who
record its receipt; it is kept current (versioned) and goes with each later placement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.alerts.models import Alert
from returnhome.children import packages
from returnhome.children import services as child_services
from returnhome.children.forms import PlacementForm
from returnhome.children.models import Child, PackageSend, Placement, RHIArrangement
from returnhome.core.versioning import StaleEdit
from returnhome.organisations.models import Organisation
from tests.conftest import Cast
from tests.factories import CouncilFactory, OrganisationFactory, PoliceFactory, UserFactory


@pytest.fixture
def host_force(cast: Cast) -> Organisation:
    force = PoliceFactory(name="Host force")
    cast.partner_council.police_force = force
    cast.partner_council.save()
    return force


def place_out(
    cast: Cast, child: Child, area: Organisation | None = None, **kw: object
) -> Placement:
    return child_services.record_placement(
        child,
        placement_type=Placement.Type.HOME_PRIVATE,
        council_area=area or cast.partner_council,
        start_date=timezone.localdate() - dt.timedelta(days=1),
        acting_user=cast.front_door,
        **{"rhi_arrangement": RHIArrangement.OWN_SERVICE, **kw},  # type: ignore[arg-type]
    )


def test_the_form_asks_who_interviews_a_child_placed_out_of_area(cast: Cast, child: Child) -> None:
    data = {
        "placement_type": Placement.Type.FOSTER,
        "council_area": cast.partner_council.pk,
        "start_date": "2026-02-01",
    }
    form = PlacementForm(data, child=child)
    assert not form.is_valid() and "rhi_arrangement" in form.errors
    inside = PlacementForm({**data, "council_area": cast.council.pk}, child=child)
    assert inside.is_valid(), inside.errors


def test_a_commissioned_provider_must_be_named(cast: Cast, child: Child) -> None:
    with pytest.raises(ValidationError) as error:
        place_out(cast, child, rhi_arrangement=RHIArrangement.COMMISSIONED)
    assert "rhi_provider" in error.value.message_dict
    charity = OrganisationFactory(kind=Organisation.Kind.PROVIDER)
    placement = place_out(
        cast, child, rhi_arrangement=RHIArrangement.COMMISSIONED, rhi_provider=charity
    )
    assert placement.out_of_area and placement.rhi_provider == charity


def test_the_host_councils_service_is_named_for_it(cast: Cast, child: Child) -> None:
    placement = place_out(cast, child, rhi_arrangement=RHIArrangement.HOST_COUNCIL)
    assert placement.rhi_provider == cast.partner_council


def test_a_placement_at_home_is_not_out_of_area_and_sends_nothing(cast: Cast, child: Child) -> None:
    placement = place_out(cast, child, area=cast.council)
    assert not placement.out_of_area and placement.rhi_arrangement == ""
    assert not PackageSend.objects.exists()


def test_the_package_goes_to_the_host_council_and_force_who_record_receipt(
    cast: Cast, child: Child, host_force: Organisation
) -> None:
    host_front_door = UserFactory(organisation=cast.partner_council, role=Role.FRONT_DOOR)
    host_police = UserFactory(organisation=host_force, role=Role.POLICE)
    place_out(cast, child)
    sends = {s.recipient: s for s in PackageSend.objects.all()}
    assert set(sends) == {cast.partner_council, host_force}
    alerted = set(
        Alert.objects.filter(kind=Alert.Kind.PACKAGE_SENT).values_list("recipient", flat=True)
    )
    assert alerted == {host_front_door.pk, cast.partner.pk, host_police.pk}  # its manager too
    assert child.surname not in Alert.objects.filter(kind=Alert.Kind.PACKAGE_SENT).first().title  # type: ignore[union-attr]
    # Each records receipt on its own page; nobody records it for another organisation.
    client = Client()
    client.force_login(host_police)
    listing = client.get(reverse("children:packages_received"))
    assert child.full_name.encode() in listing.content
    with pytest.raises(PermissionDenied):
        packages.record_package_receipt(sends[cast.partner_council], acting_user=host_police)
    response = client.post(reverse("children:receive_package", args=[sends[host_force].pk]))
    assert response.status_code == 302
    sends[host_force].refresh_from_db()
    assert sends[host_force].received_by == host_police
    # The responsible council sees to whom it went and who has it.
    client.force_login(cast.front_door)
    page = client.get(reverse("children:package", args=[child.pk])).content.decode()
    assert "Host force" in page and "Not yet recorded" in page


def test_the_package_is_kept_current_and_sent_again(
    cast: Cast, child: Child, host_force: Organisation
) -> None:
    place_out(cast, child)
    package = packages.package_of(child)
    packages.update_package(
        child,
        expected_version=package.version,
        acting_user=cast.front_door,
        description="Tall, red coat",
        places="Chatham station",
    )
    versions = sorted(PackageSend.objects.values_list("package_version", flat=True))
    assert versions == [1, 1, 2, 2]
    with pytest.raises(StaleEdit):  # a form loaded before that change
        packages.update_package(
            child, expected_version=package.version, acting_user=cast.front_door, habits="x"
        )
    with pytest.raises(PermissionDenied):  # the host council does not keep it
        packages.update_package(child, expected_version=None, acting_user=cast.partner, habits="x")


def test_the_package_goes_with_each_later_placement(cast: Cast, child: Child) -> None:
    place_out(cast, child)
    third = CouncilFactory(police_force=PoliceFactory())
    child_services.record_placement(
        child,
        placement_type=Placement.Type.SUPPORTED,
        council_area=third,
        start_date=timezone.localdate(),
        rhi_arrangement=RHIArrangement.OWN_SERVICE,
        acting_user=cast.front_door,
    )
    assert set(PackageSend.objects.values_list("recipient", flat=True)) == {
        cast.partner_council.pk,
        third.pk,
        third.police_force_id,
    }


def test_the_host_council_sees_the_package_but_not_the_childs_private_details(
    cast: Cast, host_force: Organisation
) -> None:
    child = Child.objects.create(
        council=cast.council,
        forename="Pat",
        surname="Placed",
        nhs_number="9990001112",
        address="7 Home Street",
    )
    place_out(cast, child, address="1 Placement Road")
    packages.update_package(
        child, expected_version=None, acting_user=cast.front_door, associates="Known associate"
    )
    for user in (cast.partner, UserFactory(organisation=host_force, role=Role.POLICE)):
        client = Client()
        client.force_login(user)
        detail = client.get(reverse("children:detail", args=[child.pk])).content.decode()
        assert "Pat Placed" in detail and "9990001112" not in detail
        assert "7 Home Street" not in detail
        assert ("1 Placement Road" in detail) == (user == cast.partner)
        package = client.get(reverse("children:package", args=[child.pk])).content.decode()
        assert "Known associate" in package


def test_only_the_responsible_council_shares_interviews(cast: Cast, child: Child) -> None:
    place_out(cast, child)
    with pytest.raises(PermissionDenied):
        packages.share_interviews_with_host(child, shared=True, acting_user=cast.partner)
    packages.share_interviews_with_host(child, shared=True, acting_user=cast.front_door)
    child.refresh_from_db()
    assert child.interviews_shared_with_host
    assert isinstance(cast.partner, User)
