"""Token authentication for the HTTP API: `Authorization: Bearer <token>` (or `Token <token>`).

Only API tokens of police forces are accepted, never a session: the API is for systems, and a
token is refused once revoked or if its organisation is not (or no longer) a police force.

Failed attempts are counted per client address (`FailedTokenThrottle`, rate `api_failed_token`):
past the rate, every request from that address is answered 429 until the window has passed, a
good token or not (or the 429 would tell a guesser which token was good).
"""

from __future__ import annotations

from typing import Any

from django.core.cache import BaseCache, caches
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from returnhome.accounts.models import ApiToken, User
from returnhome.accounts.services import hash_token
from returnhome.organisations.models import Organisation

KEYWORDS = (b"bearer", b"token")
# last_used_at is written at most this often per token (seconds), not on every request.
TOUCH_EVERY = 60
# The cache the API's rate limits count in (settings.CACHES): shared by the server's processes.
THROTTLE_CACHE = "api_throttle"


class ApiThrottle(SimpleRateThrottle):
    """A DRF rate limit whose rate (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES[scope]) and cache
    are read when it is used, so settings (and tests) can change them."""

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = api_settings.DEFAULT_THROTTLE_RATES
        return rates.get(str(self.scope))

    @property
    def cache(self) -> BaseCache:
        return caches[THROTTLE_CACHE]


class FailedTokenThrottle(ApiThrottle):
    """Failed token attempts per client address (the address as DRF's NUM_PROXIES finds it)."""

    scope = "api_failed_token"

    def get_cache_key(self, request: Any, view: Any = None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def check(self, request: Any) -> None:
        """429 (Throttled) if this address has failed too often lately."""
        if self.rate is None:
            return
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        self.history = [t for t in self.cache.get(self.key, []) if t > self.now - self.duration]
        if self.num_requests is not None and len(self.history) >= self.num_requests:
            raise exceptions.Throttled(wait=self.wait())

    def failed(self, message: str) -> exceptions.AuthenticationFailed:
        """Count one failure (after `check`); the 401 to raise."""
        if self.rate is not None:
            self.throttle_success()
        return exceptions.AuthenticationFailed(message)


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts:
            return None
        attempts = FailedTokenThrottle()
        attempts.check(request)
        if parts[0].lower() not in KEYWORDS:
            raise attempts.failed("Send the token as 'Authorization: Bearer <token>'")
        if len(parts) != 2:
            raise attempts.failed(
                "The Authorization header must be 'Bearer' and the token, nothing else"
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise attempts.failed("This token is not valid") from None
        token = (
            ApiToken.objects.select_related("organisation", "user")
            .filter(secret_hash=hash_token(secret))
            .first()
        )
        if token is None:
            raise attempts.failed("This token is not valid")
        if token.revoked_at is not None or not token.user.is_active:
            raise attempts.failed("This token has been revoked")
        if token.organisation.kind != Organisation.Kind.POLICE:
            raise attempts.failed("This token does not belong to a police force")
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
