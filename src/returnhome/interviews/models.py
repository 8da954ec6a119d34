"""Return Home Interviews: one RHI per episode, contact attempts, and the interview record (Box O)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from returnhome.access.policy import interview_filter, rhi_filter, visible_rows
from returnhome.core.models import TimeStampedModel
from returnhome.lib.lookups import holds

if TYPE_CHECKING:
    from returnhome.accounts.models import User


class DeclineReason(models.TextChoices):
    CHILD_REFUSED = "child_refused", "Child refused"
    PARENT_REFUSED = "parent_refused", "Parent or carer refused"
    MISSING_AGAIN = "missing_again", "Missing again"
    NO_CONTACT = "no_contact", "Could not be contacted"
    IN_CUSTODY = "in_custody", "In custody"
    MOVED_OUT_OF_AREA = "moved_out_of_area", "Moved out of area"
    MENTAL_HEALTH = "mental_health", "Mental health"
    OTHER = "other", "Other"


def still_to_do() -> models.Case:
    """True for an RHI whose interview is still to be done (its deadline still runs)."""
    return models.Case(
        models.When(status__in=RHI.WAITING_STATUSES, then=models.Value(True)),
        default=models.Value(False),
        output_field=models.BooleanField(),
    )


class RHIQuerySet(models.QuerySet["RHI"]):
    def visible_to(self, user: User) -> RHIQuerySet:
        return visible_rows(self, rhi_filter(user))

    def in_provider_queue(self, user: User) -> RHIQuerySet:
        """RHIs this user's team delivers and has not closed."""
        return self.filter(provider_id=user.organisation_id).exclude(status=RHI.Status.CLOSED)

    def awaiting_interview(self) -> RHIQuerySet:
        return self.filter(status__in=RHI.WAITING_STATUSES)

    def overdue(self, now: dt.datetime) -> RHIQuerySet:
        return self.filter(models.Q(**overdue(now)))

    def by_deadline(self, now: dt.datetime, *, to_allocate_first: bool = False) -> RHIQuerySet:
        """Overdue first, then the RHIs still to do by deadline (soonest first); interviews
        awaiting review or returned for changes after those still to do. With
        `to_allocate_first`, those awaiting allocation before all the others (the queues)."""
        ordered = self.annotate(
            to_allocate=models.Case(
                models.When(status=RHI.Status.AWAITING_ALLOCATION, then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
            overdue_first=models.Case(
                models.When(models.Q(**overdue(now)), then=models.Value(True)),
                default=models.Value(False),
                output_field=models.BooleanField(),
            ),
            still_to_do=still_to_do(),
        )
        first = ("-to_allocate",) if to_allocate_first else ()
        return ordered.order_by(
            *first,
            "-overdue_first",
            "-still_to_do",
            models.F("due_at").asc(nulls_last=True),
            "referred_at",
            "pk",
        )


class RHI(TimeStampedModel):
    """The Return Home Interview owed for one episode."""

    class Status(models.TextChoices):
        AWAITING_ALLOCATION = "awaiting_allocation", "Awaiting allocation"
        ALLOCATED = "allocated", "Allocated"
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted — interview to do"
        AWAITING_REVIEW = "awaiting_review", "Awaiting manager review"
        RETURNED = "returned", "Returned for changes"
        CLOSED = "closed", "Closed"

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    class ConsentBy(models.TextChoices):
        CHILD = "child", "The young person (competent to consent)"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        CORPORATE_PARENT = "corporate_parent", "The council as corporate parent"
        SCHOOL = "school", "School (in loco parentis)"

    class OfferedTo(models.TextChoices):
        CHILD = "child", "Child"
        PARENT_CARER = "parent_carer", "Parent or carer"
        BOTH = "both", "Child and parent or carer"

    episode = models.OneToOneField("episodes.Episode", on_delete=models.PROTECT, related_name="rhi")
    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="rhis")
    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="rhis"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_ALLOCATION, db_index=True
    )
    referred_at = models.DateTimeField()
    clock_started_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The deadline under every 72-hour rule (due_<start>_<count>), fixed when the clock start is
    # known, so reports under any rule compare in the database (see reports/indicators.py).
    due_return_hours = models.DateTimeField(null=True, blank=True, editable=False)
    due_return_calendar_days = models.DateTimeField(null=True, blank=True, editable=False)
    due_return_working_days = models.DateTimeField(null=True, blank=True, editable=False)
    due_notification_hours = models.DateTimeField(null=True, blank=True, editable=False)
    due_notification_calendar_days = models.DateTimeField(null=True, blank=True, editable=False)
    due_notification_working_days = models.DateTimeField(null=True, blank=True, editable=False)
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_rhis",
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    independence_reason = models.TextField(
        blank=True, help_text="Why the child's own social worker does this RHI"
    )
    consent_needed = models.BooleanField(null=True, blank=True)
    consent_given_by = models.CharField(max_length=20, choices=ConsentBy.choices, blank=True)
    consent_given_by_name = models.CharField(max_length=200, blank=True)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    offer_made_at = models.DateTimeField(null=True, blank=True)
    offered_to = models.CharField(max_length=20, choices=OfferedTo.choices, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decline_reason = models.CharField(max_length=20, choices=DeclineReason.choices, blank=True)
    outcome_note = models.TextField(blank=True, help_text="Why declined or not applicable")
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    # No index of its own: `rhi_report_by_interview_idx` leads with it (decision 0046).
    interview = models.ForeignKey(
        "interviews.Interview",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rhis",
        db_index=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )

    WAITING_STATUSES = (
        Status.AWAITING_ALLOCATION,
        Status.ALLOCATED,
        Status.OFFERED,
        Status.ACCEPTED,
    )

    objects = RHIQuerySet.as_manager()

    class Meta:
        verbose_name = "RHI"
        verbose_name_plural = "RHIs"
        # Covering indexes for the report-facts triggers (reports/facts.py): they read only these
        # columns, so SQLite never visits the wide rows.
        indexes = [
            models.Index(
                fields=[
                    "episode",
                    "offer_made_at",
                    "outcome",
                    "decline_reason",
                    "interview",
                    "due_return_hours",
                    "due_return_calendar_days",
                    "due_return_working_days",
                    "due_notification_hours",
                    "due_notification_calendar_days",
                    "due_notification_working_days",
                ],
                name="rhi_report_idx",
            ),
            models.Index(fields=["interview", "episode"], name="rhi_report_by_interview_idx"),
            # The open RHIs (the team's queue, by provider; overdue ones in the meeting pack, by
            # council): a few thousand among a million, read without scanning the history.
            models.Index(
                fields=["provider", "due_at"],
                name="rhi_open_by_provider_idx",
                condition=~models.Q(status="closed"),
            ),
            models.Index(
                fields=["council", "due_at"],
                name="rhi_open_by_council_idx",
                condition=~models.Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return f"RHI for {self.child} ({self.episode})"

    @property
    def is_waiting(self) -> bool:
        """Still waiting for its interview: not interviewed, not closed."""
        return self.status in self.WAITING_STATUSES

    def is_overdue(self, now: dt.datetime | None = None) -> bool:
        return holds(self, overdue(now or timezone.now()))


def overdue(now: dt.datetime) -> dict[str, Any]:
    """An RHI is overdue when it is still waiting for its interview and its deadline has passed.

    The one statement of the rule, as field lookups: the queue and the meeting pack filter by it
    (`RHIQuerySet.overdue`, `by_deadline`), pages ask `RHI.is_overdue`, which reads the same terms.
    """
    return {"status__in": RHI.WAITING_STATUSES, "due_at__lt": now}


class ContactAttempt(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        VISIT = "visit", "Visit"
        LETTER = "letter", "Letter"
        CALLING_CARD = "calling_card", "Calling card"
        SCHOOL = "school", "At school"
        EMAIL = "email", "Email"

    class Contacted(models.TextChoices):
        CHILD = "child", "Child"
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer or placement"
        SCHOOL = "school", "School"
        SOCIAL_WORKER = "social_worker", "Social worker"
        OTHER = "other", "Other"

    class Result(models.TextChoices):
        NO_ANSWER = "no_answer", "No answer"
        MESSAGE_LEFT = "message_left", "Message left"
        SPOKE = "spoke", "Spoke to them"
        ARRANGED = "arranged", "Interview arranged"
        REFUSED = "refused", "Refused"
        NOT_THERE = "not_there", "Not there"

    rhi = models.ForeignKey(RHI, on_delete=models.CASCADE, related_name="contact_attempts")
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=Method.choices)
    contacted = models.CharField("To whom", max_length=20, choices=Contacted.choices)
    result = models.CharField("Outcome", max_length=20, choices=Result.choices)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["attempted_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} to {self.get_contacted_display()}"

    @property
    def child_id(self) -> int:
        return self.rhi.child_id


class InterviewQuerySet(models.QuerySet["Interview"]):
    def visible_to(self, user: User) -> InterviewQuerySet:
        return visible_rows(self, interview_filter(user))

    def awaiting_review(self) -> InterviewQuerySet:
        return self.filter(submitted_at__isnull=False, reviewed_at__isnull=True)


class Interview(TimeStampedModel):
    """The standard interview record (Box O). One interview may cover several episodes."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", "Interview with the child"
        CARER_ONLY = "carer_only", "Information from a parent, carer or placement only"

    class Place(models.TextChoices):
        HOME = "home", "Home"
        SCHOOL = "school", "School"
        PLACEMENT = "placement", "Placement"
        COMMUNITY = "community", "Community"
        SECURE = "secure", "Secure setting"
        OTHER = "other", "Other"

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        TELEPHONE = "telephone", "Telephone"
        VIDEO = "video", "Video"

    child = models.ForeignKey("children.Child", on_delete=models.PROTECT, related_name="interviews")
    council = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    conducted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="interviews_conducted"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INTERVIEW)
    held_at = models.DateTimeField("When")
    place = models.CharField(max_length=20, choices=Place.choices)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    people_present = models.CharField(max_length=300, blank=True)
    time_alone = models.BooleanField("The child had time alone", null=True, blank=True)
    information_from = models.CharField(
        max_length=200, blank=True, help_text="Carer-only: who gave the information"
    )
    # Box O (docs/domain.md#box-o): the standard form's answers
    push_factors = models.TextField("Reasons for going missing: push factors", blank=True)
    pull_factors = models.TextField("Reasons for going missing: pull factors", blank=True)
    experiences = models.TextField("Experiences while missing", blank=True)
    people_of_concern = models.TextField(
        "People (names, nicknames, online names, phone numbers, vehicles, addresses)", blank=True
    )
    places_of_concern = models.TextField("Places (addresses, streets, areas, towns)", blank=True)
    risk_factors = models.TextField(blank=True)
    protective_factors = models.TextField(blank=True)
    childs_words = models.TextField("The child's own words", blank=True)
    reflection = models.TextField(
        "Practitioner's reflection: what would stop risk escalating and prevent future missing",
        blank=True,
    )
    cce_identified = models.BooleanField("Child criminal exploitation identified", default=False)
    cse_identified = models.BooleanField("Child sexual exploitation identified", default=False)
    child_feedback = models.TextField("The child's feedback on the interview", blank=True)
    carer_feedback = models.TextField("The parent or carer's feedback on the interview", blank=True)
    # Review
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_comment = models.TextField(blank=True)
    # Returned by the reviewer for changes: the practitioner changes it and submits it again.
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_comment = models.TextField("What to change", blank=True)
    # One interview per RHI, held by the database: the RHI this interview was recorded on. A
    # second interview recorded on the same RHI breaks this unique column; the other RHIs an
    # interview covers are guarded by RHI.interview (one column: an RHI points at one interview)
    # and by record_interview locking them and refusing any that already have one.
    recorded_for = models.OneToOneField(
        RHI,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_interview",
        help_text="The RHI this interview was recorded on",
    )
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Bumped by every edit: a stale form is refused"
    )

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at"]
        # Covering indexes for the report-facts triggers (reports/facts.py): they read only these
        # columns, so SQLite never visits the wide rows.
        indexes = [
            models.Index(
                fields=["id", "kind", "held_at", "cce_identified", "cse_identified"],
                name="interview_report_idx",
            ),
            # A council's interviews of a period (the meeting pack's places and people).
            models.Index(fields=["council", "held_at"], name="interview_council_held_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_at:%d/%m/%Y}"

    @property
    def is_interview(self) -> bool:
        return self.kind == self.Kind.INTERVIEW


class InterviewDraft(models.Model):
    """What one person has typed into the interview form so far, saved as they go (autosave, and
    each section's "Save and continue"), so a closed tab or a lost connection loses nothing.

    A draft is its author's own: only they read or write it, and saving it changes no other
    record, so an autosave never makes the author's own submit stale (it bumps neither the RHI's
    nor the interview's `version`). `interview` is set when the draft changes a returned one."""

    rhi = models.ForeignKey(RHI, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Interview.Kind.choices)
    interview = models.ForeignKey(
        Interview, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    data = models.JSONField(default=dict, help_text="The form's fields, each a list of values")
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rhi", "author", "kind"], name="one_interview_draft_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"Draft {self.get_kind_display().lower()} by {self.author_id}"

    @property
    def child_id(self) -> int:
        return self.rhi.child_id
