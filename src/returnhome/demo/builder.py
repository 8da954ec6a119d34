"""The demo builder: every stage in order, in one transaction, and a summary of what it made."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.matchkeys import refresh_match_keys
from returnhome.core.db import bulk_write
from returnhome.episodes.models import Episode
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, Interview

from .children import ChildrenStage
from .common import DemoSummary
from .models import DemoRun
from .placed_out import PlacedOutStage
from .queue import queue_police_notifications
from .records import demo_children, high_water_marks, record_made, refuse_foreign_records
from .rhis import RhiStage
from .setup import DEMO_USERNAMES, SetupStage, place_home_in_council_area
from .sharing import SharingStage


class DemoBuilder(SetupStage, ChildrenStage, RhiStage, PlacedOutStage, SharingStage):
    """Build the whole demo data set from a seed and a date."""

    def build(
        self,
        *,
        progress: Callable[[str], object] | None = None,
        children_done: Callable[[int, int], object] | None = None,
    ) -> DemoSummary:
        """Build the demo data in one transaction, on a database holding no children, episodes
        or users that a demo build did not make, and record what it made. `progress` is told
        each stage; `children_done` the children built so far, of how many, after each one."""
        say = progress or (lambda _message: None)
        tick = children_done or (lambda _done, _total: None)
        with transaction.atomic():
            refuse_foreign_records()
            marks = high_water_marks()
            say("Setting up the councils, the charity, the children's home and the users")
            self.setup_organisations()
            place_home_in_council_area(self.home, self.main)
            self.setup_users()
            self.setup_services()
            plans = self.plan_children()
            # The report facts of the children built are derived once, when they all are, not
            # by the triggers on every write (core.db.bulk_write, as the imports do).
            with bulk_write():
                say("Children, their missing episodes and their RHIs")
                for number, plan in enumerate(plans, start=1):
                    ctx = self.create_child(plan)
                    self.simulate_child(ctx)
                    tick(number, len(plans))
                say("Two children placed across a council boundary")
                self.add_children_across_boundaries()
                say("Deriving the report facts")
            say("Information shared with the police after interviews")
            self.share_with_police()
            say("Last night's police file, for the front door's queue")
            queue_police_notifications(
                self.main, self.main_police, self.users["frontdoor"], self.now
            )
            # Every child's keys for matching police notifications, ready for the first import
            # (the writes above only noted them stale: children.matchkeys).
            say("Keys for matching police notifications")
            refresh_match_keys()
            run = DemoRun.objects.create(
                seed=self.seed, children=self.n_children, years=self.years, today=self.today
            )
            record_made(run, marks)
        return self.summary()

    def summary(self) -> DemoSummary:
        children = demo_children()
        episodes = Episode.objects.filter(child__in=children)
        rhis = RHI.objects.filter(child__in=children)
        interviews = Interview.objects.filter(child__in=children)
        actions = ProposedAction.objects.filter(child__in=children)
        real_now = timezone.now()
        lines = [
            f"Children: {children.count()} ("
            + ", ".join(
                f"{c.name} {children.filter(council=c).count()}"
                for c in (self.main, *self.neighbours)
            )
            + ")",
            f"Episodes: {episodes.count()} (open {episodes.open().count()})",
            f"  {self.main.name}, by group: "
            + ", ".join(
                f"{row['group']} {row['n']}"
                for row in episodes.filter(council=self.main)
                .values("group")
                .annotate(n=Count("pk"))
                .order_by("group")
            ),
            "RHIs by status: "
            + ", ".join(
                f"{row['status']} {row['n']}"
                for row in rhis.values("status").annotate(n=Count("pk")).order_by("status")
            ),
            "  outcomes: "
            + ", ".join(
                f"{row['outcome'] or 'none yet'} {row['n']}"
                for row in rhis.values("outcome").annotate(n=Count("pk")).order_by("outcome")
            ),
            "  declined: "
            + ", ".join(
                f"{row['decline_reason']} {row['n']}"
                for row in rhis.filter(outcome=RHI.Outcome.DECLINED)
                .values("decline_reason")
                .annotate(n=Count("pk"))
                .order_by("decline_reason")
            ),
            f"  overdue now: {rhis.overdue(real_now).count()}",
            f"Interviews: {interviews.filter(kind=Interview.Kind.INTERVIEW).count()} with the child, "
            f"{interviews.filter(kind=Interview.Kind.CARER_ONLY).count()} carer-only, "
            f"{interviews.awaiting_review().count()} awaiting review, "
            f"{rhis.filter(interview__isnull=False).values('interview').annotate(n=Count('pk')).filter(n__gt=1).count()} covering several episodes",
            "Actions by status: "
            + ", ".join(
                f"{row['status']} {row['n']}"
                for row in actions.values("status").annotate(n=Count("pk")).order_by("status")
            )
            + f" (overdue {actions.overdue().count()})",
        ]
        users = [
            (u.username, str(u.get_role_display()), str(u.organisation))
            for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("organisation")
        ]
        order = {name: i for i, name in enumerate(DEMO_USERNAMES)}
        users.sort(key=lambda row: order[row[0]])
        return DemoSummary(lines, users, self.notes)
