"""The RHI steps a demo child's story takes, two ways with one interface: `ServiceSteps` calls
the services (and corrects their times with an update, as the demo always did); `DirectSteps`
does, on the child's records held in memory (`direct.DirectRows`), exactly what those services
do: the same fields, the version bumped where `core.versioning.lock_for_edit` bumps it, the same
audit rows in the same order. The permission and form checks the services make are not repeated:
the demo never breaks them, and `tests/demo/test_demo_direct.py` compares both ways row by row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from returnhome.access.roles import RHI_WORKER_ROLES
from returnhome.accounts.models import User
from returnhome.core.versioning import changed_fields, snapshot
from returnhome.followup import services as followup_services
from returnhome.followup.models import ProposedAction
from returnhome.interviews import services as rhi_services
from returnhome.interviews.models import RHI, ContactAttempt, Interview
from returnhome.interviews.services import (
    ALLOCATION_FIELDS,
    CONSENT_FIELDS,
    OFFER_FIELDS,
    OUTCOME_FIELDS,
    ActionProposal,
    InterviewDetails,
    independence_warning,
)

from .direct import DirectRows, as_read


class ServiceSteps:
    """Every step through its service, one at a time, as people would."""

    suggest_worker = staticmethod(rhi_services.suggest_worker)
    allocate_rhi = staticmethod(rhi_services.allocate_rhi)
    log_contact_attempt = staticmethod(rhi_services.log_contact_attempt)
    record_consent = staticmethod(rhi_services.record_consent)
    record_offer = staticmethod(rhi_services.record_offer)
    record_outcome = staticmethod(rhi_services.record_outcome)
    record_interview = staticmethod(rhi_services.record_interview)
    review_interview = staticmethod(rhi_services.review_interview)
    record_action_progress = staticmethod(followup_services.record_action_progress)

    def correct(self, obj: models.Model, **fields: Any) -> None:
        """Set times the services stamp with the real clock to the simulated ones."""
        type(obj)._default_manager.filter(pk=obj.pk).update(**fields)
        for name, value in fields.items():
            setattr(obj, name, value)

    def actions_of(self, interview: Interview) -> list[ProposedAction]:
        return list(interview.actions.order_by("pk"))

    def reread(self, action: ProposedAction) -> None:
        action.refresh_from_db()

    def close_reviewed(self, interview: Interview, reviewed: dt.datetime) -> None:
        Interview.objects.filter(pk=interview.pk).update(reviewed_at=reviewed)
        RHI.objects.filter(interview=interview).update(closed_at=reviewed)
        ProposedAction.objects.filter(interview=interview).update(responded_at=reviewed)


def _lock(obj: Any) -> None:
    """`lock_for_edit(obj, None)` on a record held in memory: as re-read, its version bumped."""
    as_read(obj)
    obj.version += 1


def _changed(before: dict[str, Any], obj: models.Model) -> list[str]:
    return changed_fields(before, obj)


class DirectSteps:
    """Every step done on the child's records in memory, written at the child's end."""

    def __init__(self, rows: DirectRows) -> None:
        self.rows = rows
        self.interviews: list[Interview] = []  # this child's, in the order recorded
        self.actions: dict[int, list[ProposedAction]] = {}  # by interview pk, in order proposed
        self.rhis: list[RHI | None] = []  # this child's (None: an episode still open)

    def start_child(self, rhis: list[RHI | None]) -> None:
        self.interviews, self.actions, self.rhis = [], {}, rhis

    def suggest_worker(self, rhi: RHI) -> User | None:
        """`interviews.services.suggest_worker` over the child's interviews in memory."""
        own = rhi.child.allocated_social_worker_id or 0
        found = [
            i
            for i in self.interviews
            if i.conducted_by_id != own
            and i.conducted_by.role in RHI_WORKER_ROLES
            and i.conducted_by.is_active
            and i.conducted_by.organisation_id == rhi.provider_id
        ]
        if not found:
            return None
        return max(found, key=lambda i: i.held_at).conducted_by

    def allocate_rhi(
        self,
        rhi: RHI,
        worker: User,
        *,
        expected_version: None,
        acting_user: User,
        independence_reason: str = "",
    ) -> RHI:
        _lock(rhi)
        before = snapshot(rhi, ALLOCATION_FIELDS)
        rhi.allocated_worker = worker
        rhi.allocated_at = timezone.now()
        rhi.independence_reason = (
            independence_reason.strip() if independence_warning(rhi, worker) else ""
        )
        if rhi.status == RHI.Status.AWAITING_ALLOCATION:
            rhi.status = RHI.Status.ALLOCATED
        self.rows.touch(rhi)
        self.rows.audit(
            acting_user,
            "allocate_rhi",
            rhi,
            worker=worker,
            independence_reason=rhi.independence_reason,
            version=rhi.version,
            fields=_changed(before, rhi),
        )
        return rhi

    def log_contact_attempt(
        self,
        rhi: RHI,
        *,
        attempted_at: dt.datetime,
        method: str,
        contacted: str,
        result: str,
        acting_user: User,
    ) -> ContactAttempt:
        attempt = self.rows.add(
            ContactAttempt(
                rhi=rhi,
                attempted_at=attempted_at,
                method=method,
                contacted=contacted,
                result=result,
                note="",
                recorded_by=acting_user,
            )
        )
        self.rows.audit(
            acting_user,
            "log_contact_attempt",
            rhi,
            method=method,
            contacted=contacted,
            result=result,
        )
        if result == ContactAttempt.Result.ARRANGED:
            self._arranged(rhi, attempted_at, contacted, acting_user)
        return attempt

    def _arranged(self, rhi: RHI, at: dt.datetime, contacted: str, acting_user: User) -> None:
        """`interviews.services._arranged`."""
        as_read(rhi)
        settled = rhi.offer_made_at is not None and bool(rhi.outcome)
        if settled or rhi.status == RHI.Status.CLOSED or rhi.interview_id is not None:
            return
        _lock(rhi)
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
        self.rows.touch(rhi)
        self.rows.audit(
            acting_user,
            "record_offer_and_acceptance",
            rhi,
            from_contact_attempt=True,
            version=rhi.version,
            fields=_changed(before, rhi),
        )

    def record_consent(
        self,
        rhi: RHI,
        *,
        consent_needed: bool,
        given_by: str = "",
        given_by_name: str = "",
        expected_version: None,
        acting_user: User,
    ) -> RHI:
        _lock(rhi)
        before = snapshot(rhi, CONSENT_FIELDS)
        rhi.consent_needed = consent_needed
        rhi.consent_given_by = given_by if consent_needed else ""
        rhi.consent_given_by_name = given_by_name if consent_needed else ""
        rhi.consent_recorded_at = timezone.now()
        self.rows.touch(rhi)
        self.rows.audit(
            acting_user,
            "record_consent",
            rhi,
            consent_needed=consent_needed,
            given_by=given_by,
            version=rhi.version,
            fields=_changed(before, rhi),
        )
        return rhi

    def record_offer(
        self,
        rhi: RHI,
        *,
        offer_made_at: dt.datetime,
        offered_to: str,
        expected_version: None,
        acting_user: User,
    ) -> RHI:
        _lock(rhi)
        before = snapshot(rhi, OFFER_FIELDS)
        rhi.offer_made_at = offer_made_at
        rhi.offered_to = offered_to
        if rhi.status in {RHI.Status.AWAITING_ALLOCATION, RHI.Status.ALLOCATED}:
            rhi.status = RHI.Status.OFFERED
        self.rows.touch(rhi)
        self.rows.audit(
            acting_user,
            "record_offer",
            rhi,
            offer_made_at=offer_made_at,
            offered_to=offered_to,
            version=rhi.version,
            fields=_changed(before, rhi),
        )
        return rhi

    def record_outcome(
        self,
        rhi: RHI,
        *,
        outcome: str,
        decline_reason: str = "",
        note: str = "",
        expected_version: None,
        acting_user: User,
    ) -> RHI:
        _lock(rhi)
        before = snapshot(rhi, OUTCOME_FIELDS)
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
        self.rows.touch(rhi)
        self.rows.audit(
            acting_user,
            "record_outcome",
            rhi,
            outcome=outcome,
            decline_reason=decline_reason,
            version=rhi.version,
            fields=_changed(before, rhi),
        )
        return rhi

    def record_interview(
        self,
        rhis: list[RHI],
        details: InterviewDetails,
        actions: list[ActionProposal],
        *,
        acting_user: User,
    ) -> Interview:
        for rhi in sorted(rhis, key=lambda r: r.pk):
            _lock(rhi)
        primary = rhis[0]
        is_interview = details.kind == Interview.Kind.INTERVIEW
        now = timezone.now()
        interview = self.rows.add(
            Interview(
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
        )
        self.interviews.append(interview)
        for rhi in rhis:
            self._cover(rhi, interview, details, primary=primary, acting_user=acting_user, now=now)
        proposed = self.actions.setdefault(interview.pk, [])
        for proposal in actions:
            action = self.rows.add(
                ProposedAction(
                    interview_id=interview.pk,
                    child_id=interview.child_id,
                    description=proposal.description.strip(),
                    service=proposal.service,
                    owner=proposal.owner,
                    due_date=proposal.due_date,
                )
            )
            proposed.append(action)
            self.rows.audit(acting_user, "propose_action", action, service=action.service)
        self.rows.audit(acting_user, "record_interview", interview, covers=[r.pk for r in rhis])
        return interview

    def _cover(
        self,
        rhi: RHI,
        interview: Interview,
        details: InterviewDetails,
        *,
        primary: RHI,
        acting_user: User,
        now: dt.datetime,
    ) -> None:
        """`interviews.services._cover`."""
        covered_detail: dict[str, Any] = {}
        if interview.is_interview and rhi.outcome != RHI.Outcome.ACCEPTED:
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
        self.rows.touch(rhi)
        self.rows.audit(
            acting_user,
            "record_interview",
            rhi,
            interview=interview.pk,
            kind=details.kind,
            version=rhi.version,
            fields=["interview", "status"],
            **covered_detail,
        )

    def review_interview(
        self,
        interview: Interview,
        *,
        responses: dict[int, tuple[str, str]],
        comment: str = "",
        acting_user: User,
    ) -> Interview:
        _lock(interview)
        # interview.actions.all(): by due date (none first, as SQLite sorts), then pk
        pending = sorted(
            self.actions.get(interview.pk, []),
            key=lambda a: (a.due_date is not None, a.due_date or dt.date.min, a.pk),
        )
        for action in pending:
            response, action_comment = responses[action.pk]
            self._respond(action, response, action_comment, acting_user)
        now = timezone.now()
        interview.reviewed_at = now
        interview.reviewed_by = acting_user
        interview.manager_comment = comment
        self.rows.touch(interview)
        for rhi in self.rhis:
            if rhi is not None and rhi.interview_id == interview.pk:
                rhi.status, rhi.closed_at = RHI.Status.CLOSED, now
                rhi.version += 1
                self.rows.touch(rhi)
        self.rows.audit(
            acting_user,
            "review_interview",
            interview,
            comment=comment,
            version=interview.version,
            fields=["reviewed_at", "reviewed_by", "manager_comment"],
        )
        return interview

    def _respond(
        self, action: ProposedAction, response: str, comment: str, acting_user: User
    ) -> None:
        """`followup.services.respond_to_action`."""
        _lock(action)
        action.manager_response = response
        action.manager_comment = comment.strip()
        action.responded_by = acting_user
        action.responded_at = timezone.now()
        action.status = (
            ProposedAction.Status.REJECTED
            if response == ProposedAction.Response.REJECTED
            else ProposedAction.Status.AGREED
        )
        self.rows.touch(action)
        self.rows.audit(
            acting_user,
            "respond_to_action",
            action,
            response=response,
            comment=comment,
            version=action.version,
            fields=["status", "manager_response", "manager_comment"],
        )

    def record_action_progress(
        self,
        action: ProposedAction,
        *,
        expected_version: None,
        status: str,
        outcome: str = "",
        acting_user: User,
    ) -> ProposedAction:
        _lock(action)
        before = snapshot(action, ("status", "outcome"))
        action.status = status
        action.outcome = outcome.strip()
        done = {ProposedAction.Status.DONE, ProposedAction.Status.NOT_DONE}
        action.completed_at = timezone.now() if status in done else None
        self.rows.touch(action)
        self.rows.audit(
            acting_user,
            "record_action_progress",
            action,
            status=status,
            version=action.version,
            fields=_changed(before, action),
        )
        return action

    def correct(self, obj: models.Model, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(obj, name, value)
        self.rows.touch(obj)

    def actions_of(self, interview: Interview) -> list[ProposedAction]:
        return sorted(self.actions.get(interview.pk, []), key=lambda a: a.pk)

    def reread(self, action: ProposedAction) -> None:
        as_read(action)

    def close_reviewed(self, interview: Interview, reviewed: dt.datetime) -> None:
        interview.reviewed_at = reviewed
        self.rows.touch(interview)
        for rhi in self.rhis:
            if rhi is not None and rhi.interview_id == interview.pk:
                rhi.closed_at = reviewed
                self.rows.touch(rhi)
        for action in self.actions.get(interview.pk, []):
            action.responded_at = reviewed
            self.rows.touch(action)
