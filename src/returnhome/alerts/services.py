"""Sending alerts: one in-app alert per recipient, and an email to those with an address.

Emails go through Django's email backend (`EMAIL_BACKEND`) once the transaction that raised the
alert has committed, so a report that fails to save never sends one. An email says only that there
is an alert and where to read it: no child's name or details ever leave the system by email.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.core.audit import record_write
from returnhome.core.errors import require

log = logging.getLogger(__name__)


def _absolute(link: str) -> str:
    base = str(getattr(settings, "RETURNHOME_BASE_URL", "") or "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def _email(alerts: list[Alert]) -> None:
    for alert in alerts:
        if not alert.emailed_to:
            continue
        body = (
            f"{alert.title}.\n\n"
            "Sign in to returnhome to read it"
            + (f": {_absolute(alert.link)}" if alert.link else "")
            + "\n\nThis email holds no details about the child. Do not reply to it."
        )
        try:
            send_mail(
                f"returnhome: {alert.get_kind_display()}",
                body,
                None,
                [alert.emailed_to],
                fail_silently=False,
            )
        except Exception:  # the in-app alert stands even when the mail server is down
            log.exception("Could not email alert %s", alert.pk)


@transaction.atomic
def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    link: str = "",
    acting_user: User | None = None,
) -> list[Alert]:
    """Alert each active recipient (once, however often they are listed) in the app and by email."""
    seen: set[int] = set()
    alerts: list[Alert] = []
    now = timezone.now()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        alert = Alert.objects.create(
            recipient=user,
            kind=kind,
            title=title[:200],
            link=link,
            created_at=now,
            emailed_to=user.email or "",
        )
        record_write(acting_user, "send_alert", alert, recipient=user.pk, kind=kind)
        alerts.append(alert)
    if alerts:
        transaction.on_commit(lambda: _email(alerts))
    return alerts


@transaction.atomic
def mark_read(alert: Alert, *, acting_user: User) -> Alert:
    require(alert.recipient_id == acting_user.pk, "This is not your alert.")
    if alert.read_at is None:
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
        record_write(acting_user, "mark_alert_read", alert)
    return alert


@transaction.atomic
def mark_all_read(*, acting_user: User) -> int:
    unread = list(Alert.objects.visible_to(acting_user).unread())
    for alert in unread:
        record_write(acting_user, "mark_alert_read", alert)
    Alert.objects.filter(pk__in=[a.pk for a in unread]).update(read_at=timezone.now())
    return len(unread)
