"""Which child is a notification about? Exact identifiers first, then weighed evidence.

Three outcomes (`Decision.outcome`): ``auto`` (one child, clearly), ``new`` (nobody like it: a new
child), ``review`` (the front door decides). A wrong automatic match puts one child's information
in another child's file, so every rule leans to ``review``.

1. Exact: the council child ID or the NHS number (within the importing council). Taken only if
   name or date of birth agree too, and both identifiers (if both given) point to the same child.
2. Otherwise candidates come from blocks (same date of birth, day/month swapped, same postcode,
   and the surname's Soundex code with two of year/month/day of birth, or with the forename's
   initial when there is no date of birth) and each is scored: name (nicknames, aliases, typos,
   double-barrelled and swapped names, via rapidfuzz Jaro-Winkler), date of birth (typos by
   rapidfuzz's OSA distance, day/month swapped), postcode, address, sex. An automatic match needs
   a high score, some agreement on the date of birth, and a clear lead over the next candidate.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from returnhome.lib.blocking import (
    Normalised,
    child_keys,
    identifier_keys,
    lookup_keys,
    normalised,
)
from returnhome.lib.dates import swap_day_month
from returnhome.lib.names import (
    forename_similarity,
    nickname_keys,
    postcode_district,
    surname_similarity,
)

AUTO = 12.5
REVIEW = 7.0
MARGIN = 3.0
KEEP_CANDIDATES = 5
# Below this a name part earns no points; a candidate none of whose name pairings (as given,
# swapped, aliases) reaches it scores at most 3.5 (-5 for names, 8.5 for the rest), under the
# REVIEW - 3 that `ChildIndex._scored` keeps, so it is not worth scoring.
NAME_FLOOR = 0.87


@lru_cache(maxsize=65536)
def _digits(day: dt.date) -> str:
    """A date of birth as YYYYMMDD (`Person.dob_text`): worked out once per date."""
    return day.isoformat().replace("-", "")


@dataclass(slots=True)
class Person:
    """A child as matching sees them (normalised)."""

    id: int
    forename: str
    surname: str
    dob: dt.date | None
    sex: str = ""
    postcode: str = ""
    address: str = ""
    la_child_id: str = ""
    nhs_number: str = ""
    aliases: tuple[tuple[str, str], ...] = ()
    dob_text: str = ""

    @classmethod
    def build(
        cls,
        id: int,
        forename: str,
        surname: str,
        dob: dt.date | None,
        *,
        sex: str = "",
        postcode: str = "",
        address: str = "",
        la_child_id: str = "",
        nhs_number: str = "",
        aliases: Iterable[str] = (),
    ) -> Person:
        n = normalised(
            forename,
            surname,
            dob,
            sex=sex,
            postcode=postcode,
            address=address,
            la_child_id=la_child_id,
            nhs_number=nhs_number,
            aliases=aliases,
        )
        return cls.of(id, n)

    @classmethod
    def of(cls, id: int, n: Normalised) -> Person:
        return cls(
            id,
            n.forename,
            n.surname,
            n.dob,
            n.sex,
            n.postcode,
            n.address,
            n.la_child_id,
            n.nhs_number,
            n.aliases,
            _digits(n.dob) if n.dob else "",
        )

    def filed_under(self) -> list[str]:
        """The blocking keys this person is filed under (`lib.blocking.child_keys`)."""
        return child_keys(
            self.forename,
            self.surname,
            self.dob,
            self.postcode,
            self.la_child_id,
            self.nhs_number,
            self.aliases,
        )

    def lookup_keys(self) -> set[str]:
        """The keys its candidates are filed under (`lib.blocking.lookup_keys`)."""
        return lookup_keys(self.forename, self.surname, self.dob, self.postcode, self.aliases)


@dataclass(slots=True)
class Candidate:
    child_id: int
    score: float
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"child_id": self.child_id, "score": round(self.score, 2), "reasons": self.reasons}


@dataclass(slots=True)
class Decision:
    outcome: str  # "auto" | "new" | "review"
    child_id: int | None = None
    candidates: list[Candidate] = field(default_factory=list)
    how: str = ""  # "council child ID", "NHS number", "score"
    conflict: bool = False  # identifiers point to different children

    @property
    def suggested(self) -> int | None:
        return self.child_id or (self.candidates[0].child_id if self.candidates else None)


def _plain(name: str) -> bool:
    return " " not in name and "-" not in name


@lru_cache(maxsize=1_000_000)
def _forename_reaches(a: str, b: str) -> bool:
    """forename_similarity(a, b) >= NAME_FLOOR, for one-word names without computing it all:
    there it is 1.0 (same), 0.95 (nickname) or min(0.94, Jaro-Winkler)."""
    if not (_plain(a) and _plain(b)):
        return forename_similarity(a, b) >= NAME_FLOOR
    if not a or not b:
        return False
    return (
        a == b
        or JaroWinkler.normalized_similarity(a, b) >= NAME_FLOOR
        or bool(nickname_keys(a) & nickname_keys(b))
    )


@lru_cache(maxsize=1_000_000)
def _surname_reaches(a: str, b: str) -> bool:
    """surname_similarity(a, b) >= NAME_FLOOR; for one-word names it is 1.0 or min(0.94, JW)."""
    if not (_plain(a) and _plain(b)):
        return surname_similarity(a, b) >= NAME_FLOOR
    if not a or not b:
        return False
    return a == b or JaroWinkler.normalized_similarity(a, b) >= NAME_FLOOR


def _name_points(f: float, s: float) -> float:
    fp = (
        4.0
        if f >= 1.0
        else 3.0
        if f >= 0.95
        else 2.5
        if f >= 0.92
        else 1.0
        if f >= NAME_FLOOR
        else -3.0
    )
    sp = (
        4.0
        if s >= 1.0
        else 3.0
        if s >= 0.95
        else 2.5
        if s >= 0.92
        else 1.0
        if s >= NAME_FLOOR
        else -2.0
    )
    return fp + sp


def _dob_points(a: Person, b: Person) -> float:
    if a.dob is None or b.dob is None:
        return 0.0
    if a.dob == b.dob:
        return 5.0
    if swap_day_month(a.dob) == b.dob:
        return 3.0
    if OSA.distance(a.dob_text, b.dob_text) <= 1:
        return 2.0
    return -6.0


def score(probe: Person, child: Person, explain: bool = False) -> Candidate | None:
    """How strongly the evidence says `probe` (the notification) is `child`.

    None (unless `explain`) when the dates of birth disagree: whatever else agrees, such a
    candidate cannot reach the review threshold, so it is not worth weighing.
    """
    dob = _dob_points(probe, child)
    if dob < 0 and not explain:
        return None
    reasons: list[str] = []
    f = forename_similarity(probe.forename, child.forename)
    s = surname_similarity(probe.surname, child.surname)
    names = _name_points(f, s)
    how = "name"
    if names < 8.0:
        swapped = (
            _name_points(
                forename_similarity(probe.surname, child.forename),
                surname_similarity(probe.forename, child.surname),
            )
            - 0.5
        )
        if swapped > names:
            names, how = swapped, "forename and surname swapped"
        for af, asn in child.aliases:
            alias = (
                _name_points(
                    forename_similarity(probe.forename, af), surname_similarity(probe.surname, asn)
                )
                - 0.5
            )
            if alias > names:
                names, how = alias, "the child's alias"
        for af, asn in probe.aliases:
            alias = (
                _name_points(
                    forename_similarity(af, child.forename), surname_similarity(asn, child.surname)
                )
                - 0.5
            )
            if alias > names:
                names, how = alias, "an alias in the notification"
    total = names + dob
    if probe.postcode and child.postcode:
        if probe.postcode == child.postcode:
            total += 2.0
        elif postcode_district(probe.postcode) == postcode_district(child.postcode):
            total += 0.5
        else:
            total -= 0.5
    address = 0.0
    if probe.address and child.address:
        address = fuzz.token_set_ratio(probe.address, child.address)
        if address >= 90:
            total += 1.0
    if probe.sex and child.sex:
        total += 0.5 if probe.sex == child.sex else -3.0
    if probe.la_child_id and child.la_child_id and probe.la_child_id != child.la_child_id:
        total -= 10.0
    if probe.nhs_number and child.nhs_number and probe.nhs_number != child.nhs_number:
        total -= 10.0
    if explain:
        reasons.append(f"name {names:+.1f} ({how})")
        reasons.append(
            "date of birth "
            + (
                "not given"
                if probe.dob is None or child.dob is None
                else {5.0: "same", 3.0: "day and month swapped", 2.0: "one digit different"}.get(
                    dob, "different"
                )
            )
        )
        if probe.postcode and child.postcode:
            reasons.append(
                "postcode " + ("same" if probe.postcode == child.postcode else "different")
            )
        if address >= 90:
            reasons.append("address similar")
        if probe.sex and child.sex and probe.sex != child.sex:
            reasons.append("sex different")
    return Candidate(child.id, total, reasons)


def explained(probe: Person, child: Person) -> Candidate:
    """The candidate's score with the reasons, for the front door."""
    candidate = score(probe, child, explain=True)
    assert candidate is not None
    return candidate


