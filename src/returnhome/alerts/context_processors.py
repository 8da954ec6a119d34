"""The count of unread alerts, for the header."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from returnhome.alerts.models import Alert


def unread_alerts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_alerts": Alert.objects.visible_to(user).unread().count()}
