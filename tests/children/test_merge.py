"""Merging two records of the same child, and undoing the merge exactly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import model_to_dict

from returnhome.children import packages, services
from returnhome.children.forms import search_children
from returnhome.children.models import (
    Alias,
    Child,
    ChildMerge,
    InformationPackage,
    LegalStatus,
    PackageSend,
    Placement,
    RiskFlag,
)
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.imports.police.register import load_index
from returnhome.interviews import services as rhi_services
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, ago

MODELS = [Child, Alias, LegalStatus, Placement, RiskFlag, Episode, RHI, Interview, ProposedAction]


def snapshot() -> dict[str, Any]:
    """Every row of every record a merge touches, without the time it was last saved."""
    return {
        model.__name__: {
            obj.pk: {k: v for k, v in model_to_dict(obj).items() if k != "updated_at"}
            for obj in model.objects.all()
        }
        for model in MODELS
    }


def interview(cast: Cast, rhis: list[RHI], held: dt.datetime, actions: list[Any]) -> None:
    rhis = [RHI.objects.get(pk=r.pk) for r in rhis]
    for rhi in rhis:
        rhi_services.allocate_rhi(
            rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        rhi_services.record_offer(
            rhi,
            offer_made_at=held,
            offered_to="child",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        rhi_services.record_outcome(
            rhi, outcome="accepted", expected_version=None, acting_user=cast.practitioner
        )
    rhi_services.record_interview(
        [RHI.objects.get(pk=r.pk) for r in rhis],
        InterviewDetails(
            kind="interview", held_at=held, place="home", mode="face_to_face", time_alone=True
        ),
        actions,
        acting_user=cast.practitioner,
    )


def build(cast: Cast) -> tuple[Child, Child]:
    keep = ChildFactory(council=cast.council, forename="Jordan", surname="Keeper", la_child_id="")
    dup = ChildFactory(
        council=cast.council,
        forename="Jordon",
        surname="Keeper",
        la_child_id="LA-77",
        nhs_number="9434765919",
        services_involved=["early_help"],
    )
    services.add_alias(dup, "JJ", acting_user=cast.front_door)
    services.record_legal_status(
        dup,
        status="looked_after",
        start_date=dt.date(2020, 1, 1),
        acting_user=cast.front_door,
    )
    services.record_placement(
        dup,
        placement_type="foster",
        council_area=cast.partner_council,
        start_date=dt.date(2020, 1, 1),
        acting_user=cast.front_door,
    )
    services.add_risk_flag(
        dup, flag="cce", start_date=dt.date(2021, 1, 1), acting_user=cast.front_door
    )
    rhi = returned(cast, missing(cast, dup, ago(days=4)), ago(days=3))
    interview(cast, [rhi], ago(days=2), [ActionProposal("Refer to youth service", "youth_service")])
    returned(cast, missing(cast, keep, ago(days=10)), ago(days=9))
    return keep, dup


def test_merge_moves_everything_and_undo_restores_every_record_exactly(cast: Cast) -> None:
    keep, dup = build(cast)
    before = snapshot()
    assert Episode.objects.get(child=dup).group == "LAC-out"

    merge = services.merge_children(keep, dup, acting_user=cast.front_door, reason="Same DOB, typo")
    keep.refresh_from_db()
    dup.refresh_from_db()
    assert dup.merged_into == keep
    assert Episode.objects.filter(child=keep).count() == 2 and not dup.episodes.exists()
    assert RHI.objects.filter(child=dup).count() == 0 and Interview.objects.get().child == keep
    assert ProposedAction.objects.get().child == keep
    assert {a.name for a in keep.aliases.all()} == {"JJ", "Jordon Keeper"}
    assert keep.legal_statuses.count() == 1 and keep.placements.count() == 1
    assert keep.risk_flags.count() == 1
    assert keep.la_child_id == "LA-77" and keep.nhs_number == "9434765919"
    assert keep.services_involved == ["early_help"]
    # Groups re-derived: the kept child's own episode is now looked after too.
    assert set(keep.episodes.values_list("group", flat=True)) == {"LAC-out"}
    # Hidden from lists, search and matching.
    assert list(search_children(cast.front_door, "Keeper")) == [keep]
    assert dup.pk not in load_index(cast.council).people
    row = AuditEvent.objects.get(action="merge_children")
    assert row.actor == cast.front_door and row.detail["reason"] is True

    services.undo_merge(merge, acting_user=cast.manager, reason="Twins, not one child")
    assert snapshot() == before
    merge.refresh_from_db()
    assert merge.undone_by == cast.manager and merge.undo_reason == "Twins, not one child"
    # Reasons are free text: kept on the merge, only "given" in the audit trail.
    assert AuditEvent.objects.get(action="undo_merge").detail["reason"] is True
    with pytest.raises(ValidationError, match="already been undone"):
        services.undo_merge(merge, acting_user=cast.manager, reason="again")


def test_records_made_after_the_merge_follow_their_episode_back(cast: Cast) -> None:
    keep = ChildFactory(council=cast.council)
    dup = ChildFactory(council=cast.council)
    episode = missing(cast, dup, ago(days=2))
    merge = services.merge_children(keep, dup, acting_user=cast.front_door, reason="Duplicate")
    rhi = returned(cast, Episode.objects.get(pk=episode.pk), ago(days=1))
    assert rhi.child == keep
    later = missing(cast, keep, ago(hours=5))
    services.undo_merge(merge, acting_user=cast.front_door, reason="Not the same")
    rhi.refresh_from_db()
    later.refresh_from_db()
    assert rhi.child == dup and Episode.objects.get(pk=episode.pk).child == dup
    assert later.child == keep


def test_undo_refused_when_an_interview_since_covers_both_records(cast: Cast) -> None:
    keep = ChildFactory(council=cast.council)
    dup = ChildFactory(council=cast.council)
    rhi_dup = returned(cast, missing(cast, dup, ago(days=4)), ago(days=3))
    merge = services.merge_children(keep, dup, acting_user=cast.front_door, reason="Duplicate")
    rhi_keep = returned(cast, missing(cast, keep, ago(days=2)), ago(days=1))
    interview(cast, [rhi_dup, rhi_keep], ago(hours=5), [])
    with pytest.raises(ValidationError, match="covers episodes from both records"):
        services.undo_merge(merge, acting_user=cast.front_door, reason="Not the same")
    assert Child.objects.get(pk=dup.pk).merged_into == keep


def test_merge_refused_across_councils_for_others_and_without_a_reason(cast: Cast) -> None:
    keep = ChildFactory(council=cast.council)
    theirs = ChildFactory(council=cast.partner_council)
    with pytest.raises(PermissionDenied):  # another council's record, from either side
        services.merge_children(keep, theirs, acting_user=cast.front_door, reason="Same")
    with pytest.raises(PermissionDenied):
        services.merge_children(theirs, keep, acting_user=cast.partner, reason="Same")
    dup = ChildFactory(council=cast.council)
    with pytest.raises(ValidationError):
        services.merge_children(keep, dup, acting_user=cast.front_door, reason="  ")
    with pytest.raises(PermissionDenied):
        services.merge_children(keep, dup, acting_user=cast.practitioner, reason="Same")
    with pytest.raises(ValidationError):
        services.merge_children(keep, keep, acting_user=cast.front_door, reason="Same")
    assert not ChildMerge.objects.exists()


def _package(cast: Cast, child: Child, **text: str) -> None:
    package = packages.package_of(child)
    packages.update_package(
        child, expected_version=package.version, acting_user=cast.front_door, **text
    )


def _placed_out(cast: Cast, child: Child) -> None:
    """Placed in the partner council's area: its package is sent to the host council."""
    services.record_placement(
        child,
        placement_type=Placement.Type.FOSTER,
        council_area=cast.partner_council,
        start_date=dt.date(2024, 1, 1),
        acting_user=cast.front_door,
    )


