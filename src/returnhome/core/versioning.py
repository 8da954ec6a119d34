"""No lost updates: every record edited through a form carries a `version`.

An edit form carries the version it was loaded with (a hidden `expected_version` field); the
service locks the row (`SELECT … FOR UPDATE` on PostgreSQL), compares, and bumps the version with
`UPDATE … WHERE pk = … AND version = n` (on SQLite, where there is no row lock, that conditional
update is the guard), all in the transaction that writes the audit record. A stale save is refused
with `StaleEdit`: who changed the record, when, and which fields now hold what — read from the
audit trail, whose write rows for a versioned record carry `version` and `fields` (names only).

`expected_version=None` means "no check": only for callers that are not forms and hold the row
locked themselves, or write it in their own single transaction (see each service's docstring).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone

from returnhome.core.models import AuditEvent

M = TypeVar("M", bound=models.Model)


class StaleEdit(ValidationError):
    """The form was loaded at an older version of the record: nothing was saved."""

    def __init__(self, messages: list[str], current_version: int) -> None:
        super().__init__({"__all__": messages})
        self.current_version = current_version


def lock_for_edit(obj: M, expected_version: int | None) -> M:
    """`obj` locked for this transaction and re-read in place (the caller's instance holds the
    row as it is now), its version already bumped.

    Refuses with `StaleEdit` when `expected_version` is not the stored version. Call inside the
    service's `transaction.atomic`: if the service then refuses the edit, the bump rolls back.
    """
    model = type(obj)
    list(model._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk"))
    obj.refresh_from_db()
    stored: int = obj.version  # type: ignore[attr-defined]
    if expected_version is not None and stored != expected_version:
        raise stale_edit(obj, expected_version)
    # The guard that also holds where there is no row lock (SQLite): only one writer moves the
    # version on from `stored`.
    moved = model._default_manager.filter(pk=obj.pk, version=stored).update(
        version=F("version") + 1
    )
    if not moved:
        obj.refresh_from_db()
        raise stale_edit(obj, stored)
    obj.version = stored + 1  # type: ignore[attr-defined]
    return obj


def _label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()
    verbose = str(getattr(field, "verbose_name", name))
    return verbose[:1].upper() + verbose[1:]


def _display(obj: models.Model, name: str) -> str:
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        return str(getattr(obj, name, ""))
    name = field.name  # an attname (allocated_social_worker_id) shows as its record
    value = getattr(obj, name, None)
    if field.many_to_many:
        value = [str(item) for item in value.all()]  # type: ignore[union-attr]
    elif getattr(field, "choices", None) and value not in (None, ""):
        value = getattr(obj, f"get_{name}_display")()
    if value in (None, "", []):
        return "blank"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changes_since(obj: models.Model, version: int) -> tuple[list[AuditEvent], list[str]]:
    """The audited writes to `obj` after `version`, and the fields they changed (in the model's
    order, which is the forms' order)."""
    events = list(
        AuditEvent.objects.filter(
            kind=AuditEvent.Kind.WRITE,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            detail__version__gt=version,
        )
        .select_related("actor")
        .order_by("pk")
    )
    fields: set[str] = set()
    for event in events:
        fields.update(event.detail.get("fields", []))
    order = {f: i for i, f in enumerate(f.name for f in obj._meta.get_fields())}
    order.update({f.attname: order[f.name] for f in obj._meta.concrete_fields})
    return events, sorted(fields, key=lambda name: (order.get(name, len(order)), name))


def stale_edit(current: models.Model, expected_version: int) -> StaleEdit:
    """The refusal of a save made on a form loaded at `expected_version`: who changed the record
    since, when, and what its changed fields hold now."""
    events, fields = changes_since(current, expected_version)
    noun = str(current._meta.verbose_name)
    if events:
        last = events[-1]
        who = str(last.actor) if last.actor is not None else "An import"
        when = timezone.localtime(last.at)
        changed = (
            f"{who} changed this {noun} at {when:%H:%M on %d/%m/%Y}, after you opened this page."
        )
    else:
        changed = f"Someone changed this {noun} after you opened this page."
    messages = [
        f"{changed} Your changes have not been saved: they are still in the form. Check the form "
        "against what is there now (below): saving again replaces it with what the form holds."
    ]
    messages += [
        f"{_label(type(current), name)} is now: {_display(current, name)}" for name in fields
    ]
    if not fields:
        messages.append("Go back to the record to see its current details.")
    return StaleEdit(messages, int(current.version))  # type: ignore[attr-defined]


def changed_fields(before: dict[str, Any], obj: models.Model) -> list[str]:
    """The names of the fields whose value differs from `before` (a snapshot of the same fields)."""
    return [name for name, value in before.items() if getattr(obj, name) != value]


def snapshot(obj: models.Model, names: list[str] | tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}
