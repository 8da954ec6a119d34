"""Information-sharing forms (Box P): the form, its people, places, vehicles and phones, and its
sending to each police force with that force's receipt and feedback."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from returnhome.access.policy import (
    sharing_form_filter,
    sharing_recipient_filter,
    visible_rows,
)
from returnhome.lib.lookups import holds

if TYPE_CHECKING:
    from returnhome.accounts.models import User


class Category(models.TextChoices):
    SEXUAL_EXPLOITATION = "cse", "Child sexual exploitation"
    CRIMINAL_EXPLOITATION = "cce", "Child criminal exploitation"
    COUNTY_LINES = "county_lines", "County lines"
    GANGS = "gangs", "Gangs"
    DRUGS = "drugs", "Drugs"
    TRAFFICKING = "trafficking", "Trafficking"
    HARBOURING = "harbouring", "A harbouring adult"
    LOCATIONS = "locations", "Locations"
    VEHICLES = "vehicles", "Vehicles"
    PHONES = "phones", "Phones"
    ASSOCIATES = "associates", "Associates"
    PAYMENTS = "payments", "Payments or other transactions"
    MISSING_PATTERNS = "missing_patterns", "Missing patterns"
    OTHER = "other", "Other"


class SharingFormQuerySet(models.QuerySet["SharingForm"]):
    def visible_to(self, user: User) -> SharingFormQuerySet:
        """The forms this user may read (`access.policy.sharing_form_filter`)."""
        return visible_rows(self, sharing_form_filter(user))


class SharingForm(models.Model):
    class Source(models.TextChoices):
        CHILD = "child", "The child"
        PARENT_CARER = "parent_carer", "A parent or carer"
        PRACTITIONER = "practitioner", "The practitioner's own observation"
        PROFESSIONAL = "professional", "Another professional"
        THIRD_PARTY = "third_party", "A third party (rumour or concern)"

    class SourceEvaluation(models.TextChoices):
        """The source, graded as police intelligence is (the 3x5x2 model)."""

        RELIABLE = "1", "1: Reliable"
        UNTESTED = "2", "2: Untested"
        NOT_RELIABLE = "3", "3: Not reliable"

    class Assessment(models.TextChoices):
        """The information itself (3x5x2)."""

        KNOWN_DIRECTLY = "A", "A: Known directly to the source"
        CORROBORATED = "B", "B: Known indirectly, corroborated"
        INDIRECT = "C", "C: Known indirectly"
        NOT_KNOWN = "D", "D: Not known"
        SUSPECTED_FALSE = "E", "E: Suspected to be false"

    class LawfulBasis(models.TextChoices):
        CHILD_CONSENT = "child_consent", "The child consented"
        PARENT_CONSENT = "parent_consent", "A parent or carer consented"
        SAFEGUARDING = "safeguarding", "Shared without consent to safeguard the child"

    council = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council that sent it (the one holding the child's record)",
    )
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="sharing_forms"
    )
    episode = models.ForeignKey(
        "episodes.Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_forms",
    )
    interview = models.ForeignKey(
        "interviews.Interview",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sharing_forms",
    )
    categories: models.JSONField[Any] = models.JSONField(default=list)
    key_information = models.TextField(
        help_text="What is known: actions, significant events, dates, communication details"
    )
    coercion = models.TextField("Coercion or control", blank=True)
    payments = models.TextField("Payments or other transactions", blank=True)
    third_party = models.TextField(
        "Third-party information", blank=True, help_text="Rumours, concerns about people or places"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices)
    assessment = models.CharField(
        "Information assessment", max_length=1, choices=Assessment.choices
    )
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    consent_given_by = models.CharField(
        max_length=200, blank=True, help_text="Who consented (for a parent or carer)"
    )
    basis_reason = models.TextField(
        "Why it is shared without consent", blank=True, help_text="Required without consent"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    objects = SharingFormQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"Information sharing form {self.pk}"

    def categories_display(self) -> list[str]:
        labels = dict(Category.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class SharingEntry(models.Model):
    """One person, place, vehicle or phone number the form names."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person of concern"
        PLACE = "place", "Place"
        VEHICLE = "vehicle", "Vehicle"
        PHONE = "phone", "Phone number"

    form = models.ForeignKey(SharingForm, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=200, help_text="Name, address, registration or number")
    details = models.TextField(
        blank=True, help_text="Date of birth, nicknames, features, make and colour, whose phone"
    )

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class RecipientQuerySet(models.QuerySet["SharingRecipient"]):
    def visible_to(self, user: User) -> RecipientQuerySet:
        return visible_rows(self, sharing_recipient_filter(user))

    def overdue(self, now: dt.datetime | None = None) -> RecipientQuerySet:
        return self.filter(**feedback_overdue(now))

    def sent_or_received_by(self, user: User) -> RecipientQuerySet:
        """The sendings the user's own organisation is party to: the forms its council sent, or
        sent to its force (a host council reads the forms about a child placed in its area on
        the child's pages, but chasing the police is the sending council's)."""
        org = user.organisation_id
        return self.filter(models.Q(form__council_id=org) | models.Q(force_id=org))


class SharingRecipient(models.Model):
    """The form's sending to one force, with the force's receipt and feedback."""

    class Reason(models.TextChoices):
        COUNCIL_AREA = "council_area", "Force for the council's area"
        PLACEMENT_AREA = "placement_area", "Force for the placement's area"

    form = models.ForeignKey(SharingForm, on_delete=models.CASCADE, related_name="recipients")
    force = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    feedback = models.TextField(blank=True, help_text="What the force did with the information")
    feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "force"], name="sharing_once_per_force")
        ]

    def __str__(self) -> str:
        return f"Sent to {self.force}"

    @property
    def child_id(self) -> int:
        """The audit trail files each sending under the child (`core.audit`)."""
        return int(self.form.child_id)

    @property
    def is_overdue(self) -> bool:
        return holds(self, feedback_overdue())


def feedback_days() -> int:
    """Days a force has to give feedback before the form is overdue (default 14)."""
    return int(getattr(settings, "RETURNHOME_SHARING_FEEDBACK_DAYS", 14))


def feedback_overdue(now: dt.datetime | None = None) -> dict[str, Any]:
    """A sending is overdue when the force has given no feedback `feedback_days()` after it was
    sent: the one statement of the rule (the lists, the team page notice, the meeting pack, the
    job)."""
    now = now or timezone.now()
    return {"feedback_at__isnull": True, "sent_at__lt": now - dt.timedelta(days=feedback_days())}
