"""Who may manage accounts, and who must use two-factor sign-in: small named predicates, so the
access policy (returnhome.access) can take them over unchanged."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from returnhome.accounts.models import Role, User

# The roles an administrator may give, by the kind of their organisation.
ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    "council": (
        Role.FRONT_DOOR,
        Role.PRACTITIONER,
        Role.MANAGER,
        Role.SOCIAL_WORKER,
        Role.PERFORMANCE,
        Role.ADMIN,
    ),
    "provider": (Role.PRACTITIONER, Role.MANAGER, Role.ADMIN),
    "police": (Role.POLICE, Role.ADMIN),
}
DEFAULT_ROLES: tuple[str, ...] = (Role.REPORTER, Role.ADMIN)


def can_manage_users(user: Any) -> bool:
    """An organisation's administrator manages its users (and only its users)."""
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "organisation_id", None) is not None
        and user.role == Role.ADMIN
    )


def users_managed_by(admin: Any) -> QuerySet[User]:
    """The people (not API token accounts) an administrator manages: their organisation's."""
    if not can_manage_users(admin):
        return User.objects.none()
    return User.objects.filter(organisation_id=admin.organisation_id, api_token__isnull=True)


def manages_user(admin: Any, account: Any) -> bool:
    return (
        can_manage_users(admin)
        and account is not None
        and account.organisation_id == admin.organisation_id
    )


def assignable_roles(admin: Any) -> tuple[str, ...]:
    organisation = getattr(admin, "organisation", None)
    if organisation is None:
        return ()
    return ROLES_BY_KIND.get(organisation.kind, DEFAULT_ROLES)


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
