"""Finding: no user management (an administrator could not add, deactivate or change a user's
role). Now an organisation's administrator invites by a one-time link, sets roles, deactivates
and reactivates, resets two-factor and unlocks, each audited, and only for their own
organisation's people (404 for anyone else's)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client, TestCase
from django_otp.plugins.otp_totp.models import TOTPDevice

from returnhome.accounts.models import Role, User
from returnhome.core.models import AuditEvent
from tests.accounts.conftest import code_for, enrol, is_signed_in, later, sign_in
from tests.conftest import Cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Lighthouse-Kettle-42"


def admin_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.admin)
    return client


def invite(client: Client, **fields: str) -> Any:
    """Invitations are emailed once the transaction commits: this runs those callbacks."""
    data = {
        "first_name": "Nia",
        "last_name": "Okafor",
        "email": "nia.okafor@example.org",
        "username": "nokafor",
        "role": Role.PRACTITIONER,
    } | fields
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/settings/users/invite/", data)


def link_path(text: str) -> str:
    match = re.search(r"https?://[^/\s]+(/account/invitation/[^\s<]+/)", text)
    assert match, text
    return match.group(1)


def test_invite_set_password_and_set_up_two_factor(cast: Cast, settings: Any) -> None:
    admin = admin_client(cast)
    response = invite(admin)
    invitee = User.objects.get(username="nokafor")
    assert response["Location"] == f"/settings/users/{invitee.pk}/"
    assert invitee.organisation == cast.council and invitee.role == Role.PRACTITIONER
    assert not invitee.has_usable_password()
    shown = admin.get(response["Location"]).content.decode()
    (email,) = mail.outbox
    assert email.to == ["nia.okafor@example.org"]
    path = link_path(email.body)
    assert path == link_path(shown)
    assert AuditEvent.objects.filter(action="invite_user", actor=cast.admin).count() == 1

    settings.RETURNHOME_REQUIRE_2FA = True
    person = Client()
    assert sign_in(person, "nokafor", "anything-at-all").status_code == 200  # no password yet
    assert person.get(path).status_code == 200
    simple = person.post(path, {"new_password1": "aaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaa"})
    assert simple.status_code == 200 and b"There is a problem" in simple.content
    response = person.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/login/set-up/"
    assert not is_signed_in(person)  # not before two-factor is set up
    person.get("/login/set-up/")
    device = TOTPDevice.objects.get(user=invitee, confirmed=False)
    response = person.post("/login/set-up/", {"code": code_for(device)})
    assert response["Location"] == "/account/recovery-codes/"
    assert is_signed_in(person)
    assert {"accept_invitation", "set_up_two_factor", "sign_in"} <= set(
        AuditEvent.objects.filter(actor=invitee).values_list("action", flat=True)
    )
    # The link worked once.
    assert Client().get(path).status_code == 404


def test_an_invitation_link_expires(cast: Cast, settings: Any) -> None:
    invite(admin_client(cast))
    path = link_path(mail.outbox[0].body)
    with later(days=settings.RETURNHOME_INVITE_DAYS, hours=1):
        response = Client().get(path)
    assert response.status_code == 404 and b"does not work" in response.content
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    assert Client().get(tampered).status_code == 404


def test_an_invitation_is_checked(cast: Cast) -> None:
    admin = admin_client(cast)
    taken = invite(admin, username="manager", role="wizard", email="")
    assert taken.status_code == 200
    assert b"There is a problem" in taken.content
    police_role = invite(admin, role=Role.POLICE)
    assert police_role.status_code == 200  # a council does not employ police officers
    assert not User.objects.filter(username="nokafor").exists()
    assert not mail.outbox


def test_change_role(cast: Cast) -> None:
    admin = admin_client(cast)
    url = f"/settings/users/{cast.practitioner.pk}/role/"
    assert admin.post(url, {"role": Role.MANAGER}).status_code == 302
    cast.practitioner.refresh_from_db()
    assert cast.practitioner.role == Role.MANAGER
    event = AuditEvent.objects.get(action="change_role")
    assert event.detail == {"role_before": "practitioner", "role": "manager"}
    assert admin.post(url, {"role": Role.POLICE}).status_code == 400
    assert (
        admin.post(f"/settings/users/{cast.admin.pk}/role/", {"role": "manager"}).status_code == 400
    )
    cast.admin.refresh_from_db()
    assert cast.admin.role == Role.ADMIN


def test_deactivated_cannot_sign_in_and_is_signed_out(cast: Cast) -> None:
    person = Client()
    sign_in(person, "practitioner")
    assert is_signed_in(person)
    admin = admin_client(cast)
    admin.post(f"/settings/users/{cast.practitioner.pk}/deactivate/")
    assert not is_signed_in(person)
    assert sign_in(person, "practitioner").status_code == 200
    assert not is_signed_in(person)
    assert AuditEvent.objects.filter(action="deactivate_user", actor=cast.admin).count() == 1
    admin.post(f"/settings/users/{cast.practitioner.pk}/reactivate/")
    assert sign_in(person, "practitioner").status_code == 302
    assert AuditEvent.objects.filter(action="reactivate_user", actor=cast.admin).count() == 1


def test_an_administrator_cannot_deactivate_themselves(cast: Cast) -> None:
    admin = admin_client(cast)
    admin.post(f"/settings/users/{cast.admin.pk}/deactivate/")
    cast.admin.refresh_from_db()
    assert cast.admin.is_active


def test_reset_two_factor(cast: Cast, settings: Any) -> None:
    settings.RETURNHOME_REQUIRE_2FA = True
    enrol(cast.manager)
    admin = Client()
    device, _ = enrol(cast.admin)
    with later(seconds=40):
        sign_in(admin, "admin")
        admin.post("/login/code/", {"code": code_for(device)})
        response = admin.post(f"/settings/users/{cast.manager.pk}/reset-two-factor/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.manager).exists()
    assert AuditEvent.objects.filter(action="reset_two_factor", actor=cast.admin).count() == 1
    assert sign_in(Client(), "manager")["Location"] == "/login/set-up/"


ACTIONS = [
    "",
    "role/",
    "deactivate/",
    "reactivate/",
    "reset-two-factor/",
    "unlock/",
    "invite-again/",
]


@pytest.mark.parametrize("action", ACTIONS)
def test_another_organisations_administrator_gets_404(cast: Cast, action: str) -> None:
    other_admin = UserFactory(organisation=cast.partner_council, role=Role.ADMIN)
    client = Client()
    client.force_login(other_admin)
    url = f"/settings/users/{cast.practitioner.pk}/{action}"
    response = client.get(url) if not action else client.post(url, {"role": Role.MANAGER})
    assert response.status_code == 404
    cast.practitioner.refresh_from_db()
    assert cast.practitioner.is_active and cast.practitioner.role == Role.PRACTITIONER
    assert not AuditEvent.objects.filter(actor=other_admin).exclude(action="sign_in").exists()


@pytest.mark.parametrize("who", ["manager", "practitioner", "police", "outsider", "performance"])
def test_only_administrators_manage_users(cast: Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    assert client.get("/settings/users/").status_code == 403
    assert client.post(f"/settings/users/{cast.practitioner.pk}/deactivate/").status_code == 403


def test_the_list_shows_only_the_organisations_people_a_page_at_a_time(cast: Cast) -> None:
    for _ in range(55):
        UserFactory(organisation=cast.council, role=Role.PRACTITIONER)
    admin = admin_client(cast)
    pages = [admin.get("/settings/users/"), admin.get("/settings/users/?page=2")]
    listed = [
        {int(pk) for pk in re.findall(r'href="/settings/users/(\d+)/"', p.content.decode())}
        for p in pages
    ]
    own = set(User.objects.filter(organisation=cast.council).values_list("pk", flat=True))
    assert len(own) > 55
    assert len(listed[0]) == 50 and listed[0] | listed[1] == own and not listed[0] & listed[1]
    assert f"{len(own)} users" in pages[0].content.decode()
    assert f"Showing 1 to 50 of {len(own)} users" in pages[0].content.decode()
