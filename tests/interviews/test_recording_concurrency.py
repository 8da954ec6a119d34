"""Two people at the same moment, for real: two threads, each on its own database connection,
recording an interview for the same RHI, or reviewing the same interview. PostgreSQL only (SQLite
has one writer at a time and no row locks: its guard, the conditional version update, is driven by
test_recording_conflicts.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from returnhome.followup.models import ProposedAction
from returnhome.interviews import services
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from tests.conftest import Cast
from tests.factories import ago

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL"),
]


def at_once(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread, all released together; their results or errors."""
    start = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(index: int, job: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[index] = job()
        except Exception as error:  # what the second one gets is the point of the test
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def accepted(cast: Cast, rhi: RHI) -> RHI:
    worker = cast.practitioner
    services.allocate_rhi(rhi, worker, expected_version=None, acting_user=cast.manager)
    services.record_offer(
        rhi,
        offer_made_at=ago(hours=3),
        offered_to="child",
        expected_version=None,
        acting_user=worker,
    )
    return services.record_outcome(
        rhi, outcome="accepted", expected_version=None, acting_user=worker
    )


def record(rhi_pk: int, user: Any, words: str) -> Callable[[], Interview]:
    def job() -> Interview:
        return services.record_interview(
            [RHI.objects.get(pk=rhi_pk)],
            InterviewDetails(
                "interview",
                ago(hours=1),
                "home",
                "face_to_face",
                time_alone=True,
                box_o={"childs_words": words},
            ),
            [ActionProposal(f"Follow up: {words}", "youth_service")],
            acting_user=user,
        )

    return job


@pytest.mark.parametrize("attempt", range(3))
def test_two_recorders_at_once_make_exactly_one_interview(
    cast: Cast, returned_rhi: RHI, attempt: int
) -> None:
    accepted(cast, returned_rhi)
    results = at_once(
        record(returned_rhi.pk, cast.practitioner, "worker's account"),
        record(returned_rhi.pk, cast.manager, "manager's account"),
    )
    made = [r for r in results if isinstance(r, Interview)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(made) == 1 and len(refused) == 1, results
    assert "recorded the interview for this RHI at" in refused[0].messages[0]
    assert Interview.objects.filter(child=returned_rhi.child).count() == 1
    assert ProposedAction.objects.filter(child=returned_rhi.child).count() == 1
    returned_rhi.refresh_from_db()
    assert returned_rhi.interview_id == made[0].pk


@pytest.mark.parametrize("attempt", range(3))
def test_two_reviews_at_once_one_stands_and_the_other_is_refused(
    cast: Cast, returned_rhi: RHI, attempt: int
) -> None:
    accepted(cast, returned_rhi)
    interview = record(returned_rhi.pk, cast.practitioner, "at a friend's")()
    action = interview.actions.get()
    second_manager = type(cast.manager).objects.create(
        username="manager2", organisation=cast.council, role=cast.manager.role
    )

    def review(user: Any, response: str) -> Callable[[], Interview]:
        return lambda: services.review_interview(
            Interview.objects.get(pk=interview.pk),
            responses={action.pk: (response, "" if response == "agreed" else "Not needed")},
            comment=f"{response} by {user.username}",
            acting_user=user,
        )

    results = at_once(review(cast.manager, "agreed"), review(second_manager, "rejected"))
    stood = [r for r in results if isinstance(r, Interview)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(stood) == 1 and len(refused) == 1, results
    interview.refresh_from_db()
    action.refresh_from_db()
    assert f"already reviewed by {interview.reviewed_by} at" in refused[0].messages[0]
    winner = stood[0].reviewed_by
    expected = "agreed" if winner == cast.manager else "rejected"
    assert (action.manager_response, interview.manager_comment) == (
        expected,
        f"{expected} by {winner.username}",
    )
