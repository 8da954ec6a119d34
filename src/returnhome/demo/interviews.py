"""Interviews, the manager's review and the agreed actions' progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from returnhome.accounts.models import User
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, Interview
from returnhome.interviews.services import ActionProposal, InterviewDetails
from returnhome.lib.clock import LONDON

from .common import (
    ChildCtx,
    Team,
    local_date,
    weighted,
)
from .pools import (
    CARS,
    STREET_NICKNAMES,
    STREET_WORDS,
)
from .state import DemoState
from .texts import (
    ACTION_OWNERS,
    ACTIONS,
    CARER_FEEDBACK,
    CHANGED_COMMENTS,
    CHILD_FEEDBACK,
    CHILDS_WORDS,
    DONE_OUTCOMES,
    EXPERIENCES,
    INFORMATION_FROM,
    NOT_DONE_OUTCOMES,
    PLACES,
    PROTECTIVE_FACTORS,
    PULL,
    PUSH,
    REFLECTIONS,
    REJECTED_COMMENTS,
    RISK_FACTORS,
)


class InterviewStage(DemoState):
    """Record an interview (with the child, or carer-only), review it, carry out its actions."""

    def _box_o(self, ctx: ChildCtx, carer_only: bool) -> dict[str, Any]:
        rng = self.rng
        town = ctx.home_town
        towns = [t for t, _ in (ctx.area.towns if ctx.area else ())] or [town]
        nick = self.pick(STREET_NICKNAMES)
        fmt = {"town": self.pick(towns), "nick": f"'{nick}'", "word": self.pick(STREET_WORDS)}
        people = [
            f"'{nick}' (male, about {rng.randint(17, 26)}), phone 07700 900{rng.randrange(1000):03d}, "
            f"drives a {self.pick(CARS)}"
        ]
        if rng.random() < 0.5:
            people.append(
                f"Online name '{self.pick(STREET_NICKNAMES).lower()}{rng.randint(1, 99)}' on Snapchat; "
                f"older female known as '{self.pick(STREET_NICKNAMES)}'"
            )
        exploited = {"cce", "county_lines", "gangs"} & set(ctx.flags)
        sexual = "cse" in ctx.flags
        box: dict[str, Any] = {
            "push_factors": self.pick(PUSH),
            "pull_factors": self.pick(PULL).format(**fmt),
            "experiences": self.pick(EXPERIENCES).format(**fmt),
            "people_of_concern": "; ".join(people) if rng.random() < 0.6 else "",
            "places_of_concern": self.pick(PLACES).format(**fmt) if rng.random() < 0.6 else "",
            "risk_factors": ", ".join(rng.sample(RISK_FACTORS, rng.randint(1, 3))),
            "protective_factors": ", ".join(rng.sample(PROTECTIVE_FACTORS, rng.randint(1, 2))),
            "reflection": self.pick(REFLECTIONS).format(**fmt),
            "cce_identified": rng.random() < (0.55 if exploited else 0.08),
            "cse_identified": rng.random() < (0.5 if sexual else 0.05),
            "carer_feedback": self.pick(CARER_FEEDBACK),
        }
        if not carer_only:
            box["childs_words"] = self.pick(CHILDS_WORDS)
            box["child_feedback"] = self.pick(CHILD_FEEDBACK)
        return box

    def _actions(
        self, box: dict[str, Any], held: dt.datetime, carer_only: bool
    ) -> list[ActionProposal]:
        rng = self.rng
        count = weighted(
            rng, [(0, 40), (1, 60)] if carer_only else [(0, 15), (1, 35), (2, 35), (3, 15)]
        )
        services = list(ACTIONS)
        weights = [
            3
            if s in {ProposedAction.Service.POLICE, ProposedAction.Service.SEXUAL_EXPLOITATION}
            and (box["cce_identified"] or box["cse_identified"])
            else 1
            for s in services
        ]
        proposals = []
        for _ in range(count):
            service = rng.choices(services, weights=weights, k=1)[0]
            proposals.append(
                ActionProposal(
                    description=self.pick(ACTIONS[service]),
                    service=str(service),
                    owner=self.pick(ACTION_OWNERS),
                    due_date=local_date(held) + dt.timedelta(days=rng.randint(7, 42)),
                )
            )
        return proposals

    def _interview(
        self, ctx: ChildCtx, rhis: list[RHI], worker: User, held: dt.datetime, *, carer_only: bool
    ) -> None:
        rng = self.rng
        looked_after = ctx.looked_after_on(local_date(held))
        if carer_only:
            place = (
                self.pick([Interview.Place.PLACEMENT.value, Interview.Place.HOME.value])
                if looked_after
                else Interview.Place.HOME.value
            )
            mode = self.pick([Interview.Mode.TELEPHONE.value, Interview.Mode.FACE_TO_FACE.value])
        elif looked_after:
            place = weighted(
                rng,
                [
                    (Interview.Place.PLACEMENT.value, 45),
                    (Interview.Place.SCHOOL.value, 20),
                    (Interview.Place.COMMUNITY.value, 25),
                    (Interview.Place.SECURE.value, 3),
                    (Interview.Place.OTHER.value, 7),
                ],
            )
            mode = self._in_person_mode()
        else:
            place = weighted(
                rng,
                [
                    (Interview.Place.HOME.value, 45),
                    (Interview.Place.SCHOOL.value, 25),
                    (Interview.Place.COMMUNITY.value, 25),
                    (Interview.Place.OTHER.value, 5),
                ],
            )
            mode = self._in_person_mode()
        box = self._box_o(ctx, carer_only)
        if carer_only:
            source = self.pick(INFORMATION_FROM)
            details = InterviewDetails(
                kind=Interview.Kind.CARER_ONLY.value,
                held_at=held,
                place=place,
                mode=mode,
                people_present=f"{source} and {worker}",
                information_from=source,
                box_o=box,
            )
        else:
            present = f"{ctx.child.forename} and {worker}"
            if rng.random() < 0.3:
                present += (
                    ", with "
                    + ("the carer" if looked_after else "a parent")
                    + " for the first part"
                )
            details = InterviewDetails(
                kind=Interview.Kind.INTERVIEW.value,
                held_at=held,
                place=place,
                mode=mode,
                people_present=present,
                time_alone=rng.random() < 0.85,
                box_o=box,
            )
        proposals = self._actions(box, held, carer_only)
        unallocated = [rhi for rhi in rhis if rhi.allocated_worker_id is None]
        interview = self.steps.record_interview(rhis, details, proposals, acting_user=worker)
        submitted = min(held + self.minutes(1, 48), max(held, self.now - dt.timedelta(minutes=10)))
        self.steps.correct(interview, submitted_at=submitted)
        for rhi in rhis:
            if rhi in unallocated:
                # Covered before anyone was allocated: record_interview allocates it to the
                # worker then and there (at the real clock's now); the demo's now is `held`.
                self.steps.correct(rhi, allocated_at=held)
            if rhi.offer_made_at == held:
                # Accepted by the covering interview: the interview is its offer and acceptance.
                self.steps.correct(rhi, outcome_recorded_at=held)
        self._review(interview, self._team(rhis[0]), submitted, held)

    def _in_person_mode(self) -> str:
        """How an interview arranged in person mostly happens."""
        return weighted(
            self.rng,
            [
                (Interview.Mode.FACE_TO_FACE.value, 85),
                (Interview.Mode.TELEPHONE.value, 10),
                (Interview.Mode.VIDEO.value, 5),
            ],
        )

    def _review(
        self, interview: Interview, team: Team, submitted: dt.datetime, held: dt.datetime
    ) -> None:
        rng = self.rng
        behind = held > self.now - dt.timedelta(days=21)
        reviewed = self.office(submitted + self.minutes(4, 400 if behind else 200))
        recent = reviewed > self.now - dt.timedelta(days=42)
        if reviewed >= self.now or (recent and rng.random() < 0.015):
            return  # awaiting the manager's review
        manager = team.manager
        actions = self.steps.actions_of(interview)
        responses: dict[int, tuple[str, str]] = {}
        for action in actions:
            response = self.response_deck.deal()
            comment = {
                ProposedAction.Response.AGREED.value: "",
                ProposedAction.Response.CHANGED.value: self.pick(CHANGED_COMMENTS),
                ProposedAction.Response.REJECTED.value: self.pick(REJECTED_COMMENTS),
            }[response]
            responses[action.pk] = (response, comment)
        comment = self.pick(
            [
                "Good interview; agree with the reflection.",
                "Please share with the social worker today.",
                "",
                "Discuss at the weekly missing meeting.",
            ]
        )
        self.steps.review_interview(
            interview, responses=responses, comment=comment, acting_user=manager
        )
        self.steps.close_reviewed(interview, reviewed)
        worker = interview.conducted_by
        for action in actions:
            self.steps.reread(action)
            if action.status != ProposedAction.Status.AGREED:
                continue
            if rng.random() < 0.05:
                continue  # agreed, never started
            started = self.office(reviewed + self.minutes(24, 240))
            if started >= self.now:
                continue
            self.steps.record_action_progress(
                action,
                status=ProposedAction.Status.IN_PROGRESS.value,
                expected_version=None,
                acting_user=worker,
            )
            finish = weighted(rng, [("done", 76), ("not_done", 17), ("open", 7)])
            due = action.due_date or local_date(held)
            end_day = due + dt.timedelta(days=rng.randint(-10, 10))
            ended = self.office(
                max(
                    started + dt.timedelta(hours=20),
                    dt.datetime(end_day.year, end_day.month, end_day.day, 11, tzinfo=LONDON),
                )
            )
            if finish == "open" or ended >= self.now:
                continue
            status = (
                ProposedAction.Status.DONE.value
                if finish == "done"
                else ProposedAction.Status.NOT_DONE.value
            )
            outcome = self.pick(DONE_OUTCOMES if finish == "done" else NOT_DONE_OUTCOMES)
            self.steps.record_action_progress(
                action, status=status, outcome=outcome, expected_version=None, acting_user=worker
            )
            self.steps.correct(action, completed_at=ended)