class ChildIndex:
    """Children indexed by their blocking keys (`lib.blocking`). New children planned in an
    import are added. The whole council's children (`register.load_index`), or only those
    sharing a key with the notifications of an import, fetched by their stored keys
    (`register.load_index_for`): the candidates of a notification are the same either way."""

    def __init__(self) -> None:
        self.people: dict[int, Person] = {}
        # Filed when first needed: a large file matched all at once (`imports.police.batch`)
        # needs only the identifiers (`exact`).
        self._by_key: defaultdict[str, list[int]] | None = None
        self._identifiers: defaultdict[str, list[int]] | None = None
        # Only the children sharing a key with the import's notifications (`load_index_for`).
        self.partial = False

    def __len__(self) -> int:
        return len(self.people)

    @property
    def by_key(self) -> defaultdict[str, list[int]]:
        """The children filed under each of their blocking keys (`Person.filed_under`)."""
        if self._by_key is None:
            by_key: defaultdict[str, list[int]] = defaultdict(list)
            for person in self.people.values():
                for key in person.filed_under():
                    by_key[key].append(person.id)
            self._by_key = by_key
        return self._by_key

    def add(self, person: Person) -> None:
        self.people[person.id] = person
        if self._by_key is not None:
            by_key = self._by_key
            for key in person.filed_under():
                by_key[key].append(person.id)
        if self._identifiers is not None:
            self._identify(self._identifiers, person)

    @staticmethod
    def _identify(identifiers: defaultdict[str, list[int]], person: Person) -> None:
        by_id, by_nhs = identifier_keys(person.la_child_id, person.nhs_number)
        if by_id:
            identifiers[by_id].append(person.id)
        if by_nhs:
            identifiers[by_nhs].append(person.id)

    def candidates(self, probe: Person) -> set[int]:
        found: set[int] = set()
        by_key = self.by_key
        for key in probe.lookup_keys():
            ids = by_key.get(key)
            if ids:
                found.update(ids)
        return found

    def exact(self, probe: Person) -> tuple[list[int], list[int]]:
        """The children with the notification's council child ID, and with its NHS number."""
        by_id, by_nhs = identifier_keys(probe.la_child_id, probe.nhs_number)
        filed = self._by_key
        if filed is None:  # the same lists, in the same order, without filing every key
            if self._identifiers is None:
                self._identifiers = defaultdict(list)
                for person in self.people.values():
                    self._identify(self._identifiers, person)
            filed = self._identifiers
        return (
            filed.get(by_id, []) if by_id else [],
            filed.get(by_nhs, []) if by_nhs else [],
        )

    def match(self, probe: Person, scored: list[tuple[float, int]] | None = None) -> Decision:
        """Decide which child the notification is about. `scored`: its candidates as `_scored`
        gives them, if worked out already for a whole file (`imports.police.batch.prescore`)."""
        by_id, by_nhs = self.exact(probe)
        exact = set(by_id) | set(by_nhs)
        if len(exact) > 1:
            candidates = sorted(
                (explained(probe, self.people[i]) for i in exact),
                key=lambda c: -c.score,
            )
            return Decision("review", None, candidates, "identifiers", conflict=True)
        if exact:
            child_id = next(iter(exact))
            candidate = explained(probe, self.people[child_id])
            child = self.people[child_id]
            names = _name_points(
                forename_similarity(probe.forename, child.forename),
                surname_similarity(probe.surname, child.surname),
            )
            agrees = _dob_points(probe, child) >= 2.0 or names >= 5.0
            how = "council child ID" if by_id else "NHS number"
            if agrees:
                return Decision("auto", child_id, [candidate], how)
            return Decision("review", None, [candidate], how, conflict=True)
        if scored is None:
            scored = self._scored(probe)
        if not scored:
            return Decision("new", None, [], "score")
        scored.sort()
        top = scored[:KEEP_CANDIDATES]
        best_score, best_id = -top[0][0], top[0][1]
        second = -top[1][0] if len(top) > 1 else float("-inf")
        child = self.people[best_id]
        dob_ok = _dob_points(probe, child) >= 2.0
        if best_score >= AUTO and dob_ok and best_score - second >= MARGIN:
            return Decision("auto", best_id, [Candidate(best_id, best_score, [])], "score")
        if best_score >= REVIEW:
            shown = [explained(probe, self.people[child_id]) for _, child_id in top]
            return Decision("review", None, shown, "score")
        return Decision("new", None, [], "score")

    def _scored(self, probe: Person) -> list[tuple[float, int]]:
        """(-score, child id) of each candidate scoring REVIEW - 3 or more (`weigh`)."""
        people = self.people
        context = ProbeContext.of(probe)
        kept: list[tuple[float, int]] = []
        for i in self.candidates(probe):
            total = weigh(context, people[i])
            if total is not None:
                kept.append((-total, i))
        return kept


