"""Who may see what, and who may do what. Every queryset's `visible_to(user)`, every detail view
(`get_visible_or_404`) and every check in a view, service, the navigation or a template goes
through the named predicates here.

One record per child, seen by each organisation in its role (issue 12, decision 0035):
- the responsible council (the one holding the record): everything;
- the host council (a looked after child placed in its area by another council, while the
  placement lasts and for `shared_access_days()` after it ends): identity, photographs held,
  placements, risks, the information package, the episodes in its area and their RHI outcome and
  interview summary; the interview records only when the responsible council shares them;
- an RHI provider's staff: the children and episodes whose RHI their organisation delivers, and
  the episodes still open at the councils it serves (so it is ready when the child returns);
- police coordinators, for the force of the responsible council's area (while an episode is open
  or closed within `shared_access_days()`) and the force of an out-of-area placement's area
  (while it lasts and for as long after): that child's episodes, identity, description, risk and
  information package; never interview records or RHIs;
- reporters: only the notifications they made themselves.
Everyone else sees nothing (404). What part of a child's page each sees: `child_sections`.

The models are named by their field paths (`council_id`, `rhis__provider_id`, …), never imported:
this module sits below the apps whose records it filters.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol, TypeVar

import rules
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Manager, Model, Q, QuerySet
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

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
    SHARING_SENDER_ROLES,
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


# What part of a child's record each sees (issue 12) -----------------------------------------------

# The parts of a child's page: who holds the record (and the provider doing its RHIs) sees all.
CHILD_SECTIONS = frozenset(
    {
        "council_id",
        "nhs_number",
        "address",
        "aliases",
        "services",
        "social_worker",
        "risks",
        "photographs",
        "legal_status",
        "placements",
        "placement_addresses",
        "package",
        "rhis",
    }
)
# The host council: what it needs to act (not the NHS number, home address, services or worker).
HOST_SECTIONS = frozenset(
    {
        "council_id",
        "aliases",
        "risks",
        "photographs",
        "legal_status",
        "placements",
        "placement_addresses",
        "package",
    }
)
# Police: identity, description, risk, the missing history and the package; where the child is
# placed (the area, not the address: that is in the host force's package).
POLICE_SECTIONS = frozenset({"aliases", "risks", "photographs", "placements", "package"})


def holds_child(user: User, child: Any) -> bool:
    """The user works for the council responsible for the child (the one holding the record)."""
    return _kind(user) == "council" and child is not None and _org(user) == child.council_id


def child_sections(user: User, child: Any) -> frozenset[str]:
    """The parts of `child`'s record (already fetched through the policy) `user` may see."""
    kind = _kind(user)
    if kind == "provider" or holds_child(user, child):
        return CHILD_SECTIONS
    if kind == "council":
        return HOST_SECTIONS
    if kind == "police":
        return POLICE_SECTIONS
    return frozenset()


def receives_packages(user: User) -> bool:
    """Councils and police forces receive information packages about children placed in their
    area."""
    return _kind(user) in {"council", "police"}


def sees_record(user: User, queryset: Any, obj: Any) -> bool:
    """`obj` is among what `user` may see of `queryset` (a link to it is worth showing)."""
    return obj is not None and bool(queryset.visible_to(user).filter(pk=obj.pk).exists())


@rules.predicate
def shares_with_host(user: Any, child: Any) -> bool:
    """Shares a child's interview records with the host council, and keeps the child's information
    package current: the responsible council's front door and managers."""
    return child is not None and holds_child(user, child) and works_front_door(user)


@rules.predicate
def receives_package(user: Any, send: Any) -> bool:
    """Records receipt of an information package: staff of the council or force it was sent to."""
    return (
        send is not None
        and _kind(user) in {"council", "police"}
        and _org(user) == (send.recipient_id)
    )


# What a user may do to a record (`rules` predicates: services check these; views too) -----------


def works_front_door(user: Any) -> bool:
    """A council's front door and its managers (never another kind of organisation's staff: a
    charity's manager is no council's front door)."""
    return _kind(user) == "council" and user.role in FRONT_DOOR_ROLES


