"""Data protection duties (issue 11, item 7): subject access, retention review, erasure."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone

from returnhome.children.models import Child, LegalStatus
from returnhome.core.audit import verify_chain
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode
from returnhome.organisations.models import ServiceConfiguration
from returnhome.privacy import services
from returnhome.privacy.models import RetentionDecision
from returnhome.privacy.records import HELD, NOT_PERSONAL
from returnhome.privacy.retention import due_for_review
from returnhome.privacy.subject_access import subject_access
from returnhome.reports.models import EpisodeFacts
from tests.conftest import Cast, missing
from tests.factories import ChildFactory, CouncilFactory
from tests.privacy.conftest import DOB, PERSONAL, Everything

# --------------------------------------------------------------------------- where data is held

ABOUT_A_CHILD = {
    "children.child",
    "episodes.episode",
    "interviews.rhi",
    "interviews.interview",
    "episodes.directreport",
    "imports.reviewitem",
}


def test_every_model_about_a_child_is_exported_and_erased_or_said_to_hold_nothing() -> None:
    """A model that points at a child's records must be in privacy.records.HELD (subject
    access and erasure read it) or in NOT_PERSONAL with the reason: a new model cannot hold a
    child's data that subject access misses and erasure leaves behind."""
    held = {h.model for h in HELD} | set(NOT_PERSONAL)
    missed = []
    for model in apps.get_models():
        if not model.__module__.startswith("returnhome."):
            continue
        points_at = {
            f.related_model._meta.label_lower
            for f in model._meta.get_fields()
            if f.is_relation and f.concrete and f.related_model is not None
        }
        if points_at & ABOUT_A_CHILD and model not in held:
            missed.append(model._meta.label)
    assert missed == []


# --------------------------------------------------------------------------- subject access


def test_subject_access_holds_every_kind_of_record_and_who_read_it(
    cast: Cast, everything: Everything
) -> None:
    export = subject_access(everything.child, cast.council, by=cast.admin)
    doc = json.loads(export.to_json())
    for held in HELD:
        assert doc[held.key], f"no {held.key} in the export"
    assert doc["child"][0]["forename"] == "Zephyrine"
    assert {c["id"] for c in doc["child"]} == {everything.child.pk, everything.duplicate.pk}
    assert doc["about"]["records_merged_into_it"] == [everything.duplicate.pk]
    assert doc["interviews"][0]["childs_words"].endswith("Quillfeather")
    assert doc["alerts"] and doc["alerts"][0]["link"] == f"/episodes/{everything.episode.pk}/"
    # Who read it: the practitioner's read, with their organisation.
    reads = [e for e in doc["access_history"] if e["who"] == cast.practitioner.get_full_name()]
    assert reads and {e["organisation"] for e in reads} == {str(cast.council)}
    assert "Opened: child's record" in {e["what"] for e in reads}
    # The export itself is audited, naming who asked for it.
    assert AuditEvent.objects.filter(
        action="subject_access", actor=cast.admin, child_id=everything.child.pk
    ).exists()


def test_subject_access_refuses_another_councils_child(cast: Cast, everything: Everything) -> None:
    with pytest.raises(PermissionDenied):
        subject_access(everything.child, cast.partner_council, by=None)
    with pytest.raises(PermissionDenied):  # a duplicate: ask for the record it went into
        subject_access(everything.duplicate, cast.council, by=None)


def test_the_command_writes_json_and_pdf_only_its_owner_reads(
    cast: Cast, everything: Everything, tmp_path: Path
) -> None:
    out = StringIO()
    call_command(
        "subject-access",
        str(everything.child.pk),
        "--org",
        cast.council.la_code,
        "--output-dir",
        str(tmp_path),
        stdout=out,
    )
    json_path, pdf_path = (Path(p) for p in out.getvalue().split())
    assert json.loads(json_path.read_text())["child"][0]["surname"] == "Quillfeather"
    assert pdf_path.read_bytes().startswith(b"%PDF")
    for path in (json_path, pdf_path):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with pytest.raises(CommandError) as refused:
        call_command(
            "subject-access",
            str(everything.child.pk),
            "--org",
            cast.partner_council.la_code,
            "--output-dir",
            str(tmp_path),
        )
    assert refused.value.returncode == 1 and "holds no child record" in str(refused.value)


# --------------------------------------------------------------------------- erasure


