"""Shared base models and the audit trail."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone

from returnhome.core import chain


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def bulk_create(
        self, objs: Iterable[AuditEvent], *args: Any, **kwargs: Any
    ) -> list[AuditEvent]:
        """Chained like every other insert (core.chain)."""
        rows = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain.seal(rows, connections[self.db], AuditEvent._meta.db_table)
            return super().bulk_create(rows, *args, **kwargs)


class AuditEvent(models.Model):
    """One read or write of a record, by whom and when. Written by services and the access helper,
    only through `core.audit` (which chains it).

    Append-only and tamper-evident (docs/audit.md): database triggers refuse UPDATE and DELETE,
    and each row's `hash` is SHA-256 over its own fields and the previous row's hash
    (`prev_hash`), so `returnhome audit verify` finds a row changed or removed behind the app's
    back. `at` is set by `core.audit` before hashing (not auto_now_add, which would overwrite it).
    """

    class Kind(models.TextChoices):
        READ = "read", "read"
        WRITE = "write", "write"

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail: models.JSONField[Any] = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False, default="")
    hash = models.CharField(max_length=64, editable=False, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new row is chained onto the trail in the transaction that inserts it, whoever
        saves it (`objects.create` too); an existing row is never saved again (the database
        refuses it as well)."""
        using = kwargs.get("using") or router.db_for_write(AuditEvent, instance=self)
        if not self._state.adding:
            raise ValueError("audit rows are never changed (docs/audit.md)")
        # No savepoint: inside a service's transaction the audit row is part of its write.
        with transaction.atomic(using=using, savepoint=False):
            if not self.hash:
                chain.seal([self], connections[using], self._meta.db_table)
            super().save(*args, **kwargs)


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
