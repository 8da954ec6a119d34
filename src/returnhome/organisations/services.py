"""Changing a council's service configuration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from returnhome.access.policy import can_configure_service
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.core.versioning import changed_fields, lock_for_edit, snapshot
from returnhome.lib.groups import Group
from returnhome.organisations.models import (
    Contract,
    DeliveredBy,
    DeliveryMode,
    Organisation,
    ServiceConfiguration,
)
from returnhome.organisations.signals import clock_rule_changed


def _config_for_edit(council: Organisation, expected_version: int | None) -> ServiceConfiguration:
    """The council's configuration (made at version 1 if it has none), locked, version checked
    and bumped (core/versioning.py). A settings form opened before any was saved carries 1."""
    config, _ = ServiceConfiguration.objects.get_or_create(council=council)
    return lock_for_edit(config, expected_version)


@transaction.atomic
def configure_service(
    council: Organisation,
    *,
    rhi_provider: Organisation | None,
    clock_start: str,
    clock_count: str,
    expected_version: int | None,
    acting_user: AbstractBaseUser | None,
    check_permission: bool = True,
) -> ServiceConfiguration:
    """Set who delivers RHIs and the 72-hour rule; open RHIs get their deadlines recomputed.

    `expected_version`: the configuration's version the settings form was loaded with, a stale
    one refused (`StaleEdit`); None (no check) for the demo data and the tests' set-up, which
    write the configuration before anyone could have a form open on it."""
    if check_permission:
        require(
            can_configure_service(acting_user, council),
            "Only the council's administrator can do this.",
        )
    config = _config_for_edit(council, expected_version)
    before = snapshot(config, ("rhi_provider", "clock_start", "clock_count"))
    rule_changed = (config.clock_start, config.clock_count) != (clock_start, clock_count)
    config.rhi_provider = rhi_provider
    config.clock_start = clock_start
    config.clock_count = clock_count
    config.save()
    council.service_configuration = config
    if rule_changed:
        clock_rule_changed.send(Organisation, council=council, acting_user=acting_user)
    record_write(
        acting_user,
        "configure_service",
        config,
        rhi_provider=rhi_provider,
        clock_start=clock_start,
        clock_count=clock_count,
        version=config.version,
        fields=changed_fields(before, config),
    )
    return config


DELIVERY_FIELDS: tuple[str, ...] = (
    "mfh_rhi_by",
    "mfh_rhi_by_name",
    "lac_in_rhi_by",
    "lac_in_rhi_by_name",
    "lac_out_rhi_by",
    "lac_out_rhi_by_name",
    "hosted_rhi_by",
    "hosted_rhi_by_name",
    "post_missing_support",
    "post_missing_by",
    "post_missing_by_name",
    "delivery_modes",
    "delivery_note",
    "freephone",
    "freephone_number",
    "freephone_provider",
    "eligible_groups",
    "eligible_under_age",
    "eligible_care_leavers",
    "eligibility_note",
)


@dataclass
class ServiceDelivery:
    """Who delivers RHIs and post-missing support, how, out-of-hours help, and who is eligible."""

    mfh_rhi_by: str = ""
    mfh_rhi_by_name: str = ""
    lac_in_rhi_by: str = ""
    lac_in_rhi_by_name: str = ""
    lac_out_rhi_by: str = ""
    lac_out_rhi_by_name: str = ""
    hosted_rhi_by: str = ""
    hosted_rhi_by_name: str = ""
    post_missing_support: bool | None = None
    post_missing_by: str = ""
    post_missing_by_name: str = ""
    delivery_modes: list[str] = field(default_factory=list)
    delivery_note: str = ""
    freephone: bool | None = None
    freephone_number: str = ""
    freephone_provider: str = ""
    eligible_groups: list[str] = field(default_factory=list)
    eligible_under_age: int | None = None
    eligible_care_leavers: bool | None = None
    eligibility_note: str = ""

    @classmethod
    def of(cls, config: ServiceConfiguration | None) -> ServiceDelivery:
        if config is None:
            return cls()
        return cls(**{name: getattr(config, name) for name in DELIVERY_FIELDS})


def _check_delivery(delivery: ServiceDelivery) -> None:
    problems = Problems()
    kinds = set(DeliveredBy.values)
    for name in (
        "mfh_rhi_by",
        "lac_in_rhi_by",
        "lac_out_rhi_by",
        "hosted_rhi_by",
        "post_missing_by",
    ):
        if getattr(delivery, name) not in kinds | {""}:
            problems.add(name, "Choose who delivers it from the list")
    if set(delivery.delivery_modes) - set(DeliveryMode.values):
        problems.add("delivery_modes", "Choose how RHIs are delivered from the list")
    if set(delivery.eligible_groups) - {g.value for g in Group}:
        problems.add("eligible_groups", "Choose the groups from the list")
    age = delivery.eligible_under_age
    if age is not None and not 1 <= age <= 25:
        problems.add("eligible_under_age", "Enter an age from 1 to 25")
    if delivery.post_missing_support is not True and delivery.post_missing_by:
        problems.add("post_missing_by", "Say that post-missing support is provided first")
    problems.raise_if_any()


@transaction.atomic
def configure_delivery(
    council: Organisation,
    delivery: ServiceDelivery,
    *,
    expected_version: int | None,
    acting_user: AbstractBaseUser | None,
    check_permission: bool = True,
) -> ServiceConfiguration:
    """Record who delivers RHIs and support, how, out-of-hours help and eligibility (FOI answers).
    `expected_version` as for `configure_service`."""
    if check_permission:
        require(
            can_configure_service(acting_user, council),
            "Only the council's administrator can do this.",
        )
    _check_delivery(delivery)
    config = _config_for_edit(council, expected_version)
    changed = {}
    for name in DELIVERY_FIELDS:
        value = getattr(delivery, name)
        if getattr(config, name) != value:
            changed[name] = value
        setattr(config, name, value)
    config.save()
    council.service_configuration = config
    record_write(
        acting_user,
        "configure_delivery",
        config,
        **changed,
        version=config.version,
        fields=sorted(changed),
    )
    return config


RETENTION_FIELDS = ("retention_age", "retention_age_looked_after", "retention_years_after_activity")


@transaction.atomic
def configure_retention(
    council: Organisation,
    *,
    retention_age: int,
    retention_age_looked_after: int,
    retention_years_after_activity: int,
    expected_version: int | None,
    acting_user: AbstractBaseUser | None,
) -> ServiceConfiguration:
    """Set how long the council keeps a child's records before they come up for review
    (docs/privacy.md): until a birthday (another for children ever looked after) and at least
    some years after the last activity. Its administrator; `expected_version` as for
    `configure_service`."""
    require(
        can_configure_service(acting_user, council),
        "Only the council's administrator can do this.",
    )
    problems = Problems()
    for name, value, low, high in (
        ("retention_age", retention_age, 18, 100),
        ("retention_age_looked_after", retention_age_looked_after, 18, 100),
        ("retention_years_after_activity", retention_years_after_activity, 1, 100),
    ):
        if not low <= value <= high:
            problems.add(name, f"Enter a number from {low} to {high}")
    problems.raise_if_any()
    config = _config_for_edit(council, expected_version)
    before = snapshot(config, RETENTION_FIELDS)
    config.retention_age = retention_age
    config.retention_age_looked_after = retention_age_looked_after
    config.retention_years_after_activity = retention_years_after_activity
    config.save()
    record_write(
        acting_user,
        "configure_retention",
        config,
        retention_age=retention_age,
        retention_age_looked_after=retention_age_looked_after,
        retention_years_after_activity=retention_years_after_activity,
        version=config.version,
        fields=changed_fields(before, config),
    )
    return config


@transaction.atomic
def allow_forces_to_send(
    council: Organisation,
    forces: Iterable[Organisation],
    *,
    expected_version: int | None,
    acting_user: AbstractBaseUser | None,
    check_permission: bool = True,
) -> ServiceConfiguration:
    """Record which police forces outside the council's area may send it notifications.

    The force for the council's own area always may; this list is the only other way a force's
    API token may write to the council (docs/formats/api.md). `expected_version` as for
    `configure_service`.
    """
    if check_permission:
        require(
            can_configure_service(acting_user, council),
            "Only the council's administrator can do this.",
        )
    chosen = list(forces)
    problems = Problems()
    if any(force.kind != Organisation.Kind.POLICE for force in chosen):
        problems.add("forces_that_may_send", "Choose police forces from the list")
    problems.raise_if_any()
    config = _config_for_edit(council, expected_version)
    before = set(config.forces_that_may_send.values_list("pk", flat=True))
    after = {force.pk for force in chosen if force.pk != council.police_force_id}
    config.forces_that_may_send.set(after)
    council.service_configuration = config
    record_write(
        acting_user,
        "allow_forces_to_send",
        config,
        added=sorted(after - before),
        removed=sorted(before - after),
        version=config.version,
        fields=["forces_that_may_send"] if after != before else [],
    )
    return config


@dataclass
class ContractDetails:
    provider_name: str
    covers: str
    start_date: dt.date
    end_date: dt.date | None = None
    annual_value: Decimal = Decimal(0)
    total_value: Decimal | None = None
    provider_kind: str = Contract.Kind.THIRD_SECTOR


def _check_contract(details: ContractDetails) -> None:
    problems = Problems()
    if not details.provider_name.strip():
        problems.add("provider_name", "Enter the provider's name")
    if details.covers not in Contract.Covers.values:
        problems.add("covers", "Choose what the contract covers")
    if details.provider_kind not in Contract.Kind.values:
        problems.add("provider_kind", "Choose the kind of provider")
    if details.end_date is not None and details.end_date < details.start_date:
        problems.add("end_date", "The end date must be the same as or after the start date")
    if details.annual_value < 0:
        problems.add("annual_value", "Enter an amount of £0 or more")
    if details.total_value is not None and details.total_value < 0:
        problems.add("total_value", "Enter an amount of £0 or more")
    problems.raise_if_any()


def _save_contract(
    contract: Contract, details: ContractDetails, acting_user: AbstractBaseUser | None, action: str
) -> Contract:
    require(
        can_configure_service(acting_user, contract.council),
        "Only the council's administrator can do this.",
    )
    _check_contract(details)
    before = snapshot(contract, tuple(asdict(details)))
    for name, value in asdict(details).items():
        setattr(contract, name, value.strip() if isinstance(value, str) else value)
    contract.save()
    record_write(
        acting_user,
        action,
        contract,
        **asdict(details),
        version=contract.version,
        fields=changed_fields(before, contract),
    )
    return contract


@transaction.atomic
def add_contract(
    council: Organisation, details: ContractDetails, *, acting_user: AbstractBaseUser | None
) -> Contract:
    """A commissioned contract for RHIs and/or post-missing support."""
    return _save_contract(Contract(council=council), details, acting_user, "add_contract")


@transaction.atomic
def change_contract(
    contract: Contract,
    details: ContractDetails,
    *,
    expected_version: int | None,
    acting_user: AbstractBaseUser | None,
) -> Contract:
    """`expected_version`: the version the contract form was loaded with (`StaleEdit` if stale)."""
    contract = lock_for_edit(contract, expected_version)
    return _save_contract(contract, details, acting_user, "change_contract")


@transaction.atomic
def end_contract(
    contract: Contract,
    *,
    ended_on: dt.date,
    expected_version: int | None,
    acting_user: AbstractBaseUser | None,
) -> Contract:
    """The contract ended (early, or on a date not known before): its end date becomes `ended_on`.
    `expected_version` as for `change_contract`."""
    contract = lock_for_edit(contract, expected_version)
    require(
        can_configure_service(acting_user, contract.council),
        "Only the council's administrator can do this.",
    )
    if ended_on < contract.start_date:
        raise ValidationError({"ended_on": "The contract cannot end before it started"})
    contract.end_date = ended_on
    contract.ended_early = True
    contract.save(update_fields=["end_date", "ended_early"])
    record_write(
        acting_user,
        "end_contract",
        contract,
        ended_on=ended_on,
        version=contract.version,
        fields=["end_date"],
    )
    return contract
