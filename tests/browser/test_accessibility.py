"""axe-core (axe-playwright-python, which ships axe.min.js: nothing is fetched at run time) on the
key pages of every role, and on forms showing their errors: no WCAG 2.2 A or AA violation.

Each page is also checked 390 px wide (a phone): nothing wider than the screen except inside a
scrolling pane (tables, charts)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.accounts.test_access import Scenario, charity, scenario  # noqa: F401 (fixtures)
from tests.browser.test_journey import sign_in
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()

# A page wider than the screen at 390 px, outside the panes made to scroll: a dead end.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.querySelectorAll('main *')) {
    if (el.closest('.moj-scrollable-pane, .app-figure, .govuk-visually-hidden')) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) bad.push(el.tagName + '.' + el.className);
  }
  return bad.slice(0, 5);
}"""


def pages(s: Scenario) -> dict[str, list[str]]:
    """Each role's key pages (the scenario of the access matrix: a child, an interview, …)."""
    rhi, interview = s.rhi_pk, s.interview_pk
    return {
        "frontdoor": [
            reverse("imports:queue"),
            reverse("episodes:record_missing"),
            reverse("episodes:record_missing_for", args=[s.child_pk]),
            reverse("episodes:detail", args=[s.open_episode_pk]),
            reverse("children:detail", args=[s.child_pk]),
        ],
        "manager": [
            reverse("interviews:team"),
            reverse("interviews:rhi", args=[rhi]),
            reverse("interviews:interview", args=[interview]),
            reverse("interviews:review", args=[interview]),
            reverse("reports:dashboard"),
        ],
        "practitioner": [
            reverse("interviews:mine"),
            reverse("interviews:contact", args=[rhi]),
            reverse("followup:list"),
        ],
        "police": [
            reverse("episodes:open"),
            reverse("episodes:detail", args=[s.open_episode_pk]),
        ],
        "performance": [reverse("reports:indicators"), reverse("reports:benchmark")],
        "admin": [reverse("organisations:service"), reverse("accounts:users")],
        "socialworker": [reverse("children:list"), reverse("reporting:mine")],
        "reporter": [reverse("reporting:mine"), reverse("reporting:report_missing")],
        "partner": [reverse("episodes:open")],
        "charity": [reverse("interviews:team")],
    }


def check(page: Any, url: str) -> list[str]:
    """What is wrong with the page as it stands: axe's violations, and overflow at 390 px."""
    found = []
    results = AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    for violation in results.response["violations"]:
        nodes = [n["target"] for n in violation["nodes"]][:3]
        found.append(f"{url}: {violation['id']} ({violation['impact']}) {nodes}")
    page.set_viewport_size({"width": 390, "height": 844})
    found += [f"{url} at 390 px: {el} overflows" for el in page.evaluate(OVERFLOW)]
    page.set_viewport_size({"width": 1280, "height": 1000})
    return found


def test_every_roles_key_pages_pass_axe(
    page: Any,
    live_server: Any,
    cast: Cast,
    scenario: Scenario,  # noqa: F811 (the fixture imported above)
    charity: Any,  # noqa: F811 (the fixture imported above)
) -> None:
    base = live_server.url
    problems: list[str] = []
    for who, urls in pages(scenario).items():
        sign_in(page, base, who)
        for url in urls:
            response = page.goto(base + url)
            assert response is not None and response.status < 400, (who, url, response)
            problems += check(page, f"{who} {url}")
    assert problems == [], "\n".join(problems)


def test_forms_showing_their_errors_pass_axe(
    page: Any,
    live_server: Any,
    cast: Cast,
    scenario: Scenario,  # noqa: F811
) -> None:
    """Error summaries, date inputs with one box marked, a section and the check page."""
    base = live_server.url
    problems: list[str] = []
    sign_in(page, base, "frontdoor")
    page.goto(base + reverse("episodes:record_missing_new_child"))
    page.get_by_role("group", name="When was the child reported missing?").get_by_label("Day").fill(
        "31"
    )
    page.get_by_role("button", name="Record missing").click()
    expect(page).to_have_title(re.compile("^Error: "))  # waits for the answer
    problems += check(page, "missing form with errors")

    # A new RHI to record: the practitioner's interview form, its first part and the check page.
    from returnhome.interviews import services
    from returnhome.interviews.models import RHI
    from tests.conftest import missing, returned
    from tests.factories import ChildFactory, ago

    child = ChildFactory(council=cast.council)
    rhi = returned(cast, missing(cast, child, ago(hours=30)), ago(hours=10))
    services.allocate_rhi(rhi, cast.practitioner, expected_version=None, acting_user=cast.manager)
    services.log_contact_attempt(
        RHI.objects.get(pk=rhi.pk), attempted_at=ago(hours=2), method="phone",
        contacted="child", result="arranged", acting_user=cast.practitioner,
    )  # fmt: skip
    sign_in(page, base, "practitioner")
    page.goto(base + reverse("interviews:rhi", args=[rhi.pk]))
    problems += check(page, "rhi task list")
    page.goto(
        base + reverse("interviews:interview_section", args=[rhi.pk, "interview", "interview"])
    )
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_title(re.compile("^Error: "))  # waits for the answer
    problems += check(page, "interview part 1 with errors")
    for slug in ("said", "actions"):
        page.goto(base + reverse("interviews:interview_section", args=[rhi.pk, "interview", slug]))
        problems += check(page, f"interview part {slug}")
    page.goto(base + reverse("interviews:interview_check", args=[rhi.pk, "interview"]))
    problems += check(page, "check your answers with errors")
    assert problems == []


def test_posted_searches_and_empty_time_fields_pass_axe(
    page: Any,
    live_server: Any,
    cast: Cast,
    scenario: Scenario,  # noqa: F811
) -> None:
    """The searches for a child (posted, their results paged) and the forms whose times are
    left for the person, empty and with their errors."""
    base = live_server.url
    problems: list[str] = []
    sign_in(page, base, "frontdoor")
    for url in (
        reverse("episodes:record_missing"),
        reverse("imports:merge_choose", args=[scenario.child_pk]),
    ):
        page.goto(base + url)
        page.get_by_label("Name, council child ID").fill("Scenariochild")
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name="Clear the search").wait_for()
        assert "Scenariochild" not in page.url and "search=" in page.url
        problems += check(page, f"{url} searched")
    page.goto(base + reverse("episodes:record_found", args=[scenario.open_episode_pk]))
    page.get_by_role("button", name="Record return").click()
    expect(page).to_have_title(re.compile("^Error: "))
    for box in page.locator("input[name$='_day'], input[name$='_time']").all():
        assert box.input_value() == ""
    problems += check(page, "found form with errors")
    assert problems == []
