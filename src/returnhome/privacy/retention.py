"""The council's retention rule, and the records past it (the review queue; decision 0032).

A child's records come up for review once both hold:
- the child has had their birthday at the rule's age — 25 (`retention_age`), or 75 for a child
  looked after at any time (`retention_age_looked_after`: the looked after child's case record,
  Care Planning, Placement and Case Review (England) Regulations 2010, reg. 50); a child whose
  date of birth is unknown is judged on the next test alone;
- nothing has happened on the record for the rule's years (`retention_years_after_activity`,
  6: the Limitation Act 1980): the last change to the child's record, episodes, RHIs,
  interviews or actions.
Not a record merged into another (it goes with that one), already erased, or kept longer by a
decision whose date has not passed. Nothing is erased automatically: a manager or administrator
decides, record by record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import DateTimeField, Exists, Max, Model, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from returnhome.children.models import Child, ChildQuerySet, LegalStatus
from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, Interview
from returnhome.organisations.models import Organisation, ServiceConfiguration
from returnhome.privacy.models import RetentionDecision


@dataclass(frozen=True)
class RetentionRule:
    age: int
    age_looked_after: int
    years_after_activity: int

    @classmethod
    def of(cls, council: Organisation) -> RetentionRule:
        config = ServiceConfiguration.objects.filter(council=council).first()
        if config is None:
            config = ServiceConfiguration(council=council)  # the defaults
        return cls(
            age=config.retention_age,
            age_looked_after=config.retention_age_looked_after,
            years_after_activity=config.retention_years_after_activity,
        )

    def describe(self) -> str:
        return (
            f"until the child's {_ordinal(self.age)} birthday ({_ordinal(self.age_looked_after)} "
            f"if ever looked after), and at least {self.years_after_activity} years after the "
            "last activity on the record"
        )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _latest(model: type[Model], field: str = "updated_at") -> Subquery:
    return Subquery(
        model._default_manager.filter(child=OuterRef("pk"))
        .order_by()
        .values("child")
        .annotate(latest=Max(field))
        .values("latest")[:1],
        output_field=DateTimeField(),
    )


def with_last_activity(children: ChildQuerySet) -> ChildQuerySet:
    """`last_activity`: the latest change to the child's record, episodes, RHIs, interviews or
    actions (each missing one counts as the child's own; SQLite's GREATEST is null if any is)."""
    own = "updated_at"
    return children.annotate(
        last_activity=Greatest(
            own,
            *(Coalesce(_latest(m), own) for m in (Episode, RHI, Interview, ProposedAction)),
        )
    )


def due_for_review(council: Organisation, *, today: dt.date | None = None) -> ChildQuerySet:
    """The council's children past its retention rule, longest untouched first."""
    rule = RetentionRule.of(council)
    today = today or timezone.localdate()
    activity_before = dt.datetime.combine(
        years_before(today, rule.years_after_activity), dt.time(), tzinfo=dt.UTC
    )
    looked_after = LegalStatus.objects.filter(
        child=OuterRef("pk"), status=LegalStatus.Status.LOOKED_AFTER
    )
    kept = RetentionDecision.objects.filter(
        child=OuterRef("pk"), kind=RetentionDecision.Kind.KEPT, keep_until__gt=today
    )
    children = Child.objects.filter(
        council=council, merged_into__isnull=True, erased_at__isnull=True
    ).annotate(ever_looked_after=Exists(looked_after))
    old_enough = (
        Q(date_of_birth__isnull=True)
        | Q(ever_looked_after=False, date_of_birth__lte=years_before(today, rule.age))
        | Q(ever_looked_after=True, date_of_birth__lte=years_before(today, rule.age_looked_after))
    )
    return (
        with_last_activity(children.filter(old_enough))
        .filter(last_activity__lt=activity_before)  # type: ignore[misc]
        .exclude(Exists(kept))
        .order_by("last_activity", "pk")
    )
