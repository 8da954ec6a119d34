"""Organisations: councils, police forces, RHI providers, children's homes, schools."""

from __future__ import annotations

from django.db import models

from returnhome.lib.clock import ClockCount, ClockRule, ClockStart

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

    def __str__(self) -> str:
        return f"Service configuration for {self.council}"

    def clock_rule(self) -> ClockRule:
        return ClockRule(start=ClockStart(self.clock_start), count=ClockCount(self.clock_count))

    def provider(self) -> Organisation:
        return self.rhi_provider or self.council
