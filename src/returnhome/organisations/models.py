"""Organisations: councils, police forces, RHI providers, children's homes, schools."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models

from returnhome.access.policy import contract_filter
from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.lib.groups import Group

CLOCK_START_CHOICES = [
    (ClockStart.RETURN.value, "From the child's return"),
    (ClockStart.NOTIFICATION.value, "From the notification being received"),
]
CLOCK_COUNT_CHOICES = [
    (ClockCount.HOURS.value, "Elapsed hours (72 real hours)"),
    (ClockCount.CALENDAR_DAYS.value, "Calendar days (no more than 3 days after)"),
    (ClockCount.WORKING_DAYS.value, "Working days (weekends and bank holidays do not count)"),
]


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def councils(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.COUNCIL)

    def police_forces(self) -> OrganisationQuerySet:
        return self.filter(kind=Organisation.Kind.POLICE)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        POLICE = "police", "Police force"
        PROVIDER = "provider", "RHI provider"
        CHILDRENS_HOME = "childrens_home", "Children's home"
        SCHOOL = "school", "School"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    la_code = models.CharField(
        "DfE LA code", max_length=3, unique=True, null=True, blank=True, help_text="Councils only"
    )
    code = models.CharField(max_length=40, unique=True, null=True, blank=True)
    gss_code = models.CharField("ONS GSS code", max_length=9, blank=True)
    nation = models.CharField(max_length=10, blank=True)
    region = models.CharField(max_length=40, blank=True)
    police_force = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="council_areas",
        limit_choices_to={"kind": Kind.POLICE},
    )
    council_area = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": Kind.COUNCIL},
        help_text="Children's homes, schools and others: the council whose area they are in "
        "(their direct reports go to its front door)",
    )
    is_reference = models.BooleanField(
        default=False, help_text="Shipped reference data (every council and police force)"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_council(self) -> bool:
        return self.kind == self.Kind.COUNCIL

    def clock_rule(self) -> ClockRule:
        """The 72-hour rule in force for this council (defaults if not configured)."""
        config = getattr(self, "service_configuration", None)
        return config.clock_rule() if config is not None else ClockRule()


class DeliveredBy(models.TextChoices):
    """Who delivers RHIs or post-missing support (the kinds FOI requests ask about)."""

    IN_HOUSE_TEAM = "in_house_team", "A team in the council (an RHI or missing team)"
    SOCIAL_WORKERS = "social_workers", "The child's social worker or another council worker"
    THIRD_SECTOR = "third_sector", "A third-sector or commissioned agency"
    HOST_COUNCIL = "host_council", "Bought case by case from the host council's RHI service"
    POLICE = "police", "The police"
    OTHER = "other", "Other"
    NOT_OFFERED = "not_offered", "Not offered to this group"


class DeliveryMode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", "Face to face"
    TELEPHONE = "telephone", "Telephone"
    DIGITAL = "digital", "Video or digital (e.g. Teams, FaceTime, WhatsApp video)"
    TEXT_CHAT = "text_chat", "Text or online chat"
    LETTER = "letter", "Letter"


class ServiceConfiguration(models.Model):
    """How a council runs its RHI service. Edited by the council's administrator."""

    council = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="service_configuration"
    )
    rhi_provider = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who receives new RHIs. Blank means the council's own in-house team.",
    )
    clock_start = models.CharField(
        "72-hour clock starts",
        max_length=20,
        choices=CLOCK_START_CHOICES,
        default=ClockStart.RETURN.value,
    )
    clock_count = models.CharField(
        "72 hours are counted in",
        max_length=20,
        choices=CLOCK_COUNT_CHOICES,
        default=ClockCount.HOURS.value,
    )

    # Who delivers RHIs (and post-missing support), as a council answers a Freedom of
    # Information request: per group, the kind of deliverer and its name (team or agency).
    mfh_rhi_by = models.CharField(
        "Who delivers RHIs to children missing from home",
        max_length=20,
        choices=DeliveredBy.choices,
        blank=True,
    )
    mfh_rhi_by_name = models.CharField("Team, role or agency", max_length=200, blank=True)
    lac_in_rhi_by = models.CharField(
        "Who delivers RHIs to looked after children placed in the area",
        max_length=20,
        choices=DeliveredBy.choices,
        blank=True,
    )
    lac_in_rhi_by_name = models.CharField("Team, role or agency", max_length=200, blank=True)
    lac_out_rhi_by = models.CharField(
        "Who delivers RHIs to looked after children placed outside the area",
        max_length=20,
        choices=DeliveredBy.choices,
        blank=True,
    )
    lac_out_rhi_by_name = models.CharField("Team, role or agency", max_length=200, blank=True)
    hosted_rhi_by = models.CharField(
        "Who delivers RHIs to children placed here by other councils",
        max_length=20,
        choices=DeliveredBy.choices,
        blank=True,
    )
    hosted_rhi_by_name = models.CharField("Team, role or agency", max_length=200, blank=True)

    post_missing_support = models.BooleanField(
        "Post-missing support is provided", null=True, blank=True
    )
    post_missing_by = models.CharField(
        "Who delivers post-missing support",
        max_length=20,
        choices=DeliveredBy.choices,
        blank=True,
    )
    post_missing_by_name = models.CharField("Team, role or agency", max_length=200, blank=True)

    delivery_modes = models.JSONField("How RHIs are delivered", default=list, blank=True)
    delivery_note = models.CharField(
        "More about how RHIs are delivered", max_length=500, blank=True
    )

    freephone = models.BooleanField("Out-of-hours freephone number", null=True, blank=True)
    freephone_number = models.CharField("Freephone number", max_length=40, blank=True)
    freephone_provider = models.CharField("Who provides the freephone", max_length=200, blank=True)

    eligible_groups = models.JSONField("Groups offered an RHI", default=list, blank=True)
    eligible_under_age = models.PositiveSmallIntegerField(
        "Children under this age are eligible", null=True, blank=True
    )
    eligible_care_leavers = models.BooleanField(
        "Care leavers are offered RHIs", null=True, blank=True
    )
    eligibility_note = models.CharField("More about who is eligible", max_length=500, blank=True)

    # Police forces outside the council's area that may send it notifications (the police API);
    # the force for the council's own area always may (`Organisation.police_force`).
    forces_that_may_send = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="may_send_to",
        limit_choices_to={"kind": Organisation.Kind.POLICE},
        verbose_name="Police forces outside the area that may send notifications",
    )
    # How long the council keeps a child's records before they come up for review (the privacy
    # app's retention queue; docs/privacy.md, decision 0032): until the child's birthday at this
    # age (the looked after age for a child ever looked after) and at least these years after the
    # last activity on the record.
    retention_age = models.PositiveSmallIntegerField(
        "Keep a child's records at least until this birthday",
        default=25,
        help_text="Children never looked after",
    )
    retention_age_looked_after = models.PositiveSmallIntegerField(
        "Keep a looked after child's records at least until this birthday",
        default=75,
        help_text="Children looked after at any time (the case record's 75 years)",
    )
    retention_years_after_activity = models.PositiveSmallIntegerField(
        "And at least this many years after the last activity on the record", default=6
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )

    def __str__(self) -> str:
        return f"Service configuration for {self.council}"

    def clock_rule(self) -> ClockRule:
        return ClockRule(start=ClockStart(self.clock_start), count=ClockCount(self.clock_count))

    def provider(self) -> Organisation:
        return self.rhi_provider or self.council

    GROUP_PREFIXES = {
        Group.MFH.value: "mfh",
        Group.LAC_IN.value: "lac_in",
        Group.LAC_OUT.value: "lac_out",
        Group.HOSTED.value: "hosted",
    }

    def rhi_delivery(self, group: str) -> tuple[str, str]:
        """(who delivers RHIs to `group`: a DeliveredBy code or "", the team/agency name)."""
        prefix = self.GROUP_PREFIXES[group]
        return getattr(self, f"{prefix}_rhi_by"), getattr(self, f"{prefix}_rhi_by_name")


