"""Report facts: one row per episode with what the indicator engine counts (reports/facts.py).

The rows are kept by database triggers from the episode, its RHI and the RHI's interview, in the
same statement as every write to them, so they can never be out of date and no service has to
remember them. Nothing but the triggers (and `facts.rebuild_facts`) writes this table.
"""

from __future__ import annotations

from django.db import models

from returnhome.interviews.services import due_field, every_rule
from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.lib.groups import Group

# The six 72-hour rules' deadline fields on the RHI, and the two clock starts' "72 elapsed hours"
# deadlines, from which time to interview is measured.
DUE_FIELDS: tuple[str, ...] = tuple(name for name, _rule in every_rule())
DUE_72_HOURS: dict[str, str] = {
    ClockStart(start).value: due_field(ClockRule(start=start, count=ClockCount.HOURS))
    for start in ClockStart
}


def _flag(help_text: str) -> models.BooleanField:
    return models.BooleanField(default=False, editable=False, help_text=help_text)


class EpisodeFacts(models.Model):
    """What the engine needs to know about one episode, so a report reads one table.

    Copies (kept by triggers): the episode's council, group, child and when it was reported
    missing; its RHI's offer, outcome, decline reason and interview; the interview's kind and
    exploitation flags; the UK calendar month it was reported missing in. Comparisons (fixed by
    the triggers from the stored deadlines): whether the interview and the offer were at or
    before the deadline under each rule, and the interview's time after "clock start + 72 hours"
    in milliseconds. And for distinct counts in any period: when the same child (in the same
    council, in the same group or in any group) and the same interview were last reported missing
    before this episode, so "first in the period" is a test on this row alone.
    """

    episode = models.OneToOneField(
        "episodes.Episode",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="facts",
    )
    council = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    group = models.CharField(max_length=10, choices=Group.choices())
    reported_missing_at = models.DateTimeField()
    month = models.IntegerField(
        help_text="UK calendar month the episode was reported missing in, as YYYYMM"
    )
    child = models.ForeignKey(
        "children.Child", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    interview = models.ForeignKey(
        "interviews.Interview",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    returned = _flag("The episode has a return")
    offer_made = _flag("The RHI has an offer")
    outcome = models.CharField(max_length=20, blank=True)
    decline_reason = models.CharField(max_length=20, blank=True)
    interview_kind = models.CharField(max_length=20, blank=True)
    cce_identified = _flag("The interview identified child criminal exploitation")
    cse_identified = _flag("The interview identified child sexual exploitation")
    held_by_due_return_hours = _flag("Interview at or before the deadline under this rule")
    held_by_due_return_calendar_days = _flag("Interview at or before the deadline")
    held_by_due_return_working_days = _flag("Interview at or before the deadline")
    held_by_due_notification_hours = _flag("Interview at or before the deadline")
    held_by_due_notification_calendar_days = _flag("Interview at or before the deadline")
    held_by_due_notification_working_days = _flag("Interview at or before the deadline")
    offered_by_due_return_hours = _flag("Offer at or before the deadline under this rule")
    offered_by_due_return_calendar_days = _flag("Offer at or before the deadline")
    offered_by_due_return_working_days = _flag("Offer at or before the deadline")
    offered_by_due_notification_hours = _flag("Offer at or before the deadline")
    offered_by_due_notification_calendar_days = _flag("Offer at or before the deadline")
    offered_by_due_notification_working_days = _flag("Offer at or before the deadline")
    ms_after_due_return_hours = models.BigIntegerField(
        null=True, help_text="Interview time minus (return + 72 hours), in milliseconds"
    )
    ms_after_due_notification_hours = models.BigIntegerField(
        null=True, help_text="Interview time minus (notification + 72 hours), in milliseconds"
    )
    child_previous_in_group_at = models.DateTimeField(null=True)
    child_previous_at = models.DateTimeField(null=True)
    interview_previous_in_group_at = models.DateTimeField(null=True)
    interview_previous_at = models.DateTimeField(null=True)
    # The host council's view (decision 0039): the council whose area the child was placed in,
    # out of area, when the episode began; its indicators count the row as Hosted.
    host_council = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    host_child_previous_at = models.DateTimeField(null=True)
    host_interview_previous_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name_plural = "episode facts"
        indexes = [
            # Every column, period columns first: a report reads this index and nothing else.
            # The month before the instant: the dashboard's counts per (group, month) are then
            # read in GROUP BY order (no sort), and a period's months bound the same range.
            # 31 columns (PostgreSQL allows 32 in an index).
            models.Index(
                fields=[
                    "council",
                    "group",
                    "month",
                    "reported_missing_at",
                    "returned",
                    "offer_made",
                    "outcome",
                    "decline_reason",
                    "interview_kind",
                    "cce_identified",
                    "cse_identified",
                    *(f"held_by_{name}" for name in DUE_FIELDS),
                    *(f"offered_by_{name}" for name in DUE_FIELDS),
                    "ms_after_due_return_hours",
                    "ms_after_due_notification_hours",
                    "child_previous_in_group_at",
                    "child_previous_at",
                    "child",
                    "interview",
                    "interview_previous_in_group_at",
                    "interview_previous_at",
                ],
                name="facts_report_idx",
            ),
            # The host council's rows: few, read by host and month.
            models.Index(
                fields=["host_council", "month", "reported_missing_at"],
                name="facts_host_idx",
                condition=models.Q(host_council__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"facts of episode {self.episode_id}"


class DeferredFacts(models.Model):
    """The children whose facts an import's writes touched, to re-derive once when they end.

    Empty outside an import's transaction: the triggers write it only while an import defers the
    facts (`core.db.bulk_write`), and `facts.derive_deferred_facts` empties it before commit. The
    row of child 0 (no child has that id) is SQLite's "the facts are deferred" switch.
    """

    child_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name_plural = "deferred facts"

    def __str__(self) -> str:
        return f"facts of child {self.child_id} to derive"


class FactsStamp(models.Model):
    """A council's report figures' stamp for one month (decision 0048): a new random value whenever
    a facts row of the council in that month changes (inserted, updated, deleted), or a follow-up
    action counted with it does. Written only by database triggers (`reports.stamps`), in the same
    statement as the change, so a figure cached under the stamps of its period's months is never
    older than the facts it was drawn from.
    """

    council_id = models.BigIntegerField()
    month = models.IntegerField(help_text="UK calendar month, as YYYYMM (the facts' month)")
    version = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council_id", "month"], name="facts_stamp_unique")
        ]

    def __str__(self) -> str:
        return f"figures stamp of council {self.council_id}, month {self.month}"
