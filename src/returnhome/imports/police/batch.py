"""Matching a large file's notifications all at once: the candidates `ChildIndex._scored` keeps,
for every notification, with array operations (decision 0047).

`ChildIndex.match` weighs one notification's candidates one at a time, in Python: at 100,000
children a notification finds about 65 by blocking and keeps 1.5, so a file of 50,000 missing
notifications weighed 3 million pairs one by one. Here the same work is done for the whole file:

1. **Blocking keys as numbers.** Every key of `lib.blocking` (date of birth, postcode, a surname
   part's Soundex code with two of year, month and day, or with an initial) is written as one
   64-bit number, for each child (`child_keys`) and each notification (`lookup_keys`); sorting the
   children's and searching the notifications' gives every (notification, child) pair sharing a
   key: each notification's candidates, as `ChildIndex.candidates` finds them.
2. **What cannot reach the floor, set-based.** For all pairs at once: the date of birth points
   (`score` drops a pair whose dates disagree), the postcode, sex and identifier points, whether
   both have an address, and whether each name part reaches `NAME_FLOOR`, worked out once per
   distinct pair of names (rapidfuzz's `cpdist`, in C). A pair is dropped exactly when
   `ChildIndex._weigh` would drop it on those grounds (the bound of decision 0045, the same rule).
3. **The exact score** of each pair left is `ChildIndex._weigh`'s, the code the single path runs:
   the totals decide, never the bound.

A notification may be about a child that an earlier notification of the same file creates (no
child fitted it). Every missing notification is also filed as such a possible child, and its pairs
with the other notifications are weighed the same way; the plan counts those whose notification
had created a child by then (`Prescored.scored`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from returnhome.imports.police.matching import (
    REVIEW,
    ChildIndex,
    Person,
    ProbeContext,
    weigh,
)
from returnhome.imports.police.name_bands import (
    FORENAME_POINTS,
    SURNAME_POINTS,
    NameReach,
)
from returnhome.lib.dates import swap_day_month
from returnhome.lib.names import (
    name_tokens,
    phonetic,
)

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Bands = npt.NDArray[np.uint8]

FLOOR = REVIEW - 3.0
EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
# The most (notification, child) pairs sharing a key that are matched at once (memory: about
# 100 bytes a pair); above it, one at a time.
MOST_PAIRS = 10_000_000
# Key kinds (the number's top part): see `_key`.
DOB, POSTCODE, BY_YEAR_MONTH, BY_YEAR_DAY, BY_MONTH_DAY, BY_INITIAL = 1, 2, 3, 4, 5, 6


def _key(kind: int | Ints, code: int | Ints, x: int | Ints, y: int | Ints) -> Ints:
    """One blocking key as a number: kind, a code (< 2**20), and two small numbers (< 2**14)."""
    return np.asarray((((np.int64(kind) << 20) + code) << 28) + (np.int64(x) << 14) + y)


class _Vocabulary:
    """Names, Soundex codes and postcodes as small numbers."""

    def __init__(self) -> None:
        self.names: dict[str, int] = {"": 0}
        self.codes: dict[str, int] = {"": 0}
        self.postcodes: dict[str, int] = {"": 0}
        self.districts: dict[str, int] = {"": 0}
        self.la_child_ids: dict[str, int] = {"": 0}
        self.nhs_numbers: dict[str, int] = {"": 0}
        self.sexes: dict[str, int] = {"": 0}
        self.addresses: dict[str, int] = {"": 0}
        self._token_codes: dict[str, tuple[int, ...]] = {}
        self._surname_codes: dict[str, tuple[int, ...]] = {}

    def name(self, text: str) -> int:
        return self.names.setdefault(text, len(self.names))

    def code(self, text: str) -> int:
        return self.codes.setdefault(text, len(self.codes))

    def token_codes(self, name: str) -> tuple[int, ...]:
        """The codes of each part of a name (`lookup_keys`: "" dropped)."""
        found = self._token_codes.get(name)
        if found is None:
            found = tuple(
                dict.fromkeys(self.code(c) for t in name_tokens(name) if (c := phonetic(t)))
            )
            self._token_codes[name] = found
        return found

    def surname_codes(self, surname: str) -> tuple[int, ...]:
        """`lib.blocking.surname_codes` ("" dropped: no notification looks it up)."""
        found = self._surname_codes.get(surname)
        if found is None:
            found = tuple(
                dict.fromkeys(
                    self.code(c) for t in name_tokens(surname) if t and (c := phonetic(t))
                )
            )
            self._surname_codes[surname] = found
        return found


@dataclass
class _People:
    """Persons as columns of numbers (what the bound needs)."""

    dob: Ints  # ordinal, -1 if not given
    year: Ints
    month: Ints
    day: Ints
    digits: npt.NDArray[np.uint8]  # the date of birth as YYYYMMDD, one digit a column
    postcode: Ints
    district: Ints
    sex: Ints  # 0 not given
    address: Bools
    address_id: Ints
    la_child_id: Ints
    nhs_number: Ints
    forename: Ints
    surname: Ints
    aliases: Bools

    def part(self, start: int) -> _People:
        """The persons from `start` on."""
        return _People(**{f: getattr(self, f)[start:] for f in self.__dataclass_fields__})

    @classmethod
    def of(cls, people: Sequence[Person], vocabulary: _Vocabulary) -> _People:
        postcodes, districts = vocabulary.postcodes, vocabulary.districts
        la, nhs, sexes = vocabulary.la_child_ids, vocabulary.nhs_numbers, vocabulary.sexes
        addresses = vocabulary.addresses
        name = vocabulary.name
        texts = "".join(p.dob_text or "00000000" for p in people).encode("ascii")
        digits = np.frombuffer(texts, dtype=np.uint8).reshape(len(people), 8)
        # The date of birth's numbers from its digits (YYYYMMDD; 0 when not given), and its
        # ordinal (`date.toordinal`) from them: days since 1970-01-01 plus that day's ordinal.
        number = digits.astype(np.int64) - 48
        year = number[:, 0] * 1000 + number[:, 1] * 100 + number[:, 2] * 10 + number[:, 3]
        month = number[:, 4] * 10 + number[:, 5]
        day = number[:, 6] * 10 + number[:, 7]
        given = year > 0
        months = ((year[given] - 1970) * 12 + month[given] - 1).astype("datetime64[M]")
        days = months.astype("datetime64[D]") + (day[given] - 1).astype("timedelta64[D]")
        dob = np.full(len(people), -1, dtype=np.int64)
        dob[given] = days.astype(np.int64) + EPOCH_ORDINAL
        return cls(
            dob=dob,
            year=year,
            month=month,
            day=day,
            digits=digits,
            postcode=np.array(
                [postcodes.setdefault(p.postcode, len(postcodes)) for p in people], dtype=np.int64
            ),
            district=np.array(
                [
                    districts.setdefault(p.postcode.split(" ")[0], len(districts))
                    if p.postcode
                    else 0
                    for p in people
                ],
                dtype=np.int64,
            ),
            sex=np.array([sexes.setdefault(p.sex, len(sexes)) for p in people], dtype=np.int64),
            address=np.array([bool(p.address) for p in people], dtype=np.bool_),
            address_id=np.array(
                [addresses.setdefault(p.address, len(addresses)) for p in people], dtype=np.int64
            ),
            la_child_id=np.array(
                [la.setdefault(p.la_child_id, len(la)) for p in people], dtype=np.int64
            ),
            nhs_number=np.array(
                [nhs.setdefault(p.nhs_number, len(nhs)) for p in people], dtype=np.int64
            ),
            forename=np.array([name(p.forename) for p in people], dtype=np.int64),
            surname=np.array([name(p.surname) for p in people], dtype=np.int64),
            aliases=np.array([bool(p.aliases) for p in people], dtype=np.bool_),
        )


def _filed(
    people: Sequence[Person], columns: _People, vocabulary: _Vocabulary
) -> tuple[Ints, Ints]:
    """(key, person) for every key each person is filed under (`lib.blocking.child_keys`, the
    identifiers left out: no notification finds its candidates by them)."""
    keys: list[Ints] = []
    owners: list[Ints] = []
    everyone = np.arange(len(people), dtype=np.int64)
    has_dob = columns.dob >= 0
    keys.append(_key(DOB, 0, columns.dob[has_dob] >> 14, columns.dob[has_dob] & 16383))
    owners.append(everyone[has_dob])
    has_postcode = columns.postcode > 0
    keys.append(_key(POSTCODE, columns.postcode[has_postcode], 0, 0))
    owners.append(everyone[has_postcode])
    # (person, code) and (person, code, initial) of each person's surname codes: worked out
    # once per distinct surname and forename for those without an alias, one by one for the rest.
    surname_codes = vocabulary.surname_codes
    names = list(vocabulary.names)
    plain = np.flatnonzero(~columns.aliases)
    surnames, at = np.unique(columns.surname[plain], return_inverse=True)
    by_surname = [surname_codes(names[u]) for u in surnames.tolist()]
    sizes = np.array([len(c) for c in by_surname], dtype=np.int64)
    flat = np.fromiter((c for codes in by_surname for c in codes), dtype=np.int64)
    many = sizes[at]
    plain_who = np.repeat(plain, many)
    within = np.arange(len(plain_who), dtype=np.int64) - np.repeat(np.cumsum(many) - many, many)
    plain_code = flat[np.repeat((np.cumsum(sizes) - sizes)[at], many) + within]
    initial_of = np.array([ord(n[0]) if n else 0 for n in names], dtype=np.int64)
    initial = initial_of[columns.forename[plain_who]]
    with_initial = initial > 0
    person_code_arrays = [np.stack([plain_who, plain_code], axis=1)]
    person_code_initial_arrays = [
        np.stack([plain_who[with_initial], plain_code[with_initial], initial[with_initial]], axis=1)
    ]
    person_code: list[tuple[int, int]] = []
    person_code_initial: list[tuple[int, int, int]] = []
    for i in np.flatnonzero(columns.aliases).tolist():
        p = people[i]
        codes = tuple(
            dict.fromkeys(
                [
                    *surname_codes(p.surname),
                    *(vocabulary.code(c) for _, asn in p.aliases if asn and (c := phonetic(asn))),
                ]
            )
        )
        initials = {x for x in {p.forename[:1], *(af[:1] for af, _ in p.aliases)} if x}
        for code in codes:
            person_code.append((i, code))
            for initial_ in initials:
                person_code_initial.append((i, code, ord(initial_)))
    person_code_arrays.append(np.array(person_code, dtype=np.int64).reshape(-1, 2))
    person_code_initial_arrays.append(np.array(person_code_initial, dtype=np.int64).reshape(-1, 3))
    pc = np.concatenate(person_code_arrays)
    pci = np.concatenate(person_code_initial_arrays)
    if len(pc):
        dated = has_dob[pc[:, 0]]
        who, codes_of = pc[dated, 0], pc[dated, 1]
        y, m, d = columns.year[who], columns.month[who], columns.day[who]
        for kind, x, z in ((BY_YEAR_MONTH, y, m), (BY_YEAR_DAY, y, d), (BY_MONTH_DAY, m, d)):
            keys.append(_key(kind, codes_of, x, z))
            owners.append(who)
    if len(pci):
        keys.append(_key(BY_INITIAL, pci[:, 1], pci[:, 2], 0))
        owners.append(pci[:, 0])
    return np.concatenate(keys), np.concatenate(owners)


def _swapped(probes: Sequence[Person]) -> Ints:
    """Each notification's date of birth with day and month swapped, as an ordinal (-1: none)."""
    return np.array(
        [s.toordinal() if p.dob and (s := swap_day_month(p.dob)) else -1 for p in probes],
        dtype=np.int64,
    )


