"""The RHI's life: referral, allocation, contact attempts, consent, offer, outcome, interview, review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from returnhome.access.policy import can_allocate, can_do_rhis, can_review_interview, can_work_rhi
from returnhome.access.roles import rhi_worker_users
from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.core.versioning import StaleEdit, changed_fields, lock_for_edit, snapshot
from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.followup.services import ActionProposal, propose_action, respond_to_action
from returnhome.interviews.models import RHI, ContactAttempt, DeclineReason, Interview
from returnhome.lib.clock import ClockCount, ClockRule, ClockStart, deadline
from returnhome.organisations.models import Organisation, ServiceConfiguration


def provider_for(council: Organisation) -> Organisation:
    config = (
        ServiceConfiguration.objects.filter(council=council).select_related("rhi_provider").first()
    )
    return config.provider() if config else council


def provider_for_episode(episode: Episode) -> Organisation:
    """Who does the episode's RHI: for a child placed out of area, the organisation named for the
    placement the child was in when reported missing (issue 12); otherwise, and when none is
    named, the council's own service (`provider_for`)."""
    placement = episode.child.placement_on(timezone.localdate(episode.reported_missing_at))
    named = placement.rhi_provider if placement is not None and placement.out_of_area else None
    return named if named is not None else provider_for(episode.council)


def clock_for(episode: Episode) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the 72-hour clock started for this episode, and the deadline, under its council's rule."""
    rule = episode.council.clock_rule()
    start = rule.start_at(episode.returned_at, episode.found_notification_received_at())
    return start, (deadline(start, rule.count) if start else None)


def due_field(rule: ClockRule) -> str:
    """The RHI field holding the deadline under `rule`, e.g. ``due_return_working_days``."""
    return f"due_{ClockStart(rule.start).value}_{ClockCount(rule.count).value.replace('-', '_')}"


def deadlines_by_rule(
    returned_at: dt.datetime | None, notification_received_at: dt.datetime | None
) -> dict[str, dt.datetime | None]:
    """The deadline under every 72-hour rule, by RHI field, so reports can use any rule in SQL."""
    result: dict[str, dt.datetime | None] = {}
    for name, rule in every_rule():
        at = rule.start_at(returned_at, notification_received_at)
        result[name] = deadline(at, rule.count) if at is not None else None
    return result


@cache
def every_rule() -> tuple[tuple[str, ClockRule], ...]:
    """Every 72-hour rule with its RHI field (`deadlines_by_rule` runs once per return)."""
    return tuple(
        (due_field(rule), rule)
        for rule in (ClockRule(start=s, count=c) for s in ClockStart for c in ClockCount)
    )


@transaction.atomic
def refer_rhi(
    episode: Episode, *, acting_user: User | None, referred_at: dt.datetime | None = None
) -> RHI:
    """Put the episode's RHI in its provider's queue with its deadline (once per episode)."""
    existing = RHI.objects.filter(episode=episode).first()
    start, due = clock_for(episode)
    every_due = deadlines_by_rule(episode.returned_at, episode.found_notification_received_at())
    if existing is not None:
        existing.clock_started_at, existing.due_at = start, due
        for name, value in every_due.items():
            setattr(existing, name, value)
        existing.save(update_fields=["clock_started_at", "due_at", *every_due, "updated_at"])
        return existing
    rhi = RHI.objects.create(
        episode=episode,
        child_id=episode.child_id,
        council=episode.council,
        provider=provider_for_episode(episode),
        referred_at=referred_at or timezone.now(),
        clock_started_at=start,
        due_at=due,
        **every_due,
    )
    record_write(acting_user, "refer_rhi", rhi, provider=rhi.provider, due_at=due)
    return rhi


def refer_returned(
    sender: object,
    *,
    episode: Episode,
    acting_user: User | None,
    received_at: dt.datetime,
    **kwargs: object,
) -> None:
    """On `episodes.signals.episode_returned`: the returned child's RHI goes to the provider."""
    refer_rhi(episode, acting_user=acting_user, referred_at=received_at)


