"""The information-sharing form's feedback loop in a real browser (issue 12, item 4): a practitioner
sends a form from the child's record to the police; the force's coordinator finds it in the inbox
(alerted without the child's name), records receipt and feedback; the manager, who saw it overdue
on the team page and was alerted once by the job, no longer sees it overdue.

Every new page is saved as a screenshot for each role that uses it, at desktop width and at
390 px (test-results/sharing/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from returnhome.alerts.models import Alert
from returnhome.children.models import Placement
from returnhome.sharing.jobs import sharing_feedback_overdue
from returnhome.sharing.models import SharingRecipient
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_journey import sign_in
from tests.conftest import Cast
from tests.factories import ChildFactory, CouncilFactory, PoliceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = ARTIFACTS / "sharing"


def shoot(page: Any, name: str) -> None:
    """The page as it is, at desktop width then at 390 px."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    for width, label in ((1280, "desktop"), (390, "390")):
        page.set_viewport_size({"width": width, "height": 1000})
        page.screenshot(path=str(SCREENS / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})


def test_a_form_reaches_the_force_which_gives_feedback(
    page: Any, live_server: Any, cast: Cast, settings: Any
) -> None:
    # Overdue as soon as it is sent: the journey cannot wait 14 days.
    settings.RETURNHOME_SHARING_FEEDBACK_DAYS = 0
    base = live_server.url
    host_force = PoliceFactory(name="Host Police")
    host = CouncilFactory(name="Host Council", police_force=host_force)
    UserFactory(organisation=host_force, role="police", username="hostpolice")
    child = ChildFactory(council=cast.council, forename="Sam", surname="Sharechild")
    Placement.objects.create(
        child=child, placement_type="foster", council_area=host, start_date=dt.date(2024, 1, 1)
    )

    # The practitioner sends a form from the child's record.
    sign_in(page, base, "practitioner")
    page.goto(f"{base}/children/{child.pk}/")
    shoot(page, "child-practitioner")
    page.get_by_test_id("share-with-police").click()
    page.get_by_role("heading", name="Share information with the police").wait_for()
    assert "Host Police" in page.inner_text("main")
    shoot(page, "new-form-practitioner")
    page.get_by_label("County lines").check()
    page.get_by_label("Vehicles").check()
    page.get_by_label("What is known").fill("Picked up twice at the station by a grey car")
    page.get_by_label("The child", exact=True).check()
    page.get_by_label("2: Untested").check()
    page.get_by_label("A: Known directly to the source").check()
    page.get_by_label("Shared without consent to safeguard the child").check()
    page.locator("#id_basis_reason").fill("Risk of serious harm")
    page.locator("#id_vehicle-0-value").fill("AB12 CDE")
    page.locator("#id_vehicle-0-details").fill("Grey hatchback")
    page.get_by_role("button", name="Send to the police").click()
    page.get_by_text("Sent to the police").first.wait_for()
    assert "AB12 CDE" in page.inner_text("main")
    shoot(page, "form-practitioner")
    page.goto(f"{base}/sharing/")
    shoot(page, "sent-practitioner")

    # The job alerts the sender and the manager once.
    now = timezone.now() + dt.timedelta(minutes=1)
    assert sharing_feedback_overdue(now) == 2
    assert sharing_feedback_overdue(now + dt.timedelta(hours=1)) == 0

    # The manager sees it overdue on the team page.
    sign_in(page, base, "manager")
    page.goto(f"{base}/rhis/team/")
    notice = page.get_by_test_id("team-notice")
    assert "2 information-sharing forms" in notice.inner_text()
    shoot(page, "team-notice-manager")
    notice.get_by_role("link").click()
    assert "Sharechild" in page.get_by_test_id("sharing-sent").inner_text()
    shoot(page, "sent-overdue-manager")
    page.goto(f"{base}/reports/meeting-pack/")
    assert "Sharechild" in page.get_by_test_id("table-sharing_overdue").inner_text()
    page.get_by_test_id("table-sharing_overdue").scroll_into_view_if_needed()
    shoot(page, "meeting-pack-manager")

    # The force's coordinator: an alert without the child's name, the inbox, receipt, feedback.
    sign_in(page, base, "police")
    page.goto(f"{base}/alerts/")
    alerts = page.get_by_test_id("alerts").inner_text()
    assert "has shared information with your force" in alerts and "Sharechild" not in alerts
    page.get_by_role("link", name="Shared with us").click()
    shoot(page, "inbox-police")
    page.get_by_test_id("sharing-inbox").get_by_role("link", name="Sam Sharechild").click()
    page.get_by_role("button", name="Record receipt").click()
    page.get_by_text("Receipt recorded").first.wait_for()
    shoot(page, "form-police")
    page.get_by_role("link", name="Record feedback").click()
    page.get_by_label("What was done with the information").fill("Vehicle flagged; address visited")
    shoot(page, "feedback-police")
    page.get_by_role("button", name="Save feedback").click()
    page.get_by_text("Feedback recorded").first.wait_for()
    assert "Vehicle flagged" in page.get_by_test_id("sharing-recipients").inner_text()

    # The host force sees the form, but not the first force's feedback.
    sign_in(page, base, "hostpolice")
    page.goto(f"{base}/sharing/inbox/")
    page.get_by_test_id("sharing-inbox").get_by_role("link", name="Sam Sharechild").click()
    assert "Vehicle flagged" not in page.inner_text("main")

    # The manager: one force has answered, one is still overdue.
    sign_in(page, base, "manager")
    page.goto(f"{base}/rhis/team/")
    assert "1 information-sharing form" in page.get_by_test_id("team-notice").inner_text()
    page.goto(f"{base}/sharing/?show=all")
    shoot(page, "sent-all-manager")
    sent = SharingRecipient.objects.get(force=cast.police_force)
    assert sent.feedback_at is not None and not sent.is_overdue
    page.goto(f"{base}/children/{child.pk}/")
    timeline = page.inner_text("main")
    assert f"{cast.police_force.name} gave feedback" in timeline
    assert "Information shared with Host Police" in timeline
    assert Alert.objects.filter(kind=Alert.Kind.SHARING_OVERDUE).count() == 2

    # The figures.
    sign_in(page, base, "performance")
    page.goto(f"{base}/reports/police/")
    figures = page.get_by_test_id("table-sharing").inner_text()
    assert "Host Police" in figures and "Sharechild" not in page.inner_text("main")
    shoot(page, "police-report-performance")