def _looked_up(
    probes: Sequence[Person], columns: _People, vocabulary: _Vocabulary, swapped: Ints
) -> tuple[Ints, Ints]:
    """(key, notification) for every key a notification looks up (`lib.blocking.lookup_keys`);
    `swapped`: `_swapped(probes)`."""
    keys: list[Ints] = []
    owners: list[Ints] = []
    everyone = np.arange(len(probes), dtype=np.int64)
    has_dob = columns.dob >= 0
    keys.append(_key(DOB, 0, columns.dob[has_dob] >> 14, columns.dob[has_dob] & 16383))
    owners.append(everyone[has_dob])
    has_swapped = swapped >= 0
    keys.append(_key(DOB, 0, swapped[has_swapped] >> 14, swapped[has_swapped] & 16383))
    owners.append(everyone[has_swapped])
    full = np.array([" " in p.postcode for p in probes], dtype=np.bool_)
    keys.append(_key(POSTCODE, columns.postcode[full], 0, 0))
    owners.append(everyone[full])
    person_code: list[tuple[int, int]] = []
    person_code_initial: list[tuple[int, int, int]] = []
    token_codes = vocabulary.token_codes
    for i, p in enumerate(probes):
        codes = {*token_codes(p.surname), *token_codes(p.forename)}
        codes.update(vocabulary.code(c) for _, asn in p.aliases if (c := phonetic(asn)))
        if p.dob is not None:
            person_code.extend((i, code) for code in codes)
        else:
            initials = {p.forename[:1], p.surname[:1], *(af[:1] for af, _ in p.aliases)}
            initials.discard("")  # no child is filed under an empty initial
            person_code_initial.extend(
                (i, code, ord(initial)) for code in codes for initial in initials
            )
    if person_code:
        pc = np.array(person_code, dtype=np.int64)
        who, code = pc[:, 0], pc[:, 1]
        y, m, d = columns.year[who], columns.month[who], columns.day[who]
        for kind, x, z in ((BY_YEAR_MONTH, y, m), (BY_YEAR_DAY, y, d), (BY_MONTH_DAY, m, d)):
            keys.append(_key(kind, code, x, z))
            owners.append(who)
    if person_code_initial:
        pci = np.array(person_code_initial, dtype=np.int64)
        keys.append(_key(BY_INITIAL, pci[:, 1], pci[:, 2], 0))
        owners.append(pci[:, 0])
    return np.concatenate(keys), np.concatenate(owners)


