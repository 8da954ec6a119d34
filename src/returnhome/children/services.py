"""Writes to children's records. Every write is atomic and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.models import Alias, Child, LegalStatus, Placement, RiskFlag
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems
from returnhome.organisations.models import Organisation

CHILD_FIELDS = {
    "la_child_id",
    "forename",
    "surname",
    "date_of_birth",
    "sex",
    "gender",
    "ethnicity",
    "address",
    "postcode",
    "nhs_number",
    "services_involved",
    "allocated_social_worker",
    "photographs_held",
    "photographs_location",
}


def _check_child_fields(council: Organisation, fields: dict[str, Any], child: Child | None) -> None:
    problems = Problems()
    unknown = set(fields) - CHILD_FIELDS
    if unknown:
        raise TypeError(f"unknown child fields: {sorted(unknown)}")
    if "forename" in fields and not str(fields["forename"]).strip():
        problems.add("forename", "Enter the child's first name")
    if "surname" in fields and not str(fields["surname"]).strip():
        problems.add("surname", "Enter the child's last name")
    dob = fields.get("date_of_birth")
    if dob is not None and dob > timezone.localdate():
        problems.add("date_of_birth", "Date of birth must be today or in the past")
    nhs = fields.get("nhs_number") or ""
    if nhs and (len(nhs) != 10 or not nhs.isdigit()):
        problems.add("nhs_number", "NHS number must be 10 digits")
    la_id = fields.get("la_child_id") or ""
    if la_id:
        clash = Child.objects.filter(council=council, la_child_id=la_id)
        if child is not None:
            clash = clash.exclude(pk=child.pk)
        if clash.exists():
            problems.add("la_child_id", "Another child already has this council child ID")
    problems.raise_if_any()


@transaction.atomic
def create_child(council: Organisation, *, acting_user: User | None, **fields: Any) -> Child:
    _check_child_fields(council, fields, None)
    child = Child.objects.create(council=council, **fields)
    record_write(acting_user, "create_child", child, fields=fields)
    return child


@transaction.atomic
def update_child(child: Child, *, acting_user: User | None, **fields: Any) -> Child:
    _check_child_fields(child.council, fields, child)
    changed = {k: v for k, v in fields.items() if getattr(child, k) != v}
    for key, value in changed.items():
        setattr(child, key, value)
    child.save()
    record_write(acting_user, "update_child", child, changed=changed)
    return child


@transaction.atomic
def add_alias(
    child: Child, name: str, kind: str = Alias.Kind.ALIAS, *, acting_user: User | None
) -> Alias:
    problems = Problems()
    if not name.strip():
        problems.add("name", "Enter the name")
    if kind not in Alias.Kind.values:
        problems.add("kind", "Choose the kind of name")
    if child.aliases.filter(name__iexact=name.strip()).exists():
        problems.add("name", "This name is already recorded for the child")
    problems.raise_if_any()
    alias = Alias.objects.create(child=child, name=name.strip(), kind=kind)
    record_write(acting_user, "add_alias", child, alias=alias.name, kind=kind)
    return alias


def refresh_groups(child: Child) -> None:
    from returnhome.episodes.services import refresh_groups as refresh

    refresh(child)


def _check_period(problems: Problems, start: dt.date, end: dt.date | None) -> None:
    if start > timezone.localdate():
        problems.add("start_date", "Start date must be today or in the past")
    if end is not None and end < start:
        problems.add("end_date", "End date must be the same as or after the start date")


@transaction.atomic
def record_legal_status(
    child: Child,
    *,
    status: str,
    start_date: dt.date,
    responsible_council: Organisation | None = None,
    end_date: dt.date | None = None,
    acting_user: User | None,
) -> LegalStatus:
    """Start a new legal-status period; the open one before it ends the day before."""
    problems = Problems()
    _check_period(problems, start_date, end_date)
    if status == LegalStatus.Status.LOOKED_AFTER and responsible_council is None:
        responsible_council = child.council
    if responsible_council is not None and not responsible_council.is_council:
        problems.add("responsible_council", "Choose a council")
    problems.raise_if_any()
    previous = child.legal_statuses.filter(end_date__isnull=True, start_date__lt=start_date)
    previous.update(end_date=start_date - dt.timedelta(days=1))
    period = LegalStatus.objects.create(
        child=child,
        status=status,
        responsible_council=responsible_council
        if status == LegalStatus.Status.LOOKED_AFTER
        else None,
        start_date=start_date,
        end_date=end_date,
    )
    refresh_groups(child)
    record_write(
        acting_user,
        "record_legal_status",
        child,
        status=status,
        start_date=start_date,
        responsible_council=responsible_council,
    )
    return period


@transaction.atomic
def record_placement(
    child: Child,
    *,
    placement_type: str,
    council_area: Organisation,
    start_date: dt.date,
    address: str = "",
    postcode: str = "",
    end_date: dt.date | None = None,
    acting_user: User | None,
) -> Placement:
    """Start a new placement; the open one before it ends the day before."""
    problems = Problems()
    _check_period(problems, start_date, end_date)
    if not council_area.is_council:
        problems.add("council_area", "Choose the council whose area the placement is in")
    problems.raise_if_any()
    child.placements.filter(end_date__isnull=True, start_date__lt=start_date).update(
        end_date=start_date - dt.timedelta(days=1)
    )
    placement = Placement.objects.create(
        child=child,
        placement_type=placement_type,
        council_area=council_area,
        start_date=start_date,
        end_date=end_date,
        address=address,
        postcode=postcode,
    )
    refresh_groups(child)
    record_write(
        acting_user,
        "record_placement",
        child,
        placement_type=placement_type,
        council_area=council_area,
        start_date=start_date,
    )
    return placement


@transaction.atomic
def add_risk_flag(
    child: Child,
    *,
    flag: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    note: str = "",
    acting_user: User | None,
) -> RiskFlag:
    problems = Problems()
    if flag not in RiskFlag.Flag.values:
        problems.add("flag", "Choose a risk flag")
    _check_period(problems, start_date, end_date)
    problems.raise_if_any()
    risk = RiskFlag.objects.create(
        child=child, flag=flag, start_date=start_date, end_date=end_date, note=note
    )
    record_write(acting_user, "add_risk_flag", child, flag=flag, start_date=start_date)
    return risk
