"""The alerts' own job: send the emails still to send, and retry the failed ones."""

from __future__ import annotations

import datetime as dt

from returnhome.alerts.services import send_due_emails
from returnhome.core.jobs import job


@job("alert_emails", every=dt.timedelta(minutes=1), order=90)
def alert_emails(now: dt.datetime) -> int:
    """Emails of alerts whose sender stopped before sending, and failed ones with tries left."""
    return send_due_emails()
