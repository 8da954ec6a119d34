"""The front door's decisions on the review queue and found-before-missing notifications."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from returnhome.accounts.models import Role, User
from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.front_door import review
from returnhome.imports.models import PendingNotification, ReviewItem
from returnhome.interviews.models import RHI
from tests.factories import ChildFactory, UserFactory
from tests.imports.import_helpers import Area, csv_bytes, found, row, run_import


@pytest.fixture
def front_door(area: Area) -> User:
    return UserFactory(organisation=area.council, role=Role.FRONT_DOOR, username="fd")


def uncertain_item(area: Area, tmp_path: Path, **values: str) -> ReviewItem:
    """Amelia's name, a date of birth one digit out, nothing else: the front door decides."""
    fields = {"date_of_birth": "03/04/2011", "postcode": "", "sex": ""}
    fields.update(values)
    code, summary = run_import(tmp_path, csv_bytes([row(**fields)]), area.council)
    assert code == 0 and summary["sent_to_review"] == 1, summary
    return ReviewItem.objects.get(status="open")


def audit(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).latest("pk")


def test_confirming_the_suggested_child_opens_the_episode_on_that_child(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = uncertain_item(area, tmp_path)
    assert item.suggested_child == area.amelia
    review.confirm_match(item, acting_user=front_door)
    episode = Episode.objects.get()
    assert episode.child == area.amelia and episode.is_open
    assert episode.police_reference == "TST-1" and episode.risk_level == "medium"
    note = Notification.objects.get()
    assert note.police_reference == "TST-1" and note.received_at == item.received_at
    item.refresh_from_db()
    assert item.status == "resolved" and item.resolution == "matched"
    assert item.resolved_by == front_door and item.resolved_child == area.amelia
    row_ = audit("resolve_review_item")
    assert row_.actor == front_door and row_.detail["resolution"] == "matched"
    # The same police row again is already recorded.
    _, again = run_import(tmp_path, csv_bytes([row(date_of_birth="03/04/2011")]), area.council)
    assert again["unchanged"] == 1


def test_a_resolved_item_cannot_be_resolved_twice(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = uncertain_item(area, tmp_path)
    review.confirm_match(item, acting_user=front_door)
    with pytest.raises(ValidationError, match="already resolved"):
        review.match_to_child(item, area.william, acting_user=front_door, reason="second go")
    with pytest.raises(ValidationError, match="already resolved"):
        review.discard(item, acting_user=front_door, reason="second go")
    assert Episode.objects.count() == 1


def test_picking_another_child_needs_a_reason_and_records_it_there(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = uncertain_item(area, tmp_path)
    with pytest.raises(ValidationError):
        review.match_to_child(item, area.william, acting_user=front_door, reason=" ")
    review.match_to_child(
        item, area.william, acting_user=front_door, reason="Police confirmed by phone"
    )
    assert Episode.objects.get().child == area.william
    row_ = audit("resolve_review_item")
    assert row_.detail["reason"] == "Police confirmed by phone"
    assert row_.detail["child"] == area.william.pk


def test_only_the_councils_own_children_and_only_its_front_door(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = uncertain_item(area, tmp_path)
    elsewhere = ChildFactory()  # another council's child
    with pytest.raises(ValidationError, match="your council"):
        review.match_to_child(item, elsewhere, acting_user=front_door, reason="wrong")
    practitioner = UserFactory(organisation=area.council, role=Role.PRACTITIONER)
    with pytest.raises(PermissionDenied):
        review.confirm_match(item, acting_user=practitioner)
    assert ReviewItem.objects.get().status == "open" and not Episode.objects.exists()


def test_recording_a_new_child_creates_the_child_from_the_notification(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = uncertain_item(area, tmp_path, aliases="Millie")
    review.record_as_new_child(item, acting_user=front_door, reason="Different school and family")
    child = Child.objects.exclude(pk__in=[area.amelia.pk, area.william.pk]).get()
    assert (child.forename, child.date_of_birth) == ("Amelia", dt.date(2011, 4, 3))
    assert list(child.aliases.values_list("name", flat=True)) == ["Millie"]
    assert Episode.objects.get().child == child
    assert ReviewItem.objects.get().resolution == "new_child"


def test_discard_records_nothing_but_keeps_the_reason(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = uncertain_item(area, tmp_path)
    with pytest.raises(ValidationError):
        review.discard(item, acting_user=front_door, reason="")
    review.discard(item, acting_user=front_door, reason="Sent to us in error: Kent child")
    item.refresh_from_db()
    assert item.resolution == "discarded" and item.resolution_reason.startswith("Sent")
    assert not Episode.objects.exists() and not Notification.objects.exists()


def already_missing(area: Area, tmp_path: Path) -> ReviewItem:
    run_import(tmp_path, csv_bytes([row()]), area.council)
    second = row(police_reference="TST-9", event_at="2025-03-16T10:00", last_seen_at="")
    assert run_import(tmp_path, csv_bytes([second]), area.council)[1]["sent_to_review"] == 1
    return ReviewItem.objects.get(status="open")


def test_second_missing_added_to_the_open_episode(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = already_missing(area, tmp_path)
    with pytest.raises(ValidationError, match="already has an open missing episode"):
        review.confirm_match(item, acting_user=front_door)
    review.add_to_open_episode(item, acting_user=front_door, reason="Same episode, re-reported")
    episode = Episode.objects.get()
    assert episode.is_open
    assert sorted(episode.notifications.values_list("police_reference", flat=True)) == [
        "TST-1",
        "TST-9",
    ]
    assert ReviewItem.objects.get().resolution == "merged"


def test_second_missing_recorded_as_a_new_episode_closes_the_first(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    item = already_missing(area, tmp_path)
    with pytest.raises(ValidationError, match="came back"):
        review.record_new_episode(
            item, acting_user=front_door, reason="Came home", earlier_returned_at=None
        )
    came_back = timezone.make_aware(dt.datetime(2025, 3, 15, 9, 0))
    review.record_new_episode(
        item,
        acting_user=front_door,
        reason="Carer says she came home",
        earlier_returned_at=came_back,
    )
    first, second = Episode.objects.order_by("reported_missing_at")
    assert first.returned_at == came_back and RHI.objects.filter(episode=first).exists()
    assert second.is_open and second.police_reference == "TST-9"
    assert ReviewItem.objects.get().resolution == "recorded"


def test_found_with_another_reference_closes_the_open_episode_when_confirmed(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    run_import(tmp_path, csv_bytes([row()]), area.council)
    run_import(tmp_path, csv_bytes([found(police_reference="TST-OTHER")]), area.council)
    item = ReviewItem.objects.get()
    assert item.reason == "reference_mismatch"
    review.confirm_match(item, acting_user=front_door, reason="Same child, new reference")
    episode = Episode.objects.get()
    assert not episode.is_open and RHI.objects.filter(episode=episode).exists()
    assert episode.notifications.get(event="found").police_reference == "TST-OTHER"


def test_found_kept_waiting_then_joined_when_its_missing_arrives(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    run_import(tmp_path, csv_bytes([row()]), area.council)
    run_import(tmp_path, csv_bytes([found(police_reference="TST-OTHER")]), area.council)
    item = ReviewItem.objects.get()
    review.keep_waiting(item, acting_user=front_door, reason="A different episode")
    pending = PendingNotification.objects.get()
    assert pending.status == "waiting" and pending.child == area.amelia
    assert Episode.objects.get().is_open


def test_reviewing_a_found_before_missing(area: Area, tmp_path: Path, front_door: User) -> None:
    _, summary = run_import(tmp_path, csv_bytes([found(police_reference="TST-5")]), area.council)
    assert summary["found_waiting_for_missing"] == 1
    pending = PendingNotification.objects.get()
    # The front door recorded the episode by phone, without the police reference.
    from returnhome.episodes import services as episode_services

    episode = episode_services.record_missing(
        area.amelia,
        reported_missing_at=timezone.make_aware(dt.datetime(2025, 3, 14, 20, 0)),
        received_at=timezone.make_aware(dt.datetime(2025, 3, 14, 20, 5)),
        source="childrens_home",
        acting_user=front_door,
    )
    with pytest.raises(ValidationError):
        review.join_pending(pending, episode, acting_user=front_door, reason="")
    review.join_pending(pending, episode, acting_user=front_door, reason="Home confirmed")
    episode.refresh_from_db()
    pending.refresh_from_db()
    assert not episode.is_open and pending.status == "joined" and pending.episode == episode
    assert pending.resolved_by == front_door
    assert audit("resolve_found_notification").detail["reason"] == "Home confirmed"
    with pytest.raises(ValidationError, match="no longer waiting"):
        review.discard_pending(pending, acting_user=front_door, reason="again")


def test_a_found_before_missing_can_be_discarded_with_a_reason(
    area: Area, tmp_path: Path, front_door: User
) -> None:
    run_import(tmp_path, csv_bytes([found(police_reference="TST-5")]), area.council)
    pending = PendingNotification.objects.get()
    review.discard_pending(pending, acting_user=front_door, reason="Not one of ours")
    pending.refresh_from_db()
    assert pending.status == "discarded" and pending.resolution_reason == "Not one of ours"


def test_a_report_from_another_source_is_resolved_the_same_way(
    area: Area, front_door: User
) -> None:
    """Reports from children's homes reach the queue too: no force, their own fields."""
    item = ReviewItem.objects.create(
        council=area.council,
        reason=ReviewItem.Reason.UNCERTAIN_MATCH,
        source="childrens_home",
        event="missing",
        event_at=timezone.make_aware(dt.datetime(2025, 3, 14, 19, 30)),
        received_at=timezone.make_aware(dt.datetime(2025, 3, 14, 19, 45)),
        data={"forename": "Amelia", "surname": "Brown", "date_of_birth": "2010-04-03"},
        suggested_child=area.amelia,
    )
    review.confirm_match(item, acting_user=front_door)
    episode = Episode.objects.get()
    assert episode.child == area.amelia
    assert episode.notifications.get().source == "childrens_home"
