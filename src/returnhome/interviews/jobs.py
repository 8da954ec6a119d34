"""Jobs on RHIs and interviews: deadline alerts, new work to allocate, allocations, interviews to
review, and the managers' daily digest. Alerts name no child: they say what is due and when, and
link to the record (whose reader's access rules apply)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from returnhome.access.roles import rhi_manager_users
from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.recipients import managers_of
from returnhome.alerts.services import already_alerted, notify
from returnhome.core.jobs import job, lookback
from returnhome.followup.models import ProposedAction
from returnhome.followup.models import overdue as action_overdue
from returnhome.interviews.models import RHI, Interview

DUE_SOON = dt.timedelta(hours=24)


def _when(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%d/%m/%Y %H:%M}"


def _rhi_link(rhi: RHI) -> str:
    return reverse("interviews:rhi", args=[rhi.pk])


def _worker_and_managers(rhi: RHI) -> list[User]:
    worker = [rhi.allocated_worker] if rhi.allocated_worker is not None else []
    return worker + list(managers_of(rhi.provider_id))


@job("rhi_deadlines")
def rhi_deadlines(now: dt.datetime) -> int:
    """The allocated worker and the provider's managers: 24 hours before an RHI's deadline, and
    when it passes with the interview not done. Once per RHI and deadline: a deadline moved (a
    new clock rule, a corrected return time) alerts again."""
    sent = 0
    waiting = RHI.objects.awaiting_interview().select_related("allocated_worker")
    for rhi in waiting.filter(due_at__gt=now, due_at__lte=now + DUE_SOON).order_by("due_at"):
        assert rhi.due_at is not None
        sent += len(
            notify(
                _worker_and_managers(rhi),
                kind=Alert.Kind.RHI_DUE_SOON,
                title=f"RHI due within 24 hours: the deadline is {_when(rhi.due_at)}",
                link=_rhi_link(rhi),
                key=f"rhi_due_soon:{rhi.pk}:{rhi.due_at.isoformat()}",
                now=now,
            )
        )
    for rhi in waiting.overdue(now).filter(due_at__gte=now - lookback()).order_by("due_at"):
        assert rhi.due_at is not None
        sent += len(
            notify(
                _worker_and_managers(rhi),
                kind=Alert.Kind.RHI_OVERDUE,
                title=f"RHI deadline passed at {_when(rhi.due_at)}: the interview is not done",
                link=_rhi_link(rhi),
                key=f"rhi_overdue:{rhi.pk}:{rhi.due_at.isoformat()}",
                now=now,
            )
        )
    return sent


@job("rhi_to_allocate")
def rhi_to_allocate(now: dt.datetime) -> int:
    """The provider's managers: a new RHI awaits allocation (unless they were told on referral)."""
    sent = 0
    new = RHI.objects.filter(
        status=RHI.Status.AWAITING_ALLOCATION, referred_at__gte=now - lookback()
    ).order_by("referred_at")
    for rhi in new:
        link = _rhi_link(rhi)
        if Alert.objects.filter(kind=Alert.Kind.RHI_REFERRED, link=link).exists():
            continue
        deadline = f": the deadline is {_when(rhi.due_at)}" if rhi.due_at else ""
        sent += len(
            notify(
                managers_of(rhi.provider_id),
                kind=Alert.Kind.RHI_REFERRED,
                title=f"New RHI to allocate{deadline}",
                link=link,
                key=f"rhi_referred:{rhi.pk}",
                now=now,
            )
        )
    return sent


@job("rhi_allocated")
def rhi_allocated(now: dt.datetime) -> int:
    """The worker an RHI has been allocated to (again when it is allocated to someone else)."""
    sent = 0
    allocated = (
        RHI.objects.awaiting_interview()
        .filter(allocated_worker__isnull=False, allocated_at__gte=now - lookback())
        .select_related("allocated_worker")
        .order_by("allocated_at")
    )
    for rhi in allocated:
        assert rhi.allocated_worker is not None and rhi.allocated_at is not None
        deadline = f": the deadline is {_when(rhi.due_at)}" if rhi.due_at else ""
        sent += len(
            notify(
                [rhi.allocated_worker],
                kind=Alert.Kind.RHI_ALLOCATED,
                title=f"An RHI has been allocated to you{deadline}",
                link=_rhi_link(rhi),
                key=f"rhi_allocated:{rhi.pk}:{rhi.allocated_at.isoformat()}",
                now=now,
            )
        )
    return sent


