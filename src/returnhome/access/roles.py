"""The roles a user can hold, and which roles share a right.

Every role set in the project is here; code outside `returnhome.access` asks the predicates in
`returnhome.access.policy` (or the user filters below) and never compares role strings.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Role(models.TextChoices):
    FRONT_DOOR = "front_door", "Front door (single point of contact)"
    PRACTITIONER = "practitioner", "RHI practitioner"
    MANAGER = "manager", "Team manager"
    REPORTER = "reporter", "Reporter (home, school, carer, worker)"
    POLICE = "police", "Police missing-person coordinator"
    PERFORMANCE = "performance", "Performance / strategic lead"
    SOCIAL_WORKER = "social_worker", "Social worker"
    ADMIN = "admin", "Administrator"


# Who works for which kind of organisation (a role held elsewhere gives no access).
COUNCIL_ROLES = frozenset(
    {
        Role.FRONT_DOOR,
        Role.PRACTITIONER,
        Role.MANAGER,
        Role.PERFORMANCE,
        Role.ADMIN,
        Role.SOCIAL_WORKER,
    }
)
PROVIDER_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.ADMIN})
POLICE_ROLES = frozenset({Role.POLICE})
# Interview records are confidential: only those who do, manage or act on the work read them.
INTERVIEW_READER_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.SOCIAL_WORKER})
# Who opened a council's children's records (access history, unusual access): its managers and
# administrators.
AUDIT_READER_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
# The front door's work (notifications, review queue, merges): the front door and its managers.
FRONT_DOOR_ROLES = frozenset({Role.FRONT_DOOR, Role.MANAGER})
# Who may be allocated an RHI (the provider's team).
RHI_WORKER_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER, Role.SOCIAL_WORKER})
# Reports (figures only, no child named): a council's performance leads, managers, administrators.
REPORT_ROLES = frozenset({Role.PERFORMANCE, Role.MANAGER, Role.ADMIN})
# The weekly meeting pack names children: those who run or feed the meeting.
MEETING_PACK_ROLES = frozenset({Role.MANAGER, Role.FRONT_DOOR, Role.PERFORMANCE})
# Who sends an information-sharing form to the police (Box P): a council's practitioners and
# team managers.
SHARING_SENDER_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})


def _role_in(roles: frozenset[Role], prefix: str = "") -> Q:
    return Q(**{f"{prefix}role__in": sorted(roles)})


def front_door_users() -> Q:
    """Users (`accounts.User`) who take a council's notifications: its front door and managers."""
    return _role_in(FRONT_DOOR_ROLES)


def police_coordinator_users() -> Q:
    """Users who are a police force's missing-person coordinators."""
    return Q(role=Role.POLICE)


def rhi_manager_users() -> Q:
    """Users who manage an RHI team (allocate its RHIs, review its interviews)."""
    return Q(role=Role.MANAGER)


def meeting_pack_users() -> Q:
    """Users whose work the weekly missing meeting pack is (a council's managers, front door and
    performance leads; `policy.can_see_meeting_pack` says which of them may open it)."""
    return _role_in(MEETING_PACK_ROLES)


def rhi_worker_users(prefix: str = "") -> Q:
    """Users who may be allocated an RHI; `prefix` is the path to the user (`conducted_by__`)."""
    return _role_in(RHI_WORKER_ROLES, prefix)