@rules.predicate
def can_record_found(user: Any, episode: Any) -> bool:
    """Records that a missing child was found: the front door of the child's council or of the
    council it is placed in (`records_for_child`), or a missing-person coordinator of the police
    force handling the episode (the episodes they can see)."""
    if episode is None or not getattr(user, "is_authenticated", False):
        return False
    if records_for_child(user, episode.child):
        return True
    police = _kind(user) == "police" and user.role == Role.POLICE
    return police and _org(user) == episode.police_force_id and episode.police_force_id is not None


@rules.predicate
def can_record_notification(user: Any, council: Any) -> bool:
    """Records notifications for a council (and works its front door): its front door and its
    managers."""
    return council is not None and _org(user) == council.pk and works_front_door(user)


@rules.predicate
def records_for_child(user: Any, child: Any) -> bool:
    """Records a missing or found notification about `child`: the front door of the child's
    council, or of the council it is placed in out of area now (either front door, issue 12)."""
    if child is None or not works_front_door(user):
        return False
    if _org(user) == child.council_id:
        return True
    hosted = type(child)._default_manager.filter(
        hosted_child_terms(_org(user), now=True), pk=child.pk
    )
    return bool(hosted.exists())


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
def manages_retention(user: Any, council: Any) -> bool:
    """Reviews a council's records past their retention, erases one or keeps it longer: the
    council's managers and administrators (docs/privacy.md)."""
    return (
        council is not None
        and _kind(user) == "council"
        and _org(user) == council.pk
        and user.role in (Role.MANAGER, Role.ADMIN)
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
rules.add_perm("children.share_with_host", shares_with_host)
rules.add_perm("children.receive_package", receives_package)


# The visible_to filters -------------------------------------------------------------------------


def shared_access_days() -> int:
    """How long a host council and the police keep a child after the placement in their area
    ended or the child's last episode closed (RETURNHOME_SHARED_ACCESS_DAYS, default 90)."""
    return int(getattr(settings, "RETURNHOME_SHARED_ACCESS_DAYS", 90))


def _since() -> dt.datetime:
    return timezone.now() - dt.timedelta(days=shared_access_days())


def _records(label: str) -> Any:
    """The manager of a model above this module, by its label (never imported)."""
    return apps.get_model(label)._default_manager


def _placement_terms(area: dict[str, Any], prefix: str, since: dt.date | None) -> Q:
    """An out-of-area placement (at `prefix`) whose area meets `area`, current or ended since
    `since` (default: within the sharing window)."""
    return Q(
        Q(**{f"{prefix}{k}": v for k, v in area.items()}),
        Q(**{f"{prefix}out_of_area": True}),
        Q(**{f"{prefix}end_date__isnull": True})
        | Q(**{f"{prefix}end_date__gte": since or _since().date()}),
    )


def _placed_out_in(area: dict[str, Any], prefix: str, since: dt.date | None = None) -> Q:
    """Children (at `prefix`) with such a placement: the placements' children as a subquery, so
    the list it filters keeps using its own indexes (bench/access_lists.py)."""
    placed = _records("children.Placement").filter(_placement_terms(area, "", since))
    return Q(**{f"{prefix}pk__in": placed.values("child_id")})


def hosted_child_terms(council_id: Any, prefix: str = "", *, now: bool = False) -> Q:
    """A host council's children: placed in its area by another council (while the placement
    lasts and for the sharing window after; `now`: only while it lasts)."""
    since = timezone.localdate() if now else None
    return _placed_out_in({"council_area_id": council_id}, prefix, since)


def _force_child_terms(force_id: Any, prefix: str = "") -> Q:
    """A police force's children: of a council in its area with an episode open or closed within
    the sharing window, or placed out of area into its area (while the placement lasts and for
    the window after). Never because the force once reported an episode (issue 12)."""
    recent = _records("episodes.Episode").filter(
        Q(returned_at__isnull=True) | Q(returned_at__gte=_since()),
        council__police_force_id=force_id,
    )
    responsible = Q(**{f"{prefix}pk__in": recent.values("child_id")})
    host = _placed_out_in({"council_area__police_force_id": force_id}, prefix)
    return responsible | host


def child_filter(user: User, prefix: str = "") -> Q:
    kind = _kind(user)
    if kind == "council":
        return Q(**{f"{prefix}council_id": user.organisation_id}) | hosted_child_terms(
            user.organisation_id, prefix
        )
    if kind == "provider":
        return Q(**{f"{prefix}rhis__provider_id": user.organisation_id})
    if kind == "police":
        return _force_child_terms(user.organisation_id, prefix)
    return NOTHING


def _episodes_in_area(council_id: Any) -> Q:
    """Episodes that started while the child was placed out of area in this council's area (the
    placement current or ended within the sharing window), as a subquery."""
    started = TruncDate("reported_missing_at")
    during = _records("episodes.Episode").filter(
        _placement_terms({"council_area_id": council_id}, "child__placements__", None),
        Q(child__placements__start_date__lte=started),
        Q(child__placements__end_date__isnull=True) | Q(child__placements__end_date__gte=started),
    )
    return Q(pk__in=during.values("pk"))


def episode_filter(user: User) -> Q:
    kind = _kind(user)
    if kind == "council":
        return Q(council_id=user.organisation_id) | _episodes_in_area(user.organisation_id)
    if kind == "provider":
        # Its RHIs' episodes, and the children still missing from the councils it serves, so it
        # is ready when they come back (Box G).
        return Q(rhi__provider_id=user.organisation_id) | Q(
            returned_at__isnull=True,
            council__service_configuration__rhi_provider_id=user.organisation_id,
        )
    if kind == "police":
        return _force_child_terms(user.organisation_id, "child__")
    if kind == "reporter":
        return Q(notifications__recorded_by_id=user.pk)
    return NOTHING


def package_filter(user: User) -> Q:
    """A child's information package: whoever sees the child (the responsible council, the host
    council and both forces, the provider doing its RHIs)."""
    return child_filter(user, "child__")


def package_send_filter(user: User) -> Q:
    """A package sent: the responsible council sees every send; a host council or force the
    ones sent to it (while it still sees the child)."""
    kind = _kind(user)
    if kind == "council":
        return Q(package__child__council_id=user.organisation_id) | Q(
            child_filter(user, "package__child__"), recipient_id=user.organisation_id
        )
    if kind == "police":
        return Q(child_filter(user, "package__child__"), recipient_id=user.organisation_id)
    return NOTHING


def direct_report_filter(user: User) -> Q:
    """Direct reports (a home, school, carer or worker reporting a child missing): the reporter
    sees their own; the receiving council's staff and the police force told see them too; the
    RHI provider sees the reports on the episodes it sees (`episode_filter`: its RHIs' episodes,
    and the open episodes of the councils it serves), since the carer's Box D details are what it
    prepares the interview from (Box G)."""
    kind = _kind(user)
    if kind == "council":
        return Q(council_id=user.organisation_id) | Q(reporter_id=user.pk)
    if kind == "provider":
        return Q(episode__rhi__provider_id=user.organisation_id) | Q(
            episode__returned_at__isnull=True,
            council__service_configuration__rhi_provider_id=user.organisation_id,
        )
    if kind == "police":
        return Q(police_force_id=user.organisation_id)
    if kind == "reporter":
        return Q(reporter_id=user.pk)
    return NOTHING


def rhi_filter(user: User) -> Q:
    kind = _kind(user)
    if kind == "council":
        # Its own children's, and those it does as the host council named for a placement.
        return Q(council_id=user.organisation_id) | Q(provider_id=user.organisation_id)
    if kind == "provider":
        return Q(provider_id=user.organisation_id)
    return NOTHING


def interview_filter(user: User) -> Q:
    """Interview records are confidential to the council and the provider that did them (and a
    host council the responsible council shares them with); of the council's social workers,
    only the child's allocated social worker reads them."""
    if not can_read_interviews(user):
        return NOTHING
    if _kind(user) == "council" and user.role == Role.SOCIAL_WORKER:
        return Q(council_id=user.organisation_id, child__allocated_social_worker_id=user.pk)
    if _kind(user) == "council":
        # A host council reads them when the responsible council shares the child's interviews.
        return (
            Q(council_id=user.organisation_id)
            | Q(rhis__provider_id=user.organisation_id)  # done by it for the council named it
            | Q(
                hosted_child_terms(user.organisation_id, "child__"),
                child__interviews_shared_with_host=True,
            )
        )
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
QS = TypeVar("QS", bound=QuerySet[Any])


def joins_many(queryset: QuerySet[Any]) -> bool:
    """Whether the query joins a relation that can repeat a row: a reverse foreign key or a
    many-to-many (a filter through a forward foreign key or a subquery, `pk__in`, never does)."""
    for join in queryset.query.alias_map.values():
        field = getattr(join, "join_field", None)
        if getattr(field, "one_to_many", False) or getattr(field, "many_to_many", False):
            return True
    return False


def visible_rows(queryset: QS, terms: Q) -> QS:
    """`queryset.filter(terms)`, DISTINCT only when the terms join a relation that can repeat a
    row. A DISTINCT over a whole list keeps PostgreSQL from reading just the first page in index
    order and makes it count every row's every column (docs/performance.md, load)."""
    filtered = queryset.filter(terms)
    return filtered.distinct() if joins_many(filtered) else filtered


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


# Information-sharing forms to the police (the sharing app; issue 12, Box P) ----------------------
# Self-contained: the sending council's staff who may read the child's record, and the police
# forces the form was sent to (their coordinators). Nobody else — not the RHI provider, not a
# partner council, not another force.


def sharing_form_filter(user: User, prefix: str = "") -> Q:
    """The sharing forms (`sharing.SharingForm`) a user may read; `prefix` is the path to the form."""
    kind = _kind(user)
    if kind == "council":
        # The sending council, and the host council of a child placed in its area (issue 12:
        # the host council sees the sharing form, to act on it): the children it may read.
        return child_filter(user, f"{prefix}child__")
    if kind == "police":
        # Sent to the force, while it may see the child or within the sharing window after it
        # was sent (time to answer it): then it ends, as the rest of the child's record does.
        return Q(**{f"{prefix}recipients__force_id": user.organisation_id}) & (
            child_filter(user, f"{prefix}child__")
            | Q(**{f"{prefix}recipients__sent_at__gte": _since()})
        )
    return NOTHING


def sharing_recipient_filter(user: User) -> Q:
    """A form's sending to one force (`sharing.SharingRecipient`): the sending council's readers
    see every force's receipt and feedback; a force sees only its own, for as long as it may
    read the form (`sharing_form_filter`)."""
    if _kind(user) == "police":
        return Q(force_id=user.organisation_id) & (
            child_filter(user, "form__child__") | Q(sent_at__gte=_since())
        )
    return sharing_form_filter(user, "form__")


def works_sharing_inbox(user: Any) -> bool:
    """A police force's coordinators: the forms sent to their force (the inbox)."""
    return _kind(user) == "police"


def sees_sent_sharing_forms(user: Any) -> bool:
    """A council's staff who may read children's records: the forms their council sent."""
    return _kind(user) == "council"


@rules.predicate
def can_send_sharing_form(user: Any, child: Any) -> bool:
    """Sends a child's information to the police: a practitioner or team manager of the council
    holding the child's record."""
    return (
        child is not None
        and _kind(user) == "council"
        and _org(user) == child.council_id
        and user.role in SHARING_SENDER_ROLES
    )


@rules.predicate
def can_answer_sharing_form(user: Any, recipient: Any) -> bool:
    """Records receipt of a form and what was done with it: a coordinator of the force it went to."""
    return recipient is not None and _kind(user) == "police" and _org(user) == recipient.force_id


rules.add_perm("sharing.send_form", can_send_sharing_form)
rules.add_perm("sharing.answer_form", can_answer_sharing_form)
