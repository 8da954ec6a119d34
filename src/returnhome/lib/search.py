"""Reading what someone typed into a search box for a child. No Django.

One box takes a name or alias, a council child ID, an NHS number (spaces or dashes anywhere), a
date of birth (14/03/2011, 14-3-2011, 14.03.2011, 2011-03-14, 14 March 2011, 14 Mar 2011) or a
postcode (any spacing, any case). `read_query` says which of those the text can be; the caller
looks for any of them. Names are matched tolerant of misspelling (`name_matches`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler

from returnhome.lib.names import name_tokens, normalise_name, normalise_postcode

__all__ = ["FUZZY_THRESHOLD", "Query", "name_matches", "read_date", "read_query"]

FUZZY_THRESHOLD = 0.8
"""Jaro-Winkler similarity from which a typed word is taken for a name ("emika" ~ "emily" 0.81;
"emika" ~ "jordan" 0.0): generous, since a search shows people a list to choose from."""

FUZZY_MIN_LENGTH = 3  # shorter words only match names that contain them

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_NUMERIC_DMY = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? (\d{4})")
_NHS = re.compile(r"\d{10}")
_CHILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/]{2,29}")


@dataclass(frozen=True)
class Query:
    """What the text can be. `words` are the name words (none when the text is a number, a
    date or a postcode)."""

    text: str
    words: tuple[str, ...] = ()
    nhs_number: str = ""
    date_of_birth: dt.date | None = None
    postcode: str = ""  # normalised, "ME15 6XX"
    child_id: str = ""


def read_date(text: str) -> dt.date | None:
    """A date as people type one (day first), or None."""
    value = " ".join(text.lower().replace(",", " ").split())
    for pattern, order in ((_NUMERIC_DMY, "dmy"), (_ISO, "ymd")):
        match = pattern.fullmatch(value)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            return _date(parts["y"], parts["m"], parts["d"])
    match = _WORDY.fullmatch(value)
    if match and match.group(2) in _MONTHS:
        return _date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_query(text: str) -> Query:
    value = " ".join(text.split())
    if not value:
        return Query("")
    digits = re.sub(r"[\s\-]", "", value)
    if _NHS.fullmatch(digits):
        return Query(value, nhs_number=digits, child_id=digits)
    born = read_date(value)
    if born is not None:
        return Query(value, date_of_birth=born)
    postcode = normalise_postcode(value)
    if postcode and " " in postcode:
        return Query(value, postcode=postcode, child_id=value)
    child_id = value if " " not in value and _CHILD_ID.fullmatch(value) else ""
    if child_id and any(c.isdigit() for c in value):
        return Query(value, child_id=child_id)  # an identifier, not a name
    words = tuple(w for w in normalise_name(value).replace("-", " ").split() if w)
    return Query(value, words=words, child_id=child_id)


def name_matches(word: str, name: str) -> bool:
    """Whether a typed word is a part of `name`, or close to one of its parts (a misspelling:
    "emika" for Emily, "jonh" for John). Both as typed; compared normalised."""
    word = normalise_name(word)
    if not word:
        return False
    tokens = name_tokens(name)
    if any(word in token for token in tokens):
        return True
    if len(word) < FUZZY_MIN_LENGTH:
        return False
    return any(
        JaroWinkler.normalized_similarity(word, token) >= FUZZY_THRESHOLD for token in tokens
    )
