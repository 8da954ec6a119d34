"""RHIs: allocation, contact attempts, the offer, consent and the outcome, walked step by step
until the simulated clock reaches today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from returnhome.accounts.models import User
from returnhome.episodes.models import Episode
from returnhome.interviews import services as rhi_services
from returnhome.interviews.models import RHI, ContactAttempt, DeclineReason

from .common import (
    ChildCtx,
    age_on,
    local_date,
    weighted,
)
from .interviews import InterviewStage
from .pools import (
    BOYS,
    GIRLS,
    SCHOOLS,
)
from .steps import DirectSteps
from .texts import (
    DECLINE_NOTES,
    INDEPENDENCE_REASONS,
    MISSING_AGAIN_NA,
    NA_NOTES,
)


@dataclass
class Walk:
    """One RHI on its way through its life, and what the walk has settled so far."""

    ctx: ChildCtx
    index: int  # of its episode among the child's
    rhi: RHI
    pending: list[
        RHI
    ]  # the child's earlier RHIs still waiting: this one's interview may cover them
    nxt: Episode | None  # the child's next episode
    next_start: dt.datetime | None  # when the child went missing next
    behind: bool  # the team has fallen behind (the last three weeks)
    worker: User
    allocated_at: dt.datetime
    fate: str
    horizon: dt.datetime  # where this RHI's story stops: the next episode, or now
    reason: str = ""  # why the child will decline, if they will
    contacted: str = ""  # whom the worker tries to reach


class RhiStage(InterviewStage):
    """Walk each RHI of a child through its life, stopping wherever the simulated clock reaches now."""

    def _allocate(self, ctx: ChildCtx, rhi: RHI, at: dt.datetime, prefer: User | None) -> User:
        rng = self.rng
        team = self._team(rhi)
        own_sw = ctx.child.allocated_social_worker
        if prefer is not None:
            worker = prefer
        elif (
            own_sw is not None
            and team.provider == self.main
            # Lately the RHI team is stretched: the child's social worker steps in more often.
            and rng.random() < (0.4 if rhi.referred_at > self.now - dt.timedelta(days=30) else 0.04)
        ):
            worker = own_sw
        else:
            suggested = self.steps.suggest_worker(rhi)
            # The same worker as last time where possible; but the child's own social worker
            # only now and then (the independence rule).
            keep = 0.3 if suggested is not None and suggested == own_sw else 0.85
            worker = (
                suggested
                if suggested is not None and rng.random() < keep
                else self.pick(team.workers)
            )
        reason = (
            self.pick(INDEPENDENCE_REASONS)
            if rhi_services.independence_warning(rhi, worker)
            else ""
        )
        self.steps.allocate_rhi(
            rhi, worker, expected_version=None, acting_user=team.manager, independence_reason=reason
        )
        self.steps.correct(rhi, allocated_at=at)
        return worker

    def _attempt(
        self,
        rhi: RHI,
        worker: User,
        at: dt.datetime,
        *,
        result: str,
        contacted: str,
        method: str | None = None,
    ) -> None:
        method = method or weighted(
            self.rng,
            [
                (ContactAttempt.Method.PHONE.value, 45),
                (ContactAttempt.Method.TEXT.value, 25),
                (ContactAttempt.Method.VISIT.value, 15),
                (ContactAttempt.Method.SCHOOL.value, 8),
                (ContactAttempt.Method.EMAIL.value, 7),
            ],
        )
        self.steps.log_contact_attempt(
            rhi,
            attempted_at=at,
            method=method,
            contacted=contacted,
            result=result,
            acting_user=worker,
        )

    def _contacted(self, ctx: ChildCtx, rhi: RHI) -> str:
        looked_after = ctx.looked_after_on(local_date(rhi.episode.reported_missing_at))
        return weighted(
            self.rng,
            [
                (ContactAttempt.Contacted.CHILD.value, 55),
                (
                    ContactAttempt.Contacted.CARER.value
                    if looked_after
                    else ContactAttempt.Contacted.PARENT.value,
                    35,
                ),
                (
                    ContactAttempt.Contacted.SOCIAL_WORKER.value
                    if looked_after
                    else ContactAttempt.Contacted.SCHOOL.value,
                    10,
                ),
            ],
        )

    def _set_outcome(
        self,
        rhi: RHI,
        worker: User,
        at: dt.datetime,
        outcome: str,
        reason: str = "",
        note: str = "",
    ) -> None:
        self.steps.record_outcome(
            rhi,
            outcome=outcome,
            decline_reason=reason,
            note=note,
            expected_version=None,
            acting_user=worker,
        )
        closed = at if rhi.status == RHI.Status.CLOSED else None
        self.steps.correct(rhi, outcome_recorded_at=at, closed_at=closed)

    def _close_pending(self, pending: list[RHI], at: dt.datetime) -> None:
        for other in pending:
            if other.status == RHI.Status.CLOSED or at >= self.now:
                continue
            self._set_outcome(
                other,
                self._team(other).manager,
                at,
                RHI.Outcome.NOT_APPLICABLE.value,
                note=MISSING_AGAIN_NA,
            )

    def _consent(self, ctx: ChildCtx, rhi: RHI, worker: User, at: dt.datetime) -> None:
        rng = self.rng
        child = ctx.child
        looked_after = ctx.looked_after_on(local_date(rhi.episode.reported_missing_at))
        age = age_on(child.date_of_birth or self.today, local_date(at))
        if rng.random() < 0.08:
            self.steps.record_consent(
                rhi, consent_needed=False, expected_version=None, acting_user=worker
            )
        else:
            if looked_after:
                period = ctx.period_on(local_date(rhi.episode.reported_missing_at))
                council = period.responsible if period and period.responsible else child.council
                given_by, name = (
                    RHI.ConsentBy.CORPORATE_PARENT.value,
                    f"{council.name} (corporate parent)",
                )
            elif rng.random() < 0.05:
                given_by, name = (
                    RHI.ConsentBy.SCHOOL.value,
                    f"Designated safeguarding lead, {self.pick(SCHOOLS)}",
                )
            elif age >= 16 and rng.random() < 0.6:
                given_by, name = RHI.ConsentBy.CHILD.value, child.forename
            else:
                parent = self.pick(GIRLS["english"].split() + BOYS["english"].split())
                given_by, name = RHI.ConsentBy.PARENT.value, f"{parent} {child.surname}"
            self.steps.record_consent(
                rhi,
                consent_needed=True,
                given_by=given_by,
                given_by_name=name,
                expected_version=None,
                acting_user=worker,
            )
        self.steps.correct(rhi, consent_recorded_at=at)

    def simulate_child(self, ctx: ChildCtx) -> None:
        """Every RHI of the child through its life; with direct rows, the child's records are
        written now, in one go (demo/direct.py)."""
        if isinstance(self.steps, DirectSteps):
            self.steps.start_child(ctx.rhis)
        self._simulate_rhis(ctx)
        if self.direct:
            self.rows.flush()

    def _simulate_rhis(self, ctx: ChildCtx) -> None:
        pending: list[RHI] = []
        for index, rhi in enumerate(ctx.rhis):
            if rhi is None or index in ctx.covered:
                continue
            if self._kept_open(ctx, index):
                pending = self._showcase_rhi(ctx, rhi, pending)
                continue
            pending = self._simulate_rhi(ctx, index, rhi, pending)
        # Nothing sits forgotten for months: a manager closes what was left waiting long ago.
        stale = [p for p in pending if p.due_at and p.due_at < self.now - dt.timedelta(days=42)]
        for other in stale:
            if other.status != RHI.Status.CLOSED and other.outcome == "":
                assert other.due_at is not None
                self._set_outcome(
                    other,
                    self._team(other).manager,
                    self.office(other.due_at + self.minutes(24, 72)),
                    RHI.Outcome.NOT_APPLICABLE.value,
                    note="No contact after repeated attempts; closed at the missing meeting.",
                )

    def _simulate_rhi(self, ctx: ChildCtx, index: int, rhi: RHI, pending: list[RHI]) -> list[RHI]:
        """Walk one RHI through its life, stopping wherever the simulated clock reaches now.
        Returns the child's RHIs still waiting after this one (none once an outcome closed them)."""
        now = self.now
        nxt = ctx.episodes[index + 1] if index + 1 < len(ctx.episodes) else None
        next_start = nxt.reported_missing_at if nxt is not None else None
        # In the last three weeks the team has fallen behind: a live queue for the demo.
        behind = rhi.referred_at > now - dt.timedelta(days=21)
        allocated_at = self.office(rhi.referred_at + self.minutes(0.3, 70 if behind else 20))
        if allocated_at >= now or (next_start is not None and allocated_at >= next_start):
            if next_start is not None and allocated_at >= next_start:
                # Missing again before anyone picked it up: the next interview may cover it.
                return [*pending, rhi]
            return pending
        prefer = next(
            (p.allocated_worker for p in pending if p.allocated_worker is not None),
            self.users[ctx.plan.worker] if ctx.plan.worker else None,
        )
        worker = self._allocate(ctx, rhi, allocated_at, prefer)
        fate = weighted(
            self.rng,
            [("na", 7), ("stall", 2), ("decline", 30), ("na_after_offer", 4), ("accept", 57)],
        )
        horizon = min(now, next_start) if next_start is not None else now
        walk = Walk(
            ctx, index, rhi, pending, nxt, next_start, behind, worker, allocated_at, fate, horizon
        )
        if fate == "na":
            return self._not_applicable(walk, self.office(allocated_at + self.minutes(1, 48)))
        attempt_times = self._plan_contact(walk)
        offer_at = attempt_times[-1]
        if fate == "stall" or offer_at >= walk.horizon - dt.timedelta(hours=1):
            return self._still_trying(walk, attempt_times)
        self._make_offer(walk, attempt_times)
        if fate == "na_after_offer":
            return self._not_applicable(walk, self.office(offer_at + self.minutes(1, 60)))
        decided = self._decision_time(walk, offer_at)
        if fate == "decline":
            return self._decline(walk, decided)
        return self._accept(walk, decided)

    def _not_applicable(self, walk: Walk, at: dt.datetime) -> list[RHI]:
        """A manager agrees no RHI is needed (once that moment has come)."""
        if at >= self.now:
            return walk.pending
        self._set_outcome(
            walk.rhi, walk.worker, at, RHI.Outcome.NOT_APPLICABLE.value, note=self.pick(NA_NOTES)
        )
        self._close_pending(walk.pending, at)
        return []

    def _declined_missing_again(self, walk: Walk) -> list[RHI]:
        """Declined: the child went missing again before the interview (once that has happened)."""
        assert walk.next_start is not None
        decided = walk.next_start + self.minutes(1, 24)
        if decided >= self.now:
            return walk.pending
        self._set_outcome(
            walk.rhi,
            walk.worker,
            decided,
            RHI.Outcome.DECLINED.value,
            DeclineReason.MISSING_AGAIN.value,
            DECLINE_NOTES[DeclineReason.MISSING_AGAIN],
        )
        self._close_pending(walk.pending, decided)
        return []

    def _plan_contact(self, walk: Walk) -> list[dt.datetime]:
        """Whether the child will decline and why, whom the worker contacts, and when each
        attempt is made (the offer is made on the last)."""
        rng = self.rng
        walk.reason = self.decline_deck.deal() if walk.fate == "decline" else ""
        walk.contacted = self._contacted(walk.ctx, walk.rhi)
        n_attempts = weighted(rng, [(1, 40), (2, 30), (3, 20), (4, 10)]) + (1 if walk.behind else 0)
        if walk.reason == DeclineReason.NO_CONTACT:
            n_attempts = rng.randint(3, 5)
        late = rng.random() < (0.35 if walk.behind else 0.1)
        at = self.office(
            walk.allocated_at + (self.minutes(40, 110) if late else self.minutes(0.5, 8))
        )
        attempt_times = [at]
        for _ in range(n_attempts - 1):
            attempt_times.append(
                self.office(attempt_times[-1] + self.minutes(2, 30 if walk.behind else 14))
            )
        return attempt_times

    def _still_trying(self, walk: Walk, attempt_times: list[dt.datetime]) -> list[RHI]:
        """Still trying when the child went missing again (or now)."""
        rng = self.rng
        rhi, worker, next_start, nxt = walk.rhi, walk.worker, walk.next_start, walk.nxt
        for attempt in attempt_times:
            if attempt < walk.horizon:
                self._attempt(
                    rhi,
                    worker,
                    attempt,
                    result=self.pick(["no_answer", "message_left", "not_there"]),
                    contacted=walk.contacted,
                )
        if next_start is None or next_start >= self.now:
            return [*walk.pending, rhi]
        if (
            walk.fate in {"accept", "stall"}
            and nxt is not None
            and nxt.returned_at is not None
            and rng.random() < 0.5
        ):
            return [*walk.pending, rhi]
        room = next_start - walk.allocated_at
        if room >= dt.timedelta(hours=3):
            offer = walk.allocated_at + dt.timedelta(
                seconds=rng.uniform(3600, room.total_seconds() - 3600)
            )
            self._attempt(
                rhi,
                worker,
                offer,
                result="spoke",
                contacted=ContactAttempt.Contacted.PARENT.value
                if walk.contacted == "school"
                else walk.contacted,
                method="phone",
            )
            self.steps.record_offer(
                rhi,
                offer_made_at=offer,
                offered_to=RHI.OfferedTo.PARENT_CARER.value,
                expected_version=None,
                acting_user=worker,
            )
            return self._declined_missing_again(walk)
        at_na = next_start + self.minutes(1, 24)
        if at_na < self.now:
            self._set_outcome(
                rhi, worker, at_na, RHI.Outcome.NOT_APPLICABLE.value, note=MISSING_AGAIN_NA
            )
            self._close_pending(walk.pending, at_na)
            return []
        return walk.pending

    def _make_offer(self, walk: Walk, attempt_times: list[dt.datetime]) -> None:
        """The attempts before the offer, and the offer itself on the last attempt."""
        rhi, worker, reason, contacted = walk.rhi, walk.worker, walk.reason, walk.contacted
        offer_at = attempt_times[-1]
        for attempt in attempt_times[:-1]:
            self._attempt(
                rhi,
                worker,
                attempt,
                result=self.pick(["no_answer", "message_left", "not_there", "spoke"]),
                contacted=contacted,
            )
        if reason == DeclineReason.NO_CONTACT:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="message_left",
                contacted=ContactAttempt.Contacted.CHILD.value,
                method=self.pick(["letter", "calling_card"]),
            )
            offered_to = RHI.OfferedTo.CHILD.value
        elif reason == DeclineReason.PARENT_REFUSED:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="refused",
                contacted=ContactAttempt.Contacted.PARENT.value,
            )
            offered_to = RHI.OfferedTo.PARENT_CARER.value
        elif reason == DeclineReason.CHILD_REFUSED:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="refused",
                contacted=ContactAttempt.Contacted.CHILD.value,
            )
            offered_to = self.pick([RHI.OfferedTo.CHILD.value, RHI.OfferedTo.BOTH.value])
        else:
            self._attempt(
                rhi,
                worker,
                offer_at,
                result="arranged" if walk.fate == "accept" else "spoke",
                contacted=contacted,
            )
            offered_to = weighted(
                self.rng,
                [
                    (RHI.OfferedTo.CHILD.value, 60),
                    (RHI.OfferedTo.BOTH.value, 30),
                    (RHI.OfferedTo.PARENT_CARER.value, 10),
                ],
            )
        self.steps.record_offer(
            rhi,
            offer_made_at=offer_at,
            offered_to=offered_to,
            expected_version=None,
            acting_user=worker,
        )

    def _decision_time(self, walk: Walk, offer_at: dt.datetime) -> dt.datetime:
        """Often the answer comes at once; sometimes a day or two later."""
        decided = offer_at
        if walk.reason == DeclineReason.NO_CONTACT:
            decided = offer_at + self.minutes(48, 120)
        elif self.rng.random() < (0.5 if walk.behind else 0.25):
            later = self.office(offer_at + self.minutes(4, 40))
            if walk.next_start is None or later < walk.next_start - dt.timedelta(hours=2):
                decided = later
        return decided

    def _decline(self, walk: Walk, decided: dt.datetime) -> list[RHI]:
        """Declined; sometimes the worker talks to the carer instead."""
        if decided >= self.now:
            return walk.pending
        reason = walk.reason
        self._set_outcome(
            walk.rhi,
            walk.worker,
            decided,
            RHI.Outcome.DECLINED.value,
            reason,
            DECLINE_NOTES[DeclineReason(reason)],
        )
        self._close_pending(walk.pending, decided)
        carer_reasons = {
            DeclineReason.CHILD_REFUSED,
            DeclineReason.NO_CONTACT,
            DeclineReason.MISSING_AGAIN,
            DeclineReason.MENTAL_HEALTH,
        }
        if reason in carer_reasons and self.rng.random() < 0.4:
            held = self.office(decided + self.minutes(2, 60))
            if held < self.now:
                self._interview(walk.ctx, [walk.rhi], walk.worker, held, carer_only=True)
        return []

    def _accept(self, walk: Walk, decided: dt.datetime) -> list[RHI]:
        """Accepted: consent, then the interview (unless the child changes their mind or goes
        missing again first)."""
        if decided >= self.now:
            return walk.pending
        rhi, worker = walk.rhi, walk.worker
        self._consent(walk.ctx, rhi, worker, decided)
        self._set_outcome(rhi, worker, decided, RHI.Outcome.ACCEPTED.value)
        offer_at = decided
        if self.rng.random() < 0.06:
            changed = self.office(offer_at + self.minutes(12, 60))
            if changed < walk.horizon:
                why = self.pick([DeclineReason.CHILD_REFUSED, DeclineReason.OTHER])
                self._set_outcome(
                    rhi,
                    worker,
                    changed,
                    RHI.Outcome.DECLINED.value,
                    why.value,
                    "Agreed, then did not come to the interview. " + DECLINE_NOTES[why],
                )
                self._close_pending(walk.pending, changed)
                return []
        held = self._interview_time(walk, offer_at)
        if walk.next_start is not None and held >= walk.next_start - dt.timedelta(hours=1):
            return self._missing_before_interview(walk)
        if held >= self.now:
            return walk.pending
        self._interview(walk.ctx, [rhi, *walk.pending], worker, held, carer_only=False)
        return []

    def _interview_time(self, walk: Walk, offer_at: dt.datetime) -> dt.datetime:
        """Mostly before the deadline; less often when the team is behind."""
        due = walk.rhi.due_at or offer_at + dt.timedelta(hours=72)
        if self.rng.random() < (0.55 if walk.behind else 0.85) and offer_at < due - dt.timedelta(
            hours=2
        ):
            hours_left = (due - offer_at).total_seconds() / 3600
            held = self.office(offer_at + self.minutes(1, min(30.0, hours_left - 1)))
            if held > due - dt.timedelta(minutes=10):
                held = offer_at + self.minutes(1, min(3.0, hours_left - 0.5))
        else:
            held = self.office(max(offer_at, due) + self.minutes(2, 170))
        return held

    def _missing_before_interview(self, walk: Walk) -> list[RHI]:
        """Missing again before the interview: often one interview after the next return covers
        both episodes; otherwise this RHI is declined."""
        nxt, index, episodes = walk.nxt, walk.index, walk.ctx.episodes
        assert nxt is not None
        after = episodes[index + 2].reported_missing_at if index + 2 < len(episodes) else self.now
        if (
            nxt.returned_at is not None
            and self.rng.random() < 0.6
            and index + 1 not in walk.ctx.covered
            and not self._kept_open(walk.ctx, index + 1)
        ):
            held = self.office(nxt.returned_at + self.minutes(4, 60))
            next_rhi = walk.ctx.rhis[index + 1]
            if held < after - dt.timedelta(hours=1) and next_rhi is not None:
                return self._cover_next(walk, next_rhi, held)
        return self._declined_missing_again(walk)

    def _cover_next(self, walk: Walk, next_rhi: RHI, held: dt.datetime) -> list[RHI]:
        """One interview, after the next return, for this RHI, the waiting ones and the next."""
        walk.ctx.covered.add(walk.index + 1)
        worker = walk.worker
        next_alloc = self.office(next_rhi.referred_at + self.minutes(0.3, 20))
        if next_alloc < min(held, self.now):
            self.steps.allocate_rhi(
                next_rhi,
                worker,
                expected_version=None,
                acting_user=self._team(next_rhi).manager,
                independence_reason=self.pick(INDEPENDENCE_REASONS)
                if rhi_services.independence_warning(next_rhi, worker)
                else "",
            )
            self.steps.correct(next_rhi, allocated_at=next_alloc)
        if held < self.now:
            self._interview(
                walk.ctx, [walk.rhi, *walk.pending, next_rhi], worker, held, carer_only=False
            )
            return []
        return walk.pending

    def _kept_open(self, ctx: ChildCtx, index: int) -> bool:
        """Whether this is a showcase child's last RHI (demo/showcase.py): no interview covers it."""
        return bool(ctx.plan.shows) and index == len(ctx.rhis) - 1

    def _showcase_rhi(self, ctx: ChildCtx, rhi: RHI, pending: list[RHI]) -> list[RHI]:
        """A showcase child's last RHI, still open now: waiting to be allocated, or allocated to
        the showcase's worker, who has tried to make contact (demo/showcase.py)."""
        if not ctx.plan.worker:
            return [*pending, rhi]
        worker = self.users[ctx.plan.worker]
        latest = self.now - dt.timedelta(minutes=30)
        allocated_at = min(self.office(rhi.referred_at + self.minutes(0.3, 6)), latest)
        self._allocate(ctx, rhi, allocated_at, worker)
        contacted = self._contacted(ctx, rhi)
        at = allocated_at
        for _ in range(self.rng.randint(1, 3)):
            at = self.office(at + self.minutes(0.5, 8))
            if at >= latest:
                break
            self._attempt(
                rhi,
                worker,
                at,
                result=self.pick(["no_answer", "message_left", "not_there"]),
                contacted=contacted,
            )
        return [*pending, rhi]
