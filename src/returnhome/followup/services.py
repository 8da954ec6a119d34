"""Proposed actions and referrals: proposing, the manager's response, progress to an outcome.

Actions are proposed on the interview form and responded to at its review: `interviews.services`
calls `propose_action` and `respond_to_action` (this app sits below interviews and knows an
interview only as the action's foreign key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from returnhome.access.policy import can_review_interview
from returnhome.accounts.models import User
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.followup.models import ProposedAction


@dataclass
class ActionProposal:
    """An action proposed on the interview form."""

    description: str
    service: str
    owner: str = ""
    due_date: dt.date | None = None


@transaction.atomic
def propose_action(
    interview_id: int, child_id: int, proposal: ActionProposal, *, acting_user: User
) -> ProposedAction:
    """Propose an action at the interview `interview_id` with the child `child_id`."""
    action = ProposedAction.objects.create(
        interview_id=interview_id,
        child_id=child_id,
        description=proposal.description.strip(),
        service=proposal.service,
        owner=proposal.owner,
        due_date=proposal.due_date,
    )
    record_write(acting_user, "propose_action", action, service=action.service)
    return action


@transaction.atomic
def respond_to_action(
    action: ProposedAction, *, response: str, comment: str = "", acting_user: User
) -> ProposedAction:
    require(
        can_review_interview(acting_user, action.interview),
        "Only a manager of the provider responds.",
    )
    problems = Problems()
    if response not in ProposedAction.Response.values:
        problems.add(f"action_{action.pk}", "Choose agree, agree with changes or reject")
    if (
        response in {ProposedAction.Response.CHANGED, ProposedAction.Response.REJECTED}
        and not comment.strip()
    ):
        problems.add(f"action_{action.pk}_comment", "Say what changes, or why it is rejected")
    problems.raise_if_any()
    action.manager_response = response
    action.manager_comment = comment.strip()
    action.responded_by = acting_user
    action.responded_at = timezone.now()
    action.status = (
        ProposedAction.Status.REJECTED
        if response == ProposedAction.Response.REJECTED
        else ProposedAction.Status.AGREED
    )
    action.save()
    record_write(acting_user, "respond_to_action", action, response=response, comment=comment)
    return action


@transaction.atomic
def record_action_progress(
    action: ProposedAction, *, status: str, outcome: str = "", acting_user: User
) -> ProposedAction:
    require(
        ProposedAction.objects.visible_to(acting_user).filter(pk=action.pk).exists(),
        "Only the team working with this child can update its actions.",
    )
    problems = Problems()
    progress = {
        ProposedAction.Status.IN_PROGRESS,
        ProposedAction.Status.DONE,
        ProposedAction.Status.NOT_DONE,
    }
    if status not in progress:
        problems.add("status", "Choose in progress, done or not done")
    if action.status in {ProposedAction.Status.PROPOSED, ProposedAction.Status.REJECTED}:
        problems.add("status", "Only agreed actions can progress")
    if (
        status in {ProposedAction.Status.DONE, ProposedAction.Status.NOT_DONE}
        and not outcome.strip()
    ):
        problems.add("outcome", "Record the outcome")
    problems.raise_if_any()
    action.status = status
    action.outcome = outcome.strip()
    action.completed_at = (
        timezone.now()
        if status in {ProposedAction.Status.DONE, ProposedAction.Status.NOT_DONE}
        else None
    )
    action.save()
    record_write(acting_user, "record_action_progress", action, status=status)
    return action
