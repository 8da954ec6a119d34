"""The job on information-sharing forms: when a force has given no feedback `feedback_days()`
after a form was sent, the sender and the sending council's managers are alerted, once."""

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
    """Sendings that became overdue within the lookback: alert once per sending and person."""
    rule = feedback_overdue(now)
    late = SharingRecipient.objects.filter(
        **rule, sent_at__gte=rule["sent_at__lt"] - lookback()
    ).select_related("form", "force", "form__sent_by")
    sent = 0
    for sending in late.order_by("sent_at", "pk"):
        people: list[User] = [*managers_of(sending.form.council_id), sending.form.sent_by]
        sent += len(
            notify(
                people,
                kind=Alert.Kind.SHARING_OVERDUE,
                title=(
                    f"{sending.force.name} has given no feedback on information shared "
                    f"{timezone.localtime(sending.sent_at):%d/%m/%Y} ({feedback_days()} days)"
                ),
                link=reverse("sharing:form", args=[sending.form_id]),
                key=f"{Alert.Kind.SHARING_OVERDUE}:{sending.pk}",
                now=now,
            )
        )
    return sent
