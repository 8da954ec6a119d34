"""Children, with aliases, legal-status history, placements and risk flags."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from returnhome.access.policy import (
    child_filter,
    front_door_filter,
    package_filter,
    package_send_filter,
    visible_rows,
)
from returnhome.core.models import TimeStampedModel

if TYPE_CHECKING:
    from returnhome.accounts.models import User


class ChildQuerySet(models.QuerySet["Child"]):
    def visible_to(self, user: User) -> ChildQuerySet:
        """Children whose records this user may see. The one place that decides."""
        return visible_rows(self, child_filter(user))

    def current(self) -> ChildQuerySet:
        """Not merged into another record, not erased: what lists, search and matching show."""
        return self.filter(merged_into__isnull=True, erased_at__isnull=True)


class Child(TimeStampedModel):
    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Other / not stated"

    class Service(models.TextChoices):
        EARLY_HELP = "early_help", "Early help"
        CHILD_IN_NEED = "child_in_need", "Child in need"
        CHILD_PROTECTION = "child_protection", "Child protection plan"
        LOOKED_AFTER = "looked_after", "Looked after"
        YOUTH_JUSTICE = "youth_justice", "Youth justice"
        CAMHS = "camhs", "CAMHS"

    council = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The council that holds this record",
    )
    la_child_id = models.CharField("Council child ID", max_length=40, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.OTHER)
    gender = models.CharField(max_length=60, blank=True)
    ethnicity = models.CharField(max_length=60, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    nhs_number = models.CharField("NHS number", max_length=10, blank=True)
    services_involved: models.JSONField[Any] = models.JSONField(default=list, blank=True)
    allocated_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocated_children",
    )
    photographs_held = models.BooleanField(default=False)
    photographs_location = models.CharField(max_length=200, blank=True)
    interviews_shared_with_host = models.BooleanField(
        "Interview records shared with the host council",
        default=False,
        help_text="Set by the responsible council: the council where the child is placed reads "
        "the interview records too (it always sees the outcome and a summary)",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text="A duplicate record, merged into this one (kept, hidden from lists and matching)",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="The child's personal data was erased (privacy.services.erase_child): the "
        "record stays, anonymised, so that its episodes still count",
    )

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["surname", "forename"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "la_child_id"],
                condition=~Q(la_child_id=""),
                name="unique_child_id_per_council",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return f"Erased record {self.pk}"
        return f"{self.forename} {self.surname}"

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def services_display(self) -> list[str]:
        labels = dict(self.Service.choices)
        return [str(labels.get(s, s)) for s in self.services_involved]

    def legal_status_on(self, day: dt.date) -> LegalStatus | None:
        return (
            self.legal_statuses.filter(start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .order_by("-start_date")
            .first()
        )

    def placement_on(self, day: dt.date) -> Placement | None:
        return (
            self.placements.filter(start_date__lte=day)
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
            .order_by("-start_date")
            .first()
        )


class Alias(models.Model):
    class Kind(models.TextChoices):
        ALIAS = "alias", "Alias"
        NICKNAME = "nickname", "Nickname"
        PREVIOUS = "previous", "Previous name"
        ONLINE = "online", "Online name"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALIAS)

    class Meta:
        verbose_name_plural = "aliases"

    def __str__(self) -> str:
        return self.name


class LegalStatus(models.Model):
    """A period of legal status. Looked after: which council looks after the child."""

    class Status(models.TextChoices):
        NOT_LOOKED_AFTER = "not_looked_after", "Not looked after"
        LOOKED_AFTER = "looked_after", "Looked after"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="legal_statuses")
    status = models.CharField(max_length=20, choices=Status.choices)
    responsible_council = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council looking after the child",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["start_date"]
        verbose_name_plural = "legal statuses"

    def __str__(self) -> str:
        return f"{self.get_status_display()} from {self.start_date:%d/%m/%Y}"


class RHIArrangement(models.TextChoices):
    """Who interviews a child placed out of area if they go missing (FOI: the out-of-area
    options)."""

    OWN_SERVICE = "own_service", "The responsible council's own RHI service"
    HOST_COUNCIL = "host_council", "The host council's RHI service"
    COMMISSIONED = "commissioned", "A commissioned provider"
    CASE_BY_CASE = "case_by_case", "Decided case by case with the named organisation"


class Placement(models.Model):
    class Type(models.TextChoices):
        FOSTER = "foster", "Foster care"
        HOME_COUNCIL = "home_council", "Children's home (council)"
        HOME_PRIVATE = "home_private", "Children's home (private)"
        SUPPORTED = "supported", "Supported accommodation"
        SECURE = "secure", "Secure"
        WITH_PARENTS = "with_parents", "With parents"
        OTHER = "other", "Other"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="placements")
    placement_type = models.CharField(max_length=20, choices=Type.choices)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    council_area = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The council whose area the placement is in",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    out_of_area = models.BooleanField(
        default=False,
        help_text="In another council's area than the council holding the child's record",
    )
    rhi_arrangement = models.CharField(
        "Who interviews the child if they go missing",
        max_length=20,
        choices=RHIArrangement.choices,
        blank=True,
    )
    rhi_provider = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The organisation named to do the RHI (blank: the responsible council's own)",
    )

    class Meta:
        ordering = ["start_date"]

    def __str__(self) -> str:
        return f"{self.get_placement_type_display()} in {self.council_area}"

    def is_current(self, day: dt.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


class RiskFlag(models.Model):
    class Flag(models.TextChoices):
        CSE = "cse", "Child sexual exploitation"
        CCE = "cce", "Child criminal exploitation"
        COUNTY_LINES = "county_lines", "County lines"
        TRAFFICKING = "trafficking", "Trafficking"
        GANGS = "gangs", "Gangs"
        SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
        MENTAL_HEALTH = "mental_health", "Mental health"
        LEARNING_DIFFICULTY = "learning_difficulty", "Learning difficulty"

    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="risk_flags")
    flag = models.CharField(max_length=30, choices=Flag.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["start_date"]

    def __str__(self) -> str:
        return self.get_flag_display()


class ChildMergeQuerySet(models.QuerySet["ChildMerge"]):
    def visible_to(self, user: User) -> ChildMergeQuerySet:
        return self.filter(front_door_filter(user))


class ChildMerge(models.Model):
    """Two records of one child merged: what moved from the duplicate to the kept record, so that
    the merge can be undone exactly (children.services.merge_children / undo_merge)."""

    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    keep = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="merges_kept")
    duplicate = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="merges_as_duplicate"
    )
    merged_at = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    moved: models.JSONField[Any] = models.JSONField(
        default=dict, help_text="What moved: record ids by relation, fields filled, alias added"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    objects = ChildMergeQuerySet.as_manager()

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.duplicate} merged into {self.keep}"

    @property
    def child_id(self) -> int:
        """For the audit trail: the kept record."""
        return int(self.keep_id)

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class PackageQuerySet(models.QuerySet["InformationPackage"]):
    def visible_to(self, user: User) -> PackageQuerySet:
        return visible_rows(self, package_filter(user))


class InformationPackage(TimeStampedModel):
    """What the host council and host police force need to know about a child placed in their
    area (the Philomena Protocol profile). One per child, kept current by the responsible council;
    what each organisation was sent is kept on its `PackageSend`. Photographs held, risk flags and
    the missing history are the child's record's, not typed twice."""

    child = models.OneToOneField(Child, on_delete=models.CASCADE, related_name="package")
    description = models.TextField("Physical description", blank=True)
    habits = models.TextField("Habits and interests", blank=True)
    associates = models.TextField("Friends and associates", blank=True)
    places = models.TextField("Places they may go", blank=True)
    medical_needs = models.TextField("Medical needs and medication", blank=True)
    risks = models.TextField("Risks", blank=True)
    current_concerns = models.TextField("Current concerns and live investigations", blank=True)
    key_contacts = models.TextField("Key contacts (social worker, placement, family)", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )

    objects = PackageQuerySet.as_manager()

    TEXT_FIELDS = (
        "description",
        "habits",
        "associates",
        "places",
        "medical_needs",
        "risks",
        "current_concerns",
        "key_contacts",
    )

    def __str__(self) -> str:
        return f"Information package for {self.child}"

    def fields_shown(self) -> list[tuple[str, str]]:
        """(label, value) of each typed part, in the profile's order."""
        return [(package_label(name), getattr(self, name)) for name in self.TEXT_FIELDS]


