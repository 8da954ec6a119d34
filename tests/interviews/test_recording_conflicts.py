"""No lost updates on RHIs and interviews: two people record or review from pages loaded at once.

The findings: two people recording at once made two interviews for one RHI; two simultaneous
reviews both succeeded and "agreed" became "rejected". (The same with real concurrency, two
database connections at once, on PostgreSQL: test_recording_concurrency.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from returnhome.accounts.models import Role
from returnhome.followup.models import ProposedAction
from returnhome.interviews import services
from returnhome.interviews.models import RHI, Interview
from tests.conftest import Cast
from tests.factories import UserFactory, ago
from tests.two_sessions import client_for, form_data


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


def interview_post(page: Any, words: str, action: str = "") -> dict[str, Any]:
    data = form_data(
        page,
        held_at=ago(hours=1).strftime("%Y-%m-%dT%H:%M"),
        place="home",
        mode="face_to_face",
        time_alone="yes",
        childs_words=words,
    )
    formset = page.context["actions"]
    data.update({f"actions-{k}": v for k, v in formset.management_form.initial.items()})
    if action:  # a referral chosen without a description would be refused, not dropped
        data.update({"actions-0-description": action, "actions-0-service": "youth_service"})
    return data


def summary_of(response: Any) -> str:
    page = response.content.decode()
    start = page.index('class="govuk-error-summary"')
    return page[start : page.index("</ul>", start)]


def test_a_second_recorder_is_told_and_keeps_their_text_and_there_is_one_interview(
    cast: Cast, returned_rhi: RHI
) -> None:
    accepted(cast, returned_rhi)
    url = reverse("interviews:record_interview", args=[returned_rhi.pk])
    opened = reverse(
        "interviews:interview_section", args=[returned_rhi.pk, "interview", "interview"]
    )
    worker, manager = client_for(cast.practitioner), client_for(cast.manager)
    page_worker, page_manager = worker.get(opened), manager.get(opened)

    first = worker.post(url, interview_post(page_worker, "I stayed at my cousin's."))
    assert first.status_code == 302
    typed = "She said she was at a friend's flat in town."
    second = manager.post(url, interview_post(page_manager, typed, action="Call the school"))
    assert second.status_code == 200
    assert f"{cast.practitioner} recorded the interview for this RHI at" in summary_of(second)
    assert second.context["form"]["childs_words"].value() == typed
    assert Interview.objects.filter(child=returned_rhi.child).count() == 1
    returned_rhi.refresh_from_db()
    assert returned_rhi.interview is not None
    assert returned_rhi.interview.childs_words == "I stayed at my cousin's."
    assert not ProposedAction.objects.filter(description="Call the school").exists()


def test_the_database_refuses_a_second_interview_recorded_on_one_rhi(
    cast: Cast, returned_rhi: RHI
) -> None:
    """Even a writer that skips the service (a script, a future bug) cannot make two."""
    accepted(cast, returned_rhi)
    fields = {
        "child": returned_rhi.child,
        "council": returned_rhi.council,
        "conducted_by": cast.practitioner,
        "held_at": ago(hours=1),
        "place": "home",
        "mode": "face_to_face",
        "recorded_for": returned_rhi,
    }
    Interview.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Interview.objects.create(**fields)


def test_a_second_review_is_refused_naming_the_first_and_its_responses_stand(
    cast: Cast, returned_rhi: RHI
) -> None:
    accepted(cast, returned_rhi)
    interview = services.record_interview(
        [returned_rhi],
        services.InterviewDetails(
            "interview", ago(hours=1), "home", "face_to_face", time_alone=True
        ),
        [services.ActionProposal("Refer to CAMHS", "camhs")],
        acting_user=cast.practitioner,
    )
    action = interview.actions.get()
    other_manager = UserFactory(organisation=cast.council, role=Role.MANAGER)
    url = reverse("interviews:review", args=[interview.pk])
    first, second = client_for(cast.manager), client_for(other_manager)
    first.get(url), second.get(url)

    agreed = first.post(url, {f"action-{action.pk}-response": "agreed", "comment": "Good"})
    assert agreed.status_code == 302
    typed = "Not needed: already open to CAMHS"
    rejected = second.post(
        url, {f"action-{action.pk}-response": "rejected", f"action-{action.pk}-comment": typed}
    )
    assert rejected.status_code == 200
    assert f"already reviewed by {cast.manager} at" in summary_of(rejected)
    assert typed in rejected.content.decode()
    action.refresh_from_db()
    interview.refresh_from_db()
    assert action.status == ProposedAction.Status.AGREED
    assert (interview.reviewed_by, interview.manager_comment) == (cast.manager, "Good")


def test_a_stale_rhi_step_is_refused(cast: Cast, returned_rhi: RHI) -> None:
    """The RHI's own fields too: an outcome recorded from a page loaded before another was."""
    services.allocate_rhi(
        returned_rhi, cast.practitioner, expected_version=None, acting_user=cast.manager
    )
    services.record_offer(
        returned_rhi,
        offer_made_at=ago(hours=3),
        offered_to="child",
        expected_version=None,
        acting_user=cast.practitioner,
    )
    url = reverse("interviews:outcome", args=[returned_rhi.pk])
    worker, manager = client_for(cast.practitioner), client_for(cast.manager)
    page_worker, page_manager = worker.get(url), manager.get(url)
    assert manager.post(url, form_data(page_manager, outcome="accepted")).status_code == 302
    stale = worker.post(
        url, form_data(page_worker, outcome="declined", decline_reason="child_refused")
    )
    assert stale.status_code == 200
    assert "Outcome is now: Accepted" in summary_of(stale)
    returned_rhi.refresh_from_db()
    assert returned_rhi.outcome == RHI.Outcome.ACCEPTED
