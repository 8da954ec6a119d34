"""Direct reporting in a real browser (Box G): a children's home worker reports a child missing
without having told the police (hidden missing); the front door sees the alert and the episode;
the worker reports the return; the RHI team's manager sees the RHI in the team queue."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from returnhome.episodes.models import DirectReport
from tests.browser.test_journey import at, fill_when, sign_in
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_reports_missing_and_return(page: Any, live_server: Any, cast: Cast) -> None:
    base = live_server.url
    home = cast.reporter.organisation
    assert home is not None
    home.council_area = cast.council
    home.save()

    # The children's home worker lands on My reports and reports the child missing.
    sign_in(page, base, "reporter")
    page.get_by_role("heading", name="My reports").wait_for()
    page.get_by_role("link", name="Report a child missing").click()
    assert "call 999" in page.get_by_test_id("emergency").inner_text()
    page.get_by_label("Child's first name").fill("Riley")
    page.get_by_label("Child's last name").fill("Homechild")
    fill_when(page, "Date of birth", dt.date(2010, 6, 1))
    fill_when(page, "When were they last seen?", at(3))
    page.get_by_label("Where did they go missing from?").fill("Test children's home")
    page.get_by_label("No", exact=True).check()
    page.get_by_label("What they look like and what they were wearing").fill("Red jacket")
    page.get_by_label("Who they may be with, or who picked them up").fill("Older male, 'Dee'")
    page.get_by_label("Vehicles and registrations").fill("Blue saloon KL21 MNO")
    page.get_by_label("High", exact=True).check()
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("Report sent to the front door").wait_for()
    assert "Hidden missing" in page.inner_text("main")

    # The front door: an unread alert in the header; it opens the episode with the report.
    sign_in(page, base, "frontdoor")
    page.get_by_test_id("alerts-link").get_by_text("1 unread").wait_for()
    page.get_by_test_id("alerts-link").click()
    alerts = page.get_by_test_id("alerts")
    assert "hidden missing" in alerts.inner_text() and "Riley" not in alerts.inner_text()
    alerts.get_by_role("button", name=re.compile("Open")).click()
    page.get_by_role("heading", name="Riley Homechild").wait_for()
    main = page.inner_text("main")
    assert "Still missing" in main and "KL21 MNO" in main and "Hidden missing" in main

    # The worker reports the return.
    sign_in(page, base, "reporter")
    page.get_by_test_id("my-reports").get_by_role("link", name="Riley Homechild").click()
    page.get_by_role("link", name="Report their return").click()
    fill_when(page, "When did they come back, or were they found?", at(0))
    page.get_by_label("Who brought them back?").fill("Police")
    page.get_by_label("How are they?").fill("Tired")
    page.get_by_role("button", name="Report return").click()
    page.get_by_text("Return reported").first.wait_for()

    # The RHI team's manager: an alert, and the RHI waiting in the team queue.
    sign_in(page, base, "manager")
    page.goto(f"{base}/alerts/")
    assert "New RHI to allocate" in page.get_by_test_id("alerts").inner_text()
    page.goto(f"{base}/rhis/team/")
    page.get_by_test_id("rhi-queue").get_by_text("Riley Homechild").wait_for()
    report = DirectReport.objects.get()
    assert report.status == DirectReport.Status.RETURNED and report.hidden_missing
