"""The job on information-sharing forms: when a force has given no feedback `feedback_days()`
after a form was sent, the sender and the sending council's managers are alerted, once per form."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.recipients import managers_of
from returnhome.alerts.services import notify
from returnhome.core.jobs import job, lookback
from returnhome.sharing.models import SharingRecipient, feedback_days, feedback_overdue


@job("sharing_feedback_overdue", every=dt.timedelta(hours=1))
def sharing_feedback_overdue(now: dt.datetime) -> int:
    """Forms with sendings that became overdue within the lookback: alert once per form and
    person, naming the forces still to answer."""
    rule = feedback_overdue(now)
    late = SharingRecipient.objects.filter(
        **rule, sent_at__gte=rule["sent_at__lt"] - lookback()
    ).select_related("form", "force", "form__sent_by")
    forms: dict[int, list[SharingRecipient]] = {}
    for sending in late.order_by("sent_at", "pk"):
        forms.setdefault(sending.form_id, []).append(sending)
    sent = 0
    for form_id, sendings in forms.items():
        form = sendings[0].form
        people: list[User] = [*managers_of(form.council_id), form.sent_by]
        forces = " and ".join(s.force.name for s in sendings)
        sent += len(
            notify(
                people,
                kind=Alert.Kind.SHARING_OVERDUE,
                title=(
                    f"No feedback from {forces} on information shared "
                    f"{timezone.localtime(form.sent_at):%d/%m/%Y} ({feedback_days()} days)"
                ),
                link=reverse("sharing:form", args=[form_id]),
                key=f"{Alert.Kind.SHARING_OVERDUE}:{form_id}",
                now=now,
            )
        )
    return sent