@job("interviews_to_review")
def interviews_to_review(now: dt.datetime) -> int:
    """The managers of the team that delivers the RHI: an interview was submitted for review."""
    sent = 0
    submitted = (
        Interview.objects.awaiting_review()
        .filter(submitted_at__gte=now - lookback())
        .order_by("submitted_at")
    )
    for interview in submitted:
        assert interview.submitted_at is not None
        providers = set(interview.rhis.values_list("provider_id", flat=True))
        reviewers: list[User] = []
        for provider in sorted(providers):
            reviewers += managers_of(provider)
        sent += len(
            notify(
                reviewers,
                kind=Alert.Kind.INTERVIEW_SUBMITTED,
                title=f"An interview was submitted for your review at {_when(interview.submitted_at)}",
                link=reverse("interviews:review", args=[interview.pk]),
                key=f"interview_submitted:{interview.pk}:{interview.submitted_at.isoformat()}",
                now=now,
            )
        )
    return sent


def digest_counts(provider_id: int, now: dt.datetime) -> dict[str, int]:
    """The numbers in a manager's daily digest, for the team that delivers the RHIs."""
    rhis = RHI.objects.filter(provider_id=provider_id)
    waiting = rhis.awaiting_interview()
    today = timezone.localdate(now)
    actions_overdue = {**action_overdue(), "due_date__lt": today}
    return {
        "RHIs to allocate": rhis.filter(status=RHI.Status.AWAITING_ALLOCATION).count(),
        "RHIs due within 24 hours": waiting.filter(
            due_at__gt=now, due_at__lte=now + DUE_SOON
        ).count(),
        "RHIs past their deadline": waiting.overdue(now).count(),
        "Interviews to review": Interview.objects.awaiting_review()
        .filter(rhis__provider_id=provider_id)
        .distinct()
        .count(),
        "Actions overdue": ProposedAction.objects.filter(
            Q(**actions_overdue), interview__rhis__provider_id=provider_id
        )
        .distinct()
        .count(),
    }


def _lower_first(words: str) -> str:
    """ "RHIs due" stays "RHIs due"; "Actions overdue" becomes "actions overdue"."""
    return words if words[1:2].isupper() else words[:1].lower() + words[1:]


def _digest_managers() -> Iterable[User]:
    """Managers of a team that delivers RHIs."""
    providers = RHI.objects.order_by().values("provider_id").distinct()
    return User.objects.filter(
        rhi_manager_users(), is_active=True, organisation_id__in=providers
    ).order_by("organisation_id", "pk")


@job("daily_digest", every=dt.timedelta(minutes=15))
def daily_digest(now: dt.datetime) -> int:
    """Each manager of an RHI team, once a day from RETURNHOME_DIGEST_HOUR (UK time): their team's
    counts. Numbers only: no child's name or details."""
    local = timezone.localtime(now)
    if local.hour < int(getattr(settings, "RETURNHOME_DIGEST_HOUR", 7)):
        return 0
    sent = 0
    counts_by_team: dict[int, dict[str, int]] = {}
    key = f"daily_digest:{local.date().isoformat()}"
    for manager in _digest_managers():
        assert manager.organisation_id is not None
        if already_alerted(key, manager):
            continue
        if manager.organisation_id not in counts_by_team:
            counts_by_team[manager.organisation_id] = digest_counts(manager.organisation_id, now)
        counts = counts_by_team[manager.organisation_id]
        summary = ", ".join(f"{n} {_lower_first(what)}" for what, n in counts.items())
        sent += len(
            notify(
                [manager],
                kind=Alert.Kind.DAILY_DIGEST,
                title=f"Your team on {local:%d/%m/%Y}: {summary}"[:200],
                link=reverse("interviews:team"),
                detail="\n".join(f"{what}: {n}" for what, n in counts.items()),
                key=key,
                now=now,
            )
        )
    return sent
