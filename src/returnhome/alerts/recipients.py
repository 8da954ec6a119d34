"""Who an alert goes to, by role in an organisation.

A small query for now; the access policy (returnhome.access) is to own "who manages this team".
"""

from __future__ import annotations

from django.db.models import QuerySet

from returnhome.accounts.models import Role, User


def managers_of(organisation_id: int | None) -> QuerySet[User]:
    """The active team managers of an organisation (an RHI provider's managers)."""
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(organisation_id=organisation_id, role=Role.MANAGER, is_active=True)
