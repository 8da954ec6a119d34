"""Names as matching needs them: normalised, split, phonetic keys, nicknames. No Django.

Similarity itself comes from rapidfuzz (Jaro-Winkler, Levenshtein) and phonetic codes from
jellyfish; nicknames from the curated ``nicknames`` data set (English given names). Nothing here
is hand-rolled string distance.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish
from nicknames import NickNamer
from rapidfuzz.distance import JaroWinkler

__all__ = [
    "forename_similarity",
    "name_tokens",
    "nickname_keys",
    "normalise_name",
    "normalise_postcode",
    "phonetic",
    "postcode_district",
    "surname_similarity",
]

_NOT_LETTER = re.compile(r"[^a-z\s-]")
_SPACES = re.compile(r"[\s-]+")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})?$")

_namer: NickNamer | None = None
TYPO_CAP = 0.94  # similarity of names that differ by a typo never reaches a nickname's 0.95


def _nicknamer() -> NickNamer:
    global _namer
    if _namer is None:
        _namer = NickNamer()
    return _namer


@lru_cache(maxsize=200_000)
def normalise_name(name: str) -> str:
    """Lower case, accents removed, apostrophes and punctuation dropped, hyphens kept.

    "  O'Brien-Smith " -> "obrien-smith"; "Zoë" -> "zoe".
    """
    decomposed = unicodedata.normalize("NFKD", name)
    ascii_only = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    ascii_only = ascii_only.replace("'", "").replace("\u2019", "")
    cleaned = _NOT_LETTER.sub(" ", ascii_only)
    cleaned = re.sub(r"\s*-\s*", "-", cleaned)
    return " ".join(cleaned.split())


@lru_cache(maxsize=200_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The parts of a normalised name: "anne-marie smith" -> ("anne", "marie", "smith")."""
    return tuple(t for t in _SPACES.split(normalise_name(name)) if t)


@lru_cache(maxsize=200_000)
def phonetic(token: str) -> str:
    """A phonetic code for blocking (Soundex: keeps the first letter)."""
    return jellyfish.soundex(token) if token else ""


@lru_cache(maxsize=50_000)
def nickname_keys(forename: str) -> frozenset[str]:
    """The name and the formal names it may be short for: two names that share a key may be one.

    "bill" -> {"bill", "william", ...}; "william" -> {"william"}.
    """
    name = normalise_name(forename).replace("-", " ")
    if not name:
        return frozenset()
    first = name.split()[0]
    return frozenset({first, *_nicknamer().canonicals_of(first)})


@lru_cache(maxsize=500_000)
def forename_similarity(a: str, b: str) -> float:
    """1.0 same name; 0.95 one is a nickname of the other; else Jaro-Winkler on the best pair of parts.

    Both normalised. A shared first part (Mary-Jane / Mary) counts as 0.95.
    """
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if nickname_keys(a) & nickname_keys(b):
        return 0.95
    ta, tb = name_tokens(a), name_tokens(b)
    if (len(ta) > 1 or len(tb) > 1) and (
        ta[0] == tb[0] or set(ta) <= set(tb) or set(tb) <= set(ta)
    ):
        return 0.95
    whole = JaroWinkler.normalized_similarity(a.replace("-", " "), b.replace("-", " "))
    first = JaroWinkler.normalized_similarity(ta[0], tb[0])
    # A typo is never as good as a known nickname.
    return min(TYPO_CAP, max(whole, first * 0.98))


@lru_cache(maxsize=500_000)
def surname_similarity(a: str, b: str) -> float:
    """1.0 same; 0.95 one double-barrelled name contains the other; else Jaro-Winkler."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = set(name_tokens(a)), set(name_tokens(b))
    if ta <= tb or tb <= ta:
        return 0.95
    if ta & tb:
        return 0.9
    compact = JaroWinkler.normalized_similarity(
        a.replace("-", "").replace(" ", ""), b.replace("-", "").replace(" ", "")
    )
    if len(ta) > 1 or len(tb) > 1:
        parts = max(JaroWinkler.normalized_similarity(x, y) for x in ta for y in tb)
        return min(TYPO_CAP, max(compact, parts * 0.95))
    return min(TYPO_CAP, compact)


@lru_cache(maxsize=200_000)
def normalise_postcode(postcode: str) -> str:
    """Upper case with one space before the inward code ("me156xx" -> "ME15 6XX"); "" if not one."""
    compact = re.sub(r"\s+", "", postcode.upper())
    if not compact:
        return ""
    if len(compact) >= 5 and compact[-3].isdigit():
        compact = f"{compact[:-3]} {compact[-3:]}"
    match = _POSTCODE.match(compact)
    if not match:
        return ""
    outward, inward = match.groups()
    return f"{outward} {inward}" if inward else outward


def postcode_district(postcode: str) -> str:
    """The outward code ("ME15 6XX" -> "ME15"); "" if none."""
    return postcode.split(" ")[0] if postcode else ""
