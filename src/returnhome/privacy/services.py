"""Erasing a child's personal data, and keeping a record past its retention for longer.

Erasure (docs/privacy.md, decision 0032) removes the child's personal data everywhere
`privacy.records.HELD` says it is held: rows holding nothing the figures count are deleted
(aliases, legal status, placements, risk flags); every other row keeps its codes and times and
loses its names, dates of birth, addresses, identifiers, references and free text. The child's
record stays, marked erased, so its episodes still count in every figure for the periods they
fell in. The audit trail is untouched (append-only, and it holds no personal values); one audit
row per child record records the erasure, with how many rows of each kind were erased.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from returnhome.access.policy import manages_retention
from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.core.versioning import lock_for_edit
from returnhome.privacy.models import RetentionDecision
from returnhome.privacy.records import HELD, UNIQUE_REFERENCE, child_ids

MAX_KEEP_YEARS = 100


@dataclass
class Erasure:
    child_ids: list[int]
    rows: dict[str, int] = field(default_factory=dict)  # kind → rows erased or deleted


def blank_value(model_field: models.Field[Any, Any]) -> Any:
    """What an erased field holds: nothing (null where it may be, else its default or "")."""
    if model_field.null:
        return None
    if model_field.has_default():
        return model_field.get_default()
    return ""


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def _reason_problems(reason: str) -> Problems:
    problems = Problems()
    if not reason.strip():
        problems.add("reason", "Enter the reason")
    return problems


@transaction.atomic
def erase_child(child: Child, *, acting_user: User, reason: str) -> Erasure:
    """Erase the personal data of `child` and of every duplicate record merged into it.

    For the council's managers and administrators (`manages_retention`); refused for a record
    merged into another (erase the one it was merged into) or already erased. `reason`: why
    (kept with the decision; no names)."""
    require(
        manages_retention(acting_user, child.council),
        "Only the council's managers and administrators can erase a record.",
    )
    lock_for_edit(child, None)
    problems = _reason_problems(reason)
    if child.merged_into_id is not None:
        problems.add("__all__", "This record was merged into another: erase that one.")
    if child.erased_at is not None:
        problems.add("__all__", "This record has already been erased.")
    problems.raise_if_any()
    erasure = Erasure(child_ids=child_ids(child))
    for held in HELD:
        rows = held.rows(erasure.child_ids)
        if held.delete:
            erasure.rows[held.key] = rows.delete()[0]
            continue
        unique = UNIQUE_REFERENCE.get(held.model)
        blanks = {
            name: blank_value(_field(held.model, name)) for name in held.personal if name != unique
        }
        pks = list(rows.values_list("pk", flat=True).distinct())
        erasure.rows[held.key] = held.model._default_manager.filter(pk__in=pks).update(**blanks)
        if unique:
            for pk in pks:
                held.model._default_manager.filter(pk=pk).update(**{unique: f"erased-{pk}"})
    now = timezone.now()
    Child.objects.filter(pk__in=erasure.child_ids).update(erased_at=now, updated_at=now)
    RetentionDecision.objects.create(
        child=child,
        kind=RetentionDecision.Kind.ERASED,
        reason=reason.strip(),
        decided_by=acting_user,
        decided_at=now,
    )
    for record in Child.objects.filter(pk__in=erasure.child_ids).order_by("pk"):
        record_write(
            acting_user,
            "erase_child",
            record,
            erased_with=child.pk,
            rows=dict(erasure.rows),
            reason=reason,
        )
    return erasure


@transaction.atomic
def keep_longer(
    child: Child, *, keep_until: dt.date, acting_user: User, reason: str
) -> RetentionDecision:
    """Keep a record past its retention until `keep_until` (off the review queue until then),
    with the reason. For the council's managers and administrators."""
    require(
        manages_retention(acting_user, child.council),
        "Only the council's managers and administrators can keep a record longer.",
    )
    problems = _reason_problems(reason)
    today = timezone.localdate()
    if keep_until <= today:
        problems.add("keep_until", "Enter a date in the future")
    elif keep_until.year > today.year + MAX_KEEP_YEARS:
        problems.add("keep_until", f"Enter a date within {MAX_KEEP_YEARS} years")
    if child.erased_at is not None:
        problems.add("__all__", "This record has been erased.")
    problems.raise_if_any()
    decision = RetentionDecision.objects.create(
        child=child,
        kind=RetentionDecision.Kind.KEPT,
        keep_until=keep_until,
        reason=reason.strip(),
        decided_by=acting_user,
    )
    record_write(acting_user, "keep_record_longer", decision, keep_until=keep_until, reason=reason)
    return decision
