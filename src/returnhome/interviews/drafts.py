"""Interview drafts: what the practitioner has typed into the interview form, saved as they go.

The form comes in sections (`forms.SECTIONS`); each section's "Save and continue", and the page's
autosave script every few seconds while they type, save the section's fields into the author's
draft (`save_draft`). A draft is its author's own (nobody else reads or writes it) and saving it
writes no other record: it bumps neither the RHI's nor the interview's `version`, so an autosave
never makes the author's own submit stale. `submit_draft` records the interview (or submits a
returned one again) and removes the draft in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from returnhome.access.policy import can_work_rhi
from returnhome.accounts.models import User
from returnhome.core.audit import record_write
from returnhome.core.errors import require
from returnhome.followup.services import ActionProposal
from returnhome.interviews import services
from returnhome.interviews.models import RHI, Interview, InterviewDraft
from returnhome.interviews.returns import resubmit_interview

Values = dict[str, list[str]]


def owns(name: str, key: str) -> bool:
    """Whether a posted key belongs to the form field `name` (its date parts, its formset rows)."""
    return key == name or key.startswith((f"{name}_", f"{name}-"))


def draft_for(rhi: RHI, author: User, kind: str) -> InterviewDraft | None:
    return InterviewDraft.objects.filter(rhi=rhi, author=author, kind=kind).first()


@transaction.atomic
def save_draft(
    rhi: RHI,
    *,
    kind: str,
    names: Iterable[str],
    values: Values,
    acting_user: User,
    interview: Interview | None = None,
) -> InterviewDraft:
    """Save the fields `names` (those of one section) with what was posted for them: a field
    posted blank, or a box left unticked, is saved as such. Never refused for what it holds: a
    draft keeps work, the submit checks it."""
    require(can_work_rhi(acting_user, rhi), "Only the allocated worker or a manager can do this.")
    draft, created = InterviewDraft.objects.select_for_update().get_or_create(
        rhi=rhi, author=acting_user, kind=kind, defaults={"interview": interview}
    )
    names = list(names)
    kept = {k: v for k, v in draft.data.items() if not any(owns(n, k) for n in names)}
    posted = {k: [str(x) for x in v] for k, v in values.items() if any(owns(n, k) for n in names)}
    draft.data = {**kept, **posted}
    draft.saved_at = timezone.now()
    draft.save()
    record_write(
        acting_user,
        "save_interview_draft",
        draft,
        rhi=rhi.pk,
        kind=kind,
        fields=sorted({n for n in names if any(owns(n, k) for k in posted)}),
        created=created,
    )
    return draft


@transaction.atomic
def start_changes(rhi: RHI, interview: Interview, values: Values, *, acting_user: User) -> None:
    """A returned interview opened for changes: the author's draft starts from what it holds
    (and the interview's version, which the submit then expects), unless they have one already."""
    require(can_work_rhi(acting_user, rhi), "Only the allocated worker or a manager can do this.")
    _, created = InterviewDraft.objects.get_or_create(
        rhi=rhi,
        author=acting_user,
        kind=interview.kind,
        defaults={
            "interview": interview,
            "data": {**values, "expected_version": [str(interview.version)]},
        },
    )
    if created:
        record_write(acting_user, "start_interview_changes", interview, rhi=rhi.pk)


@transaction.atomic
def submit_draft(
    rhi: RHI,
    kind: str,
    data: dict[str, Any],
    actions: list[ActionProposal],
    *,
    covers: list[RHI],
    acting_user: User,
) -> Interview:
    """Record the interview from the checked answers (a returned one: submit it again), then
    remove the author's draft: both or neither."""
    draft = draft_for(rhi, acting_user, kind)
    details = services.interview_details(kind, data)
    returned = rhi.interview if rhi.status == RHI.Status.RETURNED else None
    if returned is not None:
        expected = (draft.data.get("expected_version") or [None])[0] if draft else None
        interview = resubmit_interview(
            returned,
            details,
            actions,
            expected_version=int(expected) if expected else returned.version,
            acting_user=acting_user,
        )
    else:
        interview = services.record_interview(
            [rhi, *covers], details, actions, acting_user=acting_user
        )
    if draft is not None:
        record_write(acting_user, "discard_interview_draft", draft, rhi=rhi.pk, submitted=True)
        draft.delete()
    return interview
