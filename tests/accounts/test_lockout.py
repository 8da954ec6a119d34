"""Finding: 30 wrong passwords in 10 s, no lockout or throttle, then the right one signed in; sign-ins
and failures not audited. Now: an account locks after 10 failures within 15 minutes (even against
the right password), its administrator can unlock it, an address is throttled across accounts,
and every sign-in, failure, lockout and sign-out is in the audit trail, identifiers only."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from returnhome.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, is_signed_in, later, sign_in
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_thirty_wrong_passwords_lock_the_account_even_against_the_right_one(cast: Cast) -> None:
    client = Client()
    statuses = [sign_in(client, "manager", f"wrong-guess-{i}").status_code for i in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    assert limit <= 10
    assert set(statuses[: limit - 1]) == {200}  # the form again, with its error
    assert set(statuses[limit - 1 :]) == {429}  # locked
    response = sign_in(client, "manager", PASSWORD)
    assert response.status_code == 429
    assert b"Your account is locked" in response.content
    assert not is_signed_in(client)
    failures = AuditEvent.objects.filter(action="sign_in_failed", object_id=str(cast.manager.pk))
    assert failures.count() == 31
    locks = AuditEvent.objects.filter(action="account_locked_out", object_id=str(cast.manager.pk))
    assert locks.count() == 1
    assert not AuditEvent.objects.filter(action="sign_in").exists()


def test_the_lock_outlasts_a_pause_shorter_than_the_cool_off(cast: Cast) -> None:
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "manager", f"wrong-guess-{i}")
    with later(minutes=10):
        assert sign_in(client, "manager").status_code == 429
    with later(minutes=10 + settings.AXES_COOLOFF_TIME.total_seconds() / 60 + 1):
        assert sign_in(client, "manager").status_code == 302
        assert is_signed_in(client)


def test_the_administrator_unlocks_it(cast: Cast) -> None:
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "manager", f"wrong-guess-{i}")
    assert sign_in(client, "manager").status_code == 429
    admin = Client()
    admin.force_login(cast.admin)
    page = admin.get(f"/settings/users/{cast.manager.pk}/")
    assert b"Locked" in page.content and b"Unlock account" in page.content
    assert admin.post(f"/settings/users/{cast.manager.pk}/unlock/").status_code == 302
    assert AuditEvent.objects.filter(
        action="unlock_user", actor=cast.admin, object_id=str(cast.manager.pk)
    ).exists()
    assert sign_in(client, "manager").status_code == 302
    assert is_signed_in(client)


def test_failures_for_one_account_do_not_lock_another(cast: Cast) -> None:
    client = Client()
    for i in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "manager", f"wrong-guess-{i}")
    assert sign_in(client, "practitioner").status_code == 302


def test_an_address_is_throttled_across_accounts(cast: Cast) -> None:
    """Guessing one password for many accounts (spraying) from one address: after the address's
    limit, even a right password from there is refused; other addresses are unaffected."""
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    limit = settings.RETURNHOME_ADDRESS_FAILURE_LIMIT
    assert limit > settings.AXES_FAILURE_LIMIT
    for i in range(limit):
        response = sign_in(attacker, f"guessed-name-{i}", "Summer2026!!")
        assert response.status_code == 200
    response = sign_in(attacker, "manager", PASSWORD)
    assert response.status_code == 429
    assert b"Too many attempts to sign in from your network" in response.content
    assert not is_signed_in(attacker)
    assert AuditEvent.objects.filter(action="sign_in_throttled").count() == 1
    office = Client(REMOTE_ADDR="198.51.100.20")
    assert sign_in(office, "manager", PASSWORD).status_code == 302


def test_sign_in_failure_and_sign_out_are_audited_with_identifiers_only(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="192.0.2.44")
    sign_in(client, "nobody-of-that-name", "typed-secret-one")
    sign_in(client, "manager", "typed-secret-two")
    assert sign_in(client, "manager").status_code == 302
    client.post("/logout/")
    rows = list(AuditEvent.objects.order_by("pk"))
    assert [(r.action, r.object_id) for r in rows] == [
        ("sign_in_failed", ""),
        ("sign_in_failed", str(cast.manager.pk)),
        ("sign_in", str(cast.manager.pk)),
        ("sign_out", str(cast.manager.pk)),
    ]
    assert rows[2].actor == cast.manager and rows[2].detail["method"] == "password"
    assert all(r.detail.get("address") == "192.0.2.44" for r in rows[:3])
    everything = " ".join(f"{r.object_id} {r.detail}" for r in rows)
    for typed in ("nobody-of-that-name", "typed-secret-one", "typed-secret-two", PASSWORD):
        assert typed not in everything
