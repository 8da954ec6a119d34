"""The RHI's life, without HTTP: allocation, contact, consent, offer, outcome, interview, review."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from returnhome.children.models import Child
from returnhome.followup import services as followup_services
from returnhome.followup.models import ProposedAction
from returnhome.interviews import services
from returnhome.interviews.models import RHI, DeclineReason, Interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory, ago


def offered_and_accepted(cast: Cast, rhi: RHI, worker: object = None) -> RHI:
    worker = worker or cast.practitioner
    services.allocate_rhi(rhi, worker, expected_version=None, acting_user=cast.manager)  # type: ignore[arg-type]
    services.record_offer(
        rhi,
        offer_made_at=ago(hours=2),
        offered_to="child",
        expected_version=None,
        acting_user=worker,
    )  # type: ignore[arg-type]
    return services.record_outcome(
        rhi, outcome="accepted", expected_version=None, acting_user=worker
    )  # type: ignore[arg-type]


def interview(cast: Cast, rhis: list[RHI], **overrides: object) -> Interview:
    details = InterviewDetails(
        kind="interview",
        held_at=ago(hours=1),
        place="home",
        mode="face_to_face",
        time_alone=True,
        box_o={"childs_words": "I went to my cousin's.", "cce_identified": True},
    )
    for key, value in overrides.items():
        setattr(details, key, value)
    return services.record_interview(
        rhis,
        details,
        [ActionProposal("Refer to the exploitation team", "sexual_exploitation", "Jo", None)],
        acting_user=cast.practitioner,
    )


class TestAllocation:
    def test_suggests_the_worker_who_last_interviewed_this_child(
        self, cast: Cast, child: Child
    ) -> None:
        first = returned(cast, missing(cast, child, ago(days=10)), ago(days=9))
        offered_and_accepted(cast, first, cast.practitioner2)
        services.record_interview(
            [first],
            InterviewDetails(
                kind="interview",
                held_at=ago(days=8),
                place="home",
                mode="face_to_face",
                time_alone=True,
            ),
            [],
            acting_user=cast.practitioner2,
        )
        second = returned(cast, missing(cast, child, ago(hours=20)), ago(hours=4))
        assert services.suggest_worker(second) == cast.practitioner2

    def test_no_suggestion_for_a_child_never_interviewed(self, returned_rhi: RHI) -> None:
        assert services.suggest_worker(returned_rhi) is None

    def test_no_suggestion_of_a_worker_who_left(self, cast: Cast, child: Child) -> None:
        first = returned(cast, missing(cast, child, ago(days=10)), ago(days=9))
        offered_and_accepted(cast, first, cast.practitioner2)
        services.record_interview(
            [first],
            InterviewDetails(
                kind="interview",
                held_at=ago(days=8),
                place="home",
                mode="face_to_face",
                time_alone=True,
            ),
            [],
            acting_user=cast.practitioner2,
        )
        cast.practitioner2.is_active = False
        cast.practitioner2.save()
        second = returned(cast, missing(cast, child, ago(hours=20)), ago(hours=4))
        assert services.suggest_worker(second) is None

    def test_warns_and_needs_a_reason_for_the_childs_own_social_worker(self, cast: Cast) -> None:
        child = ChildFactory(council=cast.council, allocated_social_worker=cast.social_worker)
        rhi = returned(cast, missing(cast, child, ago(hours=20)), ago(hours=4))
        assert services.independence_warning(rhi, cast.social_worker)
        assert services.independence_warning(rhi, cast.practitioner) is None
        with pytest.raises(ValidationError) as error:
            services.allocate_rhi(
                rhi, cast.social_worker, expected_version=None, acting_user=cast.manager
            )
        assert "independence_reason" in error.value.error_dict
        services.allocate_rhi(
            rhi,
            cast.social_worker,
            expected_version=None,
            acting_user=cast.manager,
            independence_reason="Only worker the child will speak to",
        )
        rhi.refresh_from_db()
        assert rhi.allocated_worker == cast.social_worker
        assert rhi.independence_reason == "Only worker the child will speak to"

    def test_only_a_manager_of_the_provider_allocates(self, cast: Cast, returned_rhi: RHI) -> None:
        for user in (cast.practitioner, cast.front_door, cast.partner, cast.police):
            with pytest.raises(PermissionDenied):
                services.allocate_rhi(
                    returned_rhi, cast.practitioner, expected_version=None, acting_user=user
                )

    def test_worker_must_be_in_the_providers_team(self, cast: Cast, returned_rhi: RHI) -> None:
        with pytest.raises(ValidationError):
            services.allocate_rhi(
                returned_rhi, cast.partner, expected_version=None, acting_user=cast.manager
            )


class TestOfferAndOutcome:
    def test_only_the_allocated_worker_or_a_manager_works_the_rhi(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        with pytest.raises(PermissionDenied):
            services.record_offer(
                returned_rhi,
                offer_made_at=ago(hours=1),
                offered_to="child",
                expected_version=None,
                acting_user=cast.practitioner2,
            )
        services.record_offer(
            returned_rhi,
            offer_made_at=ago(hours=1),
            offered_to="child",
            expected_version=None,
            acting_user=cast.manager,
        )

    def test_contact_attempts_are_logged_in_order(self, cast: Cast, returned_rhi: RHI) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        for hours, result in ((8, "no_answer"), (6, "message_left"), (3, "arranged")):
            services.log_contact_attempt(
                returned_rhi,
                attempted_at=ago(hours=hours),
                method="phone",
                contacted="child",
                result=result,
                acting_user=cast.practitioner,
            )
        assert [a.result for a in returned_rhi.contact_attempts.all()] == [
            "no_answer",
            "message_left",
            "arranged",
        ]

    def test_an_attempt_before_the_return_is_refused(self, cast: Cast, returned_rhi: RHI) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        with pytest.raises(ValidationError):
            services.log_contact_attempt(
                returned_rhi,
                attempted_at=ago(hours=20),
                method="phone",
                contacted="child",
                result="no_answer",
                acting_user=cast.practitioner,
            )

    def test_consent_needs_who_gave_it(self, cast: Cast, returned_rhi: RHI) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        with pytest.raises(ValidationError):
            services.record_consent(
                returned_rhi,
                consent_needed=True,
                expected_version=None,
                acting_user=cast.practitioner,
            )
        services.record_consent(
            returned_rhi,
            consent_needed=True,
            given_by="parent",
            given_by_name="Pat Testparent",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        assert returned_rhi.consent_given_by == "parent"

    def test_declined_needs_a_reason(self, cast: Cast, returned_rhi: RHI) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        services.record_offer(
            returned_rhi,
            offer_made_at=ago(hours=2),
            offered_to="child",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        with pytest.raises(ValidationError) as error:
            services.record_outcome(
                returned_rhi,
                outcome="declined",
                expected_version=None,
                acting_user=cast.practitioner,
            )
        assert "decline_reason" in error.value.error_dict
        services.record_outcome(
            returned_rhi,
            outcome="declined",
            decline_reason=DeclineReason.CHILD_REFUSED,
            expected_version=None,
            acting_user=cast.practitioner,
        )
        returned_rhi.refresh_from_db()
        assert returned_rhi.status == RHI.Status.CLOSED
        assert returned_rhi.decline_reason == "child_refused"

    def test_other_reason_and_not_applicable_need_a_note(
        self, cast: Cast, returned_rhi: RHI
    ) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        services.record_offer(
            returned_rhi,
            offer_made_at=ago(hours=2),
            offered_to="child",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        with pytest.raises(ValidationError):
            services.record_outcome(
                returned_rhi,
                outcome="declined",
                decline_reason="other",
                expected_version=None,
                acting_user=cast.practitioner,
            )
        with pytest.raises(ValidationError):
            services.record_outcome(
                returned_rhi,
                outcome="not_applicable",
                expected_version=None,
                acting_user=cast.practitioner,
            )

    def test_accepted_needs_an_offer_first(self, cast: Cast, returned_rhi: RHI) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        with pytest.raises(ValidationError):
            services.record_outcome(
                returned_rhi,
                outcome="accepted",
                expected_version=None,
                acting_user=cast.practitioner,
            )


class TestInterview:
    def test_interview_then_review_closes_the_rhi(self, cast: Cast, returned_rhi: RHI) -> None:
        offered_and_accepted(cast, returned_rhi)
        record = interview(cast, [returned_rhi])
        returned_rhi.refresh_from_db()
        assert returned_rhi.status == RHI.Status.AWAITING_REVIEW
        assert record.cce_identified and record.childs_words == "I went to my cousin's."
        action = record.actions.get()
        assert action.status == ProposedAction.Status.PROPOSED
        with pytest.raises(ValidationError):  # every action needs a response
            services.review_interview(record, responses={}, acting_user=cast.manager)
        services.review_interview(
            record,
            responses={action.pk: ("changed", "Refer to CAMHS as well")},
            comment="Good work",
            acting_user=cast.manager,
        )
        returned_rhi.refresh_from_db()
        action.refresh_from_db()
        assert returned_rhi.status == RHI.Status.CLOSED and returned_rhi.closed_at is not None
        assert action.status == ProposedAction.Status.AGREED
        assert action.manager_comment == "Refer to CAMHS as well"

    def test_rejecting_an_action_needs_a_reason(self, cast: Cast, returned_rhi: RHI) -> None:
        offered_and_accepted(cast, returned_rhi)
        record = interview(cast, [returned_rhi])
        action = record.actions.get()
        with pytest.raises(ValidationError):
            services.review_interview(
                record, responses={action.pk: ("rejected", "")}, acting_user=cast.manager
            )
        assert Interview.objects.get(pk=record.pk).reviewed_at is None

    def test_interview_before_return_is_refused(self, cast: Cast, returned_rhi: RHI) -> None:
        offered_and_accepted(cast, returned_rhi)
        with pytest.raises(ValidationError) as error:
            interview(cast, [returned_rhi], held_at=ago(hours=12))
        assert "held_at" in error.value.error_dict
        assert not Interview.objects.exists()
        assert not ProposedAction.objects.exists()

    def test_interview_in_the_future_is_refused(self, cast: Cast, returned_rhi: RHI) -> None:
        offered_and_accepted(cast, returned_rhi)
        with pytest.raises(ValidationError):
            interview(cast, [returned_rhi], held_at=ago(hours=-2))

    def test_one_interview_covers_a_second_episode(self, cast: Cast, child: Child) -> None:
        first = returned(cast, missing(cast, child, ago(hours=60)), ago(hours=50))
        offered_and_accepted(cast, first)
        second = returned(cast, missing(cast, child, ago(hours=30)), ago(hours=20))
        assert services.rhis_coverable_with(first) == [second]
        record = interview(cast, [first, second])
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.interview == second.interview == record
        assert second.outcome == "accepted" and second.offer_made_at is not None

    def test_an_interview_cannot_cover_another_childs_episode(
        self, cast: Cast, child: Child
    ) -> None:
        first = returned(cast, missing(cast, child, ago(hours=60)), ago(hours=50))
        offered_and_accepted(cast, first)
        other = returned(
            cast, missing(cast, ChildFactory(council=cast.council), ago(hours=30)), ago(hours=20)
        )
        with pytest.raises(ValidationError):
            interview(cast, [first, other])

    def test_carer_only_information_after_a_decline(self, cast: Cast, returned_rhi: RHI) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        services.record_offer(
            returned_rhi,
            offer_made_at=ago(hours=3),
            offered_to="both",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        services.record_outcome(
            returned_rhi,
            outcome="declined",
            decline_reason="child_refused",
            expected_version=None,
            acting_user=cast.practitioner,
        )
        with pytest.raises(ValidationError) as error:
            services.record_interview(
                [returned_rhi],
                InterviewDetails(
                    kind="carer_only", held_at=ago(hours=1), place="home", mode="telephone"
                ),
                [],
                acting_user=cast.practitioner,
            )
        assert "information_from" in error.value.error_dict
        record = services.record_interview(
            [returned_rhi],
            InterviewDetails(
                kind="carer_only",
                held_at=ago(hours=1),
                place="home",
                mode="telephone",
                information_from="Foster carer",
            ),
            [],
            acting_user=cast.practitioner,
        )
        returned_rhi.refresh_from_db()
        assert not record.is_interview
        assert returned_rhi.outcome == "declined"  # carer-only information is not an interview

    def test_an_interview_needs_the_rhi_accepted(self, cast: Cast, returned_rhi: RHI) -> None:
        services.allocate_rhi(
            returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
        )
        with pytest.raises(ValidationError):
            interview(cast, [returned_rhi])


def test_actions_progress_to_an_outcome_and_overdue_surfaces(cast: Cast, returned_rhi: RHI) -> None:
    offered_and_accepted(cast, returned_rhi)
    record = interview(cast, [returned_rhi])
    action = record.actions.get()
    with pytest.raises(ValidationError):  # not agreed yet
        followup_services.record_action_progress(
            action, status="done", outcome="x", expected_version=None, acting_user=cast.practitioner
        )
    services.review_interview(
        record, responses={action.pk: ("agreed", "")}, acting_user=cast.manager
    )
    action.refresh_from_db()
    action.due_date = timezone.localdate() - dt.timedelta(days=1)
    action.save()
    assert list(ProposedAction.objects.overdue()) == [action]
    with pytest.raises(ValidationError):
        followup_services.record_action_progress(
            action, status="done", expected_version=None, acting_user=cast.practitioner
        )
    followup_services.record_action_progress(
        action,
        status="done",
        outcome="Seen by CSE team",
        expected_version=None,
        acting_user=cast.practitioner,
    )
    assert not ProposedAction.objects.overdue().exists()


def test_queue_orders_overdue_first_then_by_deadline(cast: Cast) -> None:
    from django.utils import timezone

    late = returned(
        cast, missing(cast, ChildFactory(council=cast.council), ago(days=5)), ago(days=4)
    )
    soon = returned(
        cast, missing(cast, ChildFactory(council=cast.council), ago(days=2)), ago(days=2)
    )
    fresh = returned(
        cast, missing(cast, ChildFactory(council=cast.council), ago(hours=3)), ago(hours=1)
    )
    queue = list(RHI.objects.in_provider_queue(cast.manager).by_deadline(timezone.now()))
    assert queue == [late, soon, fresh]
    assert late.is_overdue() and not fresh.is_overdue()


def test_the_childs_own_social_worker_is_never_suggested(cast: Cast) -> None:
    child = ChildFactory(council=cast.council, allocated_social_worker=cast.social_worker)
    first = returned(cast, missing(cast, child, ago(days=10)), ago(days=9))
    services.allocate_rhi(
        first,
        cast.social_worker,
        expected_version=None,
        acting_user=cast.manager,
        independence_reason="Trusted",
    )
    services.record_offer(
        first,
        offer_made_at=ago(days=9),
        offered_to="child",
        expected_version=None,
        acting_user=cast.social_worker,
    )
    services.record_outcome(
        first, outcome="accepted", expected_version=None, acting_user=cast.social_worker
    )
    services.record_interview(
        [first],
        InterviewDetails(
            kind="interview",
            held_at=ago(days=8),
            place="home",
            mode="face_to_face",
            time_alone=True,
        ),
        [],
        acting_user=cast.social_worker,
    )
    second = returned(cast, missing(cast, child, ago(hours=20)), ago(hours=4))
    assert services.suggest_worker(second) is None


def test_only_a_manager_responds_to_actions(cast: Cast, returned_rhi: RHI) -> None:
    offered_and_accepted(cast, returned_rhi)
    record = interview(cast, [returned_rhi])
    action = record.actions.get()
    with pytest.raises(PermissionDenied):
        followup_services.respond_to_action(
            action, response="agreed", acting_user=cast.practitioner
        )


def test_action_progress_only_to_known_states(cast: Cast, returned_rhi: RHI) -> None:
    offered_and_accepted(cast, returned_rhi)
    record = interview(cast, [returned_rhi])
    action = record.actions.get()
    services.review_interview(
        record, responses={action.pk: ("agreed", "")}, acting_user=cast.manager
    )
    with pytest.raises(ValidationError):
        followup_services.record_action_progress(
            action, status="rejected", expected_version=None, acting_user=cast.practitioner
        )
    with pytest.raises(PermissionDenied):
        followup_services.record_action_progress(
            action, status="in_progress", expected_version=None, acting_user=cast.front_door
        )