def recompute_deadlines(
    sender: object, *, council: Organisation, acting_user: User | None, **kwargs: object
) -> None:
    """On `organisations.signals.clock_rule_changed`: RHIs still waiting get the new rule's deadline."""
    for rhi in (
        RHI.objects.filter(council=council).awaiting_interview().select_related("episode__council")
    ):
        refer_rhi(rhi.episode, acting_user=acting_user)


def rhis_going_back(records: dict[str, list[int]], keep: Child) -> list[str]:
    """Undoing a merge (`children.services.undo_merge`): the RHIs of the episodes going back
    (including ones referred since), the interviews that cover only those, and the actions of those
    interviews go back too; an interview that also covers an episode staying blocks the undo."""
    problems: list[str] = []
    episodes = records.get("episodes.episode.child", [])
    rhis = set(RHI.objects.filter(episode_id__in=episodes).values_list("pk", flat=True))
    records["interviews.rhi.child"] = sorted(rhis | set(records.get("interviews.rhi.child", [])))
    interviews = set(records.get("interviews.interview.child", []))
    for interview in Interview.objects.filter(rhis__in=rhis).distinct().prefetch_related("rhis"):
        covered = {r.pk for r in interview.rhis.all()}
        if covered <= rhis:
            interviews.add(interview.pk)
        else:
            problems.append(
                f"The interview of {timezone.localtime(interview.held_at):%d/%m/%Y} covers episodes "
                "from both records"
            )
    records["interviews.interview.child"] = sorted(interviews)
    actions = ProposedAction.objects.filter(interview_id__in=interviews)
    records["followup.proposedaction.child"] = sorted(
        set(actions.values_list("pk", flat=True))
        | set(records.get("followup.proposedaction.child", []))
    )
    return problems


def eligible_workers(rhi: RHI) -> list[User]:
    return list(
        User.objects.filter(rhi_worker_users(), organisation_id=rhi.provider_id, is_active=True)
    )


def suggest_worker(rhi: RHI) -> User | None:
    """The worker who last interviewed this child, if they still work for the provider.

    Never the child's own allocated social worker: that was an exception needing a reason.
    """
    last = (
        Interview.objects.exclude(conducted_by_id=rhi.child.allocated_social_worker_id or 0)
        .filter(
            rhi_worker_users(prefix="conducted_by__"),
            child_id=rhi.child_id,
            conducted_by__is_active=True,
            conducted_by__organisation_id=rhi.provider_id,
        )
        .select_related("conducted_by")
        .order_by("-held_at")
        .first()
    )
    return last.conducted_by if last else None


def independence_warning(rhi: RHI, worker: User | None) -> str | None:
    """RHIs are done by someone independent: never the child's own allocated social worker."""
    if worker is not None and worker.pk == rhi.child.allocated_social_worker_id:
        return (
            f"{worker} is {rhi.child.full_name}'s allocated social worker. RHIs should be done by "
            "someone independent: record why, or choose another worker."
        )
    return None


ALLOCATION_FIELDS = ("allocated_worker", "independence_reason", "status")
CONSENT_FIELDS = ("consent_needed", "consent_given_by", "consent_given_by_name")
OFFER_FIELDS = ("offer_made_at", "offered_to", "status")
OUTCOME_FIELDS = ("outcome", "decline_reason", "outcome_note", "status")


