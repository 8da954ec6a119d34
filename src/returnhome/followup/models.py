"""Proposed actions and referrals after an interview, with the manager's response and the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from returnhome.access.policy import interview_filter
from returnhome.core.models import TimeStampedModel
from returnhome.lib.lookups import holds

if TYPE_CHECKING:
    from returnhome.accounts.models import User


class ActionQuerySet(models.QuerySet["ProposedAction"]):
    def visible_to(self, user: User) -> ActionQuerySet:
        # An action is read where its interview is. The interview model is this foreign key's
        # target: followup sits below interviews and never imports it.
        interviews: Any = ProposedAction._meta.get_field("interview").related_model
        return self.filter(
            interview__in=interviews._default_manager.filter(interview_filter(user)).values("pk")
        )

    def overdue(self) -> ActionQuerySet:
        return self.filter(**overdue())


class ProposedAction(TimeStampedModel):
    class Service(models.TextChoices):
        SOCIAL_CARE = "social_care", "Children's social care"
        EARLY_HELP = "early_help", "Early help"
        CAMHS = "camhs", "CAMHS"
        SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse service"
        SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation service"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse support"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        YOUTH_SERVICE = "youth_service", "Youth service / group work"
        EDUCATION = "education", "Education"
        FAMILY_SUPPORT = "family_support", "Family support"
        MISSING_SERVICE = "missing_service", "Missing-specific service"
        POLICE = "police", "Police"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed — awaiting manager"
        AGREED = "agreed", "Agreed"
        REJECTED = "rejected", "Rejected by manager"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done"

    class Response(models.TextChoices):
        AGREED = "agreed", "Agree"
        CHANGED = "changed", "Agree with changes"
        REJECTED = "rejected", "Reject"

    interview = models.ForeignKey(
        "interviews.Interview", on_delete=models.CASCADE, related_name="actions"
    )
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="actions")
    description = models.TextField()
    service = models.CharField("Referral to", max_length=30, choices=Service.choices)
    owner = models.CharField("Who", max_length=200, blank=True)
    due_date = models.DateField("By when", null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    manager_response = models.CharField(max_length=10, choices=Response.choices, blank=True)
    manager_comment = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        # Covering indexes for the indicator engine (reports/indicators.py): its aggregates read
        # only these columns, so SQLite never visits the wide rows. Measured by bench/indicators.py.
        indexes = [
            models.Index(fields=["interview", "status", "service"], name="action_report_idx"),
            # The open actions (the actions list, in its order): thousands among hundreds of
            # thousands, read without scanning the history.
            models.Index(
                fields=["due_date", "id"],
                name="action_open_idx",
                condition=models.Q(status__in=["proposed", "agreed", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_overdue(self) -> bool:
        return holds(self, overdue())


def overdue() -> dict[str, Any]:
    """An action is overdue when it was agreed (or is in progress) and its due date, in UK time,
    has passed: the one statement of the rule, read by the action list's filter
    (`ActionQuerySet.overdue`) and by `ProposedAction.is_overdue`."""
    open_statuses = [ProposedAction.Status.AGREED, ProposedAction.Status.IN_PROGRESS]
    return {"status__in": open_statuses, "due_date__lt": timezone.localdate()}
