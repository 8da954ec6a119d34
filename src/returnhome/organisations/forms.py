from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from django import forms

from returnhome.core.forms import Form, date_field, version_field
from returnhome.lib.groups import Group
from returnhome.organisations.models import (
    CLOCK_COUNT_CHOICES,
    CLOCK_START_CHOICES,
    Contract,
    DeliveredBy,
    DeliveryMode,
    Organisation,
)
from returnhome.organisations.services import DELIVERY_FIELDS, ContractDetails, ServiceDelivery


class ServiceConfigurationForm(Form):
    rhi_provider = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.PROVIDER),
        required=False,
        label="Who delivers RHIs",
        empty_label="Our own in-house team",
    )
    clock_start = forms.ChoiceField(
        label="The 72-hour clock starts", choices=CLOCK_START_CHOICES, widget=forms.RadioSelect
    )
    clock_count = forms.ChoiceField(
        label="72 hours are counted in", choices=CLOCK_COUNT_CHOICES, widget=forms.RadioSelect
    )
    expected_version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ForcesThatMaySendForm(Form):
    """Police forces outside the council's area that may send it notifications (the police API)."""

    forces_that_may_send = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="Police forces outside your area that may send you notifications",
        help_text="Your own area's force always may. Select all that apply",
        widget=forms.CheckboxSelectMultiple,
    )
    expected_version = version_field()

    def __init__(self, *args: Any, council: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["forces_that_may_send"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        forces = Organisation.objects.police_forces()
        if council.police_force_id is not None:
            forces = forces.exclude(pk=council.police_force_id)
        field.queryset = forces


YES_NO_UNKNOWN = [("true", "Yes"), ("false", "No"), ("", "Not recorded")]


def _yes_no(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO_UNKNOWN,
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


def _by(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=[("", "Not recorded"), *DeliveredBy.choices], required=False
    )


def _name(label: str = "Team, role or agency") -> forms.CharField:
    return forms.CharField(label=label, max_length=200, required=False)


class ServiceDeliveryForm(Form):
    """Who delivers RHIs and support, how, out-of-hours help, eligibility (FOI answers)."""

    mfh_rhi_by = _by("Who delivers RHIs to children missing from home")
    mfh_rhi_by_name = _name()
    lac_in_rhi_by = _by("Who delivers RHIs to looked after children placed in your area")
    lac_in_rhi_by_name = _name()
    lac_out_rhi_by = _by("Who delivers RHIs to looked after children placed outside your area")
    lac_out_rhi_by_name = _name()
    hosted_rhi_by = _by("Who delivers RHIs to children placed in your area by other councils")
    hosted_rhi_by_name = _name()
    post_missing_support = _yes_no("Do you provide post-missing support?")
    post_missing_by = _by("Who delivers post-missing support")
    post_missing_by_name = _name()
    delivery_modes = forms.MultipleChoiceField(
        label="How RHIs are delivered",
        help_text="Select all that apply",
        choices=DeliveryMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery_note = forms.CharField(
        label="More about how RHIs are delivered",
        help_text="For example, mainly face to face, on occasion by telephone",
        max_length=500,
        required=False,
    )
    freephone = _yes_no("Is there an out-of-hours freephone number for children?")
    freephone_number = forms.CharField(label="Freephone number", max_length=40, required=False)
    freephone_provider = _name("Who provides the freephone service")
    eligible_groups = forms.MultipleChoiceField(
        label="Which groups are offered an RHI",
        help_text="Select all that apply",
        choices=Group.choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    eligible_under_age = forms.IntegerField(
        label="Children under this age are eligible",
        help_text="For example, 18",
        min_value=1,
        max_value=25,
        required=False,
    )
    eligible_care_leavers = _yes_no("Are care leavers offered RHIs?")
    eligibility_note = forms.CharField(
        label="More about who is eligible", max_length=500, required=False
    )
    expected_version = version_field()

    def delivery(self) -> ServiceDelivery:
        data = self.cleaned_data
        return ServiceDelivery(**{name: data[name] for name in DELIVERY_FIELDS})

    @staticmethod
    def initial_from(delivery: ServiceDelivery) -> dict[str, Any]:
        initial: dict[str, Any] = asdict(delivery)
        for name in ("post_missing_support", "freephone", "eligible_care_leavers"):
            value = initial[name]
            initial[name] = "" if value is None else ("true" if value else "false")
        return initial


class ContractForm(Form):
    provider_name = forms.CharField(label="Provider", max_length=200)
    provider_kind = forms.ChoiceField(
        label="Kind of provider", choices=Contract.Kind.choices, widget=forms.RadioSelect
    )
    covers = forms.ChoiceField(
        label="What the contract covers", choices=Contract.Covers.choices, widget=forms.RadioSelect
    )
    annual_value = forms.DecimalField(
        label="Annual value (£)", min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    total_value = forms.DecimalField(
        label="Total value of the contract (£)",
        help_text="Leave blank if not known",
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    start_date = date_field("Start date", what="the start date")
    end_date = date_field(
        "End date", what="the end date", required=False, help_text="Leave blank if open-ended"
    )
    expected_version = version_field()  # a new contract: 1, and not checked

    def details(self) -> ContractDetails:
        return ContractDetails(
            **{k: v for k, v in self.cleaned_data.items() if k != "expected_version"}
        )


class EndContractForm(Form):
    ended_on = date_field(
        "The date the contract ended (or will end)", what="the date the contract ended"
    )
    expected_version = version_field()
