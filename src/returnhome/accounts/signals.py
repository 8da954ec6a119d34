"""Every sign-in, failure, lockout and sign-out goes to the audit trail. Identifiers only: the
account (when the name typed is someone's), the address, the reason; never the typed password,
nor a typed username that names nobody."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from returnhome.accounts.models import User
from returnhome.accounts.signin import client_address, mark_session_start, record_account_event


def _account_id(username: Any) -> int | None:
    if not isinstance(username, str) or not username:
        return None
    return User.objects.filter(username=username).values_list("pk", flat=True).first()


@receiver(user_logged_in, dispatch_uid="returnhome.audit_sign_in")
def audit_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        mark_session_start(request.session)
    record_account_event(
        user,
        "sign_in",
        user.pk,
        method=getattr(request, "signin_method", "password"),
        address=client_address(request) if request is not None else None,
    )


@receiver(user_login_failed, dispatch_uid="returnhome.audit_sign_in_failed")
def audit_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    record_account_event(
        None,
        "sign_in_failed",
        _account_id(credentials.get("username")),
        reason=kwargs.get("reason", "password"),
        locked_out=bool(getattr(request, "axes_locked_out", False)),
        address=client_address(request) if request is not None else None,
    )


@receiver(user_locked_out, dispatch_uid="returnhome.audit_lockout")
def audit_lockout(sender: Any, request: Any, username: Any, **kwargs: Any) -> None:
    """Axes says this on every refused attempt; the trail records the moment the lock closes."""
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    record_account_event(
        None,
        "account_locked_out",
        _account_id(username),
        failures=settings.AXES_FAILURE_LIMIT,
        address=kwargs.get("ip_address"),
    )


@receiver(user_logged_out, dispatch_uid="returnhome.audit_sign_out")
def audit_sign_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    record_account_event(
        user, "sign_out", user.pk, reason=getattr(request, "signout_reason", "signed_out")
    )
