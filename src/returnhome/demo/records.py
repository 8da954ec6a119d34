"""Which records are demo data: finding them, removing them, describing them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Max, ProtectedError, Q

from returnhome.accounts.models import User
from returnhome.children.models import Child, ChildMerge
from returnhome.episodes.models import DirectReport, Episode, Notification
from returnhome.followup.models import ProposedAction
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.interviews.models import RHI, ContactAttempt, Interview
from returnhome.organisations.models import Contract, Organisation, ServiceConfiguration
from returnhome.sharing.models import SharingForm

from .common import CHILD_ID_PREFIX, DemoDataError
from .models import DemoRecord, DemoRun, made
from .setup import USER_SPECS

# The models whose new rows a build records as its own (episodes, RHIs, interviews and the rest
# belong to the demo children).
MADE: tuple[type[models.Model], ...] = (
    Organisation,
    User,
    Child,
    ServiceConfiguration,
    Contract,
    ImportRun,
    ReviewItem,
    PendingNotification,
)


def demo_children() -> Any:
    """The demo's children (by their demo ids; a demo database holds no others)."""
    return Child.objects.filter(la_child_id__startswith=CHILD_ID_PREFIX)


def demo_data_present() -> bool:
    """Whether a demo build's children or active users are in the database."""
    return made(Child).exists() or made(User).filter(is_active=True).exists()


def high_water_marks() -> dict[type[models.Model], int]:
    """The highest primary key of each recorded model before a build."""
    return {model: model._default_manager.aggregate(m=Max("pk"))["m"] or 0 for model in MADE}


def record_made(run: DemoRun, marks: dict[type[models.Model], int]) -> int:
    """Record every row of the recorded models added since `marks` as made by `run`."""
    records = [
        DemoRecord(run=run, model=model._meta.label_lower, object_id=pk)
        for model, mark in marks.items()
        for pk in model._default_manager.filter(pk__gt=mark).values_list("pk", flat=True)
    ]
    DemoRecord.objects.bulk_create(records, batch_size=500)
    return len(records)


def foreign_records() -> dict[str, list[str]]:
    """The children, episodes and users no demo build made, named (at most five of each)."""
    children = Child.objects.exclude(pk__in=DemoRecord.objects.ids(Child))
    episodes = Episode.objects.exclude(child_id__in=DemoRecord.objects.ids(Child))
    users = User.objects.exclude(pk__in=DemoRecord.objects.ids(User))
    found: dict[str, list[str]] = {}
    if children.exists():
        found["children"] = [
            f"child {c.pk} of {c.council}"
            for c in children.select_related("council").order_by("pk")[:5]
        ]
        found["children"].append(f"{children.count()} in all")
    if episodes.exists():
        found["episodes"] = [
            f"episode {pk}" for pk in episodes.order_by("pk").values_list("pk", flat=True)[:5]
        ]
        found["episodes"].append(f"{episodes.count()} in all")
    if users.exists():
        found["users"] = list(users.order_by("username").values_list("username", flat=True)[:5])
        found["users"].append(f"{users.count()} in all")
    return found


def describe_foreign(found: dict[str, list[str]]) -> str:
    return "; ".join(f"{kind}: {', '.join(names)}" for kind, names in found.items())


def refuse_foreign_records() -> None:
    """Refuse a database holding children, episodes or users no demo build made."""
    found = foreign_records()
    if found:
        raise DemoDataError(
            "This database holds records demo-data did not make ("
            + describe_foreign(found)
            + "). demo-data adds synthetic children and accounts with a published password, so "
            "it runs only on a database of its own: nothing was changed."
        )


def _delete(queryset: Any) -> int:
    """Delete and return how many rows of the queryset's own model went (not the cascade)."""
    return int(queryset.delete()[1].get(queryset.model._meta.label, 0))


@transaction.atomic
def remove_demo_data() -> dict[str, int]:
    """Remove what demo builds made: their children and everything about them (episodes, RHIs,
    interviews, actions, front-door items about them), their police file's import run and their
    service configurations. Records no build made stay as they are, and so does every audit row:
    the demo users are deactivated (their password made unusable), not deleted, so the audit
    trail's references to them stay valid; the demo organisations stay, as their users do."""
    child_ids = list(made(Child).values_list("pk", flat=True))
    episodes = Episode.objects.filter(child_id__in=child_ids)
    counts: dict[str, int] = {}
    counts["direct reports"] = _delete(DirectReport.objects.filter(episode__in=episodes))
    counts["front-door queue"] = _delete(
        ReviewItem.objects.filter(
            Q(pk__in=DemoRecord.objects.ids(ReviewItem))
            | Q(suggested_child_id__in=child_ids)
            | Q(resolved_child_id__in=child_ids)
            | Q(open_episode__in=episodes)
        )
    )
    counts["waiting notifications"] = _delete(
        PendingNotification.objects.filter(
            Q(pk__in=DemoRecord.objects.ids(PendingNotification))
            | Q(child_id__in=child_ids)
            | Q(episode__in=episodes)
        )
    )
    counts["actions"] = _delete(ProposedAction.objects.filter(child_id__in=child_ids))
    # Their sendings, entries and the forces' answers go with them (cascade).
    counts["sharing forms"] = _delete(SharingForm.objects.filter(child_id__in=child_ids))
    counts["contact attempts"] = _delete(ContactAttempt.objects.filter(rhi__child_id__in=child_ids))
    counts["RHIs"] = _delete(RHI.objects.filter(child_id__in=child_ids))
    counts["interviews"] = _delete(Interview.objects.filter(child_id__in=child_ids))
    counts["notifications"] = _delete(Notification.objects.filter(episode__in=episodes))
    counts["episodes"] = _delete(episodes)
    counts["merges"] = _delete(
        ChildMerge.objects.filter(Q(keep_id__in=child_ids) | Q(duplicate_id__in=child_ids))
    )
    try:
        counts["children"] = _delete(Child.objects.filter(pk__in=child_ids))
        counts["import runs"] = _delete(made(ImportRun))
        counts["service configurations"] = _delete(made(ServiceConfiguration))
    except ProtectedError as exc:
        raise DemoDataError(
            "Records that demo-data did not make refer to demo records ("
            + ", ".join(sorted({str(obj._meta.verbose_name) for obj in exc.protected_objects}))
            + "): the demo data cannot be removed automatically. Nothing was changed."
        ) from exc
    users = made(User).filter(is_active=True)
    counts["users deactivated"] = users.update(is_active=False, password=make_password(None))
    gone = DemoRecord.objects.filter(
        Q(model=Child._meta.label_lower)
        | Q(model=ImportRun._meta.label_lower)
        | Q(model=ServiceConfiguration._meta.label_lower)
        | Q(model=ReviewItem._meta.label_lower)
        | Q(model=PendingNotification._meta.label_lower)
    )
    gone.delete()
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
    """(username, role, organisation) of the active demo users in the database."""
    usernames = [spec[0] for spec in USER_SPECS]
    found = {
        u.username: u
        for u in made(User)
        .filter(username__in=usernames, is_active=True)
        .select_related("organisation")
    }
    return [
        (name, found[name].get_role_display(), str(found[name].organisation or ""))
        for name in usernames
        if name in found
    ]
