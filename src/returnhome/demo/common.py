"""What every demo stage shares: the constants that mark demo records, the error, weighted random
helpers, dates, synthetic NHS numbers, and the plans a child is built from."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI
from returnhome.lib.clock import LONDON
from returnhome.organisations.models import Organisation

from .pools import AreaSpec

T = TypeVar("T")

DEFAULT_PASSWORD = "demo-password-123"  # noqa: S105 (shared by the synthetic demo users only)
CHILD_ID_PREFIX = "DEMO"
CHARITY_CODE = "demo:charity"
HOME_CODE = "demo:oak-house"
CHARITY_NAME = "Safe Return Partnership (demo charity)"
HOME_NAME = "Oak House (demo children's home)"


class DemoDataError(Exception):
    """The demo data cannot be built (or reset) as asked."""


# --------------------------------------------------------------------------- helpers


def weighted(rng: random.Random, options: Sequence[tuple[T, float]]) -> T:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options], k=1)[0]


class Deck(Generic[T]):
    """Deals each option once (in shuffled order), then by weight: rare values appear in small data sets."""

    def __init__(self, rng: random.Random, options: Sequence[tuple[T, float]]) -> None:
        self.rng = rng
        self.options = list(options)
        self.first = [o for o, _ in options]
        rng.shuffle(self.first)

    def deal(self) -> T:
        if self.first:
            return self.first.pop()
        return weighted(self.rng, self.options)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_on(dob: dt.date, day: dt.date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def local_date(at: dt.datetime) -> dt.date:
    return at.astimezone(LONDON).date()


def make_nhs_number(rng: random.Random) -> str:
    """A 10-digit NHS number in the 999 test range with a valid modulus 11 check digit."""
    while True:
        digits = [9, 9, 9] + [rng.randrange(10) for _ in range(6)]
        total = sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def nhs_number_is_valid(number: str) -> bool:
    if len(number) != 10 or not number.isdigit():
        return False
    digits = [int(c) for c in number]
    check = 11 - sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == digits[9]


# --------------------------------------------------------------------------- plans


@dataclass
class Period:
    start: dt.date
    end: dt.date | None
    looked_after: bool
    responsible: Organisation | None


@dataclass
class PlacementPlan:
    start: dt.date
    end: dt.date | None
    placement_type: str
    area: Organisation
    address: str
    postcode: str
    oak_house: bool = False


@dataclass
class ChildPlan:
    council_key: str
    category: str
    prolific: bool
    n_episodes: int
    open_episode: bool = False
    # What this child's last RHI must show on every demo (demo/showcase.py), and who has it.
    shows: str = ""
    worker: str = ""


@dataclass
class Team:
    provider: Organisation
    manager: User
    workers: list[User]


@dataclass
class ChildCtx:
    plan: ChildPlan
    child: Child
    area: AreaSpec | None
    home_town: str
    home_address: str
    periods: list[Period] = field(default_factory=list)
    placements: list[PlacementPlan] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    rhis: list[RHI | None] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)

    def period_on(self, day: dt.date) -> Period | None:
        found = [p for p in self.periods if p.start <= day and (p.end is None or p.end >= day)]
        return found[-1] if found else None

    def placement_on(self, day: dt.date) -> PlacementPlan | None:
        found = [p for p in self.placements if p.start <= day and (p.end is None or p.end >= day)]
        return found[-1] if found else None

    def looked_after_on(self, day: dt.date) -> bool:
        period = self.period_on(day)
        return period is not None and period.looked_after


@dataclass
class DemoSummary:
    lines: list[str]
    users: list[tuple[str, str, str]]
    notes: list[str]
