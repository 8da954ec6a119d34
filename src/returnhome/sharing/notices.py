"""The team page's notice of forms still waiting for the police's feedback (the manager's page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from returnhome.interviews.notices import Notice
from returnhome.sharing.models import SharingRecipient, feedback_days

if TYPE_CHECKING:
    from returnhome.accounts.models import User


def overdue_notice(user: User) -> Notice | None:
    """How many of the forms this user's council sent have had no feedback in time (none: no
    notice). Counted per force a form went to."""
    overdue = SharingRecipient.objects.visible_to(user).sent_or_received_by(user).overdue().count()
    if not overdue:
        return None
    forms = "form" if overdue == 1 else "forms"
    return Notice(
        f"{overdue} information-sharing {forms} sent to the police "
        f"{'has' if overdue == 1 else 'have'} had no feedback after {feedback_days()} days "
        "(counted once for each force a form went to).",
        reverse("sharing:sent") + "?show=overdue",
        "See the forms waiting for feedback",
    )
