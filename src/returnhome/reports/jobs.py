"""The weekly missing meeting pack: each Monday, from RETURNHOME_MEETING_PACK_HOUR (UK time), the
pack for the week just ended is built for each council and its readers (team managers, front
door, performance leads) are told it is ready, with its counts and its link. Counts only: no
child's name or details."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from returnhome.access.policy import can_see_meeting_pack
from returnhome.access.roles import meeting_pack_users
from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import already_alerted, notify
from returnhome.core.jobs import job
from returnhome.organisations.models import Organisation
from returnhome.reports.meeting_pack import build_pack, week_of


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@job("meeting_pack", every=dt.timedelta(minutes=15))
def meeting_pack(now: dt.datetime) -> int:
    """On Mondays: build last week's pack for each council and tell its readers (once a week)."""
    local = timezone.localtime(now)
    if local.weekday() != 0 or local.hour < int(
        getattr(settings, "RETURNHOME_MEETING_PACK_HOUR", 6)
    ):
        return 0
    monday = week_of(local.date() - dt.timedelta(days=7))[0]
    sent = 0
    for council in Organisation.objects.filter(kind=Organisation.Kind.COUNCIL).order_by("pk"):
        readers = [
            user
            for user in User.objects.filter(
                meeting_pack_users(), organisation=council, is_active=True
            ).select_related("organisation")
            if can_see_meeting_pack(user)
        ]
        key = f"meeting_pack:{council.pk}:{monday.isoformat()}"
        if all(already_alerted(key, user) for user in readers):
            continue
        pack = build_pack(readers[0], council, monday, now)
        counts = [
            _plural(len(pack.missing), "episode reported missing", "episodes reported missing"),
            _plural(pack.still_missing_total, "child still missing", "children still missing"),
            _plural(pack.overdue_total, "RHI past its deadline", "RHIs past their deadline"),
            _plural(
                len(pack.sharing_overdue),
                "sending to the police with no feedback in time",
                "sendings to the police with no feedback in time",
            ),
        ]
        sent += len(
            notify(
                readers,
                kind=Alert.Kind.MEETING_PACK,
                title=f"The meeting pack for the week of {monday:%d/%m/%Y} is ready",
                link=f"{reverse('reports:meeting_pack')}?week={monday.isoformat()}",
                detail="\n".join(counts),
                key=key,
                now=now,
            )
        )
    return sent