@transaction.atomic
def allocate_rhi(
    rhi: RHI,
    worker: User,
    *,
    expected_version: int | None,
    acting_user: User,
    independence_reason: str = "",
) -> RHI:
    """`expected_version` (here and in the other RHI steps): the version of the RHI the form was
    loaded with, a stale one refused (`StaleEdit`); None (no check) only for the demo data, which
    decides from the RHI as it is now."""
    rhi = lock_for_edit(rhi, expected_version)
    before = snapshot(rhi, ALLOCATION_FIELDS)
    require(can_allocate(acting_user, rhi), "Only a manager of the provider allocates RHIs.")
    problems = Problems()
    if worker.organisation_id != rhi.provider_id or not can_do_rhis(worker) or not worker.is_active:
        problems.add("worker", "Choose a worker in the team that delivers this RHI")
    if rhi.status == RHI.Status.CLOSED:
        problems.add("__all__", "This RHI is closed")
    if independence_warning(rhi, worker) and not independence_reason.strip():
        problems.add(
            "independence_reason",
            "This worker is the child's allocated social worker: record why they should do the RHI",
        )
    problems.raise_if_any()
    rhi.allocated_worker = worker
    rhi.allocated_at = timezone.now()
    rhi.independence_reason = (
        independence_reason.strip() if independence_warning(rhi, worker) else ""
    )
    if rhi.status == RHI.Status.AWAITING_ALLOCATION:
        rhi.status = RHI.Status.ALLOCATED
    rhi.save()
    record_write(
        acting_user,
        "allocate_rhi",
        rhi,
        worker=worker,
        independence_reason=rhi.independence_reason,
        version=rhi.version,
        fields=changed_fields(before, rhi),
    )
    return rhi


def _check_when(
    problems: Problems, field_name: str, when: dt.datetime, rhi: RHI, what: str
) -> None:
    if when > timezone.now() + dt.timedelta(minutes=5):
        problems.add(field_name, f"{what} cannot be in the future")
    returned = rhi.episode.returned_at
    if returned is not None and when < returned:
        problems.add(field_name, f"{what} cannot be before the child returned")


@transaction.atomic
def log_contact_attempt(
    rhi: RHI,
    *,
    attempted_at: dt.datetime,
    method: str,
    contacted: str,
    result: str,
    note: str = "",
    acting_user: User,
) -> ContactAttempt:
    require(can_work_rhi(acting_user, rhi), "Only the allocated worker or a manager can do this.")
    problems = Problems()
    _check_when(problems, "attempted_at", attempted_at, rhi, "The attempt")
    problems.raise_if_any()
    attempt = ContactAttempt.objects.create(
        rhi=rhi,
        attempted_at=attempted_at,
        method=method,
        contacted=contacted,
        result=result,
        note=note,
        recorded_by=acting_user,
    )
    record_write(
        acting_user, "log_contact_attempt", rhi, method=method, contacted=contacted, result=result
    )
    if result == ContactAttempt.Result.ARRANGED:
        _arranged(rhi, attempted_at, contacted, acting_user)
    return attempt


def _arranged(rhi: RHI, at: dt.datetime, contacted: str, acting_user: User) -> None:
    """An interview arranged is an offer made and accepted: both are recorded from the attempt
    (never entered again), unless the RHI already holds them or is closed."""
    rhi.refresh_from_db()
    settled = rhi.offer_made_at is not None and bool(rhi.outcome)
    if settled or rhi.status == RHI.Status.CLOSED or rhi.interview_id is not None:
        return
    rhi = lock_for_edit(rhi, None)
    before = snapshot(rhi, (*OFFER_FIELDS, *OUTCOME_FIELDS))
    if rhi.offer_made_at is None:
        rhi.offer_made_at = at
        rhi.offered_to = (
            RHI.OfferedTo.CHILD
            if contacted == ContactAttempt.Contacted.CHILD
            else RHI.OfferedTo.PARENT_CARER
        )
    if not rhi.outcome:
        rhi.outcome = RHI.Outcome.ACCEPTED
        rhi.outcome_recorded_at = timezone.now()
        rhi.status = RHI.Status.ACCEPTED
    rhi.save()
    record_write(
        acting_user,
        "record_offer_and_acceptance",
        rhi,
        from_contact_attempt=True,
        version=rhi.version,
        fields=changed_fields(before, rhi),
    )


