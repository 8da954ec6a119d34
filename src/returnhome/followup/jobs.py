"""Jobs on proposed actions: the owner is alerted on the day an agreed action falls due, and once
it is overdue. An action's owner is written as free text ("Who"): when it is a user's email or
username that user is alerted, otherwise the practitioner who proposed it in the interview."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import notify
from returnhome.core.jobs import job, lookback
from returnhome.followup.models import ProposedAction, overdue


def owner_of(action: ProposedAction) -> User:
    """The user named as the action's owner, or else the practitioner who proposed it."""
    proposer: User = action.interview.conducted_by
    named = action.owner.strip()
    if named:
        # Someone in the council or the proposer's team: never a stranger who shares an address.
        teams = {action.interview.council_id, proposer.organisation_id} - {None}
        user = (
            User.objects.filter(is_active=True, organisation_id__in=teams)
            .filter(Q(email__iexact=named) | Q(username__iexact=named))
            .first()
        )
        if user is not None:
            return user
    return proposer


@job("actions_due", every=dt.timedelta(minutes=15))
def actions_due(now: dt.datetime) -> int:
    """Agreed actions due today, and those overdue (due within the lookback): alert the owner."""
    today = timezone.localdate(now)
    open_statuses = overdue()["status__in"]
    actions = ProposedAction.objects.filter(status__in=open_statuses).select_related(
        "interview__conducted_by"
    )
    due_today = actions.filter(due_date=today)
    # The overdue rule (followup.models.overdue), at the job's own `now`.
    late = actions.filter(due_date__lt=today, due_date__gte=today - lookback())
    sent = 0
    for kind, what, records in (
        (Alert.Kind.ACTION_DUE, "due today", due_today),
        (Alert.Kind.ACTION_OVERDUE, "overdue", late),
    ):
        for action in records.order_by("due_date", "pk"):
            assert action.due_date is not None
            sent += len(
                notify(
                    [owner_of(action)],
                    kind=kind,
                    title=(
                        f"An action is {what}: referral to {action.get_service_display()}, "
                        f"due {action.due_date:%d/%m/%Y}"
                    ),
                    link=reverse("followup:action", args=[action.pk]),
                    key=f"{kind}:{action.pk}:{action.due_date.isoformat()}",
                    now=now,
                )
            )
    return sent
