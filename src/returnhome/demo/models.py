"""What `demo-data` made, so that it can tell demo records from real ones.

A database holding children, episodes or users that no build made is not a demo database:
`demo-data` refuses to add to it. `--reset` and `--remove` take away only what is recorded here
(and what hangs off the demo children), deactivate the demo users rather than delete them, and
never touch the audit trail.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class DemoRun(models.Model):
    """One `demo-data` build and the options it was built with."""

    built_at = models.DateTimeField(default=timezone.now)
    seed = models.IntegerField()
    children = models.PositiveIntegerField()
    years = models.PositiveIntegerField()
    today = models.DateField()

    def __str__(self) -> str:
        return f"demo build {self.built_at:%Y-%m-%d %H:%M} (seed {self.seed})"


class DemoRecordQuerySet(models.QuerySet["DemoRecord"]):
    def of(self, model: type[models.Model]) -> DemoRecordQuerySet:
        return self.filter(model=model._meta.label_lower)

    def ids(self, model: type[models.Model]) -> Any:
        """The primary keys of `model`'s rows a demo build made (a subquery)."""
        return self.of(model).values("object_id")


class DemoRecord(models.Model):
    """One row a demo build made: which model, which primary key."""

    run = models.ForeignKey(DemoRun, on_delete=models.PROTECT, related_name="records")
    model = models.CharField(max_length=60)  # app_label.modelname
    object_id = models.BigIntegerField()

    objects = DemoRecordQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model", "object_id"], name="demo_record_once")
        ]

    def __str__(self) -> str:
        return f"{self.model}#{self.object_id}"


def made(model: type[models.Model]) -> Any:
    """The rows of `model` a demo build made."""
    return model._default_manager.filter(pk__in=DemoRecord.objects.ids(model))
