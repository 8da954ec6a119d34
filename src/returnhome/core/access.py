"""Who may see what. Every queryset's `visible_to(user)` and every detail view go through here.

Today a user sees the records of their own organisation:
- council staff: the children, episodes and RHIs their council holds;
- an RHI provider's staff: the children and episodes whose RHI their organisation delivers, and
  the episodes still open at the councils it serves (so it is ready when the child returns);
- police coordinators: the episodes their force reported (never interview records);
- reporters: only the notifications they made themselves.
Sharing with partner councils (host / responsible) will add terms to these filters, not new paths.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Manager, Model, Q, QuerySet
from django.http import Http404

from returnhome.accounts.models import Role
from returnhome.core.audit import record_read

if TYPE_CHECKING:
    from returnhome.accounts.models import User

NOTHING = Q(pk__in=[])
COUNCIL_ROLES = {
    Role.FRONT_DOOR,
    Role.PRACTITIONER,
    Role.MANAGER,
    Role.PERFORMANCE,
    Role.ADMIN,
    Role.SOCIAL_WORKER,
}
PROVIDER_ROLES = {Role.PRACTITIONER, Role.MANAGER, Role.ADMIN}
# Interview records are confidential: only those who do, manage or act on the work read them.
INTERVIEW_READER_ROLES = {Role.PRACTITIONER, Role.MANAGER, Role.SOCIAL_WORKER}


def _kind(user: User) -> str | None:
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return None
    org = user.organisation
    assert org is not None
    if org.kind == "council" and user.role in COUNCIL_ROLES:
        return "council"
    if org.kind == "provider" and user.role in PROVIDER_ROLES:
        return "provider"
    if org.kind == "police" and user.role == Role.POLICE:
        return "police"
    if user.role == Role.REPORTER:
        return "reporter"
    return None


def child_filter(user: User, prefix: str = "") -> Q:
    kind = _kind(user)
    if kind == "council":
        return Q(**{f"{prefix}council_id": user.organisation_id})
    if kind == "provider":
        return Q(**{f"{prefix}rhis__provider_id": user.organisation_id})
    if kind == "police":
        return Q(**{f"{prefix}episodes__police_force_id": user.organisation_id})
    return NOTHING


def episode_filter(user: User) -> Q:
    kind = _kind(user)
    if kind == "council":
        return Q(council_id=user.organisation_id)
    if kind == "provider":
        # Its RHIs' episodes, and the children still missing from the councils it serves, so it
        # is ready when they come back (Box G).
        return Q(rhi__provider_id=user.organisation_id) | Q(
            returned_at__isnull=True,
            council__service_configuration__rhi_provider_id=user.organisation_id,
        )
    if kind == "police":
        return Q(police_force_id=user.organisation_id)
    if kind == "reporter":
        return Q(notifications__recorded_by_id=user.pk)
    return NOTHING


def direct_report_filter(user: User) -> Q:
    """Direct reports (a home, school, carer or worker reporting a child missing): the reporter
    sees their own; the receiving council's staff and the police force told see them too."""
    kind = _kind(user)
    if kind == "council":
        return Q(council_id=user.organisation_id) | Q(reporter_id=user.pk)
    if kind == "police":
        return Q(police_force_id=user.organisation_id)
    if kind == "reporter":
        return Q(reporter_id=user.pk)
    return NOTHING


def is_reporter(user: User) -> bool:
    """Reports children missing and returned directly: reporters and social workers."""
    return _kind(user) == "reporter" or (
        _kind(user) == "council" and user.role == Role.SOCIAL_WORKER
    )


def rhi_filter(user: User) -> Q:
    kind = _kind(user)
    if kind == "council":
        return Q(council_id=user.organisation_id)
    if kind == "provider":
        return Q(provider_id=user.organisation_id)
    return NOTHING


def interview_filter(user: User) -> Q:
    """Interview records are confidential to the council and the provider that did them."""
    if not can_see_interviews(user):
        return NOTHING
    if _kind(user) == "council":
        return Q(council_id=user.organisation_id)
    return Q(rhis__provider_id=user.organisation_id)


FRONT_DOOR_ROLES = {Role.FRONT_DOOR, Role.MANAGER}


def front_door_filter(user: User) -> Q:
    """The front door's work (review queue, waiting notifications, merges): its own council's,
    for the front door and managers only."""
    if _kind(user) == "council" and user.role in FRONT_DOOR_ROLES:
        return Q(council_id=user.organisation_id)
    return NOTHING


def can_see_child_records(user: User) -> bool:
    """Children's files and timelines: council and provider staff, police for their episodes."""
    return _kind(user) in {"council", "provider", "police"}


def can_see_interviews(user: User) -> bool:
    return _kind(user) in {"council", "provider"} and user.role in INTERVIEW_READER_ROLES


def can_see_rhis(user: User) -> bool:
    return _kind(user) in {"council", "provider"}


M = TypeVar("M", bound=Model)


def get_visible_or_404(
    user: User, queryset: QuerySet[M, M] | Manager[M], pk: Any, *, action: str = "view"
) -> M:
    """Fetch one record the user may see (else 404, never 403: do not confirm it exists), and audit the read."""
    manager: Any = queryset
    visible = manager.visible_to(user) if hasattr(manager, "visible_to") else queryset.none()
    try:
        obj = visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("Not found") from exc
    record_read(user, obj, action=action)
    return obj