@dataclass(slots=True)
class ProbeContext:
    """What `weigh` needs of a notification, worked out once for all its candidates."""

    dob: dt.date | None
    dob_text: str
    swapped: dt.date | None
    forename: str
    surname: str
    aliases: tuple[tuple[str, str], ...]
    postcode: str
    district: str
    address: str
    sex: str
    la_child_id: str
    nhs_number: str

    @classmethod
    def of(cls, probe: Person) -> ProbeContext:
        dob = probe.dob
        return cls(
            dob,
            probe.dob_text,
            swap_day_month(dob) if dob is not None else None,
            probe.forename,
            probe.surname,
            probe.aliases,
            probe.postcode,
            postcode_district(probe.postcode),
            probe.address,
            probe.sex,
            probe.la_child_id,
            probe.nhs_number,
        )


def weigh(probe: ProbeContext, child: Person) -> float | None:
    """The candidate's score as `score` gives it, or None if it is under REVIEW - 3: one loop,
    without an object per candidate (a large file compares each notification with dozens of
    children). The cheap tests that rule a candidate out come first: the dates of birth disagree
    (`score` returns None), or no name pairing reaches NAME_FLOOR (a total under REVIEW - 3
    whatever else agrees), so most candidates are never scored. `imports.police.batch` applies
    the same bound to a whole file's pairs at once, and weighs those left here."""
    floor = REVIEW - 3.0
    dob = probe.dob
    cdob = child.dob
    if dob is None or cdob is None:
        dob_points = 0.0
    elif cdob == dob:
        dob_points = 5.0
    elif cdob == probe.swapped:
        dob_points = 3.0
    elif OSA.distance(probe.dob_text, child.dob_text) <= 1:
        dob_points = 2.0
    else:
        return None
    # Everything but the names and the address, as `score` counts it (each a multiple of 0.5, so
    # the sums are exact in any order).
    rest = dob_points
    postcode, cpostcode = probe.postcode, child.postcode
    if postcode and cpostcode:
        if postcode == cpostcode:
            rest += 2.0
        elif probe.district == postcode_district(cpostcode):
            rest += 0.5
        else:
            rest -= 0.5
    sex = probe.sex
    if sex and child.sex:
        rest += 0.5 if sex == child.sex else -3.0
    la_child_id, nhs_number = probe.la_child_id, probe.nhs_number
    if la_child_id and child.la_child_id and la_child_id != child.la_child_id:
        rest -= 10.0
    if nhs_number and child.nhs_number and nhs_number != child.nhs_number:
        rest -= 10.0
    address = probe.address
    both_addresses = bool(address and child.address)
    # What the names must earn for the total to reach the floor, whatever the address.
    need = floor - rest - (1.0 if both_addresses else 0.0)
    pf, ps = probe.forename, probe.surname
    cf, cs = child.forename, child.surname
    aliases, probe_aliases = child.aliases, probe.aliases
    if not (probe_aliases or aliases):
        # A name part under NAME_FLOOR earns -3 (forename) or -2 (surname), one reaching it at
        # most 4: whether each part reaches it bounds what a pairing (as given, or swapped for
        # 0.5 less) can earn. The forenames first: if even surnames reaching could not earn
        # enough, the surnames are not compared. (No part reaching at all always falls short:
        # the rest earns at most 8.5.)
        given_f, swap_f = _forename_reaches(pf, cf), _forename_reaches(ps, cf)
        if need > (8.0 if given_f else 1.0) and need > (7.5 if swap_f else 0.5):
            return None
        given_s, swap_s = _surname_reaches(ps, cs), _surname_reaches(pf, cs)
        most = max(
            (4.0 if given_f else -3.0) + (4.0 if given_s else -2.0),
            (4.0 if swap_f else -3.0) + (4.0 if swap_s else -2.0) - 0.5,
        )
        if most < need:
            return None
    elif need > 8.0:
        return None
    names = _name_points(forename_similarity(pf, cf), surname_similarity(ps, cs))
    if names < 8.0:
        swapped_names = _name_points(forename_similarity(ps, cf), surname_similarity(pf, cs)) - 0.5
        if swapped_names > names:
            names = swapped_names
        for af, asn in aliases:
            alias = _name_points(forename_similarity(pf, af), surname_similarity(ps, asn)) - 0.5
            if alias > names:
                names = alias
        for af, asn in probe_aliases:
            alias = _name_points(forename_similarity(af, cf), surname_similarity(asn, cs)) - 0.5
            if alias > names:
                names = alias
    total = names + rest
    if (
        both_addresses
        and total + 1.0 >= floor
        and fuzz.token_set_ratio(address, child.address) >= 90
    ):
        total += 1.0
    return total if total >= floor else None
