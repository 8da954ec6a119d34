"""The blocking keys of matching: which children a notification is compared with. No Django.

A child is filed under keys (`child_keys`) and a notification looks up keys (`lookup_keys`,
`identifier_keys`): the children sharing one of them are its candidates. The keys are text, so
that the same keys can be kept in memory (`imports.police.matching.ChildIndex`) or stored with
each child (`children.MatchKey`, fetched by index for just the notifications of an import); both
come from these functions, so they cannot disagree.

    i:<council child ID>      the council child ID (upper case)
    n:<NHS number>            the NHS number (no spaces)
    d:<YYYY-MM-DD>            the date of birth
    p:<postcode>              the postcode (normalised)
    b:<code>:<y>:<m>:<d>      the Soundex code of a surname part (or an alias's surname) with two
                              of year, month and day of birth (the third 0)
    a:<code>:<initial>        that code with a forename's initial (found without a date of birth)

All values are normalised (`Normalised`): lower case names without accents or punctuation,
postcodes with one space, identifiers without spaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from returnhome.lib.dates import swap_day_month
from returnhome.lib.names import name_tokens, normalise_name, normalise_postcode, phonetic


class Normalised(NamedTuple):
    """A person's details as matching compares them."""

    forename: str
    surname: str
    dob: dt.date | None
    sex: str
    postcode: str
    address: str
    la_child_id: str
    nhs_number: str
    aliases: tuple[tuple[str, str], ...]


def alias_pairs(aliases: Iterable[str], forename: str, surname: str) -> tuple[tuple[str, str], ...]:
    """An alias of one word is another forename; of several, a forename and a surname."""
    pairs = []
    for alias in aliases:
        tokens = normalise_name(alias).split()
        if not tokens or any(ch.isdigit() for ch in alias):
            continue
        if len(tokens) == 1:
            pairs.append((tokens[0], surname))
        else:
            pairs.append((tokens[0], tokens[-1]))
    return tuple(pairs)


def normalised(
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
) -> Normalised:
    fn, sn = normalise_name(forename), normalise_name(surname)
    return Normalised(
        fn,
        sn,
        dob,
        sex if sex in ("M", "F") else "",
        normalise_postcode(postcode) if postcode else "",
        " ".join(address.lower().replace(",", " ").split()),
        la_child_id.strip().upper(),
        nhs_number.replace(" ", ""),
        alias_pairs(aliases, fn, sn) if aliases else (),
    )


@lru_cache(maxsize=200_000)
def surname_codes(surname: str) -> frozenset[str]:
    """The phonetic codes of each part of a surname."""
    return frozenset(phonetic(t) for t in name_tokens(surname) if t)


def identifier_keys(la_child_id: str, nhs_number: str) -> tuple[str, str]:
    """The keys of the exact identifiers ("" for one not given)."""
    return (f"i:{la_child_id}" if la_child_id else "", f"n:{nhs_number}" if nhs_number else "")


def _dob_key(dob: dt.date) -> str:
    return f"d:{dob.isoformat()}"


def _name_dob_keys(code: str, dob: dt.date) -> tuple[str, str, str]:
    y, m, d = dob.year, dob.month, dob.day
    return (f"b:{code}:{y}:{m}:0", f"b:{code}:{y}:0:{d}", f"b:{code}:0:{m}:{d}")


def child_keys(
    forename: str,
    surname: str,
    dob: dt.date | None,
    postcode: str,
    la_child_id: str,
    nhs_number: str,
    aliases: tuple[tuple[str, str], ...],
) -> list[str]:
    """The keys a child is filed under (normalised values)."""
    keys: list[str] = []
    if la_child_id:
        keys.append(f"i:{la_child_id}")
    if nhs_number:
        keys.append(f"n:{nhs_number}")
    if postcode:
        keys.append(f"p:{postcode}")
    codes = surname_codes(surname)
    if aliases:
        codes = codes | {phonetic(asn) for _, asn in aliases if asn}
    if dob is not None:
        keys.append(_dob_key(dob))
        for code in codes:
            keys.extend(_name_dob_keys(code, dob))
    initials: Iterable[str]
    if aliases:
        initials = {i for i in {forename[:1], *(af[:1] for af, _ in aliases)} if i}
    else:
        initials = (forename[:1],) if forename else ()
    for code in codes:
        for initial in initials:
            keys.append(f"a:{code}:{initial}")
    return list(dict.fromkeys(keys))


def lookup_keys(
    forename: str,
    surname: str,
    dob: dt.date | None,
    postcode: str,
    aliases: tuple[tuple[str, str], ...],
) -> set[str]:
    """The keys a notification's candidates are found under (normalised values): the same date
    of birth or day and month swapped, the same postcode (a full one), and the surname's code
    (each part, the forename's in case they were swapped, aliases' surnames) with two of the
    year, month and day of birth, or with an initial when there is no date of birth."""
    keys: set[str] = set()
    if dob is not None:
        keys.add(_dob_key(dob))
        swapped = swap_day_month(dob)
        if swapped:
            keys.add(_dob_key(swapped))
    if postcode and " " in postcode:
        keys.add(f"p:{postcode}")
    codes = {phonetic(t) for t in name_tokens(surname)}
    codes.update(phonetic(t) for t in name_tokens(forename))
    codes.update(phonetic(asn) for _, asn in aliases)
    codes.discard("")
    if dob is not None:
        for code in codes:
            keys.update(_name_dob_keys(code, dob))
    else:
        initials = {forename[:1], surname[:1]}
        initials.update(af[:1] for af, _ in aliases)
        for code in codes:
            for initial in initials:
                keys.add(f"a:{code}:{initial}")
    return keys
