"""Who may see what, and who may do what. Every queryset's `visible_to(user)`, every detail view
(`get_visible_or_404`) and every check in a view, service, the navigation or a template goes
through the named predicates here.

Today a user sees the records of their own organisation:
- council staff: the children, episodes and RHIs their council holds;
- an RHI provider's staff: the children and episodes whose RHI their organisation delivers, and
  the episodes still open at the councils it serves (so it is ready when the child returns);
- police coordinators: the episodes their force reported (never interview records);
- reporters: only the notifications they made themselves.
Sharing with partner councils (host / responsible) will add terms to these filters, not new paths.

The models are named by their field paths (`council_id`, `rhis__provider_id`, …), never imported:
this module sits below the apps whose records it filters.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

import rules
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Manager, Model, Q, QuerySet
from django.http import Http404

from returnhome.access.roles import (
    AUDIT_READER_ROLES,
    COUNCIL_ROLES,
    FRONT_DOOR_ROLES,
    INTERVIEW_READER_ROLES,
    MEETING_PACK_ROLES,
    POLICE_ROLES,
    PROVIDER_ROLES,
    REPORT_ROLES,
    RHI_WORKER_ROLES,
    Role,
)
from returnhome.core.audit import record_read


class User(Protocol):
    """What the policy reads of a user (`accounts.User`; its organisation's `kind` too)."""

    @property
    def pk(self) -> Any: ...
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def role(self) -> str: ...
    @property
    def organisation_id(self) -> Any: ...
    @property
    def organisation(self) -> Any: ...


NOTHING = Q(pk__in=[])


def _kind(user: User) -> str | None:
    """Which kind of organisation the user works for in a role it gives access to."""
    if not user.is_authenticated or not user.is_active or user.organisation_id is None:
        return None
    org = user.organisation
    assert org is not None
    if org.kind == "council" and user.role in COUNCIL_ROLES:
        return "council"
    if org.kind == "provider" and user.role in PROVIDER_ROLES:
        return "provider"
    if org.kind == "police" and user.role in POLICE_ROLES:
        return "police"
    if user.role == Role.REPORTER:
        return "reporter"
    return None


def _org(user: Any) -> int | None:
    return getattr(user, "organisation_id", None) if getattr(user, "is_active", False) else None


def _council_user(user: Any) -> bool:
    """An active, signed-in user of a council (any role)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    organisation = getattr(user, "organisation", None)
    return organisation is not None and organisation.kind == "council"


# What a user may see ----------------------------------------------------------------------------


def can_see_child_records(user: User) -> bool:
    """Children's files and timelines: council and provider staff, police for their episodes."""
    return _kind(user) in {"council", "provider", "police"}


def can_see_rhis(user: User) -> bool:
    return _kind(user) in {"council", "provider"}


def can_read_interviews(user: User) -> bool:
    """Interview records are confidential: those who do, manage or act on the work."""
    return _kind(user) in {"council", "provider"} and user.role in INTERVIEW_READER_ROLES


def can_see_reports(user: Any) -> bool:
    """An active user of a council with the performance, manager or administrator role.

    Reports hold figures only (no child is named), for the user's own council.
    """
    return _council_user(user) and user.role in REPORT_ROLES


def can_see_meeting_pack(user: Any) -> bool:
    """The weekly meeting pack names children: a council's managers, front door and performance
    leads (they run or feed the meeting)."""
    return _council_user(user) and user.role in MEETING_PACK_ROLES and can_see_child_records(user)


def is_reporter(user: User) -> bool:
    """Reports children missing and returned directly: reporters and social workers."""
    return _kind(user) == "reporter" or (
        _kind(user) == "council" and user.role == Role.SOCIAL_WORKER
    )


def is_outside_reporter(user: User) -> bool:
    """A reporter from outside the service (a home, school, carer or worker): sees the reports they
    made, never the episode or the child's record behind them."""
    return user.role == Role.REPORTER


def is_police(user: User) -> bool:
    """A police force's missing-person coordinator: what they record comes from the police."""
    return _kind(user) == "police" and user.role == Role.POLICE


def reports_for_own_council(user: User) -> bool:
    """A social worker reports children to their own council (as the social worker); other
    reporters choose the council they report to."""
    return user.role == Role.SOCIAL_WORKER


def can_do_rhis(user: User) -> bool:
    """Holds a role that may be allocated an RHI (the provider decides whose team)."""
    return user.role in RHI_WORKER_ROLES


# What a user may do to a record (`rules` predicates: services check these; views too) -----------


def works_front_door(user: Any) -> bool:
    """A council's front door and its managers (never another kind of organisation's staff: a
    charity's manager is no council's front door)."""
    return _kind(user) == "council" and user.role in FRONT_DOOR_ROLES


@rules.predicate
def can_record_found(user: Any, episode: Any) -> bool:
    """Records that a missing child was found: the council's front door, or a missing-person
    coordinator of the police force handling the episode (the episodes they can see)."""
    if episode is None or not getattr(user, "is_authenticated", False):
        return False
    if can_record_notification(user, episode.council):
        return True
    police = _kind(user) == "police" and user.role == Role.POLICE
    return police and _org(user) == episode.police_force_id and episode.police_force_id is not None


@rules.predicate
def can_record_notification(user: Any, council: Any) -> bool:
    """Records notifications for a council (and works its front door): its front door and its
    managers."""
    return council is not None and _org(user) == council.pk and works_front_door(user)


@rules.predicate
def reads_access_records(user: Any, council: Any) -> bool:
    """Sees who opened a council's children's records (a child's access history, the unusual
    access report): the council's managers and administrators (docs/audit.md)."""
    return (
        council is not None
        and _kind(user) == "council"
        and _org(user) == council.pk
        and user.role in AUDIT_READER_ROLES
    )


@rules.predicate
def can_allocate(user: Any, rhi: Any) -> bool:
    """Allocates an RHI: a manager of the provider delivering it."""
    return rhi is not None and _org(user) == rhi.provider_id and user.role == Role.MANAGER


@rules.predicate
def can_work_rhi(user: Any, rhi: Any) -> bool:
    """Records an RHI's contacts, offers and interviews: the allocated worker or a manager."""
    if rhi is None or _org(user) != rhi.provider_id:
        return False
    return user.role == Role.MANAGER or rhi.allocated_worker_id == user.pk


@rules.predicate
def can_review_interview(user: Any, interview: Any) -> bool:
    """Reviews an interview record: a manager of a provider that delivered one of its RHIs."""
    if interview is None or user.role != Role.MANAGER or _org(user) is None:
        return False
    return bool(interview.rhis.filter(provider_id=user.organisation_id).exists())


@rules.predicate
def can_configure_service(user: Any, council: Any) -> bool:
    """Configures a council's service (delivery, contracts): its administrator."""
    return council is not None and _org(user) == council.pk and user.role == Role.ADMIN


rules.add_perm("episodes.record_notification", can_record_notification)
rules.add_perm("interviews.allocate_rhi", can_allocate)
rules.add_perm("interviews.work_rhi", can_work_rhi)
rules.add_perm("interviews.review_interview", can_review_interview)
rules.add_perm("organisations.configure_service", can_configure_service)


# The visible_to filters -------------------------------------------------------------------------


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


def rhi_filter(user: User) -> Q:
    kind = _kind(user)
    if kind == "council":
        return Q(council_id=user.organisation_id)
    if kind == "provider":
        return Q(provider_id=user.organisation_id)
    return NOTHING


def interview_filter(user: User) -> Q:
    """Interview records are confidential to the council and the provider that did them; of the
    council's social workers, only the child's allocated social worker reads them."""
    if not can_read_interviews(user):
        return NOTHING
    if _kind(user) == "council" and user.role == Role.SOCIAL_WORKER:
        return Q(council_id=user.organisation_id, child__allocated_social_worker_id=user.pk)
    if _kind(user) == "council":
        return Q(council_id=user.organisation_id)
    return Q(rhis__provider_id=user.organisation_id)


def front_door_filter(user: User) -> Q:
    """The front door's work (review queue, waiting notifications, merges): its own council's,
    for the front door and managers only."""
    if _kind(user) == "council" and user.role in FRONT_DOOR_ROLES:
        return Q(council_id=user.organisation_id)
    return NOTHING


def alert_filter(user: User) -> Q:
    """A user's alerts are their own; nobody else reads them."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    return Q(recipient_id=user.pk)


def contract_filter(user: Any) -> Q:
    """A council's contracts, for its administrator only."""
    if getattr(user, "is_active", False) and getattr(user, "role", "") == Role.ADMIN:
        return Q(council_id=getattr(user, "organisation_id", None))
    return NOTHING


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


# Managing an organisation's user accounts -------------------------------------------------------

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