def package_label(name: str) -> str:
    """The label of one of the package's typed parts."""
    field = InformationPackage._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.verbose_name)


class PackageSendQuerySet(models.QuerySet["PackageSend"]):
    def visible_to(self, user: User) -> PackageSendQuerySet:
        return visible_rows(self, package_send_filter(user))

    def awaiting_receipt(self) -> PackageSendQuerySet:
        return self.filter(received_at__isnull=True)


class PackageSend(models.Model):
    """The package sent to one organisation (a host council or host police force): the version
    sent, and when and by whom its receipt was recorded."""

    package = models.ForeignKey(InformationPackage, on_delete=models.CASCADE, related_name="sends")
    placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.SET_NULL, related_name="package_sends"
    )
    recipient = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="packages_received"
    )
    package_version = models.PositiveIntegerField()
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = PackageSendQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"Information package sent to {self.recipient}"

    @property
    def child_id(self) -> int:
        """For the audit trail."""
        return int(self.package.child_id)


class MatchKey(models.Model):
    """A key a current child is filed under for matching police notifications
    (`lib.blocking.child_keys`: date of birth, postcode, identifiers, name codes): the importer
    fetches the children that share a key with its notifications by index, not every child of
    the council. Derived data, kept by `children.matchkeys` (decision 0040)."""

    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=True
    )
    council = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    key = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["council", "key", "child"], name="matchkey_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.key} ({self.child_id})"


class StaleMatchKeys(models.Model):
    """A child whose match keys are to be derived again: written by database triggers on every
    change of a child's names, date of birth, postcode, identifiers, council or aliases (however
    it is made), read and emptied by `children.matchkeys.refresh_match_keys`."""

    child_id = models.BigIntegerField()
    council_id = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name_plural = "stale match keys"

    def __str__(self) -> str:
        return f"child {self.child_id}"
