"""A stale save, in a real browser: two people with the same form open; the second to save is told
what changed, and what they typed is still in the form.

Set RETURNHOME_SCREENSHOTS=<dir> to keep pictures of the refusal at desktop width and at 390 px.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from returnhome.accounts.models import Role
from returnhome.children.models import Child
from returnhome.interviews.models import RHI
from tests.conftest import Cast
from tests.factories import UserFactory
from tests.two_sessions import agreed_action_on

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("RETURNHOME_SCREENSHOTS")


def signed_in(browser: Any, base: str, user: Any, width: int = 1280) -> Any:
    """A browser page signed in as `user` (the session made by Django's test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        locale="en-GB", timezone_id="Europe/London", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(15_000)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base}])
    return context.new_page()


def shoot(page: Any, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_stale_child_edit_in_the_browser(
    browser: Any, live_server: Any, cast: Cast, child: Child, width: int
) -> None:
    base = live_server.url
    first = signed_in(browser, base, cast.front_door, width)
    colleague = UserFactory(organisation=cast.council, role=Role.FRONT_DOOR)
    second = signed_in(browser, base, colleague, width)
    url = f"{base}/children/{child.pk}/edit/"
    first.goto(url)
    second.goto(url)
    second.get_by_label("Last name").fill("Okonkwo")
    second.get_by_label("Address").fill("14 Harbour Row\nFalmouth")
    second.get_by_role("button", name="Save").click()
    second.get_by_text("Child's details updated").wait_for()

    first.get_by_label("Postcode").fill("TR11 4QQ")
    first.get_by_role("button", name="Save").click()
    summary = first.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Surname is now: Okonkwo" in summary.inner_text()
    assert first.get_by_label("Postcode").input_value() == "TR11 4QQ"
    shoot(first, f"stale-child-edit-{width}")
    child.refresh_from_db()
    assert (child.surname, child.postcode) == ("Okonkwo", "")


@pytest.mark.parametrize("width", [1280, 390])
def test_a_stale_action_progress_in_the_browser(
    browser: Any, live_server: Any, cast: Cast, returned_rhi: RHI, width: int
) -> None:
    action = agreed_action_on(cast, returned_rhi)
    base = live_server.url
    worker = signed_in(browser, base, cast.practitioner, width)
    manager = signed_in(browser, base, cast.manager, width)
    url = f"{base}/actions/{action.pk}/"
    worker.goto(url)
    manager.goto(url)
    manager.get_by_label("Done", exact=True).check()
    manager.get_by_label("Outcome").fill("First session held on Friday")
    manager.get_by_role("button", name="Save").click()
    manager.get_by_text("Action updated").wait_for()

    worker.get_by_label("In progress").check()
    worker.get_by_label("Outcome").fill("Left a message with the youth worker")
    worker.get_by_role("button", name="Save").click()
    summary = worker.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Outcome is now: First session held on Friday" in summary.inner_text()
    assert worker.get_by_label("Outcome").input_value() == "Left a message with the youth worker"
    shoot(worker, f"stale-action-progress-{width}")
