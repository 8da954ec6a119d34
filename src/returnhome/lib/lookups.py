"""A rule written once as Django field lookups, read both ways: as a filter (``Q(**terms)``) by the
database, and by `holds` on one object in memory.

Only the lookups rules here use: exact, ``in``, ``lt``, ``lte``, ``gt``, ``gte`` and ``isnull``, on
the object's own fields. As in SQL, a comparison with a missing value (None) does not hold.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def _holds(value: Any, lookup: str, wanted: Any) -> bool:
    if lookup == "isnull":
        return (value is None) == bool(wanted)
    if value is None or wanted is None:
        return False
    if lookup == "in":
        return value in wanted
    if lookup in COMPARISONS:
        return COMPARISONS[lookup](value, wanted)
    raise ValueError(f"lookup {lookup!r} is not one holds() reads")


def holds(obj: object, terms: Mapping[str, Any]) -> bool:
    """Whether `obj` passes every lookup in `terms` (``{"status__in": [...], "due_at__lt": now}``)."""
    for key, wanted in terms.items():
        name, _, lookup = key.partition("__")
        if "__" in lookup:
            raise ValueError(f"{key!r}: holds() reads the object's own fields only")
        if not _holds(getattr(obj, name), lookup or "exact", wanted):
            return False
    return True
