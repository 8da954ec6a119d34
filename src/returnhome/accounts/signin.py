"""The steps of signing in: password, then (when required) a second factor, kept apart until both
are done; the per-address throttle; and what a signed-in session remembers about its age.

Between the steps the session holds only who is part-way through (`PENDING`), never an
authenticated user: a password alone reaches no page but the second step.
"""

from __future__ import annotations

import time
from typing import Any

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice

from returnhome.accounts.models import User
from returnhome.core.models import AuditEvent

PENDING = "signin_pending"
PENDING_SECONDS = 5 * 60
SIGNED_IN_AT = "signin_at"
LAST_SEEN = "signin_last_seen"


def record_account_event(
    actor: Any, action: str, account_id: int | None, **detail: str | int | bool | None
) -> AuditEvent:
    """A sign-in event (a sign-in, a failure, a lockout, a sign-out, a throttled attempt) about
    one account, or about no known account (`account_id` None: a failed attempt naming nobody who
    exists; the typed name is not kept). Written as the model's own insert, so whatever the audit
    trail does on every insert (its chain) applies; `detail` holds codes and addresses only."""
    return AuditEvent.objects.create(
        actor_id=actor.pk if getattr(actor, "pk", None) else None,
        kind=AuditEvent.Kind.WRITE,
        action=action,
        object_type="accounts.user",
        object_id="" if account_id is None else str(account_id),
        child_id=None,
        detail=detail,
    )


def client_address(request: HttpRequest) -> str | None:
    return get_client_ip_address(request)


def address_throttled(request: HttpRequest) -> bool:
    """Too many failed sign-ins from this address lately (any accounts): refuse more for a while."""
    address = client_address(request)
    if not address:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=since)
    return failures.count() >= settings.RETURNHOME_ADDRESS_FAILURE_LIMIT


def record_throttled(request: HttpRequest) -> None:
    record_account_event(None, "sign_in_throttled", None, address=client_address(request))


def begin_second_step(request: HttpRequest, user: User, *, backend: str, next_url: str) -> None:
    """The password was right: remember who is part-way through (nobody is signed in yet; whoever
    was signed in on this browser is signed out)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        request.signout_reason = "another_sign_in"  # type: ignore[attr-defined]
        logout(request)
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": backend,
        "at": time.time(),
        "next": next_url,
    }


def pending_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def pending_next(request: HttpRequest) -> str:
    return str((request.session.get(PENDING) or {}).get("next") or settings.LOGIN_REDIRECT_URL)


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def complete_sign_in(
    request: HttpRequest, user: User, *, method: str, device: Device | None = None
) -> None:
    """Both steps done (or only one needed): sign in, and mark the session verified by `device`."""
    backend = (request.session.get(PENDING) or {}).get(
        "backend", "django.contrib.auth.backends.ModelBackend"
    )
    request.signin_method = method  # type: ignore[attr-defined]
    login(request, user, backend=backend)
    if device is not None:
        otp_login(request, device)
    clear_pending(request)


def verify_second_factor(user: User, code: str) -> Device | None:
    """The device (authenticator or recovery codes) that accepts `code`, if any. A recovery code
    is used up."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def method_of(device: Device) -> str:
    return "recovery_code" if isinstance(device, StaticDevice) else "totp"


def record_code_failure(request: HttpRequest, user: User) -> None:
    """A wrong second-factor code counts toward the account's lockout like a wrong password."""
    user_login_failed.send(
        sender=__name__,
        credentials={"username": user.get_username()},
        request=request,
        reason="code",
    )


def mark_session_start(session: Any) -> None:
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
