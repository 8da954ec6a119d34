"""Which records are demo data: finding them, removing them, describing them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError, Q

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode, Notification
from returnhome.followup.models import ProposedAction
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.interviews.models import RHI, ContactAttempt, Interview
from returnhome.organisations.models import Organisation, ServiceConfiguration

from .common import CHILD_ID_PREFIX, ORG_CODE_PREFIX, DemoDataError
from .pools import MAIN_AREA, NEIGHBOUR_AREAS
from .setup import DEMO_USERNAMES, USER_SPECS


def demo_children() -> Any:
    return Child.objects.filter(la_child_id__startswith=CHILD_ID_PREFIX)


def demo_data_present() -> bool:
    return (
        User.objects.filter(username__in=DEMO_USERNAMES).exists()
        or Organisation.objects.filter(code__startswith=ORG_CODE_PREFIX).exists()
        or demo_children().exists()
    )


def _delete(queryset: Any) -> int:
    """Delete and return how many rows of the queryset's own model went (not the cascade)."""
    return int(queryset.delete()[1].get(queryset.model._meta.label, 0))


@transaction.atomic
def reset_demo_data() -> dict[str, int]:
    """Delete the demo records: children and everything about them, demo users and organisations."""
    child_ids = list(demo_children().values_list("pk", flat=True))
    users = User.objects.filter(username__in=DEMO_USERNAMES)
    orgs = Organisation.objects.filter(code__startswith=ORG_CODE_PREFIX)
    councils = Organisation.objects.filter(
        la_code__in=[MAIN_AREA.la_code] + [a.la_code for a in NEIGHBOUR_AREAS]
    )
    counts: dict[str, int] = {}
    counts["front-door queue"] = _delete(ReviewItem.objects.filter(council__in=councils))
    counts["waiting notifications"] = _delete(
        PendingNotification.objects.filter(council__in=councils)
    )
    counts["import runs"] = _delete(ImportRun.objects.filter(council__in=councils))
    counts["actions"] = _delete(ProposedAction.objects.filter(child_id__in=child_ids))
    counts["contact attempts"] = _delete(ContactAttempt.objects.filter(rhi__child_id__in=child_ids))
    counts["RHIs"] = _delete(RHI.objects.filter(child_id__in=child_ids))
    counts["interviews"] = _delete(Interview.objects.filter(child_id__in=child_ids))
    counts["notifications"] = _delete(Notification.objects.filter(episode__child_id__in=child_ids))
    counts["episodes"] = _delete(Episode.objects.filter(child_id__in=child_ids))
    counts["children"] = _delete(Child.objects.filter(pk__in=child_ids))
    configs = ServiceConfiguration.objects.filter(
        Q(council__in=councils) | Q(rhi_provider__in=orgs)
    )
    config_ids = [str(pk) for pk in configs.values_list("pk", flat=True)]
    counts["audit events"] = _delete(
        AuditEvent.objects.filter(
            Q(child_id__in=child_ids)
            | Q(actor__in=users)
            | Q(object_type="organisations.serviceconfiguration", object_id__in=config_ids)
        )
    )
    counts["service configurations"] = _delete(configs)
    try:
        counts["users"] = _delete(users)
        counts["organisations"] = _delete(orgs)
    except ProtectedError as exc:
        raise DemoDataError(
            "Some records that are not demo data refer to the demo users or organisations; "
            "they cannot be deleted automatically."
        ) from exc
    return counts


def fingerprint() -> list[tuple[Any, ...]]:
    """A deterministic description of the demo data (no primary keys), to compare two builds."""
    rows: list[tuple[Any, ...]] = []
    for child in demo_children().select_related("council").order_by("la_child_id"):
        rows.append(
            (
                "child",
                child.council.la_code,
                child.la_child_id,
                child.forename,
                child.surname,
                child.date_of_birth,
                child.nhs_number,
                child.postcode,
            )
        )
    for episode in (
        Episode.objects.filter(child__in=demo_children())
        .select_related("child", "rhi")
        .order_by("child__la_child_id", "reported_missing_at")
    ):
        rhi = getattr(episode, "rhi", None)
        rows.append(
            (
                "episode",
                episode.child.la_child_id,
                episode.group,
                episode.reported_missing_at,
                episode.returned_at,
                rhi.status if rhi else None,
                rhi.outcome if rhi else None,
                rhi.decline_reason if rhi else None,
            )
        )
    for action in (
        ProposedAction.objects.filter(child__in=demo_children())
        .select_related("child", "interview")
        .order_by("child__la_child_id", "interview__held_at", "description", "status")
    ):
        rows.append(
            (
                "action",
                action.child.la_child_id,
                action.interview.held_at,
                action.service,
                action.status,
            )
        )
    return rows


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role, organisation) of the demo users present in the database."""
    usernames = [spec[0] for spec in USER_SPECS]
    found = {
        u.username: u
        for u in User.objects.filter(username__in=usernames).select_related("organisation")
    }
    return [
        (name, found[name].get_role_display(), str(found[name].organisation or ""))
        for name in usernames
        if name in found
    ]