class ContractQuerySet(models.QuerySet["Contract"]):
    def visible_to(self, user: object) -> ContractQuerySet:
        """A council's contracts, for its administrator only."""
        return self.filter(contract_filter(user))

    def in_force(self, date_from: dt.date, date_to: dt.date) -> ContractQuerySet:
        """Contracts in force on any day of date_from..date_to."""
        return self.filter(start_date__lte=date_to).exclude(end_date__lt=date_from)


class Contract(models.Model):
    """A commissioned contract for RHIs and/or post-missing support."""

    class Covers(models.TextChoices):
        RHI = "rhi", "Return Home Interviews"
        POST_MISSING = "post_missing", "Post-missing support"
        BOTH = "both", "Both Return Home Interviews and post-missing support"

    class Kind(models.TextChoices):
        THIRD_SECTOR = "third_sector", "A third-sector agency"
        OTHER = "other", "Another organisation (not third sector)"

    council = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contracts")
    provider_name = models.CharField("Provider", max_length=200)
    provider_kind = models.CharField(
        "Kind of provider", max_length=20, choices=Kind.choices, default=Kind.THIRD_SECTOR
    )
    covers = models.CharField("What it covers", max_length=20, choices=Covers.choices)
    annual_value = models.DecimalField(
        "Annual value (£)", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    total_value = models.DecimalField(
        "Total value of the contract (£)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    start_date = models.DateField("Start date")
    end_date = models.DateField("End date", null=True, blank=True)
    ended_early = models.BooleanField(default=False)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "provider_name"]

    def __str__(self) -> str:
        return f"{self.provider_name} ({self.get_covers_display()})"

    def covers_rhi(self) -> bool:
        return self.covers in (self.Covers.RHI, self.Covers.BOTH)

    def covers_post_missing(self) -> bool:
        return self.covers in (self.Covers.POST_MISSING, self.Covers.BOTH)

    def length_months(self) -> int | None:
        """Whole months from the start date to the end date (inclusive), or None if open-ended."""
        if self.end_date is None:
            return None
        after = self.end_date + dt.timedelta(days=1)
        return (after.year - self.start_date.year) * 12 + after.month - self.start_date.month
