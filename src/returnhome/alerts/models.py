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

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200, help_text="Never names a child")
    link = models.CharField(max_length=300, blank=True, help_text="A path inside returnhome")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_to = models.EmailField(blank=True, help_text="Where the email went (blank: none)")

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="alert_unread_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
