"""The navigation and the access predicates, for templates.

`{% if can.read_interviews %}` asks `policy.can_read_interviews(user)`: every predicate that takes
only the user is there, under its name without `can_`. Templates never compare role strings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from returnhome.access import policy
from returnhome.access.navigation import items_for

USER_PREDICATES: dict[str, Callable[[Any], bool]] = {
    "see_child_records": policy.can_see_child_records,
    "see_rhis": policy.can_see_rhis,
    "read_interviews": policy.can_read_interviews,
    "see_reports": policy.can_see_reports,
    "see_meeting_pack": policy.can_see_meeting_pack,
    "report_directly": policy.is_reporter,
    # Reviews the records past their own council's retention (docs/privacy.md).
    "manage_retention": lambda user: policy.manages_retention(
        user, getattr(user, "organisation", None)
    ),
}


class Can:
    """The user's rights, asked lazily by name: `can.read_interviews`."""

    def __init__(self, user: Any) -> None:
        self._user = user
        self._known: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._known:
            predicate = USER_PREDICATES[name]
            self._known[name] = self._user is not None and bool(predicate(self._user))
        return self._known[name]


def permissions(request: HttpRequest) -> dict[str, Any]:
    return {"can": Can(getattr(request, "user", None))}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[dict[str, Any]] = []
    for nav_item in items_for(user):
        href = reverse(nav_item.url_name)
        items.append({"href": href, "text": nav_item.text, "active": request.path.startswith(href)})
    # Only the closest match is the current page (/reports/ and /reports/foi/).
    longest = max((len(item["href"]) for item in items if item["active"]), default=0)
    for item in items:
        item["active"] = item["active"] and len(item["href"]) == longest
    return {"nav_items": items}