@transaction.atomic
def record_consent(
    rhi: RHI,
    *,
    consent_needed: bool,
    given_by: str = "",
    given_by_name: str = "",
    expected_version: int | None,
    acting_user: User,
) -> RHI:
    rhi = lock_for_edit(rhi, expected_version)
    before = snapshot(rhi, CONSENT_FIELDS)
    require(can_work_rhi(acting_user, rhi), "Only the allocated worker or a manager can do this.")
    problems = Problems()
    if consent_needed and not given_by:
        problems.add("given_by", "Say who gave consent")
    problems.raise_if_any()
    rhi.consent_needed = consent_needed
    rhi.consent_given_by = given_by if consent_needed else ""
    rhi.consent_given_by_name = given_by_name if consent_needed else ""
    rhi.consent_recorded_at = timezone.now()
    rhi.save()
    record_write(
        acting_user,
        "record_consent",
        rhi,
        consent_needed=consent_needed,
        given_by=given_by,
        version=rhi.version,
        fields=changed_fields(before, rhi),
    )
    return rhi


@transaction.atomic
def record_offer(
    rhi: RHI,
    *,
    offer_made_at: dt.datetime,
    offered_to: str,
    expected_version: int | None,
    acting_user: User,
) -> RHI:
    rhi = lock_for_edit(rhi, expected_version)
    before = snapshot(rhi, OFFER_FIELDS)
    require(can_work_rhi(acting_user, rhi), "Only the allocated worker or a manager can do this.")
    problems = Problems()
    _check_when(problems, "offer_made_at", offer_made_at, rhi, "The offer")
    if rhi.status == RHI.Status.CLOSED:
        problems.add("__all__", "This RHI is closed")
    problems.raise_if_any()
    rhi.offer_made_at = offer_made_at
    rhi.offered_to = offered_to
    if rhi.status in {RHI.Status.AWAITING_ALLOCATION, RHI.Status.ALLOCATED}:
        rhi.status = RHI.Status.OFFERED
    rhi.save()
    record_write(
        acting_user,
        "record_offer",
        rhi,
        offer_made_at=offer_made_at,
        offered_to=offered_to,
        version=rhi.version,
        fields=changed_fields(before, rhi),
    )
    return rhi


@transaction.atomic
def record_outcome(
    rhi: RHI,
    *,
    outcome: str,
    decline_reason: str = "",
    note: str = "",
    expected_version: int | None,
    acting_user: User,
) -> RHI:
    """Accepted; declined with a reason; or not applicable with why."""
    rhi = lock_for_edit(rhi, expected_version)
    before = snapshot(rhi, OUTCOME_FIELDS)
    require(can_work_rhi(acting_user, rhi), "Only the allocated worker or a manager can do this.")
    problems = Problems()
    if outcome in {RHI.Outcome.ACCEPTED, RHI.Outcome.DECLINED} and rhi.offer_made_at is None:
        problems.add("outcome", "Record the offer before it is accepted or declined")
    if outcome == RHI.Outcome.DECLINED and not decline_reason:
        problems.add("decline_reason", "Select why the interview was declined")
    if decline_reason == DeclineReason.OTHER and not note.strip():
        problems.add("note", "Say why the interview was declined")
    if outcome == RHI.Outcome.NOT_APPLICABLE and not note.strip():
        problems.add("note", "Say why an interview is not applicable")
    if rhi.interview_id is not None:
        problems.add("outcome", "An interview has been recorded: the outcome cannot change")
    problems.raise_if_any()
    rhi.outcome = outcome
    rhi.decline_reason = decline_reason if outcome == RHI.Outcome.DECLINED else ""
    rhi.outcome_note = note.strip()
    rhi.outcome_recorded_at = timezone.now()
    if outcome == RHI.Outcome.ACCEPTED:
        rhi.status = RHI.Status.ACCEPTED
        rhi.closed_at = None
    else:
        rhi.status = RHI.Status.CLOSED
        rhi.closed_at = timezone.now()
    rhi.save()
    record_write(
        acting_user,
        "record_outcome",
        rhi,
        outcome=outcome,
        decline_reason=decline_reason,
        version=rhi.version,
        fields=changed_fields(before, rhi),
    )
    return rhi