def _text_columns(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def personal_values_left() -> list[str]:
    """Every place in the database still holding one of the child's personal values: every text
    and JSON column of every table (the audit trail too), and every date column for the date
    of birth."""
    found = []
    for model in apps.get_models():
        if model._meta.label_lower == "sessions.session":
            continue  # encoded; sign-in sessions hold no records
        for row in model._default_manager.all().values("pk", *_text_columns(model)):
            text = json.dumps(row, default=str, ensure_ascii=False).casefold()
            found += [
                f"{model._meta.label}#{row['pk']}: {word}"
                for word in PERSONAL
                if word.casefold() in text
            ]
        dates = [f.attname for f in model._meta.concrete_fields if type(f) is models.DateField]
        for name in dates:
            if model._default_manager.filter(**{name: DOB}).exists():
                found.append(f"{model._meta.label}.{name}: date of birth")
    return found


def test_erasure_leaves_no_personal_value_anywhere_and_keeps_the_trail_and_the_figures(
    cast: Cast, everything: Everything
) -> None:
    assert len(personal_values_left()) > 20  # the scan finds them before
    facts_before = list(EpisodeFacts.objects.order_by("pk").values())
    audit_before = list(AuditEvent.objects.order_by("pk").values())

    erasure = services.erase_child(
        everything.child, acting_user=cast.manager, reason="Past retention; panel review"
    )

    assert personal_values_left() == []
    # The audit trail: every earlier row as it was, the chain whole, the erasure recorded.
    assert (
        list(AuditEvent.objects.filter(pk__lte=audit_before[-1]["id"]).order_by("pk").values())
        == audit_before
    )
    assert verify_chain().broken is None
    erased = AuditEvent.objects.filter(action="erase_child").order_by("pk")
    assert [e.child_id for e in erased] == [everything.child.pk, everything.duplicate.pk]
    assert erased[0].actor == cast.manager and erased[0].detail["reason"] is True
    assert erased[0].detail["rows"]["interviews"] == 1 == erasure.rows["interviews"]
    # The figures: every episode still counted exactly as before.
    assert list(EpisodeFacts.objects.order_by("pk").values()) == facts_before
    episode = Episode.objects.get(pk=everything.episode.pk)
    assert episode.returned_at is not None and episode.group == everything.episode.group
    # The record stays, marked erased, out of lists and matching; the decision is kept.
    child = Child.objects.get(pk=everything.child.pk)
    assert child.erased_at is not None and child.full_name == f"Erased record {child.pk}"
    assert not Child.objects.current().filter(pk=child.pk).exists()
    assert RetentionDecision.objects.filter(
        child=child, kind=RetentionDecision.Kind.ERASED, decided_by=cast.manager
    ).exists()


def test_erasure_is_for_the_councils_managers_and_administrators_with_a_reason(
    cast: Cast, everything: Everything
) -> None:
    for user in (cast.practitioner, cast.front_door, cast.partner, cast.police):
        with pytest.raises(PermissionDenied):
            services.erase_child(everything.child, acting_user=user, reason="why")
    with pytest.raises(ValidationError) as no_reason:
        services.erase_child(everything.child, acting_user=cast.admin, reason="  ")
    assert "reason" in no_reason.value.error_dict
    with pytest.raises(ValidationError):
        services.erase_child(everything.duplicate, acting_user=cast.admin, reason="why")
    services.erase_child(everything.child, acting_user=cast.admin, reason="why")
    with pytest.raises(ValidationError):  # not twice
        services.erase_child(
            Child.objects.get(pk=everything.child.pk), acting_user=cast.admin, reason="why"
        )


# --------------------------------------------------------------------------- retention


def _aged(cast: Cast, born: dt.date, idle_years: int, **kwargs: Any) -> Child:
    child = ChildFactory(council=cast.council, date_of_birth=born, **kwargs)
    missing(cast, child, timezone.now() - dt.timedelta(days=365 * idle_years + 30))
    long_ago = timezone.now() - dt.timedelta(days=365 * idle_years)
    Child.objects.filter(pk=child.pk).update(updated_at=long_ago)
    Episode.objects.filter(child=child).update(updated_at=long_ago)
    return child


def test_the_queue_lists_records_past_the_councils_rule(cast: Cast) -> None:
    today = timezone.localdate()
    past = _aged(cast, today.replace(year=today.year - 26), idle_years=7)
    young = _aged(cast, today.replace(year=today.year - 20), idle_years=7)
    recent = _aged(cast, today.replace(year=today.year - 26), idle_years=2)
    looked_after = _aged(cast, today.replace(year=today.year - 30), idle_years=7)
    LegalStatus.objects.create(
        child=looked_after, status="looked_after", start_date=dt.date(2000, 1, 1)
    )
    unknown_age = _aged(cast, today, idle_years=7)
    Child.objects.filter(pk=unknown_age.pk).update(date_of_birth=None)
    elsewhere = ChildFactory(council=CouncilFactory(), date_of_birth=dt.date(1980, 1, 1))
    assert set(due_for_review(cast.council)) == {past, unknown_age}
    assert elsewhere not in due_for_review(elsewhere.council)  # no activity is recent: created now

    # Kept longer: off the queue until the date; back after it.
    services.keep_longer(
        past, keep_until=today + dt.timedelta(days=30), acting_user=cast.admin, reason="inquiry"
    )
    assert set(due_for_review(cast.council)) == {unknown_age}
    assert past in due_for_review(cast.council, today=today + dt.timedelta(days=31))

    # The council's own rule: keep every record until the 30th birthday.
    ServiceConfiguration.objects.update_or_create(
        council=cast.council, defaults={"retention_age": 30}
    )
    assert set(due_for_review(cast.council)) == {unknown_age}
    assert {young, recent, looked_after}.isdisjoint(set(due_for_review(cast.council)))


def test_keeping_longer_needs_a_future_date_and_a_reason(cast: Cast, child: Child) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.keep_longer(child, keep_until=today, acting_user=cast.manager, reason="")
    assert set(refused.value.error_dict) == {"keep_until", "reason"}
    with pytest.raises(PermissionDenied):
        services.keep_longer(
            child, keep_until=today + dt.timedelta(days=1), acting_user=cast.front_door, reason="x"
        )
