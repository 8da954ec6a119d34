"""Token authentication for the HTTP API: `Authorization: Bearer <token>` (or `Token <token>`).

Only API tokens of police forces are accepted, never a session: the API is for systems, and a
token is refused once revoked or if its organisation is not (or no longer) a police force.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from returnhome.accounts.models import ApiToken, User
from returnhome.accounts.services import hash_token
from returnhome.organisations.models import Organisation

KEYWORDS = (b"bearer", b"token")
# last_used_at is written at most this often per token (seconds), not on every request.
TOUCH_EVERY = 60


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        if parts[0].lower() not in KEYWORDS:
            raise exceptions.AuthenticationFailed(
                "Send the token as 'Authorization: Bearer <token>'"
            )
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "The Authorization header must be 'Bearer' and the token, nothing else"
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("This token is not valid") from None
        token = (
            ApiToken.objects.select_related("organisation", "user")
            .filter(secret_hash=hash_token(secret))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("This token is not valid")
        if token.revoked_at is not None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("This token has been revoked")
        if token.organisation.kind != Organisation.Kind.POLICE:
            raise exceptions.AuthenticationFailed("This token does not belong to a police force")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="returnhome"'


def token_of(request: Any) -> ApiToken:
    """The API token of an authenticated API request."""
    token = request.auth
    assert isinstance(token, ApiToken)
    return token
