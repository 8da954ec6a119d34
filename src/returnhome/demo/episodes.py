"""Missing episodes: when a child goes missing and returns, who reports it, the police reference."""

from __future__ import annotations

import datetime as dt
import math
from functools import partial
from typing import Any

from returnhome.children.models import Placement
from returnhome.episodes import services as episode_services
from returnhome.episodes.models import Episode, RiskLevel
from returnhome.interviews.models import RHI
from returnhome.lib.clock import LONDON
from returnhome.organisations.models import Organisation

from .common import (
    ChildCtx,
    ChildPlan,
    PlacementPlan,
    local_date,
    weighted,
    years_before,
)
from .direct import as_read
from .direct_episodes import ChildHistory, write_missing, write_return
from .pools import (
    POLICE_PREFIXES,
)
from .state import DemoState
from .texts import (
    CIRCUMSTANCES,
    FOUND_AT,
)


class EpisodeStage(DemoState):
    """Plan when a child goes missing, and record each episode (through the services, or
    directly as they would: demo/direct_episodes.py)."""

    history: ChildHistory  # the child being built, for the direct rows

    def _episode_span(
        self, plan: ChildPlan, dob: dt.date, end: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime]:
        rng = self.rng
        nine = years_before(dob, -9)
        start = max(self.window_start, dt.datetime(nine.year, nine.month, nine.day, tzinfo=LONDON))
        available = (end - start).total_seconds() / 86400
        if plan.prolific:
            length = rng.uniform(300, 700)
        else:
            length = rng.uniform(
                *[(1, 200), (60, 400), (150, 600)][
                    0 if plan.n_episodes <= 5 else 1 if plan.n_episodes <= 15 else 2
                ]
            )
        length = min(length, available)
        if rng.random() < 0.35 or (plan.prolific and rng.random() < 0.5):
            offset = available - length  # still going missing now
        else:
            offset = rng.uniform(0, available - length)
        span_start = start + dt.timedelta(days=offset)
        return span_start, span_start + dt.timedelta(days=length)

    def _episode_times(
        self, plan: ChildPlan, span: tuple[dt.datetime, dt.datetime], limit: dt.datetime
    ) -> list[tuple[dt.datetime, dt.datetime, str]]:
        """(reported missing, returned, classification) for each closed episode, in order, never overlapping."""
        rng = self.rng
        span_start, span_end = span
        seconds = max(3600.0, (span_end - span_start).total_seconds())
        hour_weights = [4, 3, 2, 1, 1, 1, 1, 1, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8, 9, 9, 9, 8, 7, 5]
        starts = []
        for _ in range(plan.n_episodes):
            at = span_start + dt.timedelta(seconds=rng.uniform(0, seconds))
            local = at.astimezone(LONDON)
            hour = rng.choices(range(24), weights=hour_weights, k=1)[0]
            day = local.date()
            starts.append(
                dt.datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=LONDON)
            )
        starts.sort()
        result: list[tuple[dt.datetime, dt.datetime, str]] = []
        previous_return: dt.datetime | None = None
        for start in starts:
            if previous_return is not None and start < previous_return + dt.timedelta(hours=2):
                start = previous_return + self.minutes(2, 40)
            if start < self.window_start:
                continue
            classification = "A" if rng.random() < 0.15 else "M"
            hours = min(220.0, max(0.75, rng.lognormvariate(math.log(9), 1.1)))
            if classification == "A":
                hours = max(0.75, hours * 0.4)
            returned = start + dt.timedelta(minutes=round(hours * 60))
            if returned > limit:
                break
            result.append((start, returned, classification))
            previous_return = returned
        return result

    def _police_reference(self, force: Organisation, at: dt.datetime) -> str:
        self.police_counter += self.rng.randint(1, 40)
        name = force.name.lower()
        prefix = next(
            (p for key, p in POLICE_PREFIXES.items() if key in name), force.name[:3].upper()
        )
        return f"{prefix}-{at.astimezone(LONDON):%y}-{self.police_counter % 1000000:06d}"

    def _record_episodes(
        self,
        ctx: ChildCtx,
        times: list[tuple[dt.datetime, dt.datetime, str]],
        open_at: dt.datetime | None,
    ) -> None:
        """Record each episode, and one still open if the child is missing now."""
        all_times: list[tuple[dt.datetime, dt.datetime | None, str]] = list(times)
        if open_at is not None:
            all_times.append((open_at, None, "M"))
        if self.direct:
            self.history = self.child_records.history
        for start, returned, classification in all_times:
            self._record_episode(ctx, start, returned, classification)
        if self.direct:
            for rhi in ctx.rhis:
                if rhi is not None:
                    as_read(rhi)  # as RHI.objects.get gives it; written at the child's end

    def _record_episode(
        self, ctx: ChildCtx, start: dt.datetime, returned: dt.datetime | None, classification: str
    ) -> None:
        """One episode as the front door (or Oak House) records it, and its return."""
        child = ctx.child
        day = local_date(start)
        placement = ctx.placement_on(day) if ctx.looked_after_on(day) else None
        area_org = placement.area if placement else child.council
        force = area_org.police_force or self.main_police
        town = (
            self.home_town
            if placement and placement.oak_house
            else self._town(self.areas.get(area_org.pk), area_org)[0]
        )
        source, by_home, reported_by = self._who_reports(placement)
        actor = self.users["reporter"] if by_home else self.front_doors[child.council_id]
        reference = self._police_reference(force, start)
        received = start + (
            self.minutes(0.1, 0.4) if source != "police" else self.minutes(0.1, 1.5)
        )
        risk = self._risk_level(ctx, classification)
        where = placement.address if placement else ctx.home_address
        record_missing = (
            partial(write_missing, self.rows, self.history)
            if self.direct
            else partial(episode_services.record_missing, child, check_permission=False)
        )
        episode = record_missing(
            reported_missing_at=start,
            received_at=min(received, self.now - dt.timedelta(minutes=1)),
            source=source,
            acting_user=actor,
            last_seen_at=start - self.minutes(0.3, 5),
            missing_from=where,
            police_force=force,
            police_reference=reference,
            risk_level=risk,
            classification=classification,
            reported_by=reported_by,
            circumstances=self.pick(CIRCUMSTANCES).format(
                where="the placement" if placement else "home",
                hour=self.pick([18, 19, 20, 21, 22]),
                town=town,
            ),
            content={"police_reference": reference, "reported_by": reported_by},
        )
        ctx.episodes.append(episode)
        if returned is None:
            ctx.rhis.append(None)
            return
        self._record_found(ctx, episode, returned, (source, by_home), town, reference)

    def _who_reports(self, placement: PlacementPlan | None) -> tuple[str, bool, str]:
        """Who reports the child missing: the source, whether Oak House records it itself, and
        the 'reported by' text."""
        if placement and placement.oak_house:
            sources = [("childrens_home", 55), ("police", 45)]
        elif placement and placement.placement_type in {
            Placement.Type.HOME_PRIVATE,
            Placement.Type.HOME_COUNCIL,
        }:
            sources = [("childrens_home", 35), ("police", 65)]
        elif placement and placement.placement_type == Placement.Type.FOSTER:
            sources = [("foster_carer", 20), ("police", 80)]
        else:
            sources = [("police", 85), ("parent", 8), ("school", 4), ("social_worker", 3)]
        source = weighted(self.rng, sources)
        by_home = source == "childrens_home" and placement is not None and placement.oak_house
        reported_by = {
            "police": "Police (reported by "
            + ("carer" if placement else self.pick(["mum", "dad", "grandmother"]))
            + ")",
            "childrens_home": "Residential staff" + (" at Oak House" if by_home else ""),
            "foster_carer": "Foster carer",
            "parent": self.pick(["Mum", "Dad", "Aunt"]),
            "school": "School designated safeguarding lead",
            "social_worker": "Social worker",
        }[source]
        return source, by_home, reported_by

    def _risk_level(self, ctx: ChildCtx, classification: str) -> str:
        """The police risk grading: absent (A) episodes are rarely more than low risk."""
        if classification == "A":
            return weighted(
                self.rng,
                [
                    (RiskLevel.NO_APPARENT_RISK.value, 45),
                    (RiskLevel.LOW.value, 45),
                    (RiskLevel.MEDIUM.value, 10),
                ],
            )
        high = 25 if ctx.flags else 10
        return weighted(
            self.rng,
            [
                (RiskLevel.NO_APPARENT_RISK.value, 5),
                (RiskLevel.LOW.value, 40),
                (RiskLevel.MEDIUM.value, 42),
                (RiskLevel.HIGH.value, high),
            ],
        )

    def _record_found(
        self,
        ctx: ChildCtx,
        episode: Episode,
        returned: dt.datetime,
        reported: tuple[str, bool],
        town: str,
        reference: str,
    ) -> None:
        """The child's return (mostly told by police), which opens the RHI."""
        source, by_home = reported
        rng = self.rng
        found_source = "police" if rng.random() < 0.75 else source
        delay = self.minutes(12, 30) if rng.random() < 0.1 else self.minutes(0.1, 8)
        found_received = min(returned + delay, self.now - dt.timedelta(minutes=5))
        found_by_home = found_source == "childrens_home" and by_home
        found: dict[str, Any] = {
            "returned_at": returned,
            "received_at": max(found_received, returned),
            "source": found_source,
            "acting_user": self.users["reporter"]
            if found_by_home
            else self.front_doors[ctx.child.council_id],
            "found_location": self.pick(FOUND_AT).format(town=town),
            "content": {"police_reference": reference},
        }
        if self.direct:
            episode, rhi = write_return(self.rows, self.history, episode, **found)
        else:
            episode = episode_services.record_return(episode, check_permission=False, **found)
            rhi = RHI.objects.get(episode=episode)
        ctx.episodes[-1] = episode
        rhi.episode = episode
        rhi.child = ctx.child
        ctx.rhis.append(rhi)
