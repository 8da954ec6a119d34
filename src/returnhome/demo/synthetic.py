"""Synthetic children and noisy police notifications about them, for tests and the benchmark.

Deterministic from a seed. Every name comes from the demo data's pools of common given names and
surnames, combined at random; addresses are "Demo" streets, NHS numbers are in the 999 test range.

Each police row is labelled with the register child it is about (or None for a child not on the
register), so matching can be scored: the noise is what police data has — nicknames, aliases,
typos, swapped or double-barrelled names, dates of birth with a typo or day and month swapped or
missing, children who moved, missing postcodes.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from nicknames import NickNamer

from returnhome.demo.pools import BOYS, GIRLS, SURNAMES
from returnhome.imports.police.rows import COLUMNS, nhs_number_valid

DISTRICTS = [
    "ME1",
    "ME2",
    "ME4",
    "ME5",
    "ME7",
    "ME8",
    "ME10",
    "ME14",
    "ME15",
    "ME16",
    "CT1",
    "CT2",
    "CT9",
    "CT11",
    "CT12",
    "CT16",
    "CT17",
    "CT19",
    "CT20",
    "TN9",
    "TN10",
    "TN23",
    "TN24",
    "TN34",
    "TN35",
    "TN39",
    "TN40",
    "DA1",
    "DA2",
    "DA11",
    "DA12",
    "BN7",
    "BN9",
    "BN20",
    "BN21",
    "BN22",
    "BN23",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
STREETS = [
    "Acorn",
    "Alder",
    "Beech",
    "Birch",
    "Cedar",
    "Chestnut",
    "Elm",
    "Hazel",
    "Holly",
    "Juniper",
    "Larch",
    "Laurel",
    "Maple",
    "Oak",
    "Rowan",
    "Willow",
    "Yew",
    "Ash",
    "Poplar",
    "Linden",
]
STREET_KINDS = ("Street", "Road", "Avenue", "Close", "Lane", "Way", "Gardens", "Crescent")

_girls = sorted({n for names in GIRLS.values() for n in names.split()})
_boys = sorted({n for names in BOYS.values() for n in names.split()})
_surnames = sorted({n for names in SURNAMES.values() for n in names.split()})
_namer = NickNamer()
# The long tail of surnames: made-up place-like names ("Ashworth", "Brackley").
_PREFIXES = [
    "Ash",
    "Brack",
    "Cal",
    "Dun",
    "Elm",
    "Fair",
    "Green",
    "Hart",
    "Kings",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Rad",
    "Sand",
    "Thorn",
    "Wal",
    "West",
    "Whit",
    "Brad",
    "Chal",
    "Hol",
    "Stan",
    "Wood",
    "Mil",
    "Bur",
    "Cres",
    "Fen",
    "Gold",
]
_SUFFIXES = [
    "worth",
    "ley",
    "ton",
    "field",
    "well",
    "ford",
    "by",
    "ham",
    "wick",
    "more",
    "bury",
    "dale",
    "cott",
    "ridge",
    "stead",
    "combe",
]
_tail = sorted({p + s for p in _PREFIXES for s in _SUFFIXES})


@dataclass
class SynthChild:
    key: int
    forename: str
    surname: str
    dob: dt.date
    sex: str
    postcode: str
    address: str
    la_child_id: str
    nhs_number: str = ""
    aliases: list[str] = field(default_factory=list)


@dataclass
class LabelledRow:
    values: dict[str, str]
    truth: int | None  # the register child's key, or None: not on the register
    noise: list[str]


def nhs_number(rng: random.Random) -> str:
    while True:
        number = f"999{rng.randrange(10**7):07d}"
        if nhs_number_valid(number):
            return number


class Generator:
    def __init__(self, seed: int, today: dt.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.next_key = 0

    def _postcode(self) -> str:
        r = self.rng
        return (
            f"{r.choice(DISTRICTS)} {r.randint(1, 9)}{r.choice(INWARD_LETTERS)}"
            f"{r.choice(INWARD_LETTERS)}"
        )

    def _address(self) -> str:
        r = self.rng
        return f"{r.randint(1, 180)} {r.choice(STREETS)} {r.choice(STREET_KINDS)}, Demo Town"

    def _dob(self) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(6 * 365, 18 * 365))

    def _one_surname(self) -> str:
        r = self.rng
        return r.choice(_surnames) if r.random() < 0.5 else r.choice(_tail)

    def _surname(self) -> str:
        if self.rng.random() < 0.06:
            return f"{self._one_surname()}-{self._one_surname()}"
        return self._one_surname()

    def _forename(self, sex: str) -> str:
        return self.rng.choice(_girls if sex == "F" else _boys)

    def child(
        self, surname: str, postcode: str, address: str, dob: dt.date | None = None
    ) -> SynthChild:
        r = self.rng
        sex = r.choice("FM")
        forename = self._forename(sex)
        self.next_key += 1
        aliases = []
        if r.random() < 0.15:
            nicks = sorted(_namer.nicknames_of(forename.lower()))
            aliases.append(r.choice(nicks).title() if nicks else forename[:3] + "z")
        return SynthChild(
            key=self.next_key,
            forename=forename,
            surname=surname,
            dob=dob or self._dob(),
            sex=sex,
            postcode=postcode,
            address=address,
            la_child_id=f"SYN{self.next_key:07d}",
            nhs_number=nhs_number(r) if r.random() < 0.6 else "",
            aliases=aliases,
        )

    def register(self, size: int) -> list[SynthChild]:
        """Households of siblings (some twins), and children's homes with unrelated children."""
        r = self.rng
        children: list[SynthChild] = []
        while len(children) < size:
            postcode, address = self._postcode(), self._address()
            if r.random() < 0.03:  # a children's home
                for _ in range(r.randint(3, 8)):
                    children.append(self.child(self._surname(), postcode, address))
                continue
            surname = self._surname()
            first = self.child(surname, postcode, address)
            children.append(first)
            for _ in range(r.choices((0, 1, 2), (55, 35, 10))[0]):
                twin = r.random() < 0.08
                children.append(self.child(surname, postcode, address, first.dob if twin else None))
        return children[:size]

    # ---- noise

    def typo(self, word: str) -> str:
        r = self.rng
        if len(word) < 3:
            return word
        i = r.randint(1, len(word) - 2)
        kind = r.choice(("sub", "ins", "del", "swap"))
        letter = r.choice(string.ascii_lowercase)
        if kind == "sub":
            return word[:i] + letter + word[i + 1 :]
        if kind == "ins":
            return word[:i] + letter + word[i:]
        if kind == "del":
            return word[:i] + word[i + 1 :]
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]

    def _dob_noise(self, dob: dt.date, noise: list[str]) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.72:
            return dob.strftime("%d/%m/%Y") if r.random() < 0.5 else dob.isoformat()
        if roll < 0.80 and dob.day <= 12 and dob.day != dob.month:
            noise.append("dob day/month swapped")
            return f"{dob.month:02d}/{dob.day:02d}/{dob.year}"
        if roll < 0.88:
            noise.append("dob typo")
            for _ in range(20):
                text = dob.strftime("%d%m%Y")
                i = r.randrange(len(text))
                text = text[:i] + r.choice(string.digits) + text[i + 1 :]
                try:
                    changed = dt.datetime.strptime(text, "%d%m%Y").date()  # noqa: DTZ007
                except ValueError:
                    continue
                if (
                    changed != dob
                    and self.today.year - 25 < changed.year
                    and changed < self.today - dt.timedelta(days=400)
                ):
                    return changed.strftime("%d/%m/%Y")
            return dob.isoformat()
        if roll < 0.96:
            noise.append("dob missing")
            return ""
        noise.append("dob wrong")
        return self._dob().isoformat()

    def police_row(
        self, child: SynthChild, truth: int | None, event_at: dt.datetime, reference: str
    ) -> LabelledRow:
        """A missing notification about `child`, as police might write it."""
        r = self.rng
        noise: list[str] = []
        forename, surname = child.forename, child.surname
        roll = r.random()
        if roll < 0.10:
            nicks = sorted(_namer.nicknames_of(forename.lower()))
            if nicks:
                forename = r.choice(nicks).title()
                noise.append("nickname")
        elif roll < 0.18:
            forename = self.typo(forename)
            noise.append("forename typo")
        elif roll < 0.21 and child.aliases:
            forename = child.aliases[0]
            noise.append("alias as forename")
        elif roll < 0.25:
            forename, surname = surname, forename
            noise.append("names swapped")
        roll = r.random()
        if roll < 0.08:
            surname = self.typo(surname)
            noise.append("surname typo")
        elif roll < 0.12 and "-" in surname:
            surname = r.choice(surname.split("-"))
            noise.append("one part of a double-barrelled surname")
        elif roll < 0.14 and "-" in surname:
            surname = surname.replace("-", " ")
            noise.append("double-barrelled without hyphen")
        if r.random() < 0.05:
            forename, surname = forename.upper(), surname.upper()
        dob = self._dob_noise(child.dob, noise)
        roll = r.random()
        if roll < 0.60:
            postcode, address = child.postcode, child.address
            if r.random() < 0.3:
                postcode = postcode.replace(" ", "").lower()
        elif roll < 0.80:
            postcode, address = "", ""
            noise.append("no address")
        else:
            postcode, address = self._postcode(), self._address()
            noise.append("moved")
        if r.random() < 0.3:
            address = ""
        sex = child.sex if r.random() < 0.9 else ""
        aliases = ";".join(child.aliases) if child.aliases and r.random() < 0.3 else ""
        values = dict.fromkeys(COLUMNS, "")
        values.update(
            {
                "force": "Synthetic Police",
                "police_reference": reference,
                "event": "missing",
                "event_at": event_at.strftime("%Y-%m-%dT%H:%M%z"),
                "risk_level": r.choice(("low", "medium", "high", "no apparent risk")),
                "forename": forename,
                "surname": surname,
                "aliases": aliases,
                "date_of_birth": dob,
                "sex": sex,
                "address": address,
                "postcode": postcode,
                "missing_from": address,
                "la_child_id": child.la_child_id if truth is not None and r.random() < 0.15 else "",
                "nhs_number": child.nhs_number if truth is not None and r.random() < 0.1 else "",
                "circumstances": "Synthetic notification.",
            }
        )
        return LabelledRow(values, truth, noise)

    def newcomer(self, register: list[SynthChild]) -> tuple[SynthChild, str]:
        """A child not on the register; often one who looks like someone who is."""
        r = self.rng
        roll = r.random()
        other = r.choice(register)
        if roll < 0.35:  # a brother or sister of a register child
            sibling = self.child(other.surname, other.postcode, other.address)
            return sibling, "sibling"
        if roll < 0.38:  # a twin not on the register
            twin = self.child(other.surname, other.postcode, other.address, other.dob)
            while twin.forename == other.forename:
                twin = replace(twin, forename=self._forename(twin.sex))
            return twin, "twin"
        if roll < 0.55:  # same name, different child
            stranger = self.child(other.surname, self._postcode(), self._address())
            return replace(stranger, forename=other.forename, sex=other.sex), "same name"
        return self.child(self._surname(), self._postcode(), self._address()), "stranger"

    def labelled_rows(
        self, register: list[SynthChild], count: int, *, new_share: float = 0.3
    ) -> Iterator[LabelledRow]:
        end = dt.datetime.combine(self.today - dt.timedelta(days=1), dt.time(12), tzinfo=dt.UTC)
        for i in range(count):
            at = end - dt.timedelta(minutes=(count - i) * 5)
            reference = f"SYN-{i:07d}"
            if self.rng.random() < new_share:
                child, kind = self.newcomer(register)
                row = self.police_row(child, None, at, reference)
                row.noise.insert(0, f"not on register ({kind})")
                yield row
            else:
                child = self.rng.choice(register)
                yield self.police_row(child, child.key, at, reference)
