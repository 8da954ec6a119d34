"""Whose accounts an administrator manages (the queryset), and who must use two-factor sign-in.
Who may manage users at all, and which roles they may give, is the access policy's
(`returnhome.access.policy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from returnhome.access.policy import can_manage_users
from returnhome.accounts.models import User


def users_managed_by(admin: Any) -> QuerySet[User]:
    """The people (not API token accounts) an administrator manages: their organisation's."""
    if not can_manage_users(admin):
        return User.objects.none()
    return User.objects.filter(organisation_id=admin.organisation_id, api_token__isnull=True)


def two_factor_required(user: Any) -> bool:
    """Everyone signs in with a second factor unless RETURNHOME_REQUIRE_2FA is off; someone who
    has set one up uses it either way."""
    return bool(settings.RETURNHOME_REQUIRE_2FA) or has_two_factor(user)


def with_two_factor_among(users: list[User]) -> set[int]:
    """Which of these people have set up two-factor sign-in (one query, for lists)."""
    return set(
        TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True)
    )


def has_two_factor(user: Any) -> bool:
    return bool(
        getattr(user, "pk", None)
        and TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
    )
