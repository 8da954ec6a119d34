"""Who may see reports: performance leads, managers and administrators of a council."""

from __future__ import annotations

from typing import Any

from returnhome.accounts.models import Role
from returnhome.organisations.models import Organisation

REPORT_ROLES = frozenset({Role.PERFORMANCE, Role.MANAGER, Role.ADMIN})


def can_see_reports(user: Any) -> bool:
    """An active user of a council with the performance, manager or administrator role.

    Reports hold figures only (no child is named), for the user's own council.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    organisation = getattr(user, "organisation", None)
    return (
        organisation is not None
        and organisation.kind == Organisation.Kind.COUNCIL
        and user.role in REPORT_ROLES
    )
