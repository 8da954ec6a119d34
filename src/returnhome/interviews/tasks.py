"""The RHI as a task list (the GOV.UK task list pattern): each step of the RHI with its status,
the link for who may do it, and the next step to take, which the page highlights.

Steps, in order: allocate, contact, consent (optional), offer, accepted or declined, the
interview, the manager's review. The statuses are read from the RHI; nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from returnhome.access.policy import can_allocate, can_review_interview, can_work_rhi
from returnhome.accounts.models import User
from returnhome.interviews.models import RHI, InterviewDraft

DONE = "Completed"
TODO = "Not started"
BLOCKED = "Cannot start yet"
NOT_NEEDED = "Not needed"


@dataclass
class Task:
    slug: str
    name: str
    status: str
    hint: str = ""
    url: str = ""
    optional: bool = False
    is_next: bool = False

    @property
    def colour(self) -> str:
        """The status tag's colour ("" for plain text: GOV.UK shows Completed and Cannot start
        yet as text, other statuses as tags)."""
        if self.status in (DONE, BLOCKED, NOT_NEEDED):
            return ""
        return {"Returned for changes": "orange", "Waiting for review": "purple"}.get(
            self.status, "blue"
        )


def _allocate(rhi: RHI, user: User) -> Task:
    if rhi.allocated_worker_id:
        return Task("allocate", "Allocate a worker", DONE, f"{rhi.allocated_worker}")
    url = reverse("interviews:allocate", args=[rhi.pk]) if can_allocate(user, rhi) else ""
    return Task("allocate", "Allocate a worker", TODO, "A manager of the team allocates", url)


def _contact(rhi: RHI, attempts: int, may: bool) -> Task:
    status = DONE if rhi.offer_made_at or rhi.outcome else ("In progress" if attempts else TODO)
    hint = f"{attempts} attempt{'s' if attempts != 1 else ''} logged" if attempts else ""
    hint += (
        "; " if hint else ""
    ) + "\u201cInterview arranged\u201d records the offer and acceptance"
    url = reverse("interviews:contact", args=[rhi.pk]) if may else ""
    return Task("contact", "Contact the child or family", status, hint, url)


def _consent(rhi: RHI, may: bool) -> Task:
    if rhi.consent_needed is None:
        status, hint = TODO, "If consent is needed, who gave it"
    elif rhi.consent_needed:
        status = DONE
        hint = f"Given by {rhi.get_consent_given_by_display()} {rhi.consent_given_by_name}".strip()
    else:
        status, hint = DONE, "Not needed"
    url = reverse("interviews:consent", args=[rhi.pk]) if may else ""
    return Task("consent", "Record consent", status, hint, url, optional=True)


def _offer(rhi: RHI, may: bool) -> Task:
    url = reverse("interviews:offer", args=[rhi.pk]) if may else ""
    if rhi.offer_made_at:
        hint = f"Offered to {rhi.get_offered_to_display().lower()}"
        return Task("offer", "Offer the interview", DONE, hint, url)
    if rhi.outcome == RHI.Outcome.NOT_APPLICABLE:
        return Task("offer", "Offer the interview", NOT_NEEDED, "Not applicable")
    return Task("offer", "Offer the interview", TODO, "When, and to whom", url)


def _outcome(rhi: RHI, may: bool) -> Task:
    url = reverse("interviews:outcome", args=[rhi.pk]) if may else ""
    if rhi.outcome:
        hint = rhi.get_outcome_display()
        if rhi.decline_reason:
            hint += f": {rhi.get_decline_reason_display()}"
        return Task("outcome", "Accepted or declined", DONE, hint, url)
    if rhi.offer_made_at is None:
        return Task("outcome", "Accepted or declined", BLOCKED, "Offer the interview first", url)
    return Task("outcome", "Accepted or declined", TODO, "", url)


def _interview(rhi: RHI, user: User, may: bool) -> Task:
    name = "Record the interview"
    if rhi.status == RHI.Status.RETURNED:
        url = reverse("interviews:record_interview", args=[rhi.pk]) if may else ""
        if rhi.interview is not None and not rhi.interview.is_interview:
            url = reverse("interviews:record_carer_only", args=[rhi.pk]) if may else ""
        comment = rhi.interview.return_comment if rhi.interview else ""
        return Task("interview", name, "Returned for changes", comment, url)
    if rhi.interview_id:
        url = reverse("interviews:interview", args=[rhi.interview_id])
        return Task("interview", name, DONE, str(rhi.interview), url)
    if rhi.outcome and rhi.outcome != RHI.Outcome.ACCEPTED:
        return Task("interview", name, NOT_NEEDED, "The interview was not accepted")
    if rhi.outcome != RHI.Outcome.ACCEPTED:
        return Task("interview", name, BLOCKED, "Once the interview is accepted")
    draft = InterviewDraft.objects.filter(rhi=rhi, author=user).order_by("-saved_at").first()
    url = reverse("interviews:record_interview", args=[rhi.pk]) if may else ""
    if draft is not None:
        url = reverse("interviews:interview_check", args=[rhi.pk, draft.kind]) if may else ""
        return Task(
            "interview", name, "In progress", f"Draft saved {draft.saved_at:%d/%m %H:%M}", url
        )
    return Task("interview", name, TODO, "In three parts, saved as you go", url)


def _review(rhi: RHI, user: User) -> Task:
    name = "Manager's review"
    interview = rhi.interview
    if interview is None or rhi.status == RHI.Status.RETURNED:
        return Task("review", name, BLOCKED, "Once the interview is submitted")
    if interview.reviewed_at:
        return Task("review", name, DONE, f"Reviewed by {interview.reviewed_by}")
    may = can_review_interview(user, interview)
    url = reverse("interviews:review", args=[interview.pk]) if may else ""
    return Task("review", name, "Waiting for review", "", url)


def tasks_for(rhi: RHI, user: User, attempts: int) -> list[Task]:
    """The RHI's steps for this reader, the next one to take marked `is_next`."""
    open_ = rhi.status != RHI.Status.CLOSED and rhi.interview_id is None
    may = open_ and can_work_rhi(user, rhi)
    returned = rhi.status == RHI.Status.RETURNED
    tasks = [
        _allocate(rhi, user),
        _contact(rhi, attempts, may),
        _consent(rhi, may),
        _offer(rhi, may),
        _outcome(rhi, may),
        _interview(rhi, user, (may or returned) and can_work_rhi(user, rhi)),
        _review(rhi, user),
    ]
    if rhi.status == RHI.Status.CLOSED and rhi.interview_id is None:
        for task in tasks:
            if task.status in (TODO, BLOCKED, "In progress"):
                task.status, task.url = NOT_NEEDED, ""
    for task in tasks:
        if not task.optional and task.status not in (DONE, NOT_NEEDED):
            if task.slug == "contact" and rhi.offer_made_at:
                continue
            task.is_next = True
            break
    return tasks
