"""Which police forces outside its area may send a council notifications: its administrator
records them on the Service settings page (audited); nobody else can."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from returnhome.core.models import AuditEvent
from returnhome.organisations.models import ServiceConfiguration
from returnhome.organisations.services import allow_forces_to_send
from tests.conftest import Cast
from tests.factories import PoliceFactory


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_administrator_lists_forces_on_the_service_settings_page(cast: Cast) -> None:
    neighbour = PoliceFactory(name="Neighbourshire Police")
    client = client_for(cast.admin)
    page = client.get(reverse("organisations:service")).content.decode()
    assert "Police forces that may send you notifications" in page
    assert reverse("organisations:forces") in page
    form = client.get(reverse("organisations:forces")).content.decode()
    assert "Neighbourshire Police" in form
    assert f'value="{cast.police_force.pk}"' not in form  # its own area's force always may
    response = client.post(
        reverse("organisations:forces"), {"forces_that_may_send": [neighbour.pk]}
    )
    assert response.status_code == 302
    config = ServiceConfiguration.objects.get(council=cast.council)
    assert list(config.forces_that_may_send.all()) == [neighbour]
    assert "Neighbourshire Police" in client.get(reverse("organisations:service")).content.decode()
    audit = AuditEvent.objects.get(action="allow_forces_to_send")
    assert audit.actor == cast.admin and audit.detail == {"added": [neighbour.pk], "removed": []}
    # Taken off the list again: audited too.
    assert client.post(reverse("organisations:forces"), {}).status_code == 302
    assert not config.forces_that_may_send.exists()
    assert AuditEvent.objects.filter(action="allow_forces_to_send").count() == 2


@pytest.mark.parametrize("who", ["manager", "front_door", "police", "partner"])
def test_nobody_else_can_list_forces(cast: Cast, who: str) -> None:
    neighbour = PoliceFactory()
    response = client_for(getattr(cast, who)).post(
        reverse("organisations:forces"), {"forces_that_may_send": [neighbour.pk]}
    )
    assert response.status_code in (403, 404)
    assert not ServiceConfiguration.objects.filter(forces_that_may_send=neighbour).exists()
    with pytest.raises(PermissionDenied):
        allow_forces_to_send(cast.council, [neighbour], acting_user=getattr(cast, who))


def test_only_police_forces_can_be_listed(cast: Cast) -> None:
    with pytest.raises(ValidationError) as error:
        allow_forces_to_send(cast.council, [cast.partner_council], acting_user=cast.admin)
    assert set(error.value.message_dict) == {"forces_that_may_send"}
    response = client_for(cast.admin).post(
        reverse("organisations:forces"), {"forces_that_may_send": [cast.partner_council.pk]}
    )
    assert response.status_code == 200 and b"govuk-error-summary" in response.content
