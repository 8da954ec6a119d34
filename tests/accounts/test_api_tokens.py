"""API tokens: stored as a hash, one force each, created and revoked through an audited service,
and refused (401, JSON) when missing, wrong, revoked or not a police force's."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from returnhome.accounts.models import ApiToken, User
from returnhome.accounts.services import create_api_token, hash_token, revoke_api_token
from returnhome.core.models import AuditEvent
from tests.conftest import Cast
from tests.factories import PoliceFactory


def status_of(client: Client, **headers: str) -> Any:
    return client.get(reverse("api:notification", args=["ANY-1"]), headers=headers)


def assert_json_error(response: Any, status: int, field: str | None) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors and all(set(e) == {"index", "field", "message"} for e in errors)
    assert errors[0]["field"] == field and errors[0]["message"]


def test_only_a_hash_and_a_prefix_are_stored_and_creation_is_audited(cast: Cast) -> None:
    new = create_api_token(cast.police_force, name="Case system", acting_user=cast.admin)
    token = ApiToken.objects.get()
    assert new.secret.startswith(token.prefix) and len(new.secret) > 40
    assert token.secret_hash == hash_token(new.secret)
    stored = [str(v) for v in ApiToken.objects.values_list().get()]
    assert not any(new.secret in v for v in stored)
    assert token.organisation == cast.police_force and token.created_by == cast.admin
    assert not token.user.has_usable_password() and token.user.role == ""
    audit = AuditEvent.objects.get(action="create_api_token")
    assert audit.actor == cast.admin and audit.object_id == str(token.pk)
    assert new.secret not in str(audit.detail)


def test_only_police_forces_get_tokens(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        create_api_token(cast.council, name="Not a force", acting_user=None)
    assert not ApiToken.objects.exists()


def test_the_token_authenticates_as_bearer_or_token_and_records_its_use(cast: Cast) -> None:
    new = create_api_token(cast.police_force, name="Case system", acting_user=None)
    client = Client()
    for keyword in ("Bearer", "Token", "bearer"):
        response = status_of(client, authorization=f"{keyword} {new.secret}")
        assert_json_error(response, 404, None)  # authenticated: that reference is unknown
    assert ApiToken.objects.get().last_used_at is not None


def test_no_token_wrong_token_and_bad_headers_are_refused(cast: Cast) -> None:
    new = create_api_token(cast.police_force, name="Case system", acting_user=None)
    client = Client()
    response = status_of(client)
    assert_json_error(response, 401, "Authorization")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert_json_error(status_of(client, authorization="Bearer rh_wrong"), 401, "Authorization")
    assert_json_error(status_of(client, authorization=f"Basic {new.secret}"), 401, "Authorization")
    assert_json_error(
        status_of(client, authorization=f"Bearer {new.secret} extra"), 401, "Authorization"
    )


def test_a_revoked_token_is_refused_and_revoking_is_audited(cast: Cast) -> None:
    new = create_api_token(cast.police_force, name="Case system", acting_user=None)
    revoke_api_token(new.token, acting_user=cast.admin)
    token = ApiToken.objects.get()
    assert token.revoked_at is not None and token.revoked_by == cast.admin
    assert not User.objects.get(pk=token.user_id).is_active
    assert AuditEvent.objects.filter(action="revoke_api_token", actor=cast.admin).count() == 1
    response = status_of(Client(), authorization=f"Bearer {new.secret}")
    assert_json_error(response, 401, "Authorization")
    assert "revoked" in response.json()["errors"][0]["message"]


def test_a_token_whose_organisation_is_not_a_police_force_is_refused(cast: Cast) -> None:
    new = create_api_token(cast.police_force, name="Case system", acting_user=None)
    # Made directly (the service refuses): a council's token must still never work.
    ApiToken.objects.filter(pk=new.token.pk).update(organisation=cast.council)
    response = status_of(Client(), authorization=f"Bearer {new.secret}")
    assert_json_error(response, 401, "Authorization")


def test_a_signed_in_session_is_not_an_api_credential(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.police)
    assert_json_error(status_of(client), 401, "Authorization")


def test_the_command_creates_lists_and_revokes(cast: Cast) -> None:
    force = PoliceFactory(name="Commandshire Police", code="police:CMD")
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api-token", "create", "--force", "CMD", "--name", "Case system", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(organisation=force)
    assert token.secret_hash == hash_token(secret) and "cannot be shown again" in err.getvalue()
    listing = io.StringIO()
    call_command("api-token", "list", stdout=listing)
    assert token.prefix in listing.getvalue() and secret not in listing.getvalue()
    assert "active" in listing.getvalue()
    call_command("api-token", "revoke", token.prefix, stdout=io.StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None
    with pytest.raises(CommandError):
        call_command("api-token", "create", "--force", "NOPE", "--name", "x")
    with pytest.raises(CommandError):
        call_command("api-token", "revoke", "rh_nothing")