def rhis_coverable_with(rhi: RHI) -> list[RHI]:
    """Other RHIs of the same child an interview can cover: returned, not yet interviewed, not closed."""
    return list(
        RHI.objects.filter(
            child_id=rhi.child_id,
            provider_id=rhi.provider_id,
            interview__isnull=True,
            episode__returned_at__isnull=False,
        )
        .exclude(pk=rhi.pk)
        .exclude(status=RHI.Status.CLOSED)
        .select_related("episode")
        .order_by("episode__reported_missing_at")
    )


@dataclass
class InterviewDetails:
    kind: str
    held_at: dt.datetime
    place: str
    mode: str
    people_present: str = ""
    time_alone: bool | None = None
    information_from: str = ""
    box_o: dict[str, Any] = field(default_factory=dict)


BOX_O_FIELDS = {
    "push_factors",
    "pull_factors",
    "experiences",
    "people_of_concern",
    "places_of_concern",
    "risk_factors",
    "protective_factors",
    "childs_words",
    "reflection",
    "cce_identified",
    "cse_identified",
    "child_feedback",
    "carer_feedback",
}


def _require_may_record(rhis: list[RHI], acting_user: User) -> None:
    """The worker records the first RHI's interview; later episodes it covers are theirs too, or
    not yet allocated to anyone in the team."""
    require(
        can_work_rhi(acting_user, rhis[0]), "Only the allocated worker or a manager can do this."
    )
    for rhi in rhis[1:]:
        unallocated_in_team = (
            rhi.allocated_worker_id is None and acting_user.organisation_id == rhi.provider_id
        )
        require(
            can_work_rhi(acting_user, rhi) or unallocated_in_team,
            "Another worker is allocated to one of these episodes.",
        )


def _when(at: dt.datetime | None) -> str:
    return f"{timezone.localtime(at):%H:%M on %d/%m/%Y}" if at else "an earlier time"


def _already_recorded(rhi: RHI) -> str:
    """Someone recorded this RHI's interview first (perhaps while this form was being filled in)."""
    other = (
        Interview.objects.select_related("conducted_by").filter(pk=rhi.interview_id or 0).first()
    )
    who = f"{other.conducted_by} recorded" if other else "Someone else recorded"
    at = _when(other.submitted_at if other else None)
    return (
        f"{who} the interview for this RHI at {at}: an RHI has one interview. Yours has not been "
        "saved; what you typed is still in the form below."
    )


def _lock(rhis: list[RHI]) -> list[RHI]:
    """The RHIs re-read and locked for this transaction, versions bumped; taken in primary-key
    order so that two recorders covering overlapping episodes never deadlock."""
    locked = {r.pk: lock_for_edit(r, None) for r in sorted(rhis, key=lambda r: r.pk)}
    return [locked[r.pk] for r in rhis]


def _check_covered(problems: Problems, rhis: list[RHI], details: InterviewDetails) -> None:
    """Every episode covered: the child is back, it has no interview yet, and its RHI is open."""
    for rhi in rhis:
        returned = rhi.episode.returned_at
        if returned is None:
            problems.add("rhis", "The child has not returned from one of these episodes")
        elif details.held_at < returned:
            local = timezone.localtime(returned)
            problems.add(
                "held_at",
                f"The interview cannot be before the child returned ({local:%d/%m/%Y %H:%M})",
            )
        if rhi.interview_id is not None and rhi is rhis[0]:
            problems.add("__all__", _already_recorded(rhi))
        elif rhi.interview_id is not None:
            problems.add("rhis", "One of these episodes already has an interview recorded")
        if rhi is not rhis[0] and rhi.status == RHI.Status.CLOSED:
            problems.add("rhis", "One of these episodes' RHIs is closed")


