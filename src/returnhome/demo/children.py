"""Children: who they are, where they live, their legal status and placements, their details."""

from __future__ import annotations

import datetime as dt
from typing import Any

from returnhome.accounts.models import User
from returnhome.children.models import Alias, Child, LegalStatus, Placement, RiskFlag
from returnhome.organisations.models import Organisation

from .common import (
    CHILD_ID_PREFIX,
    ChildCtx,
    ChildPlan,
    Deck,
    Period,
    PlacementPlan,
    age_on,
    local_date,
    make_nhs_number,
    weighted,
    years_before,
)
from .episodes import EpisodeStage
from .pools import (
    BOYS,
    ETHNICITIES,
    GIRLS,
    NICKNAMES,
    ORIGINS,
    STREET_KINDS,
    STREET_WORDS,
    SURNAMES,
)
from .showcase import choose_showcases, last_return


class ChildrenStage(EpisodeStage):
    """Plan the children, then create each one with its history, details and episodes."""

    def plan_children(self) -> list[ChildPlan]:
        rng = self.rng
        n = self.n_children
        n_main = max(1, round(n * 0.7))
        n_n1 = (n - n_main) // 2
        n_n2 = n - n_main - n_n1
        n_prolific = max(1, min(8, round(n * 7 / 300)))
        prolific_keys = ["main"] * n_prolific
        if n_prolific >= 5:
            prolific_keys[-1], prolific_keys[-2] = "n1", "n2"
        main_prolific = [
            "lac_in",
            "hosted",
            "mfh",
            "lac_out_moved",
            "mfh_to_lac",
            "lac_in",
            "lac_out",
        ]
        plans: list[ChildPlan] = []
        counts = {"main": n_main, "n1": n_n1, "n2": n_n2}
        for index, key in enumerate(prolific_keys):
            if counts[key] == 0:
                key = "main"
            counts[key] -= 1
            category = main_prolific[index % len(main_prolific)] if key == "main" else "lac_in"
            plans.append(ChildPlan(key, category, True, rng.randint(35, 80)))
        main_deck: Deck[str] = Deck(
            rng,
            [
                ("mfh", 58),
                ("lac_in", 11),
                ("lac_out", 7),
                ("lac_out_moved", 3),
                ("hosted", 8),
                ("mfh_to_lac", 7),
                ("lac_ceased", 6),
            ],
        )
        neighbour_deck: Deck[str] = Deck(rng, [("mfh", 70), ("lac_in", 21), ("hosted", 9)])
        for key, count in counts.items():
            for _ in range(count):
                category = main_deck.deal() if key == "main" else neighbour_deck.deal()
                tier = weighted(rng, [(0, 56), (1, 26), (2, 18)])
                n_eps = (rng.randint(1, 5), rng.randint(6, 15), rng.randint(16, 29))[tier]
                plans.append(ChildPlan(key, category, False, n_eps))
        rng.shuffle(plans)
        n_open = max(2, round(n / 30))
        for index in rng.sample(range(len(plans)), min(n_open, len(plans))):
            plans[index].open_episode = True
        choose_showcases(plans)
        return plans

    def _address(self, town: str) -> str:
        return (
            f"{self.rng.randint(1, 120)} Demo {self.pick(STREET_WORDS)} "
            f"{self.pick(STREET_KINDS)}, {town}"
        )

    def _placement(
        self, ctx: ChildCtx, area_org: Organisation, start: dt.date, end: dt.date | None
    ) -> PlacementPlan:
        rng = self.rng
        age = age_on(ctx.child.date_of_birth or start, start)
        options: list[tuple[str, float]] = [
            (Placement.Type.FOSTER.value, 45),
            (Placement.Type.HOME_PRIVATE.value, 25),
            (Placement.Type.HOME_COUNCIL.value, 8),
            (Placement.Type.SECURE.value, 2),
            (Placement.Type.WITH_PARENTS.value, 5),
            (Placement.Type.OTHER.value, 5),
        ]
        if age >= 16:
            options.append((Placement.Type.SUPPORTED.value, 20))
        ptype = weighted(rng, options)
        area = self.areas.get(area_org.pk)
        town, postcode = self._town(area, area_org)
        if ptype == Placement.Type.HOME_PRIVATE and area_org == self.main and rng.random() < 0.5:
            return PlacementPlan(
                start, end, ptype, area_org, self.home_address, self.home_postcode, oak_house=True
            )
        street = self._address(town)
        address = {
            Placement.Type.FOSTER: f"Foster placement, {street}",
            Placement.Type.HOME_PRIVATE: f"{self.pick(STREET_WORDS)} Lodge (private children's home), {street}",
            Placement.Type.HOME_COUNCIL: f"{self.pick(STREET_WORDS)} House (council children's home), {street}",
            Placement.Type.SECURE: f"Secure children's home (demo), {town}",
            Placement.Type.WITH_PARENTS: ctx.home_address,
            Placement.Type.OTHER: f"Family friend, {street}",
            Placement.Type.SUPPORTED: f"Flat {rng.randint(1, 30)}, Demo Court, {town}",
        }[Placement.Type(ptype)]
        if ptype == Placement.Type.WITH_PARENTS:
            postcode = ctx.child.postcode
        return PlacementPlan(start, end, ptype, area_org, address, postcode)

    def _out_of_area(self, council: Organisation) -> Organisation:
        others = [c for c in (self.main, *self.neighbours) if c != council]
        if self.far and self.rng.random() < 0.35:
            return self.far[0]
        return self.pick(others)

    def _placements_for(
        self,
        ctx: ChildCtx,
        area_org: Organisation,
        start: dt.date,
        end: dt.date | None,
        moves: int,
    ) -> None:
        """One or more placements, one after another, in an area, covering start..end."""
        last = end or self.today
        days = (last - start).days
        cuts = (
            sorted({start + dt.timedelta(days=self.rng.randint(1, days)) for _ in range(moves)})
            if days > 2
            else []
        )
        starts = [start, *cuts]
        for index, p_start in enumerate(starts):
            p_end = starts[index + 1] - dt.timedelta(days=1) if index + 1 < len(starts) else end
            ctx.placements.append(self._placement(ctx, area_org, p_start, p_end))

    def plan_legal_history(self, ctx: ChildCtx, span: tuple[dt.date, dt.date]) -> None:
        rng = self.rng
        child = ctx.child
        council = child.council
        dob = child.date_of_birth
        assert dob is not None
        earliest = dob + dt.timedelta(days=400)
        span_start, span_end = span

        def before(day: dt.date, lo: int, hi: int) -> dt.date:
            return min(self.today, max(earliest, day - dt.timedelta(days=rng.randint(lo, hi))))

        def middle() -> dt.date:
            length = (span_end - span_start).days
            return min(
                self.today, span_start + dt.timedelta(days=round(length * rng.uniform(0.3, 0.7)))
            )

        category = ctx.plan.category
        if category == "mfh":
            return
        if category in {"lac_in", "lac_out", "lac_out_moved"}:
            start = before(span_start, 30, 900)
            ctx.periods.append(Period(start, None, True, council))
            if category == "lac_in":
                self._placements_for(ctx, council, start, None, rng.randint(0, 2))
            elif category == "lac_out":
                self._placements_for(
                    ctx, self._out_of_area(council), start, None, rng.randint(0, 1)
                )
            else:
                move = max(middle(), start + dt.timedelta(days=1))
                self._placements_for(ctx, council, start, move - dt.timedelta(days=1), 0)
                self._placements_for(ctx, self._out_of_area(council), move, None, 0)
        elif category == "hosted":
            responsible = self.pick([c for c in (self.main, *self.neighbours) if c != council])
            start = before(span_start, 30, 700)
            ctx.periods.append(Period(start, None, True, responsible))
            self._placements_for(ctx, council, start, None, rng.randint(0, 1))
        elif category == "mfh_to_lac":
            start = middle()
            ctx.periods.append(Period(start, None, True, council))
            area = council if rng.random() < 0.7 else self._out_of_area(council)
            self._placements_for(ctx, area, start, None, rng.randint(0, 1))
        elif category == "lac_ceased":
            start = before(span_start, 60, 700)
            cease = max(middle(), start + dt.timedelta(days=2))
            ctx.periods.append(Period(start, cease - dt.timedelta(days=1), True, council))
            ctx.periods.append(Period(cease, None, False, None))
            self._placements_for(
                ctx, council, start, cease - dt.timedelta(days=1), rng.randint(0, 1)
            )

    def _identity(self, plan: ChildPlan) -> dict[str, Any]:
        rng = self.rng
        sex = weighted(
            rng,
            [(Child.Sex.FEMALE.value, 48), (Child.Sex.MALE.value, 49), (Child.Sex.OTHER.value, 3)],
        )
        origin = weighted(rng, ORIGINS)
        firsts = (
            GIRLS
            if sex == Child.Sex.FEMALE
            else BOYS
            if sex == Child.Sex.MALE
            else self.pick([GIRLS, BOYS])
        )[origin].split()
        # Mixed-heritage children often have an English surname.
        surname_origin = origin if rng.random() < 0.85 else "english"
        ages = [(10, 2), (11, 3), (12, 5), (13, 8), (14, 12), (15, 14), (16, 14), (17, 10)]
        if plan.prolific:
            ages = [(14, 1), (15, 1), (16, 1), (17, 1)]
        age = weighted(rng, ages)
        latest = years_before(self.today, age)
        earliest = years_before(self.today, age + 1) + dt.timedelta(days=1)
        dob = earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))
        return {
            "forename": self.pick(firsts),
            "surname": self.pick(SURNAMES[surname_origin].split()),
            "date_of_birth": dob,
            "sex": sex,
            "gender": "Non-binary" if sex == Child.Sex.OTHER and rng.random() < 0.5 else "",
            "ethnicity": weighted(rng, ETHNICITIES[origin]),
        }

    def create_child(self, plan: ChildPlan) -> ChildCtx:
        rng = self.rng
        council = self.councils[plan.council_key]
        area = self.areas[council.pk]
        fields = self._identity(plan)
        self.child_counter += 1
        fields["la_child_id"] = f"{CHILD_ID_PREFIX}{self.child_counter:06d}"
        home_town, postcode = self._town(area, council)
        home_address = self._address(home_town)
        fields["address"] = home_address
        fields["postcode"] = postcode
        if rng.random() < 0.6:
            fields["nhs_number"] = make_nhs_number(rng)
        child = self.child_records.create_child(
            council, acting_user=self.admin if council == self.main else None, **fields
        )
        ctx = ChildCtx(plan, child, area, home_town, home_address)
        open_at = self.now - self.minutes(3, 96) if plan.open_episode else None
        limit = (
            (open_at - dt.timedelta(hours=3)) if open_at else self.now - dt.timedelta(minutes=45)
        )
        # A showcase child (demo/showcase.py) ends with a return at a moment fixed from now.
        final: tuple[dt.datetime, dt.datetime, str] | None = None
        returned = last_return(plan, self.now, self.minutes(2, 24)) if plan.shows else None
        if returned is not None:
            final = (returned - self.minutes(2, 12), returned, "M")
            limit = final[0] - dt.timedelta(hours=3)
        dob = fields["date_of_birth"]
        span = self._episode_span(plan, dob, limit)
        self.plan_legal_history(ctx, (local_date(span[0]), local_date(span[1])))
        self._record_history(ctx)
        self._child_details(ctx, span)
        times = self._episode_times(plan, span, limit)
        if final is not None:
            times.append(final)
        self._record_episodes(ctx, times, open_at)
        return ctx

    def _record_history(self, ctx: ChildCtx) -> None:
        actor = self.admin if ctx.child.council == self.main else None
        for period in ctx.periods:
            self.child_records.record_legal_status(
                ctx.child,
                status=LegalStatus.Status.LOOKED_AFTER
                if period.looked_after
                else LegalStatus.Status.NOT_LOOKED_AFTER,
                start_date=period.start,
                end_date=period.end,
                responsible_council=period.responsible,
                acting_user=actor,
            )
        for placement in ctx.placements:
            self.child_records.record_placement(
                ctx.child,
                placement_type=placement.placement_type,
                council_area=placement.area,
                start_date=placement.start,
                end_date=placement.end,
                address=placement.address,
                postcode=placement.postcode,
                acting_user=actor,
            )

    def _child_details(self, ctx: ChildCtx, span: tuple[dt.datetime, dt.datetime]) -> None:
        """Services, social worker, photographs, aliases and risk flags."""
        actor = self.admin if ctx.child.council == self.main else None
        self._services_and_file(ctx, actor)
        self._aliases(ctx, actor)
        if self.rng.random() < (0.9 if ctx.plan.prolific else 0.3):
            ctx.flags = self._risk_flags(ctx, span, actor)

    def _services_and_file(self, ctx: ChildCtx, actor: User | None) -> None:
        """The services involved, the allocated social worker, photographs, the current address."""
        rng = self.rng
        child = ctx.child
        council = child.council
        looked_after_ever = any(p.looked_after for p in ctx.periods)
        looked_after_now = ctx.looked_after_on(self.today)
        services: list[str] = []
        if looked_after_now:
            services.append(Child.Service.LOOKED_AFTER.value)
        elif rng.random() < 0.6:
            services.append(
                weighted(
                    rng,
                    [
                        (Child.Service.EARLY_HELP.value, 40),
                        (Child.Service.CHILD_IN_NEED.value, 35),
                        (Child.Service.CHILD_PROTECTION.value, 25),
                    ],
                )
            )
        if rng.random() < 0.2:
            services.append(Child.Service.CAMHS.value)
        if rng.random() < (0.4 if ctx.plan.prolific else 0.1):
            services.append(Child.Service.YOUTH_JUSTICE.value)
        updates: dict[str, Any] = {"services_involved": services}
        statutory = looked_after_now or bool(
            {Child.Service.CHILD_IN_NEED.value, Child.Service.CHILD_PROTECTION.value}
            & set(services)
        )
        if council == self.main and statutory and rng.random() < 0.7:
            updates["allocated_social_worker"] = self.pick(self.social_workers)
        if rng.random() < (0.75 if looked_after_ever else 0.25):
            updates["photographs_held"] = True
            updates["photographs_location"] = (
                f"On the child's file ({council.name} children's services)"
                if looked_after_ever
                else "Held by the family; copy given to police"
            )
        if looked_after_now:
            placement = ctx.placement_on(self.today)
            if placement is not None:
                updates["address"] = placement.address
                updates["postcode"] = placement.postcode
        self.child_records.update_child(child, expected_version=None, acting_user=actor, **updates)

    def _aliases(self, ctx: ChildCtx, actor: User | None) -> None:
        """A nickname, an online name, a previous surname (now and then)."""
        rng = self.rng
        child = ctx.child
        if rng.random() < 0.3:
            nick = NICKNAMES.get(child.forename) or f"{child.forename[:3]}z"
            self.child_records.add_alias(child, nick, Alias.Kind.NICKNAME, acting_user=actor)
        if rng.random() < 0.15:
            handle = f"{child.forename.lower()}_{rng.randint(1, 99):02d}x"
            self.child_records.add_alias(child, handle, Alias.Kind.ONLINE, acting_user=actor)
        if any(p.looked_after for p in ctx.periods) and rng.random() < 0.1:
            previous = self.pick(SURNAMES["english"].split())
            self.child_records.add_alias(
                child, f"{child.forename} {previous}", Alias.Kind.PREVIOUS, acting_user=actor
            )

    def _risk_flags(
        self, ctx: ChildCtx, span: tuple[dt.datetime, dt.datetime], actor: User | None
    ) -> list[str]:
        """One to three risk flags, from around when the missing began."""
        rng = self.rng
        flags = [
            (RiskFlag.Flag.CCE.value, 20),
            (RiskFlag.Flag.COUNTY_LINES.value, 12),
            (RiskFlag.Flag.CSE.value, 15),
            (RiskFlag.Flag.GANGS.value, 8),
            (RiskFlag.Flag.SUBSTANCE_MISUSE.value, 20),
            (RiskFlag.Flag.MENTAL_HEALTH.value, 15),
            (RiskFlag.Flag.TRAFFICKING.value, 3),
            (RiskFlag.Flag.LEARNING_DIFFICULTY.value, 7),
        ]
        chosen: list[str] = []
        for _ in range(rng.randint(1, 3)):
            flag = weighted(rng, flags)
            if flag not in chosen:
                chosen.append(flag)
        dob = ctx.child.date_of_birth
        assert dob is not None
        for flag in chosen:
            start = local_date(span[0]) - dt.timedelta(days=rng.randint(0, 200))
            start = min(self.today, max(start, years_before(dob, -9)))
            end = None
            if rng.random() < 0.2 and start < self.today - dt.timedelta(days=30):
                end = start + dt.timedelta(days=rng.randint(20, (self.today - start).days))
            self.child_records.add_risk_flag(
                ctx.child,
                flag=flag,
                start_date=start,
                end_date=end,
                note="Identified at a strategy discussion" if rng.random() < 0.5 else "",
                acting_user=actor,
            )
        return chosen
