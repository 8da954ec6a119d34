"""Who may do what (object-level), as `rules` predicates. Services check these; templates use them."""

from __future__ import annotations

from typing import Any

import rules

from returnhome.accounts.models import Role


def _org(user: Any) -> int | None:
    return getattr(user, "organisation_id", None) if getattr(user, "is_active", False) else None


@rules.predicate
def is_front_door_of(user: Any, council: Any) -> bool:
    """Records notifications for a council: its front door and its managers."""
    return (
        council is not None
        and _org(user) == council.pk
        and user.role in {Role.FRONT_DOOR, Role.MANAGER}
    )


@rules.predicate
def manages_rhi(user: Any, rhi: Any) -> bool:
    return rhi is not None and _org(user) == rhi.provider_id and user.role == Role.MANAGER


@rules.predicate
def works_rhi(user: Any, rhi: Any) -> bool:
    if rhi is None or _org(user) != rhi.provider_id:
        return False
    return user.role == Role.MANAGER or rhi.allocated_worker_id == user.pk


@rules.predicate
def reviews_interview(user: Any, interview: Any) -> bool:
    if interview is None or user.role != Role.MANAGER or _org(user) is None:
        return False
    return interview.rhis.filter(provider_id=user.organisation_id).exists()


@rules.predicate
def is_council_admin(user: Any, council: Any) -> bool:
    return council is not None and _org(user) == council.pk and user.role == Role.ADMIN


rules.add_perm("episodes.record_notification", is_front_door_of)
rules.add_perm("interviews.allocate_rhi", manages_rhi)
rules.add_perm("interviews.work_rhi", works_rhi)
rules.add_perm("interviews.review_interview", reviews_interview)
rules.add_perm("organisations.configure_service", is_council_admin)


AUDIT_READER_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


@rules.predicate
def reads_access_records(user: Any, council: Any) -> bool:
    """Sees who opened a council's children's records (a child's access history, the unusual
    access report): the council's managers and administrators (docs/audit.md)."""
    return council is not None and _org(user) == council.pk and user.role in AUDIT_READER_ROLES