def test_merging_two_records_with_packages_keeps_the_newer_and_loses_nothing(cast: Cast) -> None:
    """One package per child: the kept record takes the newer (the duplicate's, here) as a new
    version; the duplicate's stays whole, with what it was sent and its receipt, on the merged
    record; undoing the merge puts the kept record's text back."""
    keep, dup = ChildFactory(council=cast.council), ChildFactory(council=cast.council)
    _package(cast, keep, habits="Football", medical_needs="Inhaler")
    _placed_out(cast, dup)
    _package(cast, dup, habits="Drawing", places="Town centre arcade")  # newer, sent to the host
    sent = PackageSend.objects.filter(package__child=dup).order_by("pk").last()
    assert sent is not None
    packages.record_package_receipt(sent, acting_user=cast.partner)
    before_version = packages.package_of(keep).version

    merge = services.merge_children(keep, dup, acting_user=cast.front_door, reason="Same child")

    current = InformationPackage.objects.get(child=keep)
    assert (current.habits, current.places, current.medical_needs) == (
        "Drawing",
        "Town centre arcade",
        "",
    )
    assert current.version == before_version + 1
    history = InformationPackage.objects.get(child=dup)  # nothing lost: kept, whole
    assert (history.habits, history.places) == ("Drawing", "Town centre arcade")
    assert PackageSend.objects.get(pk=sent.pk).received_at is not None
    assert PackageSend.objects.get(pk=sent.pk).package == history
    assert merge.moved["package"]["before"]["medical_needs"] == "Inhaler"

    services.undo_merge(merge, acting_user=cast.front_door, reason="Not the same child")
    restored = InformationPackage.objects.get(child=keep)
    assert (restored.habits, restored.medical_needs) == ("Football", "Inhaler")
    assert InformationPackage.objects.get(child=dup).habits == "Drawing"


def test_merging_keeps_the_kept_records_package_when_it_is_the_newer(cast: Cast) -> None:
    keep, dup = ChildFactory(council=cast.council), ChildFactory(council=cast.council)
    _package(cast, dup, habits="Drawing")
    _package(cast, keep, habits="Football")
    kept = InformationPackage.objects.get(child=keep)
    services.merge_children(keep, dup, acting_user=cast.front_door, reason="Same child")
    assert InformationPackage.objects.get(child=keep).version == kept.version
    assert InformationPackage.objects.get(child=keep).habits == "Football"
    assert InformationPackage.objects.get(child=dup).habits == "Drawing"


def test_a_package_only_the_duplicate_has_moves_with_its_sends_and_back(cast: Cast) -> None:
    keep, dup = ChildFactory(council=cast.council), ChildFactory(council=cast.council)
    _placed_out(cast, dup)
    _package(cast, dup, risks="Exploitation concerns")
    package = InformationPackage.objects.get(child=dup)
    sends = set(package.sends.values_list("pk", flat=True))
    assert sends
    merge = services.merge_children(keep, dup, acting_user=cast.front_door, reason="Same child")
    assert InformationPackage.objects.get(child=keep).pk == package.pk
    assert (
        set(PackageSend.objects.filter(package__child=keep).values_list("pk", flat=True)) == sends
    )
    services.undo_merge(merge, acting_user=cast.front_door, reason="Not the same child")
    assert InformationPackage.objects.get(child=dup).pk == package.pk
    assert not InformationPackage.objects.filter(child=keep).exists()
