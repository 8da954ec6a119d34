"""What a council decided about a record past its retention: kept longer (until when, why) or
erased (when, by whom, why). The decisions stay after an erasure; the reasons of earlier
decisions to keep a record are erased with it (they may name people)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class RetentionDecision(models.Model):
    class Kind(models.TextChoices):
        KEPT = "kept", "Kept longer"
        ERASED = "erased", "Erased"

    # Erasure keeps the child's row, so its decisions stay; a child row deleted outright (only
    # demo-data's --reset does) takes its decisions with it.
    child = models.ForeignKey(
        "children.Child", on_delete=models.CASCADE, related_name="retention_decisions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    keep_until = models.DateField(
        null=True, blank=True, help_text="Kept longer: off the review queue until this date"
    )
    reason = models.TextField(help_text="Why (no names: the reason is kept with the decision)")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.decided_at:%d/%m/%Y}"
