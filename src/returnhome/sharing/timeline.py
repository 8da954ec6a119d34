"""Every sharing on the child's timeline: each force a form went to, and its receipt and feedback,
for those who may read the form (a force sees only its own)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.urls import reverse

from returnhome.children.timeline import Entry
from returnhome.sharing.models import SharingRecipient

if TYPE_CHECKING:
    from returnhome.accounts.models import User
    from returnhome.children.models import Child


def sharing_entries(child: Child, user: User) -> Iterator[Entry]:
    sendings = (
        SharingRecipient.objects.visible_to(user)
        .filter(form__child=child)
        .select_related("form", "force")
    )
    for sending in sendings:
        form = sending.form
        url = reverse("sharing:form", args=[form.pk])
        yield Entry(
            sending.sent_at,
            "sharing",
            f"Information shared with {sending.force.name}",
            f"{', '.join(form.categories_display())}. {form.get_lawful_basis_display()}.",
            url,
        )
        if sending.received_at:
            yield Entry(
                sending.received_at, "sharing", f"{sending.force.name} received it", "", url
            )
        if sending.feedback_at:
            yield Entry(
                sending.feedback_at, "sharing", f"{sending.force.name} gave feedback", "", url
            )
