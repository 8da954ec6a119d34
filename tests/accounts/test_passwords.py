"""Finding: `aaaaaaaaaaaa` accepted as a password; no page to change one's password. Now simple
passwords are refused and everyone has a change-password page."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from returnhome.accounts.validators import SimplePatternValidator
from returnhome.core.models import AuditEvent
from tests.accounts.conftest import PASSWORD, is_signed_in, sign_in
from tests.conftest import Cast

SIMPLE = [
    "aaaaaaaaaaaa",
    "abcdefghijkl",
    "123456789012",
    "qwertyuiop12",
    "abababababab",
    "zyxwvutsrqpo",
]


@pytest.mark.parametrize("password", SIMPLE)
def test_simple_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password)
    with pytest.raises(ValidationError):
        SimplePatternValidator().validate(password)


@pytest.mark.parametrize(
    "password", [PASSWORD, "demo-password-123", "Lighthouse-Kettle-42", "mango tractor violin"]
)
def test_passwords_with_some_variety_pass_the_new_rule(password: str) -> None:
    SimplePatternValidator().validate(password)


@pytest.mark.django_db
def test_change_password(cast: Cast) -> None:
    client = Client()
    sign_in(client, "practitioner")
    page = client.get("/account/password/")
    assert page.status_code == 200 and b"Change your password" in page.content
    wrong_old = client.post(
        "/account/password/",
        {"old_password": "not-it-at-all", "new_password1": "x", "new_password2": "x"},
    )
    assert wrong_old.status_code == 200 and b"There is a problem" in wrong_old.content
    simple = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": SIMPLE[0], "new_password2": SIMPLE[0]},
    )
    assert b"too few different characters" in simple.content
    new = "Lighthouse-Kettle-42"
    response = client.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert is_signed_in(client)  # still signed in after the change
    assert AuditEvent.objects.filter(
        action="change_password", actor=cast.practitioner, object_id=str(cast.practitioner.pk)
    ).exists()
    client.post("/logout/")
    assert sign_in(client, "practitioner", PASSWORD).status_code == 200
    assert sign_in(client, "practitioner", new).status_code == 302
