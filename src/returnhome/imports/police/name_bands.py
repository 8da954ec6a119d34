"""How similar two names are, for a whole file at once (decision 0047): the band of
`matching._name_points` each distinct pair of names falls in, worked out once per pair with
rapidfuzz (in C) and numpy, by the same rules as `lib.names.forename_similarity` and
`surname_similarity`. Used by `imports.police.batch`."""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from returnhome.imports.police.matching import NAME_FLOOR
from returnhome.lib.names import TYPO_CAP, name_tokens, nickname_keys

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Bands = npt.NDArray[np.uint8]


class Vocabulary(Protocol):
    """The names seen (`batch._Vocabulary`): each distinct name once, numbered in order."""

    @property
    def names(self) -> dict[str, int]: ...


# A name part's similarity in bands: under NAME_FLOOR, at or above it, 0.92, 0.95, 1.0; and the
# points `matching._name_points` gives a forename and a surname in each.
BANDS = (NAME_FLOOR, 0.92, 0.95, 1.0)
FORENAME_POINTS = np.array([-3.0, 1.0, 2.5, 3.0, 4.0])
SURNAME_POINTS = np.array([-2.0, 1.0, 2.5, 3.0, 4.0])


def band(similarity: Floats) -> Bands:
    """The band of each similarity (0: under NAME_FLOOR)."""
    bands = np.zeros(len(similarity), dtype=np.uint8)
    for threshold in BANDS:
        bands += similarity >= threshold
    return bands


# The most cells of a table of name pairs (`NameReach`): 64 MB.
DENSE_UP_TO = 64_000_000


