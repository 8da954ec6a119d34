"""No lost updates on an action's progress: two people record progress from pages loaded at once.

The finding: action progress was overwritten the same way as a child's details (a stale form
saved over a newer outcome).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from returnhome.core.versioning import StaleEdit
from returnhome.followup import services as followup_services
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI
from tests.conftest import Cast
from tests.two_sessions import agreed_action_on, client_for, form_data


@pytest.fixture
def agreed_action(cast: Cast, returned_rhi: RHI) -> ProposedAction:
    return agreed_action_on(cast, returned_rhi)


def test_a_stale_progress_save_is_refused_and_the_newer_outcome_stands(
    cast: Cast, agreed_action: ProposedAction
) -> None:
    worker, manager = client_for(cast.practitioner), client_for(cast.manager)
    url = reverse("followup:action", args=[agreed_action.pk])
    page_worker, page_manager = worker.get(url), manager.get(url)

    done = manager.post(
        url, form_data(page_manager, status="done", outcome="First session held on Friday")
    )
    assert done.status_code == 302

    typed = "Left a message with the youth worker"
    stale = worker.post(url, form_data(page_worker, status="in_progress", outcome=typed))
    assert stale.status_code == 200
    agreed_action.refresh_from_db()
    assert agreed_action.status == ProposedAction.Status.DONE
    assert agreed_action.outcome == "First session held on Friday"

    page = stale.content.decode()
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert f"{cast.manager} changed this proposed action" in summary
    assert "Status is now: Done" in summary
    assert "Outcome is now: First session held on Friday" in summary
    form = stale.context["form"]
    assert form["outcome"].value() == typed  # still in the form, to re-apply
    assert str(form["expected_version"].value()) == str(agreed_action.version)


def test_of_two_saves_from_one_loaded_version_only_the_first_counts(
    cast: Cast, agreed_action: ProposedAction
) -> None:
    """The service holds the rule, so the API and the CLI get it too, not only the page."""
    loaded = agreed_action.version
    followup_services.record_action_progress(
        agreed_action,
        expected_version=loaded,
        status="in_progress",
        acting_user=cast.practitioner,
    )
    with pytest.raises(StaleEdit):
        followup_services.record_action_progress(
            ProposedAction.objects.get(pk=agreed_action.pk),
            expected_version=loaded,
            status="not_done",
            outcome="Declined the referral",
            acting_user=cast.manager,
        )
    agreed_action.refresh_from_db()
    assert agreed_action.status == ProposedAction.Status.IN_PROGRESS