def _check_interview(
    rhis: list[RHI], details: InterviewDetails, actions: list[ActionProposal], acting_user: User
) -> None:
    """Everything wrong with the submitted form, all at once."""
    problems = Problems()
    if len({r.child_id for r in rhis}) != 1:
        problems.add("rhis", "An interview can only cover episodes of the same child")
    if set(details.box_o) - BOX_O_FIELDS:
        raise TypeError(f"unknown interview fields: {sorted(set(details.box_o) - BOX_O_FIELDS)}")
    if details.held_at > timezone.now() + dt.timedelta(minutes=5):
        problems.add("held_at", "The interview cannot be in the future")
    _check_covered(problems, rhis, details)
    primary = rhis[0]
    is_interview = details.kind == Interview.Kind.INTERVIEW
    own_social_worker = any(
        r.allocated_worker_id is None and independence_warning(r, acting_user) for r in rhis[1:]
    )
    if own_social_worker and not primary.independence_reason:
        problems.add(
            "rhis",
            "You are this child's allocated social worker: a manager must allocate these episodes",
        )
    if is_interview and primary.outcome != RHI.Outcome.ACCEPTED:
        problems.add("__all__", "Record that the interview was accepted before recording it")
    if is_interview and details.time_alone is None:
        problems.add("time_alone", "Say whether the child had time alone")
    if not is_interview and not details.information_from.strip():
        problems.add("information_from", "Say who gave the information")
    for index, action in enumerate(actions):
        if not action.description.strip():
            problems.add(f"action_{index}", "Describe the action")
    problems.raise_if_any()


def _cover(
    rhi: RHI,
    interview: Interview,
    details: InterviewDetails,
    *,
    primary: RHI,
    acting_user: User,
    now: dt.datetime,
) -> None:
    """The RHI is covered by the interview and awaits the manager's review."""
    covered_detail: dict[str, Any] = {}
    if interview.is_interview and rhi.outcome != RHI.Outcome.ACCEPTED:
        # A later episode covered by the same interview: the interview is its offer and acceptance.
        rhi.offer_made_at = rhi.offer_made_at or details.held_at
        rhi.offered_to = rhi.offered_to or RHI.OfferedTo.CHILD
        rhi.outcome = RHI.Outcome.ACCEPTED
        rhi.outcome_recorded_at = now
        covered_detail["accepted_by_covering_interview"] = True
    if rhi.allocated_worker_id is None:
        rhi.allocated_worker = acting_user
        rhi.allocated_at = now
        if independence_warning(rhi, acting_user):
            rhi.independence_reason = primary.independence_reason
    rhi.interview = interview
    rhi.status = RHI.Status.AWAITING_REVIEW
    rhi.closed_at = None
    rhi.save()
    record_write(
        acting_user,
        "record_interview",
        rhi,
        interview=interview.pk,
        kind=details.kind,
        version=rhi.version,
        fields=["interview", "status"],
        **covered_detail,
    )


@transaction.atomic
def record_interview(
    rhis: list[RHI], details: InterviewDetails, actions: list[ActionProposal], *, acting_user: User
) -> Interview:
    """Record the interview (or carer-only information) on the standard form, covering one or more
    episodes, with the actions it proposes.

    The RHIs are locked and re-read first, so a second recorder (who opened the form before the
    first saved) is refused with who recorded it and when; the database holds the rule too
    (`Interview.recorded_for` is unique, `RHI.interview` is one column)."""
    if not rhis:
        raise ValueError("an interview covers at least one RHI")
    try:
        rhis = _lock(rhis)
    except StaleEdit:
        # No row locks (SQLite): another recorder's write came first. Say what it was.
        primary = RHI.objects.get(pk=rhis[0].pk)
        if primary.interview_id is not None:
            raise ValidationError({"__all__": [_already_recorded(primary)]}) from None
        raise
    _require_may_record(rhis, acting_user)
    _check_interview(rhis, details, actions, acting_user)
    primary = rhis[0]
    is_interview = details.kind == Interview.Kind.INTERVIEW
    now = timezone.now()
    try:
        with transaction.atomic():
            interview = Interview.objects.create(
                child_id=primary.child_id,
                council_id=primary.council_id,
                conducted_by=acting_user,
                kind=details.kind,
                held_at=details.held_at,
                place=details.place,
                mode=details.mode,
                people_present=details.people_present,
                time_alone=details.time_alone if is_interview else None,
                information_from=details.information_from,
                submitted_at=now,
                recorded_for=primary,
                **details.box_o,
            )
    except IntegrityError as error:  # the unique recorded_for: a writer that did not lock
        primary = RHI.objects.get(pk=primary.pk)
        raise ValidationError({"__all__": [_already_recorded(primary)]}) from error
    for rhi in rhis:
        _cover(rhi, interview, details, primary=primary, acting_user=acting_user, now=now)
    for action in actions:
        propose_action(interview.pk, interview.child_id, action, acting_user=acting_user)
    record_write(acting_user, "record_interview", interview, covers=[r.pk for r in rhis])
    return interview


