"""The service navigation, by role, and each role's home page (where their work is).

The navigation's role sets are its own (they say whose work a page is, not who may open it: an
administrator may open the "Still missing" list, but it is not their work). Pages under Reports
also need `can_see_reports`, and the meeting pack `can_see_meeting_pack`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from returnhome.access.policy import (
    can_see_meeting_pack,
    can_see_reports,
    sees_sent_sharing_forms,
    works_front_door,
    works_sharing_inbox,
)
from returnhome.access.roles import Role


def _always(user: Any) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    url_name: str
    text: str
    roles: frozenset[Role]
    also: Callable[[Any], bool] = _always  # a further predicate the user must meet

    def shown_to(self, user: Any) -> bool:
        return user.role in self.roles and self.also(user)


def _reports(user: Any) -> bool:
    return bool(can_see_reports(user))  # e.g. a commissioned charity's manager: the council's


def _meeting_pack(user: Any) -> bool:
    return bool(can_see_reports(user) and can_see_meeting_pack(user))  # it names children


NAV: tuple[NavItem, ...] = (
    NavItem("interviews:mine", "My work", frozenset({Role.PRACTITIONER, Role.MANAGER})),
    NavItem("interviews:team", "My team's work", frozenset({Role.MANAGER, Role.PRACTITIONER})),
    NavItem(
        "episodes:open",
        "Still missing",
        EPISODE_READERS := frozenset(
            {
                Role.FRONT_DOOR,
                Role.MANAGER,
                Role.PRACTITIONER,
                Role.POLICE,
                Role.PERFORMANCE,
                Role.SOCIAL_WORKER,
            }
        ),
    ),
    NavItem("episodes:list", "Episodes", EPISODE_READERS),
    NavItem(
        "episodes:record_missing",
        "Report missing",
        frozenset({Role.FRONT_DOOR, Role.MANAGER}),
        works_front_door,
    ),
    NavItem(
        "children:list",
        "Children",
        frozenset(
            {
                Role.FRONT_DOOR,
                Role.MANAGER,
                Role.PRACTITIONER,
                Role.PERFORMANCE,
                Role.SOCIAL_WORKER,
                Role.ADMIN,
            }
        ),
    ),
    NavItem(
        "followup:list",
        "Actions",
        frozenset({Role.MANAGER, Role.PRACTITIONER, Role.SOCIAL_WORKER}),
    ),
    NavItem(
        "sharing:sent",
        "Police sharing",
        frozenset({Role.MANAGER, Role.PRACTITIONER}),
        sees_sent_sharing_forms,
    ),
    NavItem("sharing:inbox", "Shared with us", frozenset({Role.POLICE}), works_sharing_inbox),
    NavItem(
        "reports:indicators",
        "Reports",
        frozenset({Role.PERFORMANCE, Role.MANAGER, Role.ADMIN}),
        _reports,
    ),
    NavItem("organisations:service", "Service settings", frozenset({Role.ADMIN})),
    NavItem("reporting:mine", "My reports", frozenset({Role.REPORTER, Role.SOCIAL_WORKER})),
    NavItem(
        "imports:queue", "Front door", frozenset({Role.FRONT_DOOR, Role.MANAGER}), works_front_door
    ),
    NavItem(
        "reports:foi",
        "FOI answers",
        frozenset({Role.PERFORMANCE, Role.MANAGER, Role.ADMIN}),
        _reports,
    ),
    NavItem(
        "reports:meeting_pack",
        "Meeting pack",
        frozenset({Role.MANAGER, Role.FRONT_DOOR, Role.PERFORMANCE}),
        _meeting_pack,
    ),
)

HOME_BY_ROLE: dict[str, str] = {
    Role.PRACTITIONER: "interviews:mine",
    Role.MANAGER: "interviews:team",
    Role.FRONT_DOOR: "imports:queue",
    Role.POLICE: "episodes:open",
    Role.PERFORMANCE: "reports:indicators",
    Role.SOCIAL_WORKER: "children:list",
    Role.ADMIN: "organisations:service",
    Role.REPORTER: "reporting:mine",
}


def home_for(user: Any) -> str | None:
    """The URL name of the page where the user's work is (None: no role that sees records)."""
    return HOME_BY_ROLE.get(user.role)


def items_for(user: Any) -> list[NavItem]:
    """The navigation the signed-in user sees."""
    return [item for item in NAV if item.shown_to(user)]
