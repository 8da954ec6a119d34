"""Shared base models and the audit trail."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """One read or write of a record, by whom and when. Written by services and the access helper."""

    class Kind(models.TextChoices):
        READ = "read", "read"
        WRITE = "write", "write"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail: models.JSONField[Any] = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}#{self.object_id}"


class JobRun(models.Model):
    """The last run of one background job (core/jobs.py): when, how many things it did, any error."""

    name = models.CharField(max_length=60, unique=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    done = models.PositiveIntegerField(default=0, help_text="How many things the last run did")
    error = models.CharField(max_length=300, blank=True, help_text="Why the last run failed")
    runs = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name} at {self.started_at:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """The job worker's last sign of life (`returnhome jobs run`), read by /readyz."""

    worker = models.CharField(max_length=100, unique=True, help_text="host:pid")
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
