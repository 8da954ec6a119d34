"""The count of unread alerts, for the header, and the newest one, shown on every page until it
is opened or read (work comes to the person: no need to look for it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from returnhome.alerts.models import Alert


def unread_alerts(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Alert.objects.visible_to(user).unread()
    count = unread.count()
    if not count:
        return {"unread_alerts": 0, "newest_alert": None}
    # Work first: the newest alert about a record, before a digest or a pack notice.
    summaries = [Alert.Kind.DAILY_DIGEST, Alert.Kind.MEETING_PACK]
    newest = unread.exclude(kind__in=summaries).first() or unread.first()
    return {"unread_alerts": count, "newest_alert": newest}
