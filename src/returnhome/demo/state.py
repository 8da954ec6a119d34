"""The state one demo build shares between its stages."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children import services as child_services
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, DeclineReason
from returnhome.lib.clock import LONDON
from returnhome.organisations.models import Organisation

from .common import DEFAULT_PASSWORD, Deck, DemoDataError, T, Team
from .direct import DirectRows
from .direct_children import DirectChildRecords
from .pools import AreaSpec
from .steps import DirectSteps, ServiceSteps


class DemoState:
    """One build's seeded random source and simulated clock, and what the setup stage made (the
    councils, the charity and the children's home, the demo users and the RHI teams). Every stage
    reads and draws from here, in a fixed order: the same seed and today give the same records."""

    # Made by the setup stage (returnhome.demo.setup).
    main: Organisation
    neighbours: list[Organisation]
    n1: Organisation
    n2: Organisation
    areas: dict[int, AreaSpec]
    councils: dict[str, Organisation]
    far: list[Organisation]
    main_police: Organisation
    charity: Organisation
    home: Organisation
    home_town: str
    home_address: str
    home_postcode: str
    users: dict[str, User]
    admin: User
    front_doors: dict[int, User]
    social_workers: list[User]
    teams: dict[int, Team]

    def __init__(
        self,
        *,
        seed: int = 1,
        children: int = 300,
        years: int = 2,
        today: dt.date,
        password: str = DEFAULT_PASSWORD,
        direct: bool = True,
    ) -> None:
        if children < 1:
            raise DemoDataError("--children must be at least 1")
        if years < 1:
            raise DemoDataError("--years must be at least 1")
        if today > timezone.localdate():
            raise DemoDataError("--today cannot be in the future")
        self.seed = seed
        self.rng = random.Random(seed)
        self.n_children = children
        self.years = years
        self.today = today
        self.password = password
        # Write the busiest stages' rows directly, as the services would (demo/direct.py);
        # False: every record through the services (what tests compare the direct rows with).
        self.direct = direct
        self.rows = DirectRows()
        self.steps: DirectSteps | ServiceSteps = (
            DirectSteps(self.rows) if direct else ServiceSteps()
        )
        self.child_records: Any = DirectChildRecords(self.rows) if direct else child_services
        # The simulated "now": midnight at the start of `today`, so nothing is after the real now.
        self.now = dt.datetime(today.year, today.month, today.day, tzinfo=LONDON)
        self.window_start = self.now - dt.timedelta(days=365 * years)
        self.notes: list[str] = []
        self.police_counter = 0
        self.child_counter = 0
        rng = self.rng
        self.decline_deck: Deck[str] = Deck(
            rng,
            [
                (DeclineReason.CHILD_REFUSED.value, 34),
                (DeclineReason.PARENT_REFUSED.value, 14),
                (DeclineReason.NO_CONTACT.value, 20),
                (DeclineReason.MISSING_AGAIN.value, 8),
                (DeclineReason.IN_CUSTODY.value, 4),
                (DeclineReason.MOVED_OUT_OF_AREA.value, 5),
                (DeclineReason.MENTAL_HEALTH.value, 6),
                (DeclineReason.OTHER.value, 6),
            ],
        )
        self.response_deck: Deck[str] = Deck(
            rng,
            [
                (ProposedAction.Response.AGREED.value, 70),
                (ProposedAction.Response.CHANGED.value, 18),
                (ProposedAction.Response.REJECTED.value, 12),
            ],
        )

    # ------------------------------------------------------------------ small random helpers

    def minutes(self, lo_hours: float, hi_hours: float) -> dt.timedelta:
        return dt.timedelta(minutes=round(self.rng.uniform(lo_hours, hi_hours) * 60))

    def office(self, at: dt.datetime) -> dt.datetime:
        """Move a time into the working day (08:00 to 19:00 London), the next morning if need be."""
        local = at.astimezone(LONDON)
        if 8 <= local.hour < 19:
            return at
        day = local.date() if local.hour < 8 else local.date() + dt.timedelta(days=1)
        start = dt.datetime(day.year, day.month, day.day, 8, 30, tzinfo=LONDON)
        return start + dt.timedelta(minutes=self.rng.randrange(0, 180))

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def _town(self, area: AreaSpec | None, council: Organisation) -> tuple[str, str]:
        """A town and a synthetic postcode in a council's area."""
        if area is None:
            return council.name, ""
        town, outwards = self.pick(area.towns)
        return town, f"{self.pick(outwards)} {self.rng.randint(1, 9)}XX"

    def _team(self, rhi: RHI) -> Team:
        return self.teams[rhi.provider_id]