@transaction.atomic
def review_interview(
    interview: Interview,
    *,
    responses: dict[int, tuple[str, str]],
    comment: str = "",
    acting_user: User,
) -> Interview:
    """The manager responds to each proposed action; the interview's RHIs close.

    The interview is locked and re-read first: a second manager reviewing at the same time (or
    from a page opened before the first saved) is refused, told who reviewed it and when, and the
    first review's responses stand. A review happens once, so the form carries no version."""
    require(
        can_review_interview(acting_user, interview),
        "Only a manager of the provider reviews interviews.",
    )
    try:
        interview = lock_for_edit(interview, None)
    except StaleEdit:
        # No row locks (SQLite): another write to the interview came first.
        interview = Interview.objects.get(pk=interview.pk)
        if interview.reviewed_at is None:
            raise
    problems = Problems()
    if interview.reviewed_at is not None:
        problems.add(
            "__all__",
            f"This interview was already reviewed by {interview.reviewed_by} at "
            f"{_when(interview.reviewed_at)}. Your review has not been saved.",
        )
    elif interview.submitted_at is None:
        problems.add(
            "__all__",
            "This interview was returned for changes: review it when it is submitted again.",
        )
    pending = list(interview.actions.all())
    for action in pending:
        if action.pk not in responses:
            problems.add(f"action_{action.pk}", "Respond to this action")
    problems.raise_if_any()
    for action in pending:
        response, action_comment = responses[action.pk]
        respond_to_action(
            action, response=response, comment=action_comment, acting_user=acting_user
        )
    now = timezone.now()
    interview.reviewed_at = now
    interview.reviewed_by = acting_user
    interview.manager_comment = comment
    interview.save()
    interview.rhis.update(status=RHI.Status.CLOSED, closed_at=now, version=F("version") + 1)
    record_write(
        acting_user,
        "review_interview",
        interview,
        comment=comment,
        version=interview.version,
        fields=["reviewed_at", "reviewed_by", "manager_comment"],
    )
    return interview


def interview_details(kind: str, data: dict[str, Any]) -> InterviewDetails:
    """Split a submitted standard form into the interview's own fields and its Box O answers."""
    return InterviewDetails(
        kind=kind,
        held_at=data["held_at"],
        place=data["place"],
        mode=data["mode"],
        people_present=data.get("people_present", ""),
        time_alone=data.get("time_alone"),
        information_from=data.get("information_from", ""),
        box_o={k: v for k, v in data.items() if k in BOX_O_FIELDS},
    )


def action_proposals(rows: list[dict[str, Any]]) -> list[ActionProposal]:
    """The proposed actions filled in on the form. Only wholly blank rows are left out: a row
    with who, when or a referral but no description reaches `record_interview`, which refuses
    it ("Describe the action") rather than dropping it."""
    started = ("description", "service", "owner", "due_date")
    return [
        ActionProposal(
            description=str(row.get("description") or ""),
            service=row.get("service") or "other",
            owner=row.get("owner", ""),
            due_date=row.get("due_date"),
        )
        for row in rows
        if row and any(str(row.get(name) or "").strip() for name in started)
    ]
