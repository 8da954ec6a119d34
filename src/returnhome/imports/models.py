"""Intake of police notifications: each import run, found notifications waiting for their missing
one, and the front door's review queue for notifications the system will not decide alone."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from returnhome.access.policy import front_door_filter
from returnhome.core.models import TimeStampedModel

if TYPE_CHECKING:
    from returnhome.accounts.models import User


class FrontDoorQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User) -> FrontDoorQuerySet:
        return self.filter(front_door_filter(user))


class ImportRun(models.Model):
    """One committed import of a file (or a batch sent through the API)."""

    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=20, default="file")
    file_name = models.CharField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"Import of {self.file_name or self.source} at {self.started_at:%d/%m/%Y %H:%M}"


class PendingNotification(TimeStampedModel):
    """A found notification that arrived before the missing one it belongs to.

    Kept as received and joined (the episode closed with it) when the missing notification with
    the same force and police reference arrives.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the missing notification"
        JOINED = "joined", "Joined to its episode"
        DISCARDED = "discarded", "Discarded by the front door"

    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    police_force = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    police_reference = models.CharField(max_length=60)
    event = models.CharField(max_length=10, default="found")
    event_at = models.DateTimeField()
    received_at = models.DateTimeField()
    found_location = models.CharField(max_length=300, blank=True)
    content: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    child = models.ForeignKey(
        "children.Child",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The child it matched, if it matched one automatically",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    episode = models.ForeignKey(
        "episodes.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    joined_at = models.DateTimeField(null=True, blank=True)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="pending"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The front door, when they joined or discarded it by hand",
    )
    resolution_reason = models.TextField(blank=True)

    objects = FrontDoorQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["council", "police_reference", "police_force", "event"],
                name="unique_pending_notification",
            )
        ]

    def __str__(self) -> str:
        return f"Found notification {self.police_reference} ({self.get_status_display()})"


class ReviewItem(TimeStampedModel):
    """A notification the front door must decide: which child it is about, or what to do with it."""

    class Reason(models.TextChoices):
        UNCERTAIN_MATCH = "uncertain_match", "Not sure which child this is"
        IDENTIFIER_CONFLICT = "identifier_conflict", "Identifiers point to different children"
        ALREADY_MISSING = "already_missing", "The child already has an open missing episode"
        REFERENCE_MISMATCH = (
            "reference_mismatch",
            "Found notification does not fit the open episode",
        )
        NAMES_ANOTHER_COUNCIL = (
            "names_another_council",
            "Sent by the council a child is placed in: which of our children is it?",
        )

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Resolution(models.TextChoices):
        MATCHED = "matched", "Matched to an existing child"
        NEW_CHILD = "new_child", "Recorded as a new child"
        MERGED = "merged", "Added to the open episode"
        RECORDED = "recorded", "Recorded as a new episode"
        KEPT_WAITING = "kept_waiting", "Kept waiting for its missing notification"
        DISCARDED = "discarded", "Discarded"

    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=30, choices=Reason.choices)
    message = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=20, default="police")
    event = models.CharField(max_length=10)
    event_at = models.DateTimeField()
    received_at = models.DateTimeField()
    police_force = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    police_reference = models.CharField(max_length=60, blank=True)
    row_number = models.PositiveIntegerField(null=True, blank=True)
    data: models.JSONField[Any] = models.JSONField(
        default=dict, help_text="The notification as received (one row)"
    )
    candidates: models.JSONField[Any] = models.JSONField(
        default=list, blank=True, help_text="Candidate children with their scores and reasons"
    )
    suggested_child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    open_episode = models.ForeignKey(
        "episodes.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolution = models.CharField(max_length=20, choices=Resolution.choices, blank=True)
    resolved_child = models.ForeignKey(
        "children.Child", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)
    import_run = models.ForeignKey(
        ImportRun, null=True, blank=True, on_delete=models.PROTECT, related_name="review_items"
    )

    objects = FrontDoorQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "police_reference", "police_force", "event"],
                condition=Q(status="open")
                & Q(police_force__isnull=False)
                & ~Q(police_reference=""),
                name="unique_open_review_item",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.police_reference or self.pk}"

    @property
    def child_id(self) -> int | None:
        """For the audit trail: the child it was resolved to, else the suggested one."""
        return self.resolved_child_id or self.suggested_child_id
