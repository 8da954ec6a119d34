"""Service delivery and contracts: the administrator edits them (audited); nobody else can."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from returnhome.accounts.models import Role
from returnhome.core.models import AuditEvent
from returnhome.lib.clock import ClockCount, ClockStart
from returnhome.organisations.models import Contract, ServiceConfiguration
from returnhome.organisations.services import (
    ContractDetails,
    ServiceDelivery,
    add_contract,
    change_contract,
    configure_delivery,
    end_contract,
)
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.two_sessions import form_data

DETAILS = ContractDetails(
    provider_name="Open Door",
    covers=Contract.Covers.BOTH,
    start_date=dt.date(2024, 4, 1),
    end_date=dt.date(2026, 3, 31),
    annual_value=Decimal("50000"),
)


def client_for(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


class TestServices:
    def test_configure_delivery_saves_and_audits_the_changes(self, cast: Cast) -> None:
        delivery = ServiceDelivery(
            mfh_rhi_by="third_sector", mfh_rhi_by_name="Open Door", freephone=True
        )
        config = configure_delivery(
            cast.council, delivery, expected_version=None, acting_user=cast.admin
        )
        assert ServiceDelivery.of(ServiceConfiguration.objects.get(pk=config.pk)) == delivery
        event = AuditEvent.objects.get(action="configure_delivery")
        assert event.actor == cast.admin
        assert {k: v for k, v in event.detail.items() if k not in ("version", "fields")} == {
            "mfh_rhi_by": "third_sector",
            "mfh_rhi_by_name": "Open Door",
            "freephone": True,
        }

    @pytest.mark.parametrize("who", ["manager", "performance", "partner", "practitioner"])
    def test_only_the_councils_administrator(self, cast: Cast, who: str) -> None:
        with pytest.raises(PermissionDenied):
            configure_delivery(
                cast.council,
                ServiceDelivery(),
                expected_version=None,
                acting_user=getattr(cast, who),
            )
        with pytest.raises(PermissionDenied):
            add_contract(cast.council, DETAILS, acting_user=getattr(cast, who))
        assert not AuditEvent.objects.exists()

    def test_bad_values_are_refused_together(self, cast: Cast) -> None:
        delivery = ServiceDelivery(
            mfh_rhi_by="wizards",
            delivery_modes=["carrier_pigeon"],
            eligible_groups=["Everyone"],
            eligible_under_age=40,
            post_missing_support=False,
            post_missing_by="third_sector",
        )
        with pytest.raises(ValidationError) as error:
            configure_delivery(
                cast.council, delivery, expected_version=None, acting_user=cast.admin
            )
        assert set(error.value.message_dict) == {
            "mfh_rhi_by",
            "delivery_modes",
            "eligible_groups",
            "eligible_under_age",
            "post_missing_by",
        }

    def test_contracts_add_change_end(self, cast: Cast) -> None:
        contract = add_contract(cast.council, DETAILS, acting_user=cast.admin)
        assert contract.length_months() == 24
        changed = ContractDetails(**{**DETAILS.__dict__, "annual_value": Decimal("60000")})
        change_contract(contract, changed, expected_version=None, acting_user=cast.admin)
        end_contract(
            contract, ended_on=dt.date(2025, 9, 30), expected_version=None, acting_user=cast.admin
        )
        contract.refresh_from_db()
        assert (contract.annual_value, contract.end_date, contract.ended_early) == (
            Decimal("60000"),
            dt.date(2025, 9, 30),
            True,
        )
        actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
        assert actions == ["add_contract", "change_contract", "end_contract"]
        in_force = Contract.objects.in_force(dt.date(2025, 10, 1), dt.date(2026, 3, 31))
        assert not in_force.exists()

    def test_contract_dates_must_make_sense(self, cast: Cast) -> None:
        bad = ContractDetails(
            **{**DETAILS.__dict__, "end_date": dt.date(2020, 1, 1), "provider_name": " "}
        )
        with pytest.raises(ValidationError) as error:
            add_contract(cast.council, bad, acting_user=cast.admin)
        assert set(error.value.message_dict) == {"end_date", "provider_name"}
        contract = add_contract(cast.council, DETAILS, acting_user=cast.admin)
        with pytest.raises(ValidationError):
            end_contract(
                contract,
                ended_on=dt.date(2024, 1, 1),
                expected_version=None,
                acting_user=cast.admin,
            )


class TestPages:
    def test_admin_edits_delivery_on_the_page(self, cast: Cast) -> None:
        client = client_for(cast.admin)
        response = client.post(
            reverse("organisations:delivery"),
            {
                "mfh_rhi_by": "in_house_team",
                "mfh_rhi_by_name": "Missing Team",
                "post_missing_support": "true",
                "post_missing_by": "social_workers",
                "delivery_modes": ["face_to_face", "telephone"],
                "freephone": "false",
                "eligible_groups": ["MFH", "LAC-in", "LAC-out", "Hosted"],
                "eligible_under_age": "18",
                "eligible_care_leavers": "",
                "expected_version": "1",
            },
        )
        assert response.status_code == 302
        config = ServiceConfiguration.objects.get(council=cast.council)
        assert config.rhi_delivery("MFH") == ("in_house_team", "Missing Team")
        assert config.post_missing_support is True and config.freephone is False
        assert config.eligible_care_leavers is None
        assert config.delivery_modes == ["face_to_face", "telephone"]
        page = client.get(reverse("organisations:service")).content.decode()
        assert "Missing Team" in page and "Face to face, Telephone" in page

    def test_a_bad_value_is_shown_next_to_its_field(self, cast: Cast) -> None:
        response = client_for(cast.admin).post(
            reverse("organisations:delivery"),
            {
                "post_missing_support": "false",
                "post_missing_by": "third_sector",
                "expected_version": "1",
            },
        )
        assert response.status_code == 200
        assert b"Say that post-missing support is provided first" in response.content

    def test_admin_adds_changes_and_ends_a_contract(self, cast: Cast) -> None:
        client = client_for(cast.admin)
        form = {
            "provider_name": "Open Door",
            "provider_kind": "third_sector",
            "covers": "rhi",
            "annual_value": "120000",
            "start_date": "2024-04-01",
            "end_date": "2027-03-31",
            "expected_version": "1",
        }
        assert client.post(reverse("organisations:contract_add"), form).status_code == 302
        contract = Contract.objects.get(council=cast.council)
        edit = reverse("organisations:contract_edit", args=[contract.pk])
        assert b"Open Door" in client.get(edit).content
        assert client.post(edit, {**form, "annual_value": "125000"}).status_code == 302
        end = reverse("organisations:contract_end", args=[contract.pk])
        ended = {"ended_on": "2025-12-31", "expected_version": "2"}
        assert client.post(end, ended).status_code == 302
        contract.refresh_from_db()
        assert contract.annual_value == Decimal("125000")
        assert contract.end_date == dt.date(2025, 12, 31) and contract.ended_early

    def test_another_councils_contract_is_not_found(self, cast: Cast) -> None:
        theirs = Contract.objects.create(
            council=cast.partner_council,
            provider_name="Elsewhere",
            covers="rhi",
            start_date=dt.date(2024, 1, 1),
        )
        client = client_for(cast.admin)
        assert (
            client.get(reverse("organisations:contract_edit", args=[theirs.pk])).status_code == 404
        )
        assert (
            client.post(
                reverse("organisations:contract_end", args=[theirs.pk]), {"ended_on": "2025-01-01"}
            ).status_code
            == 404
        )
        theirs.refresh_from_db()
        assert theirs.end_date is None

    @pytest.mark.parametrize("who", ["manager", "performance", "partner"])
    def test_others_cannot_post(self, cast: Cast, who: str) -> None:
        response = client_for(getattr(cast, who)).post(
            reverse("organisations:delivery"), {"freephone": "true"}
        )
        assert response.status_code in (403, 404)
        assert not ServiceConfiguration.objects.filter(council=cast.council).exists()


def test_a_stale_settings_form_is_refused_and_the_newer_setting_stands(cast: Cast) -> None:
    """Two administrators with the service settings open: the second save is refused."""
    colleague = UserFactory(organisation=cast.council, role=Role.ADMIN)
    url = reverse("organisations:service")
    mine, theirs = client_for(cast.admin), client_for(colleague)
    page_mine, page_theirs = mine.get(url), theirs.get(url)
    saved = theirs.post(url, form_data(page_theirs, clock_count=ClockCount.WORKING_DAYS.value))
    assert saved.status_code == 302
    stale = mine.post(url, form_data(page_mine, clock_start=ClockStart.NOTIFICATION.value))
    assert stale.status_code == 200
    assert f"{colleague} changed this service configuration" in stale.content.decode()
    config = ServiceConfiguration.objects.get(council=cast.council)
    assert (config.clock_start, config.clock_count) == (
        ClockStart.RETURN.value,
        ClockCount.WORKING_DAYS.value,
    )
