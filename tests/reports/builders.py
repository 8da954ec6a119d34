"""Building report fixtures through the services, at fixed past times (UK local time)."""

from __future__ import annotations

import datetime as dt

from returnhome.children import services as child_services
from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.episodes.models import Episode
from returnhome.followup import services as followup_services
from returnhome.followup.models import ProposedAction
from returnhome.interviews import services
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from returnhome.lib.clock import LONDON
from tests.conftest import Cast, missing, returned
from tests.factories import ChildFactory


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, micro: int = 0
) -> dt.datetime:
    """A wall-clock time in Europe/London (never in a summer-time gap or overlap here)."""
    return dt.datetime(year, month, day, hour, minute, second, micro, tzinfo=LONDON)


def mfh_child(cast: Cast) -> Child:
    return ChildFactory(council=cast.council)


def lac_in_child(cast: Cast) -> Child:
    child = ChildFactory(council=cast.council)
    child_services.record_legal_status(
        child,
        status=LegalStatus.Status.LOOKED_AFTER,
        start_date=dt.date(2024, 1, 1),
        acting_user=None,
    )
    return child


def lac_out_child(cast: Cast) -> Child:
    child = lac_in_child(cast)
    child_services.record_placement(
        child,
        placement_type=Placement.Type.FOSTER,
        council_area=cast.partner_council,
        start_date=dt.date(2024, 1, 1),
        acting_user=None,
    )
    return child


def hosted_child(cast: Cast) -> Child:
    child = ChildFactory(council=cast.council)
    child_services.record_legal_status(
        child,
        status=LegalStatus.Status.LOOKED_AFTER,
        responsible_council=cast.partner_council,
        start_date=dt.date(2024, 1, 1),
        acting_user=None,
    )
    return child


def episode(
    cast: Cast, child: Child, missing_at: dt.datetime, returned_at: dt.datetime | None = None
) -> tuple[Episode, RHI | None]:
    """An episode; returned (and its RHI referred) when `returned_at` is given.

    The found notification is received 30 minutes after the return (tests.conftest.returned).
    """
    ep = missing(cast, child, missing_at)
    if returned_at is None:
        return ep, None
    rhi = returned(cast, ep, returned_at)
    ep.refresh_from_db()
    return ep, rhi


def offer(cast: Cast, rhi: RHI, at: dt.datetime) -> RHI:
    return services.record_offer(
        rhi, offer_made_at=at, offered_to="child", expected_version=None, acting_user=cast.manager
    )


def accept(cast: Cast, rhi: RHI) -> RHI:
    return services.record_outcome(
        rhi, outcome=RHI.Outcome.ACCEPTED, expected_version=None, acting_user=cast.manager
    )


def decline(cast: Cast, rhi: RHI, reason: str) -> RHI:
    return services.record_outcome(
        rhi,
        outcome=RHI.Outcome.DECLINED,
        decline_reason=reason,
        note="Said so on the phone",
        expected_version=None,
        acting_user=cast.manager,
    )


def not_applicable(cast: Cast, rhi: RHI) -> RHI:
    return services.record_outcome(
        rhi,
        outcome=RHI.Outcome.NOT_APPLICABLE,
        note="With police throughout; manager agreed no RHI",
        expected_version=None,
        acting_user=cast.manager,
    )


def interview(
    cast: Cast,
    rhis: list[RHI],
    held_at: dt.datetime,
    *,
    kind: str = Interview.Kind.INTERVIEW,
    cce: bool = False,
    cse: bool = False,
    actions: list[tuple[str, str]] | None = None,
) -> Interview:
    """An interview (or carer-only information) covering `rhis`, with (description, service) actions."""
    details = InterviewDetails(
        kind=kind,
        held_at=held_at,
        place="home",
        mode="face_to_face",
        time_alone=True if kind == Interview.Kind.INTERVIEW else None,
        information_from="" if kind == Interview.Kind.INTERVIEW else "Foster carer",
        box_o={"cce_identified": cce, "cse_identified": cse},
    )
    proposals = [ActionProposal(text, service) for text, service in actions or []]
    return services.record_interview(
        [RHI.objects.get(pk=r.pk) for r in rhis], details, proposals, acting_user=cast.manager
    )


def review(cast: Cast, interview: Interview, responses: dict[str, str]) -> list[ProposedAction]:
    """The manager responds to each action, by service: "agreed" or "rejected"."""
    actions = list(interview.actions.all())
    services.review_interview(
        interview,
        responses={a.pk: (responses[a.service], "Not needed") for a in actions},
        acting_user=cast.manager,
    )
    return [ProposedAction.objects.get(pk=a.pk) for a in actions]


def progress(cast: Cast, action: ProposedAction, status: str) -> ProposedAction:
    return followup_services.record_action_progress(
        action,
        status=status,
        outcome="Seen by the service",
        expected_version=None,
        acting_user=cast.manager,
    )
