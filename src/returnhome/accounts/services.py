"""Writes to accounts: API tokens for police forces. Atomic and audited."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from returnhome.accounts.models import ApiToken, User
from returnhome.core.audit import record_write
from returnhome.organisations.models import Organisation

TOKEN_PREFIX = "rh_"  # noqa: S105 (the visible start of every token, not a secret)
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def create_api_token(
    organisation: Organisation, *, name: str, acting_user: User | None
) -> NewToken:
    """A new token for a police force. The secret is returned once; only its hash is kept."""
    if organisation.kind != Organisation.Kind.POLICE:
        raise ValidationError(f"{organisation} is not a police force: only forces get API tokens")
    name = name.strip()
    if not name:
        raise ValidationError("Give the token a name (what it is for)")
    while True:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        prefix = secret[:PREFIX_LENGTH]
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    account = User(
        username=f"api-{prefix}",
        first_name=f"{organisation.name} API"[:150],
        last_name=f"({name})"[:150],
        organisation=organisation,
        role="",
    )
    account.set_unusable_password()
    account.save()
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name[:100],
        prefix=prefix,
        secret_hash=hash_token(secret),
        user=account,
        created_by=acting_user if acting_user is not None and acting_user.pk else None,
    )
    record_write(acting_user, "create_api_token", token, organisation=organisation, name=token.name)
    return NewToken(token, secret)


@transaction.atomic
def revoke_api_token(token: ApiToken, *, acting_user: User | None) -> ApiToken:
    """Refuse the token from now on (its account is deactivated too). Revoking twice is a no-op."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = acting_user if acting_user is not None and acting_user.pk else None
    token.save(update_fields=["revoked_at", "revoked_by"])
    User.objects.filter(pk=token.user_id).update(is_active=False)
    record_write(acting_user, "revoke_api_token", token, organisation=token.organisation_id)
    return token
