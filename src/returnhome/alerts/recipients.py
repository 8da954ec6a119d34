"""Who an alert goes to, by role in an organisation (the roles are the access policy's)."""

from __future__ import annotations

from django.db.models import QuerySet

from returnhome.access.roles import rhi_manager_users
from returnhome.accounts.models import User


def managers_of(organisation_id: int | None) -> QuerySet[User]:
    """The active team managers of an organisation (an RHI provider's managers)."""
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(rhi_manager_users(), organisation_id=organisation_id, is_active=True)
