"""Missing episodes and every notification received about them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from returnhome.access.policy import direct_report_filter, episode_filter, visible_rows
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
        return visible_rows(self, episode_filter(user))

    def open(self) -> EpisodeQuerySet:
        return self.filter(returned_at__isnull=True)


class Episode(TimeStampedModel):
    class Classification(models.TextChoices):
        MISSING = "M", "Missing (whereabouts unknown)"
        AWAY = "A", "Away without authorisation (whereabouts known, at risk)"

    # No index of their own: `episode_child_history_idx` leads with the child,
    # `episode_indicator_idx` and `episode_council_ref_idx` with the council (decision 0046).
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="episodes", db_index=False
    )
    council = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="episodes",
        db_index=False,
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
            # Finding the episode a police notification is about (imports): the reference before
            # the force, as the importer asks for a council's references of every force at once.
            models.Index(
                fields=["council", "police_reference", "police_force"],
                name="episode_council_ref_idx",
            ),
            # Covering index for the indicator engine (reports/indicators.py): its aggregates read
            # only these columns, so SQLite never visits the wide rows. The group comes before the
            # date: the engine asks for `group IN (the four)`, so SQLite reads the period group
            # after group, already in GROUP BY order (no sort). Measured by bench/indicators.py.
            models.Index(
                fields=["council", "group", "reported_missing_at", "returned_at", "child"],
                name="episode_indicator_idx",
            ),
            # A child's earlier episodes in a council (and group): the report-facts triggers
            # (reports/facts.py) look them up for every write, so this must be a seek.
            models.Index(
                fields=["child", "council", "group", "reported_missing_at"],
                name="episode_child_history_idx",
            ),
            # The children still missing (open episodes, the meeting pack): a few hundred rows
            # among a million, read without scanning the history (bench/pages.py).
            models.Index(
                fields=["council", "reported_missing_at"],
                name="episode_open_idx",
                condition=models.Q(returned_at__isnull=True),
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
    # No index of its own: `notification_recent_idx` leads with the council (decision 0046).
    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False
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
                fields=["council", "police_reference", "police_force", "event"],
                condition=models.Q(police_force__isnull=False) & ~models.Q(police_reference=""),
                name="unique_police_notification",
            )
        ]
        # The front door's "recorded in the last 7 days" (a council's newest notifications).
        indexes = [models.Index(fields=["council", "received_at"], name="notification_recent_idx")]

    def __str__(self) -> str:
        return f"{self.get_event_display()} notification from {self.get_source_display()}"

    @property
    def child_id(self) -> int | None:
        return self.episode.child_id if self.episode else None


class DirectReportQuerySet(models.QuerySet["DirectReport"]):
    def visible_to(self, user: User) -> DirectReportQuerySet:
        return visible_rows(self, direct_report_filter(user))


class DirectReport(TimeStampedModel):
    """A child reported missing straight to the service by a children's home, foster carer, school,
    social worker or youth worker (Box G), holding what a good missing report holds (Box D), and
    later their return. Kept as the reporter gave it: the reporter sees this and nothing else."""

    class Status(models.TextChoices):
        RECORDED = "recorded", "Missing: recorded by the front door"
        WITH_FRONT_DOOR = "with_front_door", "Missing: the front door is checking the child"
        RETURNED = "returned", "Returned"

    class ReporterRisk(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        NOT_SURE = "not_sure", "Not sure"

    council = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council whose front door received the report",
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="direct_reports"
    )
    reporter_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(max_length=20, choices=Notification.Source.choices)
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    # The child, as the reporter knows them.
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    la_child_id = models.CharField("Council child ID", max_length=40, blank=True)
    # The missing episode.
    reported_at = models.DateTimeField(help_text="When the report was made")
    last_seen_at = models.DateTimeField()
    missing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the reporter realised the child was missing, if before the report "
        "(e.g. a child reported after coming back)",
    )
    missing_from = models.CharField(max_length=300)
    reported_to_police = models.BooleanField(
        help_text="False: a hidden missing report (nobody had told the police)"
    )
    police_force = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The force told: by the reporter, or by returnhome for a hidden missing report",
    )
    police_reference = models.CharField(max_length=60, blank=True)
    # Box D: what a good missing report holds.
    description = models.TextField("Description and clothing", blank=True)
    with_whom = models.TextField("Who they may be with or who picked them up", blank=True)
    vehicles = models.TextField("Vehicles and registrations", blank=True)
    whereabouts = models.TextField("Where they might be", blank=True)
    contact_details = models.TextField("Phone numbers and social media", blank=True)
    concerns = models.TextField("Risks and concerns", blank=True)
    medication = models.TextField(blank=True)
    reporter_risk = models.CharField(
        "Risk as the reporter sees it", max_length=10, choices=ReporterRisk.choices
    )
    # Where it went.
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="direct_reports"
    )
    review_item = models.ForeignKey(
        "imports.ReviewItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The return, as reported.
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reported_at = models.DateTimeField(null=True, blank=True)
    found_location = models.CharField("Where they were found", max_length=300, blank=True)
    brought_back_by = models.CharField("Who brought them back", max_length=300, blank=True)
    wellbeing = models.TextField("How they are", blank=True)
    return_concerns = models.TextField("Injuries or concerns", blank=True)

    objects = DirectReportQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-pk"]

    def __str__(self) -> str:
        when = timezone.localtime(self.reported_at)
        return f"Missing report {when:%d/%m/%Y %H:%M}"

    @property
    def child_id(self) -> int | None:
        """For the audit trail: the child the report was recorded on, once it is."""
        return self.episode.child_id if self.episode_id and self.episode else None

    @property
    def missing_at(self) -> dt.datetime:
        """When the child was reported missing, for the episode."""
        return self.missing_since or self.reported_at

    @property
    def hidden_missing(self) -> bool:
        return not self.reported_to_police

    @property
    def child_name(self) -> str:
        return f"{self.forename} {self.surname}"

    BOX_D = (
        "description",
        "with_whom",
        "vehicles",
        "whereabouts",
        "contact_details",
        "concerns",
        "medication",
    )
    RETURN_FIELDS = ("found_location", "brought_back_by", "wellbeing", "return_concerns")

    def box_d(self) -> list[tuple[str, str]]:
        """The Box D details, labelled, for pages."""
        return [(_label(self, f), getattr(self, f)) for f in self.BOX_D]

    def return_details(self) -> list[tuple[str, str]]:
        return [(_label(self, f), getattr(self, f)) for f in self.RETURN_FIELDS]


def _label(obj: models.Model, name: str) -> str:
    return str(getattr(obj._meta.get_field(name), "verbose_name", name))
