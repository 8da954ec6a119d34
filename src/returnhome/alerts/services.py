"""Sending alerts: one in-app alert per recipient, and an email to those with an address.

Emails go through Django's email backend (`EMAIL_BACKEND`) once the transaction that raised the
alert has committed, so a report that fails to save never sends one. An email says only that there
is an alert and where to read it: no child's name or details ever leave the system by email.

Each email's fate is recorded on its alert (`email_state`, `email_attempts`, `email_error`): one
that fails, or whose process stopped before sending it, is sent by the `alert_emails` job
(`send_due_emails`), up to RETURNHOME_ALERT_EMAIL_ATTEMPTS tries. An alert raised with a `key` is
raised once per recipient: a second call with the same key (a second job run, a second worker)
raises nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.core.audit import record_write
from returnhome.core.errors import require

log = logging.getLogger(__name__)


def _absolute(link: str) -> str:
    base = str(getattr(settings, "RETURNHOME_BASE_URL", "") or "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link


def max_email_attempts() -> int:
    return int(getattr(settings, "RETURNHOME_ALERT_EMAIL_ATTEMPTS", 5))


def _send_one(alert: Alert, state: str) -> bool:
    """Send the alert's email if this process claims it (from `state`, at its attempt count):
    True when sent. A failure is recorded on the alert, and retried until the attempts run out."""
    claimed = Alert.objects.filter(
        pk=alert.pk, email_state=state, email_attempts=alert.email_attempts
    ).update(email_state=Alert.Email.SENDING, email_attempts=F("email_attempts") + 1)
    if not claimed:  # another process sent it, or is sending it
        return False
    attempts = alert.email_attempts + 1
    body = (
        f"{alert.title}.\n\n"
        + (f"{alert.detail}\n\n" if alert.detail else "")
        + "Sign in to returnhome to read it"
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
    except Exception as exc:  # the in-app alert stands even when the mail server is down
        log.warning("Could not email alert %s (attempt %s): %s", alert.pk, attempts, exc)
        final = attempts >= max_email_attempts()
        Alert.objects.filter(pk=alert.pk).update(
            email_state=Alert.Email.GAVE_UP if final else Alert.Email.FAILED,
            email_error=f"{type(exc).__name__}: {exc}"[:300],
        )
        return False
    Alert.objects.filter(pk=alert.pk).update(email_state=Alert.Email.SENT, email_error="")
    return True


def _email(alerts: list[Alert]) -> None:
    for alert in alerts:
        if alert.emailed_to and alert.email_state == Alert.Email.PENDING:
            _send_one(alert, Alert.Email.PENDING)


def send_due_emails() -> int:
    """Send every alert email still to send or failed with tries left: how many were sent.

    Pending ones are those whose sender stopped before sending (the transaction's commit hook
    never ran); failed ones are retried here, once per run, up to RETURNHOME_ALERT_EMAIL_ATTEMPTS.
    """
    sent = 0
    due = Alert.objects.filter(
        email_state__in=[Alert.Email.PENDING, Alert.Email.FAILED],
        email_attempts__lt=max_email_attempts(),
    ).order_by("pk")
    for alert in due.iterator():
        sent += _send_one(alert, alert.email_state)
    return sent


def _user_key(key: str, user: User) -> str:
    return f"{key}:u{user.pk}"[:200]


def already_alerted(key: str, user: User) -> bool:
    """Whether `user` holds the alert raised with `key` (so a job can skip building it again)."""
    return Alert.objects.filter(key=_user_key(key, user)).exists()


@transaction.atomic
def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    title: str,
    link: str = "",
    acting_user: User | None = None,
    key: str | None = None,
    detail: str = "",
    now: dt.datetime | None = None,
) -> list[Alert]:
    """Alert each active recipient (once, however often they are listed) in the app and by email.

    With a `key` (what happened to which record, and when it was due), each recipient is alerted
    once ever: recipients already holding that key's alert are skipped.
    """
    seen: set[int] = set()
    alerts: list[Alert] = []
    now = now or timezone.now()
    for user in recipients:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        fields = {
            "recipient": user,
            "kind": kind,
            "title": title[:200],
            "link": link,
            "created_at": now,
            "emailed_to": user.email or "",
            "detail": detail,
            "email_state": Alert.Email.PENDING if user.email else Alert.Email.NONE,
        }
        if key is None:
            alert = Alert.objects.create(**fields)
        else:
            user_key = _user_key(key, user)
            if Alert.objects.filter(key=user_key).exists():
                continue
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(key=user_key, **fields)
            except IntegrityError:  # another worker raised it at the same moment
                continue
        record_write(acting_user, "send_alert", alert, recipient=user.pk, kind=kind)
        alerts.append(alert)
    email_on_commit(alerts)
    return alerts


def email_on_commit(alerts: list[Alert]) -> None:
    """Email the alerts once the transaction that raised them commits (`notify`; the demo's
    direct rows, which raise the alerts `notify` would)."""
    if alerts:
        transaction.on_commit(lambda: _email(alerts))


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
