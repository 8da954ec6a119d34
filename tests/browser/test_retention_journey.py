"""The retention review queue in a real browser: a manager sees the records past the rule, erases
one after the confirmation page, keeps another longer; the administrator changes the rule.

Set RETURNHOME_SCREENSHOTS=<dir> to keep pictures of each page at desktop width and at 390 px.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from returnhome.children.models import Child
from tests.browser.test_journey import fill_when
from tests.browser.test_stale_save import shoot, signed_in
from tests.conftest import Cast
from tests.privacy.test_privacy import _aged

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_a_manager_erases_one_record_and_keeps_another(
    browser: Any, live_server: Any, cast: Cast, width: int
) -> None:
    today = timezone.localdate()
    first = _aged(cast, dt.date(today.year - 27, 3, 1), idle_years=8, surname="Pemberton")
    _aged(cast, dt.date(today.year - 26, 7, 9), idle_years=7, surname="Oyelaran")
    base = live_server.url
    page = signed_in(browser, base, cast.manager, width)
    page.goto(f"{base}/children/")
    page.get_by_role("link", name="Records past their retention").click()
    page.get_by_role("heading", name="Records past their retention").wait_for()
    shoot(page, f"retention-queue-{width}")

    page.get_by_role("link", name=f"Erase {first.full_name}").click()
    page.get_by_role("heading", name=f"Erase {first.full_name}'s personal data").wait_for()
    page.get_by_label("Reason").fill("Past the retention period; records panel")
    page.get_by_role("button", name="Erase personal data").click()
    page.locator(".govuk-error-summary").wait_for()  # the tick is missing
    shoot(page, f"retention-erase-confirm-{width}")
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase personal data").click()
    page.get_by_text("the child's personal data was erased").wait_for()
    assert Child.objects.get(pk=first.pk).erased_at is not None

    page.get_by_role("link", name="Keep longer").first.click()
    fill_when(page, "Keep the record until", today + dt.timedelta(days=90))
    page.get_by_label("Reason").fill("An inquiry asked for it")
    shoot(page, f"retention-keep-{width}")
    page.get_by_role("button", name="Keep the record").click()
    page.get_by_text("No record is past its retention today").wait_for()
    shoot(page, f"retention-queue-empty-{width}")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_administrator_changes_the_rule(
    browser: Any, live_server: Any, cast: Cast, width: int
) -> None:
    base = live_server.url
    page = signed_in(browser, base, cast.admin, width)
    page.goto(f"{base}/privacy/retention/")
    page.get_by_role("link", name="change the rule").click()
    page.get_by_label("Keep a child's records at least until this birthday").fill("30")
    shoot(page, f"retention-rule-{width}")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("until the child's 30th birthday").wait_for()
