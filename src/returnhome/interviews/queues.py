"""The RHI queues that say what to do next: "my work" (a worker's own RHIs) and "my team's work"
(every open RHI of the provider), each with its counts, filters (status, deadline, worker,
group) and order: RHIs to allocate first, then what falls due first (overdue, then by deadline).

The counts are of the whole queue, before the filters, so the numbers at the top of the page do
not change as someone narrows the list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.db import models

from returnhome.access.policy import joins_many
from returnhome.accounts.models import User
from returnhome.core.forms import Form
from returnhome.interviews.models import RHI, RHIQuerySet, overdue
from returnhome.lib.groups import Group

SOON = dt.timedelta(hours=24)

NOT_ALLOCATED = "none"

DEADLINES = [
    ("overdue", "Overdue"),
    ("soon", "Due within 24 hours"),
    ("later", "Due later"),
]


def _deadline_q(deadline: str, now: dt.datetime) -> models.Q:
    waiting = models.Q(status__in=RHI.WAITING_STATUSES)
    if deadline == "overdue":
        return models.Q(**overdue(now))
    if deadline == "soon":
        return waiting & models.Q(due_at__gte=now, due_at__lt=now + SOON)
    return waiting & models.Q(due_at__gte=now + SOON)


class QueueFilterForm(Form):
    """The filters, by GET: none of them names a child."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status")]
        + [(s.value, s.label) for s in RHI.Status if s != RHI.Status.CLOSED],
    )
    deadline = forms.ChoiceField(
        label="Deadline", required=False, choices=[("", "Any deadline"), *DEADLINES]
    )
    worker = forms.ChoiceField(label="Worker", required=False)
    group = forms.ChoiceField(
        label="Group", required=False, choices=[("", "Any group"), *Group.choices()]
    )

    def __init__(self, *args: object, workers: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Anyone"),
            (NOT_ALLOCATED, "Not allocated"),
            *[(str(w.pk), w.get_full_name() or w.username) for w in workers],
        ]
        if not workers:
            del self.fields["worker"]


@dataclass(frozen=True)
class Counts:
    total: int
    to_allocate: int
    overdue: int
    due_soon: int
    awaiting_review: int


def counts(rhis: RHIQuerySet, now: dt.datetime) -> Counts:
    """How many RHIs of the queue are in each state that needs someone: one query (counting
    distinct RHIs only when the queue's query joins a relation that can repeat one)."""
    once = joins_many(rhis)
    row = rhis.order_by().aggregate(
        total=models.Count("pk", distinct=once),
        to_allocate=models.Count(
            "pk", distinct=once, filter=models.Q(status=RHI.Status.AWAITING_ALLOCATION)
        ),
        overdue=models.Count("pk", distinct=once, filter=_deadline_q("overdue", now)),
        due_soon=models.Count("pk", distinct=once, filter=_deadline_q("soon", now)),
        awaiting_review=models.Count(
            "pk", distinct=once, filter=models.Q(status=RHI.Status.AWAITING_REVIEW)
        ),
    )
    return Counts(**{name: int(value or 0) for name, value in row.items()})


def filtered(rhis: RHIQuerySet, choice: dict[str, str], now: dt.datetime) -> RHIQuerySet:
    """The RHIs that pass the chosen filters (an empty choice does not filter)."""
    if choice.get("status"):
        rhis = rhis.filter(status=choice["status"])
    if choice.get("deadline"):
        rhis = rhis.filter(_deadline_q(choice["deadline"], now))
    worker = choice.get("worker")
    if worker == NOT_ALLOCATED:
        rhis = rhis.filter(allocated_worker__isnull=True)
    elif worker:
        rhis = rhis.filter(allocated_worker_id=int(worker))
    if choice.get("group"):
        rhis = rhis.filter(episode__group=choice["group"])
    return rhis


def in_order(rhis: RHIQuerySet, now: dt.datetime) -> RHIQuerySet:
    """To allocate first; then overdue; then the RHIs still to do by deadline (soonest first);
    then those awaiting review or returned for changes; then referral."""
    return rhis.by_deadline(now, to_allocate_first=True)
