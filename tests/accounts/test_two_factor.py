"""Finding: no two-factor authentication. Now, with RETURNHOME_REQUIRE_2FA on (the default), a
password alone reaches no page; a code from the authenticator does; a recovery code works once;
someone without an authenticator sets one up before anything else; wrong codes count toward the
lockout; `check --deploy` warns when it is turned off without DEBUG."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from returnhome.accounts.checks import two_factor_required
from returnhome.core.models import AuditEvent
from tests.accounts.conftest import code_for, enrol, is_signed_in, later, sign_in
from tests.conftest import Cast

pytestmark = pytest.mark.django_db

PAGES = ["/", "/children/", "/account/", "/settings/users/", "/reports/", "/alerts/"]


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.RETURNHOME_REQUIRE_2FA = True


def test_a_password_alone_reaches_no_page(cast: Cast) -> None:
    enrol(cast.admin)
    client = Client()
    response = sign_in(client, "admin")
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), page
    assert not AuditEvent.objects.filter(action="sign_in").exists()


def test_a_valid_code_signs_in(cast: Cast) -> None:
    device, _ = enrol(cast.manager)
    client = Client()
    with later(seconds=40):  # the next code (the one used to set up cannot be replayed)
        sign_in(client, "manager")
        response = client.post("/login/code/", {"code": code_for(device)})
        assert response.status_code == 302 and response["Location"] == "/"
        assert is_signed_in(client)
    event = AuditEvent.objects.get(action="sign_in")
    assert event.actor == cast.manager and event.detail["method"] == "totp"


def test_the_next_address_survives_the_second_step(cast: Cast) -> None:
    device, _ = enrol(cast.manager)
    client = Client()
    with later(seconds=40):
        client.post(
            "/login/",
            {"username": "manager", "password": "correct-horse-battery", "next": "/alerts/"},
        )
        response = client.post("/login/code/", {"code": code_for(device)})
    assert response["Location"] == "/alerts/"


def test_a_wrong_code_is_refused_and_counts_toward_the_lockout(cast: Cast) -> None:
    enrol(cast.manager)
    client = Client()
    sign_in(client, "manager")
    response = client.post("/login/code/", {"code": "000000"})
    assert response.status_code == 200 and b"The code is not right" in response.content
    assert not is_signed_in(client)
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert failed.object_id == str(cast.manager.pk) and failed.detail["reason"] == "code"
    statuses = [
        client.post("/login/code/", {"code": f"{i:06d}"}).status_code
        for i in range(1, settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[-1] == 429  # the tenth failure locks the account
    assert client.post("/login/code/", {"code": "000001"})["Location"] == "/login/"
    assert sign_in(client, "manager").status_code == 429


def test_a_recovery_code_works_once(cast: Cast) -> None:
    _, codes = enrol(cast.police)
    assert len(codes) == 10 and len(set(codes)) == 10
    client = Client()
    sign_in(client, "police")
    response = client.post("/login/code/", {"code": codes[3].upper()})
    assert response.status_code == 302 and is_signed_in(client)
    assert AuditEvent.objects.get(action="sign_in").detail["method"] == "recovery_code"
    client.post("/logout/")
    sign_in(client, "police")
    response = client.post("/login/code/", {"code": codes[3]})
    assert response.status_code == 200 and not is_signed_in(client)
    with later(seconds=5):  # django-otp slows retries after a wrong code
        assert client.post("/login/code/", {"code": codes[4]}).status_code == 302


def test_without_an_authenticator_one_is_set_up_before_anything_else(cast: Cast) -> None:
    client = Client()
    response = sign_in(client, "frontdoor")
    assert response["Location"] == "/login/set-up/"
    assert client.get("/").status_code == 302 and not is_signed_in(client)
    page = client.get("/login/set-up/")
    assert page.status_code == 200
    assert b"<svg" in page.content and b"Set up two-factor sign-in" in page.content
    device = TOTPDevice.objects.get(user=cast.front_door, confirmed=False)
    assert client.post("/login/set-up/", {"code": "123456"}).status_code == 200
    response = client.post("/login/set-up/", {"code": code_for(device)})
    assert response["Location"] == "/account/recovery-codes/"
    codes_page = client.get("/account/recovery-codes/")
    assert codes_page.content.count(b"<code>") == 10
    assert client.get("/account/recovery-codes/").status_code == 302  # shown once
    assert is_signed_in(client)
    assert TOTPDevice.objects.get(user=cast.front_door).confirmed
    assert AuditEvent.objects.filter(action="set_up_two_factor", actor=cast.front_door).exists()


def test_a_session_without_a_second_factor_is_ended(cast: Cast) -> None:
    """A session signed in some other way (or from before two-factor was required) is refused."""
    client = Client()
    client.force_login(cast.manager)
    response = client.get("/children/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not is_signed_in(client)
    assert AuditEvent.objects.get(action="sign_out").detail["reason"] == "two_factor_missing"


def test_the_second_step_must_follow_the_password_promptly(cast: Cast) -> None:
    device, _ = enrol(cast.manager)
    client = Client()
    sign_in(client, "manager")
    with later(minutes=6):
        response = client.post("/login/code/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert not is_signed_in(client)


def test_a_new_phone_replaces_the_old_authenticator(cast: Cast) -> None:
    old, old_codes = enrol(cast.manager)
    client = Client()
    with later(seconds=40):
        sign_in(client, "manager")
        client.post("/login/code/", {"code": code_for(old)})
        assert client.get("/account/two-factor/").status_code == 200
        new = TOTPDevice.objects.get(user=cast.manager, confirmed=False)
        response = client.post("/account/two-factor/", {"code": code_for(new)})
        assert response["Location"] == "/account/recovery-codes/"
    assert list(TOTPDevice.objects.filter(user=cast.manager)) == [new]
    client.post("/logout/")
    sign_in(client, "manager")
    assert client.post("/login/code/", {"code": old_codes[0]}).status_code == 200
    assert AuditEvent.objects.filter(action="set_up_two_factor").count() == 2


def test_without_the_requirement_a_password_signs_in_unless_a_second_factor_is_set_up(
    cast: Cast, settings: Any
) -> None:
    settings.RETURNHOME_REQUIRE_2FA = False
    client = Client()
    assert sign_in(client, "manager")["Location"] == "/"
    enrol(cast.practitioner)
    assert sign_in(Client(), "practitioner")["Location"] == "/login/code/"


def test_check_deploy_warns_when_it_is_off_without_debug(settings: Any) -> None:
    settings.RETURNHOME_REQUIRE_2FA, settings.DEBUG = False, False
    assert [w.id for w in two_factor_required()] == ["returnhome.W001"]
    settings.DEBUG = True
    assert two_factor_required() == []
    settings.RETURNHOME_REQUIRE_2FA, settings.DEBUG = True, False
    assert two_factor_required() == []


def test_signing_in_as_someone_else_signs_the_first_person_out_at_once(
    cast: Cast, settings: Any
) -> None:
    settings.RETURNHOME_REQUIRE_2FA = False  # the admin's session stands; the manager has a device
    enrol(cast.manager)
    client = Client()
    client.force_login(cast.admin)
    sign_in(client, "manager")  # password right, code not yet given
    assert not is_signed_in(client)
    assert AuditEvent.objects.get(action="sign_out").detail["reason"] == "another_sign_in"


def test_new_recovery_codes_replace_the_old_and_are_audited_without_the_codes(cast: Cast) -> None:
    """Every change to someone's second factor is in the audit trail (issue 11, item 2):
    setting it up, new recovery codes, an administrator's reset — never the codes themselves."""
    from returnhome.accounts import services

    _, old = enrol(cast.police)
    new = services.regenerate_recovery_codes(cast.police, acting_user=cast.police)
    client = Client()
    sign_in(client, "police")
    assert client.post("/login/code/", {"code": old[0]}).status_code == 200  # refused
    with later(seconds=5):  # django-otp slows retries after a wrong code
        assert client.post("/login/code/", {"code": new[0]}).status_code == 302
    changes = AuditEvent.objects.filter(
        object_id=str(cast.police.pk),
        action__in=["set_up_two_factor", "regenerate_recovery_codes"],
    ).order_by("pk")
    assert [(e.action, e.actor_id) for e in changes] == [
        ("set_up_two_factor", cast.police.pk),
        ("regenerate_recovery_codes", cast.police.pk),
    ]
    trail = " ".join(str(e.detail) for e in AuditEvent.objects.all())
    assert not any(code in trail for code in [*old, *new])
