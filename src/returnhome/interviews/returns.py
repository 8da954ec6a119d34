"""The review's other answer: the manager returns an interview to the practitioner with comments,
and the practitioner changes it and submits it again (services, like `services.review_interview`).

Returning sets the interview's RHIs to "Returned for changes" and alerts the practitioner at once
(alerts app); submitting it again puts them back to "Awaiting manager review" (the
`interviews_to_review` job alerts the reviewers again: the key holds the new `submitted_at`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from returnhome.access.policy import can_review_interview, can_work_rhi
from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import notify
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.core.versioning import lock_for_edit
from returnhome.followup.services import ActionProposal, propose_action
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import InterviewDetails


def _when(at: dt.datetime | None) -> str:
    return f"{timezone.localtime(at):%H:%M on %d/%m/%Y}" if at else "an earlier time"


@transaction.atomic
def return_interview(
    interview: Interview, *, comment: str, expected_version: int | None, acting_user: User
) -> Interview:
    """Send the interview back to the practitioner who recorded it, saying what to change."""
    require(
        can_review_interview(acting_user, interview),
        "Only a manager of the provider reviews interviews.",
    )
    interview = lock_for_edit(interview, expected_version)
    problems = Problems()
    if interview.reviewed_at is not None:
        problems.add(
            "__all__",
            f"This interview was already reviewed by {interview.reviewed_by} at "
            f"{_when(interview.reviewed_at)}.",
        )
    elif interview.submitted_at is None:
        problems.add("__all__", "This interview has already been returned for changes.")
    if not comment.strip():
        problems.add("return_comment", "Say what the practitioner should change")
    problems.raise_if_any()
    now = timezone.now()
    interview.returned_at = now
    interview.returned_by = acting_user
    interview.return_comment = comment.strip()
    interview.submitted_at = None
    interview.save()
    interview.rhis.update(status=RHI.Status.RETURNED, version=F("version") + 1)
    record_write(
        acting_user,
        "return_interview",
        interview,
        version=interview.version,
        fields=["returned_at", "returned_by", "return_comment", "submitted_at"],
    )
    primary = interview.recorded_for_id or interview.rhis.values_list("pk", flat=True).first()
    notify(
        [interview.conducted_by],
        kind=Alert.Kind.INTERVIEW_RETURNED,
        title="An interview you recorded was returned for changes: read the manager's comments",
        link=reverse("interviews:rhi", args=[primary]) if primary else "",
        acting_user=acting_user,
        key=f"interview_returned:{interview.pk}:{now.isoformat()}",
    )
    return interview


def _check_resubmit(
    interview: Interview, details: InterviewDetails, actions: list[ActionProposal]
) -> None:
    problems = Problems()
    if interview.submitted_at is not None or interview.reviewed_at is not None:
        problems.add("__all__", "This interview is not waiting for changes: it was submitted.")
    if details.held_at > timezone.now() + dt.timedelta(minutes=5):
        problems.add("held_at", "The interview cannot be in the future")
    for rhi in interview.rhis.select_related("episode"):
        returned = rhi.episode.returned_at
        if returned is not None and details.held_at < returned:
            local = timezone.localtime(returned)
            problems.add(
                "held_at",
                f"The interview cannot be before the child returned ({local:%d/%m/%Y %H:%M})",
            )
    if interview.is_interview and details.time_alone is None:
        problems.add("time_alone", "Say whether the child had time alone")
    if not interview.is_interview and not details.information_from.strip():
        problems.add("information_from", "Say who gave the information")
    for index, action in enumerate(actions):
        if not action.description.strip():
            problems.add(f"action_{index}", "Describe the action")
    problems.raise_if_any()


@transaction.atomic
def resubmit_interview(
    interview: Interview,
    details: InterviewDetails,
    actions: list[ActionProposal],
    *,
    expected_version: int | None,
    acting_user: User,
) -> Interview:
    """The practitioner's changed interview, submitted again for review, with any new actions
    (those proposed before stand, awaiting the review). `expected_version`: the interview's
    version when its form was opened (a draft's autosave never moves it)."""
    primary = interview.recorded_for or interview.rhis.first()
    require(
        primary is not None and can_work_rhi(acting_user, primary),
        "Only the allocated worker or a manager can do this.",
    )
    interview = lock_for_edit(interview, expected_version)
    _check_resubmit(interview, details, actions)
    changed = []
    for name, value in {
        "held_at": details.held_at,
        "place": details.place,
        "mode": details.mode,
        "people_present": details.people_present,
        "time_alone": details.time_alone if interview.is_interview else None,
        "information_from": details.information_from,
        **details.box_o,
    }.items():
        if getattr(interview, name) != value:
            setattr(interview, name, value)
            changed.append(name)
    interview.submitted_at = timezone.now()
    interview.save()
    interview.rhis.update(status=RHI.Status.AWAITING_REVIEW, version=F("version") + 1)
    for action in actions:
        propose_action(interview.pk, interview.child_id, action, acting_user=acting_user)
    record_write(
        acting_user,
        "resubmit_interview",
        interview,
        version=interview.version,
        fields=[*changed, "submitted_at"],
        new_actions=len(actions),
    )
    return interview
