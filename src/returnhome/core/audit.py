"""Writing the audit trail. Every service write and every record read calls one of these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models

from returnhome.core.models import AuditEvent


def _child_id(obj: models.Model) -> int | None:
    if obj._meta.model_name == "child":
        return int(obj.pk)
    child_id = getattr(obj, "child_id", None)
    return int(child_id) if child_id is not None else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def write_fields(actor: Any, action: str, obj: models.Model, **detail: Any) -> dict[str, Any]:
    """The fields of the audit row for a write: for `record_write`, and for bulk paths that
    build unsaved rows themselves (one row per record, exactly as `record_write` writes it)."""
    return {
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "kind": AuditEvent.Kind.WRITE,
        "action": action,
        "object_type": obj._meta.label_lower,
        "object_id": str(obj.pk),
        "child_id": _child_id(obj),
        "detail": _jsonable(detail),
    }


def record_write(actor: Any, action: str, obj: models.Model, **detail: Any) -> AuditEvent:
    return AuditEvent.objects.create(**write_fields(actor, action, obj, **detail))


def record_read(actor: Any, obj: models.Model, action: str = "view", **detail: Any) -> AuditEvent:
    """One record read; `detail` says what of it (a report's period and format, say)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        kind=AuditEvent.Kind.READ,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        child_id=_child_id(obj),
        detail=_jsonable(detail),
    )


def record_list_read(actor: Any, action: str, objects: Sequence[models.Model]) -> None:
    """A list page shows several records: one read row per record shown."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            kind=AuditEvent.Kind.READ,
            action=action,
            object_type=o._meta.label_lower,
            object_id=str(o.pk),
            child_id=_child_id(o),
        )
        for o in objects
    )
