"""The core journey, as the real users walk it, in a real browser.

Front door records a missing then a found notification for a new child; a second episode follows
before the interview; the manager allocates; the practitioner logs contact, consent, offer and
acceptance, then records one interview covering both episodes; the manager reviews and it closes.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from returnhome.interviews.models import RHI, Interview
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def at(hours_ago: float) -> str:
    moment = timezone.localtime(timezone.now() - dt.timedelta(hours=hours_ago))
    return moment.strftime("%Y-%m-%dT%H:%M")


def sign_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def report_missing(page: Any, base: str, *, new_child: bool, hours_ago: float) -> None:
    page.goto(f"{base}/episodes/missing/")
    page.get_by_label("Name, council child ID, NHS number, date of birth or postcode").fill(
        "Journeychild"
    )
    page.get_by_role("button", name="Search").click()
    if new_child:
        page.get_by_role("link", name=re.compile("record a new child")).click()
        page.get_by_label("First name").fill("Casey")
        page.get_by_label("Last name").fill("Journeychild")
        page.get_by_label("Date of birth").fill("2011-04-09")
        page.get_by_label("Female").check()
    else:
        page.get_by_role("link", name="Report Casey missing").click()
    page.get_by_label("When was the child reported missing?").fill(at(hours_ago))
    page.get_by_label("When did the notification reach you?").fill(at(hours_ago - 0.5))
    page.get_by_label("Police risk level").select_option("medium")
    page.get_by_label("Missing from").fill("Home address")
    page.get_by_role("button", name="Record missing").click()
    page.get_by_text("Still missing").first.wait_for()


def report_found(page: Any, *, hours_ago: float) -> None:
    page.get_by_role("link", name="Record found notification").click()
    page.get_by_label("When did the child return or was found?").fill(at(hours_ago))
    page.get_by_label("When did the notification reach you?").fill(at(hours_ago - 0.5))
    page.get_by_label("Where were they found?").fill("Town centre")
    page.get_by_role("button", name="Record return").click()
    page.get_by_text("The RHI is in the provider's queue").wait_for()


def test_missing_to_reviewed_interview(page: Any, live_server: Any, cast: Cast) -> None:
    base = live_server.url

    # Front door: first episode, with a bad return time first (before reported missing).
    sign_in(page, base, "frontdoor")
    report_missing(page, base, new_child=True, hours_ago=50)
    page.get_by_role("link", name="Record found notification").click()
    page.get_by_label("When did the child return or was found?").fill(at(60))
    page.get_by_role("button", name="Record return").click()
    page.get_by_text("The child cannot return before they were reported missing").first.wait_for()
    page.get_by_role("link", name=re.compile("Back")).click()
    report_found(page, hours_ago=40)

    # Manager: the RHI is in the team queue with its deadline; allocate it.
    sign_in(page, base, "manager")
    page.goto(f"{base}/rhis/team/")
    queue = page.get_by_test_id("rhi-queue")
    queue.get_by_text("Casey Journeychild").wait_for()
    assert "Due in" in queue.inner_text()
    queue.get_by_role("link", name="Casey Journeychild").click()
    page.get_by_role("link", name="Allocate").click()
    page.get_by_label(str(cast.practitioner)).check()
    page.get_by_role("button", name="Allocate").click()
    page.get_by_text(f"Allocated to {cast.practitioner}").wait_for()

    # Practitioner: contact attempts, consent, offer, acceptance.
    sign_in(page, base, "practitioner")
    page.goto(f"{base}/rhis/mine/")
    page.get_by_role("link", name="Casey Journeychild").click()
    rhi_url = page.url
    page.get_by_role("link", name="Log a contact attempt").click()
    page.get_by_label("When was the attempt made?").fill(at(38))
    page.get_by_label("Phone call").check()
    page.get_by_label("Child", exact=True).check()
    page.get_by_label("No answer").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Contact attempt logged").wait_for()
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Yes").check()
    page.get_by_label("Who gave consent?").select_option("parent")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record offer").click()
    page.get_by_label("When was the interview offered?").fill(at(36))
    page.get_by_label("Child and parent or carer").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record outcome").click()
    page.get_by_label("Declined", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Select why the interview was declined").first.wait_for()
    page.get_by_label("Accepted", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Outcome recorded").wait_for()

    # Front door: Casey goes missing again before the interview.
    sign_in(page, base, "frontdoor")
    report_missing(page, base, new_child=False, hours_ago=30)
    report_found(page, hours_ago=20)

    # Practitioner: one interview covers both episodes, with a proposed action.
    sign_in(page, base, "practitioner")
    page.goto(rhi_url)
    page.get_by_role("link", name="Record the interview").click()
    page.get_by_label(re.compile(r"Missing \d\d/")).check()
    page.get_by_label("When did the interview take place?").fill(at(2))
    page.get_by_label("Placement").check()
    page.get_by_label("Face to face").check()
    page.get_by_label("Yes").check()
    page.get_by_label("The child's own words").fill("I stayed at a friend's flat.")
    page.get_by_label("Child criminal exploitation").check()
    page.get_by_label("Proposed action").first.fill("Refer to the exploitation team")
    page.get_by_label("Referral to").first.select_option("sexual_exploitation")
    page.get_by_role("button", name="Submit for manager review").click()
    page.get_by_text("Interview record submitted for manager review").wait_for()

    # Manager: review, respond to the action; the RHIs close.
    sign_in(page, base, "manager")
    interview = Interview.objects.get(child__surname="Journeychild")
    page.goto(f"{base}/interviews/{interview.pk}/")
    page.get_by_role("link", name="Review this interview").click()
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Record review and close").click()
    page.get_by_text("Review recorded").wait_for()

    rhis = RHI.objects.filter(child__surname="Journeychild")
    assert rhis.count() == 2
    assert {r.status for r in rhis} == {RHI.Status.CLOSED}
    assert {r.interview_id for r in rhis} == {interview.pk}
    assert interview.actions.get().status == "agreed"
    assert interview.cce_identified

    # The child's timeline shows it all in date order.
    page.get_by_role("link", name="Casey Journeychild").click()
    timeline = page.get_by_test_id("timeline-year").first.inner_text()
    assert "Reported missing" in timeline and "Interview with the child" in timeline
