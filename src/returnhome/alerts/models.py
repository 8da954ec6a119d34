"""Alerts: a short message to one user, in the app (the inbox) and by email.

An alert names no child: its title says what happened and where; its link opens the record,
which the recipient's own access rules then decide whether they may read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from returnhome.access.policy import alert_filter

if TYPE_CHECKING:
    from returnhome.accounts.models import User


class AlertQuerySet(models.QuerySet["Alert"]):
    def visible_to(self, user: User) -> AlertQuerySet:
        """A user's alerts are their own; nobody else reads them."""
        return self.filter(alert_filter(user))

    def unread(self) -> AlertQuerySet:
        return self.filter(read_at__isnull=True)


class Alert(models.Model):
    class Kind(models.TextChoices):
        REPORTED_MISSING = "reported_missing", "Child reported missing"
        REPORTED_RETURNED = "reported_returned", "Child reported returned"
        RHI_REFERRED = "rhi_referred", "RHI referred"
        RHI_ALLOCATED = "rhi_allocated", "RHI allocated to you"
        RHI_DUE_SOON = "rhi_due_soon", "RHI due within 24 hours"
        RHI_OVERDUE = "rhi_overdue", "RHI deadline passed"
        INTERVIEW_SUBMITTED = "interview_submitted", "Interview to review"
        INTERVIEW_RETURNED = "interview_returned", "Interview returned for changes"
        ACTION_DUE = "action_due", "Action due today"
        ACTION_OVERDUE = "action_overdue", "Action overdue"
        DAILY_DIGEST = "daily_digest", "Daily summary"
        MEETING_PACK = "meeting_pack", "Weekly meeting pack ready"
        SHARING_RECEIVED = "sharing_received", "Information shared with your force"
        SHARING_OVERDUE = "sharing_overdue", "No police feedback on shared information"
        PACKAGE_SENT = "package_sent", "Information package about a child placed in your area"
        PLACED_CHILD_MISSING = "placed_child_missing", "Child placed out of area reported missing"

    class Email(models.TextChoices):
        NONE = "", "No email"
        PENDING = "pending", "To send"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed: retried by the alert_emails job"
        GAVE_UP = "gave_up", "Failed: no more retries"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="Never names a child")
    link = models.CharField(max_length=300, blank=True, help_text="A path inside returnhome")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.EmailField(blank=True, help_text="Where the email went (blank: none)")
    # Sent once: an alert raised by a job carries a key naming (kind, record, deadline, recipient);
    # a second run, or a second worker, finds the key taken and raises nothing.
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    detail = models.TextField(blank=True, help_text="More lines for the email: counts, never names")
    email_state = models.CharField(max_length=10, choices=Email.choices, blank=True, default="")
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=300, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="alert_unread_idx"),
            models.Index(fields=["email_state"], name="alert_email_state_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