def _pairs(
    filed: tuple[Ints, Ints],
    looked_up: tuple[Ints, Ints],
    children: int,
    dob: Ints,
    probe_dob: Ints,
    swapped: Ints,
) -> tuple[Ints, Ints] | None:
    """Every distinct (notification, child) sharing a key, in no particular order; None if the
    keys they share are more than MOST_PAIRS (a file of many notifications with one date of
    birth, say: then one at a time). `dob`: the filed persons' dates of birth (ordinals, -1 not
    given, by owner); `probe_dob` and `swapped`: the notifications' and their swapped ones."""
    keys, owners = filed
    order = np.argsort(keys, kind="stable")
    keys, owners = keys[order], owners[order]
    wanted, probes = looked_up
    lo = np.searchsorted(keys, wanted, "left")
    hi = np.searchsorted(keys, wanted, "right")
    count = hi - lo
    total = int(count.sum())
    if total > MOST_PAIRS:
        return None
    starts = np.cumsum(count) - count
    position = np.repeat(lo - starts, count) + np.arange(total, dtype=np.int64)
    pi, ci = np.repeat(probes, count), owners[position]
    # Most pairs share the date of birth, and those are distinct already: a child is filed
    # under its one date, and a notification's date and its swapped one differ. A pair sharing
    # another key is kept once, and only if its dates do not pair them already.
    by_date = np.repeat(wanted >> 48 == DOB, count)
    other_p, other_c = pi[~by_date], ci[~by_date]
    held = dob[other_c]
    dated = (held >= 0) & ((held == probe_dob[other_p]) | (held == swapped[other_p]))
    other = np.unique(other_p[~dated] * children + other_c[~dated])
    return (
        np.concatenate([pi[by_date], other // children]),
        np.concatenate([ci[by_date], other % children]),
    )


def _dob_points(
    p: _People, c: _People, pi: Ints, ci: Ints, swapped: Ints
) -> npt.NDArray[np.float64]:
    """`score`'s date of birth points of each pair; NaN where they disagree (the pair is dropped)."""
    pd, cd = p.dob[pi], c.dob[ci]
    # Most pairs share the date of birth (their blocking key): the rest are looked at apart.
    points = np.where((pd < 0) | (cd < 0), 0.0, np.where(pd == cd, 5.0, np.nan))
    unequal = np.flatnonzero(np.isnan(points))
    turned = swapped[pi[unequal]]
    swap = (turned >= 0) & (cd[unequal] == turned)
    points[unequal[swap]] = 3.0
    rest = unequal[~swap]
    if len(rest):
        a, b = p.digits[pi[rest]], c.digits[ci[rest]]
        differ = a != b
        count = differ.sum(axis=1)
        one = count == 1
        # Two neighbouring digits swapped (OSA distance 1 for strings of one length).
        two = np.flatnonzero(count == 2)
        transposed = np.zeros(len(rest), dtype=np.bool_)
        if len(two):
            da, db, dd = a[two], b[two], differ[two]
            first = dd.argmax(axis=1)
            second = first + 1
            ok = second < 8
            second = np.minimum(second, 7)
            rows = np.arange(len(two))
            ok &= dd[rows, second]
            ok &= (da[rows, first] == db[rows, second]) & (da[rows, second] == db[rows, first])
            transposed[two] = ok
        points[rest[one | transposed]] = 2.0
    return points


def _alias_bound(
    pi: Ints,
    ci: Ints,
    everyone: Sequence[Person],
    columns: _People,
    n_people: int,
    vocabulary: _Vocabulary,
    reach: NameReach,
) -> npt.NDArray[np.float64]:
    """The most the names of each pair with an alias can earn (`weigh`): the best of its
    pairings (as given, swapped, each alias of either side, 0.5 less but as given), each bounded
    by whether its forename and surname reach NAME_FLOOR (4 each if they do, -3 and -2 if not)."""
    name = vocabulary.name
    # Each person's aliases (forename, surname) as ids, one row each, and where each person's
    # rows start.
    counts = np.array([len(p.aliases) for p in everyone], dtype=np.int64)
    alias_names = np.array(
        [(name(af), name(asn)) for p in everyone for af, asn in p.aliases], dtype=np.int64
    ).reshape(-1, 2)
    starts = np.cumsum(counts) - counts
    probe_at = pi + n_people
    pf, ps = columns.forename[probe_at], columns.surname[probe_at]
    cf, cs = columns.forename[ci], columns.surname[ci]
    pairs = np.arange(len(pi), dtype=np.int64)
    parts = [
        (pairs, pf, cf, ps, cs, np.zeros(len(pi))),
        (pairs, ps, cf, pf, cs, np.full(len(pi), 0.5)),
    ]
    for childs in (True, False):
        side = ci if childs else probe_at
        many = counts[side]
        k = np.repeat(pairs, many)
        at = np.repeat(starts[side] - (np.cumsum(many) - many), many) + np.arange(
            int(many.sum()), dtype=np.int64
        )
        af, asn = alias_names[at, 0], alias_names[at, 1]
        if childs:  # the child's aliases against the probe's names
            parts.append((k, pf[k], af, ps[k], asn, np.full(len(k), 0.5)))
        else:  # the probe's aliases against the child's names
            parts.append((k, af, cf[k], asn, cs[k], np.full(len(k), 0.5)))
    k, fa, fb, sa, sb, less = (np.concatenate(column) for column in zip(*parts, strict=True))
    reach.grow(vocabulary)
    points = (
        np.where(reach(fa, fb, forenames=True) >= 1, 4.0, -3.0)
        + np.where(reach(sa, sb, forenames=False) >= 1, 4.0, -2.0)
        - less
    )
    bound = np.full(len(pi), -np.inf)
    np.maximum.at(bound, k, points)
    return bound


def _addresses_alike(a: Ints, b: Ints, vocabulary: _Vocabulary) -> Bools:
    """Whether each pair of addresses is alike (`score`: token set ratio 90 or more), worked out
    once per distinct pair."""
    size = len(vocabulary.addresses)
    unique, inverse = np.unique(a * size + b, return_inverse=True)
    texts = list(vocabulary.addresses)
    ratio = process.cpdist(
        [texts[i] for i in (unique // size).tolist()],
        [texts[i] for i in (unique % size).tolist()],
        scorer=fuzz.token_set_ratio,
        dtype=np.float64,
        workers=1,
    )
    return np.asarray(ratio >= 90)[inverse]


@dataclass
class Prescored:
    """Each notification's kept candidates, as `ChildIndex._scored` gives them: (-score, child
    id) among the index's children, and (-score, j) among the notifications j before it, as the
    children they would create."""

    known: list[list[tuple[float, int]]]
    among_new: list[list[tuple[float, int]]]
    # Whether `among_new` holds the pairs among the probes (else the plan weighs the children
    # it creates itself).
    with_new: bool = True

    def scored(self, i: int, created: dict[int, int]) -> list[tuple[float, int]] | None:
        """Notification i's candidates, with the children created so far (`created`: the
        notification's position -> the id its child has in the index); None if its own
        notification created one (not weighed here: then `ChildIndex._scored`)."""
        if i in created:
            return None
        kept = list(self.known[i])
        for total, j in self.among_new[i]:
            child_id = created.get(j)
            if child_id is not None:
                kept.append((total, child_id))
        return kept


def _other_points(
    p: _People, c: _People, pi: Ints, ci: Ints, swapped: Ints
) -> tuple[Ints, Ints, Floats, Floats]:
    """The pairs whose dates of birth agree enough, with everything but the names and the address
    (`weigh`'s `rest`) and what the names must earn to reach the floor (`need`)."""
    # Everything but the names and the address (`weigh`'s `rest`).
    rest = _dob_points(p, c, pi, ci, swapped)
    alive = ~np.isnan(rest)
    pi, ci, rest = pi[alive], ci[alive], rest[alive]
    # (Points are multiples of 0.5: exact, in any order. Each rule only where it applies.)
    ppc, cpc = p.postcode[pi], c.postcode[ci]
    both = np.flatnonzero((ppc > 0) & (cpc > 0))
    same = ppc[both] == cpc[both]
    rest[both[same]] += 2.0
    differ = both[~same]
    rest[differ] += np.where(p.district[pi[differ]] == c.district[ci[differ]], 0.5, -0.5)
    psx, csx = p.sex[pi], c.sex[ci]
    rest += np.where((psx > 0) & (csx > 0), np.where(psx == csx, 0.5, -3.0), 0.0)
    for probe_side, child_side in ((p.la_child_id, c.la_child_id), (p.nhs_number, c.nhs_number)):
        given = np.flatnonzero((probe_side > 0)[pi])  # few notifications give identifiers
        held = child_side[ci[given]]
        rest[given[(held > 0) & (held != probe_side[pi[given]])]] -= 10.0
    need = FLOOR - rest
    need[p.address[pi] & c.address[ci]] -= 1.0
    return pi, ci, rest, need


def _plain_totals(
    p: _People,
    c: _People,
    pi: Ints,
    ci: Ints,
    need: Floats,
    rest: Floats,
    aliased: Bools,
    vocabulary: _Vocabulary,
    reach: NameReach,
) -> tuple[Ints, Floats]:
    """The pairs without an alias that may reach the floor (positions in `pi`), with their exact
    score (`weigh`), from the bands of their names' similarity."""
    plain = np.flatnonzero(~aliased)
    pf, ps = p.forename[pi[plain]], p.surname[pi[plain]]
    cf, cs = c.forename[ci[plain]], c.surname[ci[plain]]
    n = need[plain]
    given_f = reach(pf, cf, forenames=True)
    # (Above 7.5 a swapped pairing cannot earn enough whatever the names.)
    swap_f = np.zeros(len(plain), dtype=np.uint8)
    swappable = n <= 7.5
    swap_f[swappable] = reach(ps[swappable], cf[swappable], forenames=True)
    out = (n > np.where(given_f >= 1, 8.0, 1.0)) & (n > np.where(swap_f >= 1, 7.5, 0.5))
    ask = np.flatnonzero(~out)
    given_s = reach(ps[ask], cs[ask], forenames=False)
    swap_s = reach(pf[ask], cs[ask], forenames=False)
    gf, sf = given_f[ask], swap_f[ask]
    most = np.maximum(
        np.where(gf >= 1, 4.0, -3.0) + np.where(given_s >= 1, 4.0, -2.0),
        np.where(sf >= 1, 4.0, -3.0) + np.where(swap_s >= 1, 4.0, -2.0) - 0.5,
    )
    # The pairs without an alias: their exact score (`weigh`), from the bands. The names as
    # given, or swapped for 0.5 less when that is more (where the swapped forename was not
    # compared, above 7.5, no pairing under 8 reaches the floor: the pair is dropped anyway).
    left = most >= n[ask]
    at = plain[ask[left]]
    gf, sf, given_s, swap_s = gf[left], sf[left], given_s[left], swap_s[left]
    names = FORENAME_POINTS[gf] + SURNAME_POINTS[given_s]
    swapped_names = np.where(
        need[at] <= 7.5, FORENAME_POINTS[sf] + SURNAME_POINTS[swap_s] - 0.5, -np.inf
    )
    names = np.where(names < 8.0, np.maximum(names, swapped_names), names)
    total = names + rest[at]
    addressed = np.flatnonzero(p.address[pi[at]] & c.address[ci[at]] & (total + 1.0 >= FLOOR))
    if len(addressed):
        total[addressed] += np.where(
            _addresses_alike(
                p.address_id[pi[at[addressed]]], c.address_id[ci[at[addressed]]], vocabulary
            ),
            1.0,
            0.0,
        )
    return at, total


def prescore(
    index: ChildIndex,
    probes: Sequence[Person],
    may_create: Sequence[bool] | None = None,
    moments: tuple[Sequence[int], Sequence[int]] | None = None,
) -> Prescored | None:
    """The candidates each of `probes` keeps (`ChildIndex._scored`) among the index's children,
    and among the other probes as the children they may create (those with `may_create`, all
    by default; the plan counts those that did). None if there are too many pairs to do it at
    once (`MOST_PAIRS`).

    `moments`, if the plan knows them: when (in the plan's order) each probe may create its
    child, and when it is matched for the last time. A probe j's child can be a candidate of
    probe i only if j creates it before i is last matched: the other pairs are never counted
    (`Prescored.scored`), so they are not weighed."""
    people = list(index.people.values())
    vocabulary = _Vocabulary()
    n_people, n_probes = len(people), len(probes)
    everyone = [*people, *probes]
    columns = _People.of(everyone, vocabulary)
    probe_columns = columns.part(n_people)
    keys, owners = _filed(everyone, columns, vocabulary)
    swapped = _swapped(probes)
    looked_up = _looked_up(probes, probe_columns, vocabulary, swapped)
    if max(len(vocabulary.postcodes), len(vocabulary.codes)) >= 1 << 20:
        return None  # more than a key's number holds (`_key`): one at a time
    known_filed = owners < n_people
    dated = (columns.dob, probe_columns.dob, swapped)
    known = _pairs((keys[known_filed], owners[known_filed]), looked_up, len(everyone), *dated)
    if known is None:
        return None
    pi, ci = known
    # The probes as the children they may create: not when that makes too many pairs (many
    # notifications alike); then the plan weighs the children it creates one at a time.
    creates = np.ones(n_probes, dtype=np.bool_) if may_create is None else np.array(may_create)
    new_filed = ~known_filed
    new_filed[new_filed] = creates[owners[new_filed] - n_people]
    among_probes = _pairs((keys[new_filed], owners[new_filed]), looked_up, len(everyone), *dated)
    with_new = among_probes is not None
    if among_probes is not None:
        npi, nci = among_probes
        other = nci - n_people != npi
        if moments is not None:
            creates_at, last_matched = (np.asarray(m, dtype=np.int64) for m in moments)
            other &= creates_at[nci - n_people] < last_matched[npi]
        pi, ci = np.concatenate([pi, npi[other]]), np.concatenate([ci, nci[other]])
    p, c = probe_columns, columns
    pi, ci, rest, need = _other_points(p, c, pi, ci, swapped)
    # What the names can earn: with an alias on either side, at most 8; otherwise the bound of
    # whether each name part reaches NAME_FLOOR (`weigh`).
    alive = need <= 8.0
    pi, ci, need, rest = pi[alive], ci[alive], need[alive], rest[alive]
    aliased = p.aliases[pi] | c.aliases[ci]
    reach = NameReach(vocabulary)
    at, total = _plain_totals(p, c, pi, ci, need, rest, aliased, vocabulary, reach)
    kept = total >= FLOOR
    kept_known: list[list[tuple[float, int]]] = [[] for _ in range(n_probes)]
    among_new: list[list[tuple[float, int]]] = [[] for _ in range(n_probes)]
    ids = [person.id for person in people]
    for i, c_, score in zip(
        pi[at[kept]].tolist(), ci[at[kept]].tolist(), total[kept].tolist(), strict=True
    ):
        if c_ < n_people:
            kept_known[i].append((-score, ids[c_]))
        else:
            among_new[i].append((-score, c_ - n_people))
    # The pairs with an alias: what is left after the bound, weighed as the single path does.
    with_alias = np.flatnonzero(aliased)
    bound = _alias_bound(
        pi[with_alias], ci[with_alias], everyone, columns, n_people, vocabulary, reach
    )
    weighed = with_alias[bound >= need[with_alias]]
    contexts: dict[int, ProbeContext] = {}
    for i, c_ in zip(pi[weighed].tolist(), ci[weighed].tolist(), strict=True):
        context = contexts.get(i)
        if context is None:
            context = contexts[i] = ProbeContext.of(probes[i])
        score = weigh(context, everyone[c_])
        if score is not None:
            if c_ < n_people:
                kept_known[i].append((-score, ids[c_]))
            else:
                among_new[i].append((-score, c_ - n_people))
    return Prescored(kept_known, among_new, with_new)
