"""Sending an information-sharing form to the police, and the force's receipt and feedback.

Every write checks who is acting (`access.policy.can_send_sharing_form`,
`can_answer_sharing_form`) and writes its audit rows in the same transaction: one for the form and
one per force it went to (the sharing is audited per recipient). The police are alerted in the
app and by email without the child's name (alerts never name a child, decision 0013).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from returnhome.access.policy import can_answer_sharing_form, can_send_sharing_form
from returnhome.access.roles import police_coordinator_users
from returnhome.accounts.models import User
from returnhome.alerts.models import Alert
from returnhome.alerts.services import notify
from returnhome.children.models import Child
from returnhome.core.audit import record_write
from returnhome.core.errors import Problems, require
from returnhome.core.versioning import changed_fields, lock_for_edit, snapshot
from returnhome.episodes.models import Episode
from returnhome.interviews.models import Interview
from returnhome.organisations.models import Organisation
from returnhome.sharing.models import Category, SharingEntry, SharingForm, SharingRecipient


@dataclass(frozen=True)
class Entry:
    """A person, place, vehicle or phone number (`SharingEntry.Kind`)."""

    kind: str
    value: str
    details: str = ""


@dataclass
class SharingDetails:
    categories: list[str]
    key_information: str
    source: str
    source_evaluation: str
    assessment: str
    lawful_basis: str
    consent_given_by: str = ""
    basis_reason: str = ""
    coercion: str = ""
    payments: str = ""
    third_party: str = ""
    entries: list[Entry] = field(default_factory=list)


def forces_for(child: Child, day: dt.date | None = None) -> list[tuple[Organisation, str]]:
    """The forces a child's form goes to: the force of the council's area, and the force of the
    area the child is placed in on `day` (today) when that is another force."""
    day = day or timezone.localdate()
    forces: list[tuple[Organisation, str]] = []
    council = Organisation.objects.select_related("police_force").get(pk=child.council_id)
    if council.police_force is not None:
        forces.append((council.police_force, SharingRecipient.Reason.COUNCIL_AREA))
    placement = child.placement_on(day)
    if placement is not None:
        area = Organisation.objects.select_related("police_force").get(pk=placement.council_area_id)
        if area.police_force is not None and area.police_force not in [f for f, _ in forces]:
            forces.append((area.police_force, SharingRecipient.Reason.PLACEMENT_AREA))
    return forces


def _check(details: SharingDetails, problems: Problems) -> None:
    if not details.categories:
        problems.add("categories", "Choose at least one category")
    elif set(details.categories) - set(Category.values):
        problems.add("categories", "Choose categories from the list")
    if not details.key_information.strip():
        problems.add("key_information", "Say what is known")
    choices = (
        ("source", details.source, SharingForm.Source.values, "Choose the source"),
        (
            "source_evaluation",
            details.source_evaluation,
            SharingForm.SourceEvaluation.values,
            "Grade the source",
        ),
        ("assessment", details.assessment, SharingForm.Assessment.values, "Grade the information"),
        (
            "lawful_basis",
            details.lawful_basis,
            SharingForm.LawfulBasis.values,
            "Choose the consent or lawful basis",
        ),
    )
    for name, value, allowed, message in choices:
        if value not in allowed:
            problems.add(name, message)
    if (
        details.lawful_basis == SharingForm.LawfulBasis.PARENT_CONSENT
        and not details.consent_given_by.strip()
    ):
        problems.add("consent_given_by", "Say which parent or carer consented")
    if (
        details.lawful_basis == SharingForm.LawfulBasis.SAFEGUARDING
        and not details.basis_reason.strip()
    ):
        problems.add("basis_reason", "Say why it is shared without consent")
    for entry in details.entries:
        if entry.kind not in SharingEntry.Kind.values or not entry.value.strip():
            problems.add("entries", "Each person, place, vehicle or phone needs its main detail")
            break


@transaction.atomic
def send_sharing_form(
    child: Child,
    details: SharingDetails,
    *,
    episode: Episode | None = None,
    interview: Interview | None = None,
    acting_user: User,
    now: dt.datetime | None = None,
) -> SharingForm:
    """Send what is known about `child` to the force(s) concerned (`forces_for`), optionally from
    one of the child's episodes or interviews; alert each force's coordinators."""
    require(
        can_send_sharing_form(acting_user, child),
        "Only a practitioner or manager of the child's council sends information to the police.",
    )
    now = now or timezone.now()
    problems = Problems()
    _check(details, problems)
    if episode is not None and episode.child_id != child.pk:
        problems.add("episode", "Choose one of this child's episodes")
    if interview is not None and interview.child_id != child.pk:
        problems.add("interview", "Choose one of this child's interviews")
    forces = forces_for(child, timezone.localdate(now))
    if not forces:
        problems.add(
            "categories", "No police force is recorded for the child's council or placement"
        )
    problems.raise_if_any()
    form = SharingForm.objects.create(
        council_id=child.council_id,
        child=child,
        episode=episode,
        interview=interview,
        categories=sorted(set(details.categories), key=Category.values.index),
        key_information=details.key_information.strip(),
        coercion=details.coercion.strip(),
        payments=details.payments.strip(),
        third_party=details.third_party.strip(),
        source=details.source,
        source_evaluation=details.source_evaluation,
        assessment=details.assessment,
        lawful_basis=details.lawful_basis,
        consent_given_by=details.consent_given_by.strip(),
        basis_reason=details.basis_reason.strip(),
        sent_by=acting_user,
        sent_at=now,
    )
    SharingEntry.objects.bulk_create(
        SharingEntry(form=form, kind=e.kind, value=e.value.strip(), details=e.details.strip())
        for e in details.entries
    )
    record_write(
        acting_user,
        "send_sharing_form",
        form,
        categories=form.categories,
        lawful_basis=form.lawful_basis,
        entries=len(details.entries),
        episode=form.episode_id,
        interview=form.interview_id,
    )
    for force, reason in forces:
        recipient = SharingRecipient.objects.create(
            form=form, force=force, reason=reason, sent_at=now
        )
        record_write(
            acting_user,
            "share_with_police",
            recipient,
            form=form.pk,
            force=force.pk,
            reason=reason,
            lawful_basis=form.lawful_basis,
        )
        _alert_force(recipient, acting_user, now)
    return form


def _alert_force(recipient: SharingRecipient, acting_user: User, now: dt.datetime) -> None:
    council = Organisation.objects.get(pk=recipient.form.council_id)
    notify(
        User.objects.filter(police_coordinator_users(), organisation_id=recipient.force_id),
        kind=Alert.Kind.SHARING_RECEIVED,
        title=f"{council.name} has shared information with your force",
        link=reverse("sharing:form", args=[recipient.form_id]),
        acting_user=acting_user,
        key=f"{Alert.Kind.SHARING_RECEIVED}:{recipient.pk}",
        now=now,
    )


@transaction.atomic
def acknowledge_sharing_form(
    recipient: SharingRecipient, *, acting_user: User, now: dt.datetime | None = None
) -> SharingRecipient:
    """The force records that it received the form (once: a second receipt changes nothing)."""
    require(
        can_answer_sharing_form(acting_user, recipient),
        "Only the force the form was sent to records its receipt.",
    )
    if SharingRecipient.objects.filter(pk=recipient.pk, received_at__isnull=False).exists():
        recipient.refresh_from_db()
        return recipient
    recipient = lock_for_edit(recipient, None)
    recipient.received_at = now or timezone.now()
    recipient.received_by = acting_user
    recipient.save()
    record_write(
        acting_user,
        "acknowledge_sharing_form",
        recipient,
        force=recipient.force_id,
        version=recipient.version,
        fields=["received_at", "received_by"],
    )
    return recipient


@transaction.atomic
def record_sharing_feedback(
    recipient: SharingRecipient,
    *,
    feedback: str,
    expected_version: int | None,
    acting_user: User,
    now: dt.datetime | None = None,
) -> SharingRecipient:
    """What the force did with the information. Feedback given without a receipt first records the
    receipt too (at the same moment); a later change of feedback keeps the first feedback time."""
    recipient = lock_for_edit(recipient, expected_version)
    require(
        can_answer_sharing_form(acting_user, recipient),
        "Only the force the form was sent to records what it did.",
    )
    problems = Problems()
    if not feedback.strip():
        problems.add("feedback", "Say what was done with the information")
    problems.raise_if_any()
    now = now or timezone.now()
    before = snapshot(recipient, ("received_at", "feedback", "feedback_at"))
    if recipient.received_at is None:
        recipient.received_at, recipient.received_by = now, acting_user
    recipient.feedback = feedback.strip()
    if recipient.feedback_at is None:
        recipient.feedback_at = now
    recipient.feedback_by = acting_user
    recipient.save()
    record_write(
        acting_user,
        "record_sharing_feedback",
        recipient,
        force=recipient.force_id,
        version=recipient.version,
        fields=changed_fields(before, recipient),
    )
    return recipient
