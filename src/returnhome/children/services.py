"""Writes to children's records. Every write is atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from returnhome.access.policy import can_record_notification
from returnhome.accounts.models import User
from returnhome.children import packages
from returnhome.children.groups import refresh_groups
from returnhome.children.models import (
    Alias,
    Child,
    ChildMerge,
    LegalStatus,
    Placement,
    RHIArrangement,
    RiskFlag,
)
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.core.versioning import lock_for_edit
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
def update_child(
    child: Child, *, expected_version: int | None, acting_user: User | None, **fields: Any
) -> Child:
    """Change the child's details. `expected_version` is the version the edit form was loaded
    with: a stale one is refused (`StaleEdit`, saying what changed since). None skips the check:
    only for a caller that is not a form and decides from the row as it is now (the demo data)."""
    child = lock_for_edit(child, expected_version)
    _check_child_fields(child.council, fields, child)
    changed = {k: v for k, v in fields.items() if getattr(child, k) != v}
    for key, value in changed.items():
        setattr(child, key, value)
    child.save()
    record_write(
        acting_user,
        "update_child",
        child,
        changed=changed,
        version=child.version,
        fields=sorted(changed),
    )
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
    rhi_arrangement: str = "",
    rhi_provider: Organisation | None = None,
    acting_user: User | None,
) -> Placement:
    """Start a new placement; the open one before it ends the day before. A placement outside
    the council's area names who interviews the child if they go missing, and sends the child's
    information package to the host council and force (`packages.send_package`)."""
    problems = Problems()
    _check_period(problems, start_date, end_date)
    if not council_area.is_council:
        problems.add("council_area", "Choose the council whose area the placement is in")
    out_of_area = council_area.pk != child.council_id
    rhi_provider = _check_arrangement(
        problems, out_of_area, rhi_arrangement, rhi_provider, council_area
    )
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
        out_of_area=out_of_area,
        rhi_arrangement=rhi_arrangement if out_of_area else "",
        rhi_provider=rhi_provider if out_of_area else None,
    )
    refresh_groups(child)
    record_write(
        acting_user,
        "record_placement",
        child,
        placement_type=placement_type,
        council_area=council_area,
        start_date=start_date,
        rhi_arrangement=placement.rhi_arrangement,
        rhi_provider=placement.rhi_provider_id,
    )
    if out_of_area and (end_date is None or end_date >= timezone.localdate()):
        packages.send_package(child, placement, acting_user=acting_user)
    return placement


def _check_arrangement(
    problems: Problems,
    out_of_area: bool,
    arrangement: str,
    provider: Organisation | None,
    council_area: Organisation,
) -> Organisation | None:
    """The RHI arrangement of an out-of-area placement, and the organisation it names: the host
    council's service is the host council's configured provider; a commissioned provider or a
    case-by-case arrangement names its organisation; the own service names none, and so does
    none recorded (the placement form asks for one; older records and imports hold none)."""
    if not out_of_area:
        return None
    if arrangement and arrangement not in RHIArrangement.values:
        problems.add("rhi_arrangement", "Choose who interviews the child if they go missing")
        return None
    if arrangement in ("", RHIArrangement.OWN_SERVICE):  # none recorded: the council's own
        return None
    if arrangement == RHIArrangement.HOST_COUNCIL:
        config = getattr(council_area, "service_configuration", None)
        return config.provider() if config is not None else council_area
    if provider is None or provider.kind not in (
        Organisation.Kind.PROVIDER,
        Organisation.Kind.COUNCIL,
    ):
        problems.add("rhi_provider", "Name the organisation that will interview the child")
    return provider


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


# --------------------------------------------------------------------------- merging duplicates

# Filled on the kept record from the duplicate where the kept record has nothing.
FILLABLE = (
    "la_child_id",
    "nhs_number",
    "date_of_birth",
    "gender",
    "ethnicity",
    "address",
    "postcode",
    "allocated_social_worker",
    "photographs_location",
)
# Records that point at a child but are not the child's information: decisions already taken.
NOT_MOVED = {
    "children.child.merged_into",
    "children.childmerge.keep",
    "children.childmerge.duplicate",
}
NOT_MOVED_MODELS = {"imports.reviewitem"}


def _child_relations() -> list[tuple[str, type[models.Model], str]]:
    """(key, model, field name) for every foreign key to Child that a merge moves."""
    found: list[tuple[str, type[models.Model], str]] = []
    for rel in Child._meta.get_fields(include_hidden=True):
        if not (isinstance(rel, models.ForeignObjectRel) and rel.one_to_many):
            continue
        model: Any = rel.related_model
        key = f"{model._meta.label_lower}.{rel.field.name}"
        if key in NOT_MOVED or model._meta.label_lower in NOT_MOVED_MODELS:
            continue
        found.append((key, model, rel.field.name))
    return sorted(found, key=lambda item: item[0])


def _blank(value: Any) -> bool:
    return value in (None, "", [], False)


@transaction.atomic
def merge_children(keep: Child, duplicate: Child, *, acting_user: User, reason: str) -> ChildMerge:
    """Two records of the same child: everything the duplicate holds moves to the kept record.

    The duplicate stays (marked merged, hidden from lists, search and matching); the merge records
    exactly what moved so `undo_merge` can put it back.
    """
    keep = Child.objects.select_for_update().get(pk=keep.pk)
    duplicate = Child.objects.select_for_update().get(pk=duplicate.pk)
    require(
        can_record_notification(acting_user, keep.council)
        and can_record_notification(acting_user, duplicate.council),
        "Only the front door merges children's records.",
    )
    problems = Problems()
    if keep.pk == duplicate.pk:
        problems.add(
            "duplicate", "Choose a different record: a record cannot be merged into itself"
        )
    if keep.council_id != duplicate.council_id:
        problems.add("duplicate", "Both records must belong to the same council")
    if keep.merged_into_id is not None:
        problems.add("keep", f"{keep.full_name}'s record was itself merged into another")
    if duplicate.merged_into_id is not None:
        problems.add("duplicate", f"{duplicate.full_name}'s record is already merged")
    if not reason.strip():
        problems.add("reason", "Say why these are the same child")
    problems.raise_if_any()

    moved: dict[str, Any] = {"records": {}, "filled": {}, "services_added": [], "alias": None}
    for key, model, field in _child_relations():
        ids = sorted(
            model._default_manager.filter(**{field: duplicate}).values_list("pk", flat=True)
        )
        if ids:
            model._default_manager.filter(pk__in=ids).update(**{field: keep})
            moved["records"][key] = ids
    # Identity details the kept record lacks. The council child ID moves (it is unique).
    for name in FILLABLE:
        attname = Child._meta.get_field(name).attname  # type: ignore[union-attr]
        theirs = getattr(duplicate, attname)
        if _blank(getattr(keep, attname)) and not _blank(theirs):
            moved["filled"][attname] = theirs
            setattr(keep, attname, theirs)
    if "la_child_id" in moved["filled"]:
        Child.objects.filter(pk=duplicate.pk).update(la_child_id="")
    if duplicate.photographs_held and not keep.photographs_held:
        moved["filled"]["photographs_held"] = True
        keep.photographs_held = True
    added = [s for s in duplicate.services_involved if s not in keep.services_involved]
    if added:
        moved["services_added"] = added
        keep.services_involved = [*keep.services_involved, *added]
    keep.version += 1  # a form opened before the merge is stale: fields were filled
    keep.save()
    # The duplicate's name, so a notification using it finds the kept record.
    name = duplicate.full_name.strip()
    if (
        name.lower() != keep.full_name.strip().lower()
        and not keep.aliases.filter(name__iexact=name).exists()
    ):
        alias = Alias.objects.create(child=keep, name=name, kind=Alias.Kind.PREVIOUS)
        moved["alias"] = alias.pk
    # The information package is one per child: the newer is the kept record's, the other kept.
    moved["package"] = packages.merge_packages(keep, duplicate, acting_user=acting_user)
    Child.objects.filter(pk=duplicate.pk).update(merged_into=keep, updated_at=timezone.now())
    refresh_groups(keep)
    merge = ChildMerge.objects.create(
        council=keep.council,
        keep=keep,
        duplicate=duplicate,
        merged_at=timezone.now(),
        merged_by=acting_user,
        reason=reason.strip(),
        moved=moved,
    )
    record_write(
        acting_user,
        "merge_children",
        keep,
        duplicate=duplicate.pk,
        merge=merge.pk,
        reason=merge.reason,
        moved={k: len(v) for k, v in moved["records"].items()},
        filled=sorted(moved["filled"]),
        version=keep.version,
        fields=sorted(moved["filled"]) + (["services_involved"] if added else []),
    )
    record_write(
        acting_user, "merged_into", duplicate, keep=keep.pk, merge=merge.pk, reason=merge.reason
    )
    return merge


# What goes back to the duplicate on undo, beyond the records the merge moved: the records that
# have hung off them since (an RHI referred on a moved episode, its interview, that interview's
# actions). Each app above this one adds its step from its AppConfig.ready(), in INSTALLED_APPS
# order (episodes, interviews, followup): a step adds the ids that go back to `records` (keyed
# like ChildMerge.moved["records"]) and returns why the undo cannot happen, if it cannot.
UndoStep = Callable[[dict[str, list[int]], Child], list[str]]
_undo_steps: list[UndoStep] = []


def add_undo_step(step: UndoStep) -> None:
    if step not in _undo_steps:
        _undo_steps.append(step)


def _going_back(merge: ChildMerge, keep: Child) -> tuple[dict[str, list[int]], list[str]]:
    """What goes back to the duplicate on undo, and the reasons it cannot."""
    records: dict[str, list[int]] = {k: list(v) for k, v in merge.moved.get("records", {}).items()}
    problems: list[str] = []
    for step in _undo_steps:
        problems.extend(step(records, keep))
    return {k: v for k, v in records.items() if v}, problems


@transaction.atomic
def undo_merge(merge: ChildMerge, *, acting_user: User, reason: str) -> ChildMerge:
    """Put back exactly what the merge moved; refuse, saying why, when that is no longer possible."""
    merge = ChildMerge.objects.select_for_update().get(pk=merge.pk)
    keep = Child.objects.select_for_update().get(pk=merge.keep_id)
    duplicate = Child.objects.select_for_update().get(pk=merge.duplicate_id)
    require(
        can_record_notification(acting_user, merge.council), "Only the front door undoes a merge."
    )
    problems = Problems()
    if merge.is_undone:
        problems.add("__all__", "This merge has already been undone")
    if not reason.strip():
        problems.add("reason", "Say why the merge is being undone")
    if keep.merged_into_id is not None:
        problems.add(
            "__all__",
            f"{keep.full_name}'s record has since been merged into another: undo that first",
        )
    if duplicate.merged_into_id != keep.pk:
        problems.add(
            "__all__", f"{duplicate.full_name}'s record is not merged into {keep.full_name}'s"
        )
    problems.raise_if_any()
    records, blockers = _going_back(merge, keep)
    la_id = merge.moved.get("filled", {}).get("la_child_id")
    if (
        la_id
        and Child.objects.filter(council=merge.council, la_child_id=la_id)
        .exclude(pk=keep.pk)
        .exists()
    ):
        blockers.append(f"Another child now has the council child ID {la_id}")
    for blocker in blockers:
        problems.add("__all__", f"The merge cannot be undone: {blocker}.")
    problems.raise_if_any()

    relations = {key: (model, field) for key, model, field in _child_relations()}
    for key, ids in records.items():
        model, field = relations[key]
        model._default_manager.filter(pk__in=ids, **{field: keep}).update(**{field: duplicate})
    kept_changed = []
    for attname, value in merge.moved.get("filled", {}).items():
        current = getattr(keep, attname)
        if current == value or (attname == "date_of_birth" and str(current) == str(value)):
            default: Any = (
                False
                if attname == "photographs_held"
                else (None if attname in ("date_of_birth", "allocated_social_worker_id") else "")
            )
            setattr(keep, attname, default)
        else:
            kept_changed.append(attname)
    added = merge.moved.get("services_added", [])
    keep.services_involved = [s for s in keep.services_involved if s not in added]
    keep.version += 1
    keep.save()
    if la_id and "la_child_id" not in kept_changed:
        Child.objects.filter(pk=duplicate.pk).update(la_child_id=la_id)
    if merge.moved.get("alias"):
        Alias.objects.filter(pk=merge.moved["alias"], child=keep).delete()
    kept_changed += packages.unmerge_packages(
        merge.moved.get("package", {}), keep, duplicate, acting_user=acting_user
    )
    Child.objects.filter(pk=duplicate.pk).update(merged_into=None, updated_at=timezone.now())
    duplicate.refresh_from_db()
    refresh_groups(keep)
    refresh_groups(duplicate)
    merge.undone_at = timezone.now()
    merge.undone_by = acting_user
    merge.undo_reason = reason.strip()
    merge.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    record_write(
        acting_user,
        "undo_merge",
        keep,
        duplicate=duplicate.pk,
        merge=merge.pk,
        reason=merge.undo_reason,
        moved_back={k: len(v) for k, v in records.items()},
        changed_since=kept_changed,
        version=keep.version,
        fields=sorted(set(merge.moved.get("filled", {})) - set(kept_changed))
        + (["services_involved"] if added else []),
    )
    record_write(
        acting_user, "unmerged", duplicate, keep=keep.pk, merge=merge.pk, reason=merge.undo_reason
    )
    return merge
