"""Missing episodes and every notification received about them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from returnhome.core.models import TimeStampedModel
from returnhome.lib.groups import Group

if TYPE_CHECKING:
    from returnhome.accounts.models import User


class RiskLevel(models.TextChoices):
    NO_APPARENT_RISK = "no apparent risk", "No apparent risk"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class EpisodeQuerySet(models.QuerySet["Episode"]):
    def visible_to(self, user: User) -> EpisodeQuerySet:
        from returnhome.core.access import episode_filter

        return self.filter(episode_filter(user)).distinct()

    def open(self) -> EpisodeQuerySet:
        return self.filter(returned_at__isnull=True)


class Episode(TimeStampedModel):
    class Classification(models.TextChoices):
        MISSING = "M", "Missing (whereabouts unknown)"
        AWAY = "A", "Away without authorisation (whereabouts known, at risk)"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="episodes")
    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="episodes"
    )
    group = models.CharField(max_length=10, choices=Group.choices())
    reported_missing_at = models.DateTimeField(db_index=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    missing_from = models.CharField(max_length=300, blank=True)
    found_location = models.CharField(max_length=300, blank=True)
    police_force = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    police_reference = models.CharField(max_length=60, blank=True)
    risk_level = models.CharField(max_length=20, choices=RiskLevel.choices, blank=True)
    classification = models.CharField(
        max_length=1, choices=Classification.choices, default=Classification.MISSING
    )
    reported_by = models.CharField(max_length=200, blank=True, help_text="Who reported it missing")
    circumstances = models.TextField(blank=True)
    external_id = models.CharField(
        max_length=60,
        blank=True,
        help_text="The episode's ID in the system it was imported from (history import)",
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_missing_at"]
        indexes = [
            # Finding the episode a police notification is about (imports).
            models.Index(
                fields=["council", "police_force", "police_reference"],
                name="episode_police_ref_idx",
            ),
            # Covering indexes for the indicator engine (reports/indicators.py): its aggregates read
            # only these columns, so SQLite never visits the wide rows. Measured by bench/indicators.py.
            models.Index(
                fields=["council", "reported_missing_at", "group", "child", "returned_at"],
                name="episode_report_idx",
            ),
            # Reached from an interview's RHIs (referrals by group): id first.
            models.Index(
                fields=["id", "council", "reported_missing_at", "group"],
                name="episode_report_by_id_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "external_id"],
                condition=~models.Q(external_id=""),
                name="unique_episode_external_id",
            )
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.reported_missing_at)
        return f"Missing {when:%d/%m/%Y %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def duration(self) -> dt.timedelta | None:
        if self.returned_at is None:
            return None
        return self.returned_at - self.reported_missing_at

    def missing_for(self, now: dt.datetime | None = None) -> dt.timedelta:
        end = self.returned_at or now or timezone.now()
        return end - self.reported_missing_at

    def found_notification_received_at(self) -> dt.datetime | None:
        first = (
            self.notifications.filter(event=Notification.Event.FOUND)
            .order_by("received_at")
            .first()
        )
        return first.received_at if first else None


class Notification(models.Model):
    """A missing or found notification as it was received."""

    class Event(models.TextChoices):
        MISSING = "missing", "Missing"
        FOUND = "found", "Found / returned"

    class Source(models.TextChoices):
        POLICE = "police", "Police"
        FRONT_DOOR = "front_door", "Front door (phone or email)"
        CHILDRENS_HOME = "childrens_home", "Children's home"
        FOSTER_CARER = "foster_carer", "Foster carer"
        SCHOOL = "school", "School"
        SOCIAL_WORKER = "social_worker", "Social worker"
        PARENT = "parent", "Parent or family"
        OTHER = "other", "Other"

    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="notifications"
    )
    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(max_length=10, choices=Event.choices)
    source = models.CharField(max_length=20, choices=Source.choices)
    received_at = models.DateTimeField()
    content: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # What identifies a police notification, so importing it again never records it twice.
    police_force = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The force that sent it (police notifications)",
    )
    police_reference = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "police_force", "police_reference", "event"],
                condition=models.Q(police_force__isnull=False) & ~models.Q(police_reference=""),
                name="unique_police_notification",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} notification from {self.get_source_display()}"

    @property
    def child_id(self) -> int | None:
        return self.episode.child_id if self.episode else None
