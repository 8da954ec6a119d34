"""A rule written as field lookups reads the same on one object as the database reads it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from returnhome.lib.lookups import holds

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_every_term_must_hold() -> None:
    late = SimpleNamespace(status="allocated", due_at=NOW - dt.timedelta(hours=1))
    terms = {"status__in": ["allocated", "offered"], "due_at__lt": NOW}
    assert holds(late, terms)
    assert not holds(SimpleNamespace(status="closed", due_at=late.due_at), terms)
    assert not holds(SimpleNamespace(status="allocated", due_at=NOW), terms)


def test_a_missing_value_never_compares_as_in_sql() -> None:
    no_deadline = SimpleNamespace(due_at=None)
    assert not holds(no_deadline, {"due_at__lt": NOW})
    assert not holds(no_deadline, {"due_at__gte": NOW})
    assert holds(no_deadline, {"due_at__isnull": True})
    assert not holds(SimpleNamespace(due_at=NOW), {"due_at__isnull": True})


def test_exact_is_the_default_lookup() -> None:
    assert holds(SimpleNamespace(kind="interview"), {"kind": "interview"})
    assert not holds(SimpleNamespace(kind="carer_only"), {"kind__exact": "interview"})


def test_lookups_it_cannot_read_are_refused() -> None:
    with pytest.raises(ValueError, match="own fields"):
        holds(SimpleNamespace(), {"episode__returned_at__lt": NOW})
    with pytest.raises(ValueError, match="icontains"):
        holds(SimpleNamespace(name="x"), {"name__icontains": "x"})
