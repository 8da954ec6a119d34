"""Signing in with two factors, and an administrator's invitation, as people walk them in a real
browser: the administrator signs in with a password and a code, invites a practitioner; the
practitioner opens the link, sets a password, scans the QR code (here: reads the key under it),
enters a code and is shown recovery codes."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django.core import mail
from django_otp.oath import TOTP

from tests.accounts.conftest import PASSWORD, code_for, enrol, later
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_from_key(key: str) -> str:
    totp = TOTP(base64.b32decode(key.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_two_factor_sign_in_and_an_invitation(
    page: Any, live_server: Any, cast: Cast, settings: Any
) -> None:
    settings.RETURNHOME_REQUIRE_2FA = True
    base = live_server.url
    device, _ = enrol(cast.admin)
    with later(seconds=40):
        page.goto(f"{base}/login/")
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Enter the code from your authenticator app").wait_for()
        page.get_by_label("Code").fill(code_for(device))
        page.get_by_role("button", name="Continue").click()
        page.get_by_test_id("account-link").click()
        page.get_by_role("link", name="Manage users").click()
        page.get_by_role("link", name="Invite someone").click()
        page.get_by_label("First name").fill("Nia")
        page.get_by_label("Last name").fill("Okafor")
        page.get_by_label("Email address").fill("nia.okafor@example.org")
        page.get_by_label("Username").fill("nokafor")
        page.get_by_label("RHI practitioner").check()
        page.get_by_role("button", name="Send invitation").click()
        link = page.get_by_test_id("invitation-link").inner_text()
    path = re.search(r"/account/invitation/\S+/", link)
    assert path and path.group(0) in mail.outbox[0].body

    page.context.clear_cookies()
    page.goto(f"{base}{path.group(0)}")
    page.get_by_label("New password", exact=True).fill("Lighthouse-Kettle-42")
    page.get_by_label("New password confirmation").fill("Lighthouse-Kettle-42")
    page.get_by_role("button", name="Set password").click()
    page.get_by_role("heading", name="Set up two-factor sign-in").wait_for()
    assert page.locator("[data-testid=qr-code] svg").count() == 1
    page.get_by_text("I cannot scan the QR code").click()
    key = page.get_by_test_id("secret").inner_text()
    page.get_by_label("Code").fill(code_from_key(key))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Save your recovery codes").wait_for()
    assert page.get_by_test_id("recovery-codes").locator("li").count() == 10