class NameReach:
    """How similar two names are (`forename_similarity`, `surname_similarity`), as the band of
    `_name_points` it falls in (`BANDS`; 1 or more reaches NAME_FLOOR), worked out once per
    distinct pair."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        names = list(vocabulary.names)
        self.names = names
        self.size = len(names)
        self.plain = np.array([" " not in n and "-" not in n for n in names], dtype=np.bool_)
        self.given = np.array([bool(n) for n in names], dtype=np.bool_)
        self._nick_pairs: set[int] | None = None
        # The words of names (`_words`): every word seen, and for how many names they are known.
        self.tokens: dict[str, int] = {}
        self._words_of = 0

    def grow(self, vocabulary: Vocabulary) -> None:
        """Take the names added to the vocabulary since."""
        names = list(vocabulary.names)
        if len(names) == len(self.names):
            return
        if self._nick_pairs:  # the pair codes depend on the vocabulary's size
            self._nick_pairs = {
                (x // self.size) * len(names) + x % self.size for x in self._nick_pairs
            }
        self.names = names
        self.size = len(names)
        self.plain = np.array([" " not in n and "-" not in n for n in names], dtype=np.bool_)
        self.given = np.array([bool(n) for n in names], dtype=np.bool_)

    def _nicknamed(self, a: Ints, b: Ints) -> Bools:
        """Whether the names share a nickname key (`nickname_keys`), for plain names."""
        if self._nick_pairs is None:
            self._nick_pairs = set()
        ids = np.unique(np.concatenate([a, b]))
        groups: dict[str, list[int]] = defaultdict(list)
        for i in ids.tolist():
            for key in nickname_keys(self.names[i]):
                groups[key].append(i)
        size = self.size
        linked = self._nick_pairs
        for members in groups.values():
            if len(members) > 1:
                linked.update(x * size + y for x in members for y in members)
        if not linked:
            return np.zeros(len(a), dtype=np.bool_)
        return np.isin(a * size + b, np.fromiter(linked, dtype=np.int64))

    def __call__(self, a: Ints, b: Ints, forenames: bool) -> Bands:
        """The band (`BANDS`) of each pair's similarity."""
        if len(a) == 0:
            return np.zeros(0, dtype=np.uint8)
        size = self.size
        # The distinct pairs: through a table of the names present on each side when it is
        # small enough (no sorting), else by sorting the pairs.
        present_a = np.zeros(size, dtype=np.bool_)
        present_a[a] = True
        present_b = np.zeros(size, dtype=np.bool_)
        present_b[b] = True
        names_a, names_b = np.flatnonzero(present_a), np.flatnonzero(present_b)
        if len(names_a) * len(names_b) <= DENSE_UP_TO:
            local_a = np.cumsum(present_a) - 1
            local_b = np.cumsum(present_b) - 1
            cell = local_a[a] * len(names_b) + local_b[b]
            needed = np.zeros(len(names_a) * len(names_b), dtype=np.uint8)
            needed[cell] = 1
            cells = np.flatnonzero(needed)
            ua, ub = names_a[cells // len(names_b)], names_b[cells % len(names_b)]
            table = needed  # reused: each distinct pair's band, in its cell
            table[cells] = self._distinct(ua, ub, forenames)
            return table[cell]
        else:
            unique, inverse = np.unique(a * size + b, return_inverse=True)
            ua, ub = unique // size, unique % size
        return self._distinct(ua, ub, forenames)[inverse]

    def _distinct(self, ua: Ints, ub: Ints, forenames: bool) -> Bands:
        """The band (`BANDS`) of each of these distinct pairs of names' similarity
        (`forename_similarity` or `surname_similarity`)."""
        names = self.names
        similarity = np.zeros(len(ua), dtype=np.float64)
        plain = self.plain[ua] & self.plain[ub]
        given = self.given[ua] & self.given[ub]
        simple = plain & given
        sa, sb = ua[simple], ub[simple]
        if len(sa):
            # One word each: 1.0 the same, 0.95 a nickname (forenames), else Jaro-Winkler up
            # to TYPO_CAP.
            jaro = process.cpdist(
                [names[i] for i in sa.tolist()],
                [names[i] for i in sb.tolist()],
                scorer=JaroWinkler.normalized_similarity,
                dtype=np.float64,
                workers=1,
            )
            simple_similarity = np.minimum(TYPO_CAP, jaro)
            if forenames:
                other = np.flatnonzero(sa != sb)
                simple_similarity[other[self._nicknamed(sa[other], sb[other])]] = 0.95
            simple_similarity[sa == sb] = 1.0
            similarity[simple] = simple_similarity
        several = np.flatnonzero(~plain & given)
        if len(several):
            similarity[several] = self._several(ua[several], ub[several], forenames)
        return band(similarity)

    def _words(self) -> None:
        """Each name's words as ids (`words`, -1 after the last), how many and how many different
        (`counts`, `distinct`), and the texts the similarity functions compare."""
        if self._words_of == self.size:
            return
        tokens = [name_tokens(n) for n in self.names]
        vocabulary = self.tokens
        width = max(1, max(len(t) for t in tokens))
        words = np.full((self.size, width), -1, dtype=np.int64)
        for i, parts in enumerate(tokens):
            for k, t in enumerate(parts):
                words[i, k] = vocabulary.setdefault(t, len(vocabulary))
        self.words = words
        self.counts = (words >= 0).sum(axis=1)
        self.distinct = np.array([len(set(t)) for t in tokens], dtype=np.int64)
        self.spaced = [n.replace("-", " ") for n in self.names]
        self.compact = [n.replace("-", "").replace(" ", "") for n in self.names]
        self.word_texts = list(vocabulary)
        self._words_of = self.size

    def _several(self, ua: Ints, ub: Ints, forenames: bool) -> Floats:
        """`forename_similarity` or `surname_similarity` of distinct pairs of names given, one
        at least of several words (or with a hyphen), as those functions work it out."""
        self._words()
        words_a = self.words[ua]
        words_b = np.where(self.words[ub] < 0, -2, self.words[ub])  # padding equals nothing
        # equal[r, x, y]: word x of a is word y of b.
        equal = words_a[:, :, None] == words_b[:, None, :]
        a_in_b = (equal.any(axis=2) | (words_a < 0)).all(axis=1)
        b_in_a = (equal.any(axis=1) | (words_b < 0)).all(axis=1)
        same = ua == ub
        texts = self.word_texts

        def jaro(left: list[str], right: list[str]) -> Floats:
            return np.asarray(
                process.cpdist(
                    left,
                    right,
                    scorer=JaroWinkler.normalized_similarity,
                    dtype=np.float64,
                    workers=1,
                )
            )

        if forenames:
            several = (self.counts[ua] > 1) | (self.counts[ub] > 1)  # words
            nicknamed = self._nicknamed(ua, ub)
            contained = several & ((words_a[:, 0] == words_b[:, 0]) | a_in_b | b_in_a)
            spaced = self.spaced
            whole = jaro([spaced[i] for i in ua.tolist()], [spaced[j] for j in ub.tolist()])
            first = jaro(
                [texts[w] for w in words_a[:, 0].tolist()],
                [texts[w] for w in self.words[ub, 0].tolist()],
            )
            typo = np.minimum(TYPO_CAP, np.maximum(whole, first * 0.98))
            return np.where(same, 1.0, np.where(nicknamed | contained, 0.95, typo))
        several = (self.distinct[ua] > 1) | (self.distinct[ub] > 1)  # different words
        shared = equal.any(axis=(1, 2))
        compact = self.compact
        whole = jaro([compact[i] for i in ua.tolist()], [compact[j] for j in ub.tolist()])
        # The best pair of words, where either has several.
        parts = np.zeros(len(ua))
        rows = np.flatnonzero(several)
        if len(rows):
            width_a, width_b = words_a.shape[1], words_b.shape[1]
            left = np.repeat(words_a[rows], width_b, axis=1).ravel()
            right = np.tile(self.words[ub[rows]], (1, width_a)).ravel()
            row = np.repeat(rows, width_a * width_b)
            valid = (left >= 0) & (right >= 0)
            left, right, row = left[valid], right[valid], row[valid]
            np.maximum.at(
                parts,
                row,
                jaro([texts[w] for w in left.tolist()], [texts[w] for w in right.tolist()]),
            )
        typo = np.where(
            several,
            np.minimum(TYPO_CAP, np.maximum(whole, parts * 0.95)),
            np.minimum(TYPO_CAP, whole),
        )
        return np.where(same, 1.0, np.where(a_in_b | b_in_a, 0.95, np.where(shared, 0.9, typo)))
