"""Signed-in sessions end after RETURNHOME_IDLE_MINUTES without a request and SESSION_COOKIE_AGE
after sign-in, whatever happens in between; and, when two-factor sign-in is required, a session
that was not verified by a second factor is ended."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from returnhome.accounts.signin import LAST_SEEN, SIGNED_IN_AT

# Writing the last-seen time on every request would save the session every time: once a minute
# is enough for a timeout counted in minutes.
TOUCH_SECONDS = 60

MESSAGES = {
    "idle": "You were signed out because you had not done anything for {minutes} minutes.",
    "expired": "You were signed out because you signed in more than {hours} hours ago.",
    "two_factor_missing": "Sign in again with your two-factor code.",
}


class SignInPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = self._reason_to_end(request)
            if reason:
                return self._sign_out(request, reason)
        return self.get_response(request)

    def _reason_to_end(self, request: HttpRequest) -> str | None:
        session = request.session
        now = time.time()
        started = session.get(SIGNED_IN_AT)
        seen = session.get(LAST_SEEN)
        if started is None or seen is None:  # a session from before these rules
            session[SIGNED_IN_AT] = started = now if started is None else started
            session[LAST_SEEN] = seen = now
        if now - seen > settings.RETURNHOME_IDLE_MINUTES * 60:
            return "idle"
        if now - started > settings.SESSION_COOKIE_AGE:
            return "expired"
        if settings.RETURNHOME_REQUIRE_2FA and not request.user.is_verified():  # type: ignore[union-attr]
            return "two_factor_missing"
        if now - seen > TOUCH_SECONDS:
            session[LAST_SEEN] = now
        return None

    def _sign_out(self, request: HttpRequest, reason: str) -> HttpResponse:
        request.signout_reason = reason  # type: ignore[attr-defined]
        logout(request)
        messages.info(
            request,
            MESSAGES[reason].format(
                minutes=settings.RETURNHOME_IDLE_MINUTES,
                hours=settings.SESSION_COOKIE_AGE // 3600,
            ),
        )
        url = reverse("login")
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
