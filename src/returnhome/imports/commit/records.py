"""What an import writes, whichever way it commits: the fields of a new child, a review item and
a found notification kept waiting, and the one-at-a-time writes (audited, atomic) the front door
and `one_by_one` share; the audit row the bulk paths write; the import run's record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.audit import record_write, write_fields
from returnhome.core.db import unsaved
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.imports.police.pipeline import Action, Plan
from returnhome.imports.police.rows import Notice
from returnhome.organisations.models import Organisation

SOURCE = Notification.Source.POLICE


def child_fields(notice: Notice) -> dict[str, Any]:
    """A new child's record from a notification."""
    return {
        "forename": notice.forename,
        "surname": notice.surname,
        "date_of_birth": notice.date_of_birth,
        "sex": notice.sex or Child.Sex.OTHER,
        "address": notice.address,
        "postcode": notice.postcode,
        "la_child_id": notice.la_child_id,
        "nhs_number": notice.nhs_number,
    }


def review_fields(plan: Plan, action: Action, run: ImportRun | None) -> dict[str, Any]:
    notice = action.notice
    assert notice is not None
    decision = action.decision
    return {
        "council_id": action.review_council_id or plan.council.pk,
        "reason": action.reason,
        "message": action.message[:500],
        "source": SOURCE,
        "event": notice.event,
        "event_at": notice.event_at,
        "received_at": plan.received_at,
        "police_force_id": notice.force_id,
        "police_reference": notice.police_reference,
        "row_number": notice.row,
        "data": notice.content(),
        "candidates": [c.as_dict() for c in decision.candidates] if decision else [],
        "suggested_child_id": decision.suggested
        if decision and (decision.suggested or 0) > 0
        else None,
        "open_episode_id": action.open_episode_id if (action.open_episode_id or 0) > 0 else None,
        "import_run": run,
    }


def pending_fields(
    plan: Plan, notice: Notice, child_id: int | None, run: ImportRun | None
) -> dict[str, Any]:
    return {
        "council": plan.council,
        "police_force_id": notice.force_id,
        "police_reference": notice.police_reference,
        "event": notice.event,
        "event_at": notice.event_at,
        "received_at": plan.received_at,
        "found_location": notice.found_location,
        "content": notice.content(),
        "child_id": child_id,
        "import_run": run,
    }


@dataclass
class Outcome:
    import_run: ImportRun | None
    episodes: dict[int, int]  # plan's episode id (< 0 for new) -> episode pk
    children: dict[int, int]  # plan's child id (< 0 for new) -> child pk


@transaction.atomic
def keep_pending(
    plan: Plan,
    notice: Notice,
    child: Child | None,
    *,
    acting_user: User | None,
    run: ImportRun | None,
) -> PendingNotification:
    fields = pending_fields(plan, notice, child.pk if child else None, run)
    if child is not None:  # waiting at the council holding the child's record (issue 12)
        fields["council"] = child.council
    pending = PendingNotification.objects.create(**fields)
    record_write(
        acting_user, "keep_found_notification", pending, police_reference=notice.police_reference
    )
    return pending


@transaction.atomic
def send_to_review(
    plan: Plan, action: Action, *, acting_user: User | None, run: ImportRun | None
) -> ReviewItem:
    item = ReviewItem.objects.create(**review_fields(plan, action, run))
    record_write(acting_user, "send_to_review", item, reason=item.reason, event=item.event)
    return item


@transaction.atomic
def add_notification(
    episode: Episode, notice: Notice, *, received_at: dt.datetime, acting_user: User | None
) -> Notification:
    """A further notification about an episode already recorded (e.g. police confirm a return)."""
    note = Notification.objects.create(
        episode=episode,
        council_id=episode.council_id,
        event=notice.event,
        source=SOURCE,
        received_at=received_at,
        content=notice.content(),
        recorded_by=acting_user if acting_user and acting_user.pk else None,
        police_force_id=notice.force_id,
        police_reference=notice.police_reference,
    )
    record_write(acting_user, "add_notification", episode, source=SOURCE, event=notice.event)
    return note


def tag_police_key(episode: Episode, event: str, force_id: int, reference: str) -> None:
    """Mark the notification a service just recorded with its police key (idempotency)."""
    note = (
        Notification.objects.filter(episode=episode, event=event, police_reference="")
        .order_by("-pk")
        .first()
    )
    assert note is not None
    Notification.objects.filter(pk=note.pk).update(
        police_force_id=force_id, police_reference=reference
    )


def audit_row(actor: User | None, action: str, obj: Model, **detail: Any) -> AuditEvent:
    """The audit row `core.audit.record_write` writes, not yet saved (the bulk paths insert them)."""
    return unsaved(AuditEvent, **write_fields(actor, action, obj, **detail))


# --------------------------------------------------------------------------- the import run


def start_run(
    council: Organisation,
    *,
    source: str,
    file_name: str,
    sha256: str,
    acting_user: User | None,
    started_at: dt.datetime,
) -> ImportRun:
    return ImportRun.objects.create(
        council=council,
        source=source,
        file_name=file_name[:300],
        sha256=sha256,
        started_at=started_at,
        acting_user=acting_user if acting_user is not None and acting_user.pk else None,
    )


def finish_run(
    run: ImportRun,
    summary: dict[str, Any],
    *,
    acting_user: User | None,
    action: str = "import_notifications",
) -> None:
    run.finished_at = timezone.now()
    run.summary = summary
    run.save(update_fields=["finished_at", "summary"])
    record_write(
        acting_user,
        action,
        run,
        file=run.file_name,
        sha256=run.sha256,
        **{k: v for k, v in summary.items() if isinstance(v, int)},
    )
