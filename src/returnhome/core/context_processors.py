"""The service navigation, by role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from returnhome.accounts.models import Role
from returnhome.reports.access import can_see_reports
from returnhome.reports.meeting_pack import can_see_meeting_pack

NAV: list[tuple[str, str, set[str]]] = [
    ("interviews:mine", "My RHIs", {Role.PRACTITIONER, Role.MANAGER}),
    ("interviews:team", "Team RHIs", {Role.MANAGER, Role.PRACTITIONER}),
    (
        "episodes:open",
        "Still missing",
        {
            Role.FRONT_DOOR,
            Role.MANAGER,
            Role.PRACTITIONER,
            Role.POLICE,
            Role.PERFORMANCE,
            Role.SOCIAL_WORKER,
        },
    ),
    ("episodes:record_missing", "Report missing", {Role.FRONT_DOOR, Role.MANAGER}),
    (
        "children:list",
        "Children",
        {
            Role.FRONT_DOOR,
            Role.MANAGER,
            Role.PRACTITIONER,
            Role.PERFORMANCE,
            Role.SOCIAL_WORKER,
            Role.ADMIN,
        },
    ),
    ("followup:list", "Actions", {Role.MANAGER, Role.PRACTITIONER, Role.SOCIAL_WORKER}),
    ("reports:indicators", "Reports", {Role.PERFORMANCE, Role.MANAGER, Role.ADMIN}),
    ("organisations:service", "Service settings", {Role.ADMIN}),
    ("reporting:mine", "My reports", {Role.REPORTER, Role.SOCIAL_WORKER}),
    ("imports:queue", "Front door", {Role.FRONT_DOOR, Role.MANAGER}),
    ("reports:foi", "FOI answers", {Role.PERFORMANCE, Role.MANAGER, Role.ADMIN}),
    ("reports:meeting_pack", "Meeting pack", {Role.MANAGER, Role.FRONT_DOOR, Role.PERFORMANCE}),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[dict[str, Any]] = []
    for name, text, roles in NAV:
        if name.startswith("reports:") and not can_see_reports(user):
            continue  # e.g. a commissioned charity's manager: reports are the council's
        if name == "reports:meeting_pack" and not can_see_meeting_pack(user):
            continue  # the pack names the council's children
        if user.role in roles:
            href = reverse(name)
            items.append({"href": href, "text": text, "active": request.path.startswith(href)})
    # Only the closest match is the current page (/reports/ and /reports/foi/).
    longest = max((len(item["href"]) for item in items if item["active"]), default=0)
    for item in items:
        item["active"] = item["active"] and len(item["href"]) == longest
    return {"nav_items": items}
