"""The information package of a child placed out of area (the Philomena Protocol profile): kept
current by the responsible council, sent to the host council and host police force with each
out-of-area placement (and again when it changes), their receipt recorded. Every write is atomic
and audited; the recipients are alerted in the app (the alert never names the child)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from returnhome.access.policy import receives_package, shares_with_host
from returnhome.access.roles import front_door_users, police_coordinator_users
from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import notify
from returnhome.children.models import Child, InformationPackage, PackageSend, Placement
from returnhome.core.audit import record_write
from returnhome.core.errors import require
from returnhome.core.versioning import lock_for_edit
from returnhome.organisations.models import Organisation


def package_of(child: Child) -> InformationPackage:
    """The child's package (an empty one the first time it is asked for)."""
    package, _ = InformationPackage.objects.get_or_create(child=child)
    return package


def recipients_for(placement: Placement) -> list[Organisation]:
    """Who a placement's package goes to: the host council and the police force of its area."""
    area = placement.council_area
    return [area] if area.police_force is None else [area, area.police_force]


def _staff_to_alert(organisation: Organisation) -> list[User]:
    who = front_door_users() if organisation.is_council else police_coordinator_users()
    return list(User.objects.filter(who, organisation=organisation, is_active=True))


def current_out_of_area(child: Child) -> Placement | None:
    placement = child.placement_on(timezone.localdate())
    return placement if placement is not None and placement.out_of_area else None


@transaction.atomic
def send_package(
    child: Child, placement: Placement, *, acting_user: User | None
) -> list[PackageSend]:
    """Send the current package to the placement's host council and host force, and alert them."""
    require(placement.out_of_area, "Packages go with placements outside the council's area.")
    package = package_of(child)
    now = timezone.now()
    sends = []
    for recipient in recipients_for(placement):
        send = PackageSend.objects.create(
            package=package,
            placement=placement,
            recipient=recipient,
            package_version=package.version,
            sent_at=now,
            sent_by=acting_user,
        )
        record_write(
            acting_user,
            "send_package",
            send,
            recipient=recipient.pk,
            package_version=package.version,
        )
        notify(
            _staff_to_alert(recipient),
            kind=Alert.Kind.PACKAGE_SENT,
            title=f"An information package from {child.council} about a child placed in your area",
            link=reverse("children:packages_received"),
            acting_user=acting_user,
        )
        sends.append(send)
    return sends


@transaction.atomic
def update_package(
    child: Child, *, expected_version: int | None, acting_user: User, **fields: Any
) -> InformationPackage:
    """Change the package (the responsible council's front door or manager); when the child is
    placed out of area now, the new version goes to the host council and force."""
    require(shares_with_host(acting_user, child), "Only the child's council keeps the package.")
    unknown = set(fields) - set(InformationPackage.TEXT_FIELDS)
    if unknown:
        raise TypeError(f"unknown package fields: {sorted(unknown)}")
    package = lock_for_edit(package_of(child), expected_version)
    changed = {k: v for k, v in fields.items() if getattr(package, k) != v}
    for key, value in changed.items():
        setattr(package, key, value)
    package.updated_by = acting_user
    package.save()
    record_write(
        acting_user, "update_package", package, version=package.version, fields=sorted(changed)
    )
    placement = current_out_of_area(child)
    if placement is not None and changed:
        send_package(child, placement, acting_user=acting_user)
    return package


@transaction.atomic
def record_package_receipt(send: PackageSend, *, acting_user: User) -> PackageSend:
    """The host council or force records that it has the package (once)."""
    require(receives_package(acting_user, send), "Only the organisation it was sent to.")
    if send.received_at is None:
        send.received_at = timezone.now()
        send.received_by = acting_user
        send.save(update_fields=["received_at", "received_by"])
        record_write(acting_user, "record_package_receipt", send, recipient=send.recipient_id)
    return send


@transaction.atomic
def share_interviews_with_host(child: Child, *, shared: bool, acting_user: User) -> Child:
    """The responsible council shares (or stops sharing) the child's interview records with the
    council the child is placed in."""
    require(shares_with_host(acting_user, child), "Only the child's council decides this.")
    Child.objects.filter(pk=child.pk).update(interviews_shared_with_host=shared)
    child.interviews_shared_with_host = shared
    record_write(acting_user, "share_interviews_with_host", child, shared=shared)
    return child


def merge_packages(keep: Child, duplicate: Child, *, acting_user: User | None) -> dict[str, Any]:
    """Two records of one child being merged (`services.merge_children`): the kept record holds
    the newer package (by its last change), and nothing is lost. What happened, for the undo:

    - only the duplicate has one: it moves to the kept record, with what it was sent and the
      receipts (`{"moved": pk}`);
    - both, the kept one newer (or as new): it stays; the duplicate's stays whole on the merged
      record as history (`{"kept": pk, "history": pk}`);
    - both, the duplicate's newer: the kept package takes its text as a new version (audited as
      an update); the duplicate's stays whole on the merged record as history, with its sends
      and receipts (`{"copied_from": pk, "into": pk, "before": {...}, "version": n}`).
    A package is one child's profile written at one time, so the newer is taken whole, never
    field by field; the older is kept, not mixed in."""
    theirs = InformationPackage.objects.filter(child=duplicate).first()
    if theirs is None:
        return {}
    ours = InformationPackage.objects.filter(child=keep).first()
    if ours is None:
        InformationPackage.objects.filter(pk=theirs.pk).update(child=keep)
        theirs.child = keep
        record_write(acting_user, "move_package", theirs, to_child=keep.pk, merge=True)
        return {"moved": theirs.pk}
    if ours.updated_at >= theirs.updated_at:
        return {"kept": ours.pk, "history": theirs.pk}
    ours = lock_for_edit(ours, None)  # a new version: a form opened before is stale
    before = {name: getattr(ours, name) for name in InformationPackage.TEXT_FIELDS}
    for name in InformationPackage.TEXT_FIELDS:
        setattr(ours, name, getattr(theirs, name))
    ours.updated_by = acting_user
    ours.save()
    changed = sorted(k for k, v in before.items() if getattr(ours, k) != v)
    record_write(
        acting_user,
        "update_package",
        ours,
        version=ours.version,
        fields=changed,
        copied_from=theirs.pk,
    )
    return {"copied_from": theirs.pk, "into": ours.pk, "before": before, "version": ours.version}


def unmerge_packages(
    moved: dict[str, Any], keep: Child, duplicate: Child, *, acting_user: User | None
) -> list[str]:
    """Undoing a merge: put the packages back as `merge_packages` found them; what could not be
    put back because the kept package was changed since (["package"]), else []."""
    if "moved" in moved:
        InformationPackage.objects.filter(pk=moved["moved"], child=keep).update(child=duplicate)
        record_write(
            acting_user, "move_package", InformationPackage(pk=moved["moved"], child=duplicate)
        )
        return []
    if "copied_from" not in moved:
        return []
    ours = InformationPackage.objects.get(pk=moved["into"])
    if ours.version != moved["version"]:
        return ["package"]
    ours = lock_for_edit(ours, moved["version"])
    for name, value in moved["before"].items():
        setattr(ours, name, value)
    ours.updated_by = acting_user
    ours.save()
    record_write(
        acting_user, "update_package", ours, version=ours.version, fields=sorted(moved["before"])
    )
    return []
