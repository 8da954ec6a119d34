"""Password rules besides Django's: refuse passwords made of one repeated character or a simple
sequence (`aaaaaaaaaaaa`, `abcdefghijkl`, `123456789012`, `qwertyuiop12`), which pass a length
rule and are missing from the common-password list."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

# Rows of a UK keyboard, and the alphabet and digits: a run along any of them is "simple".
SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)


def _step(a: str, b: str) -> int | None:
    """+1 or -1 when b follows or precedes a in one of the sequences, 0 when equal, else None."""
    if a == b:
        return 0
    for sequence in SEQUENCES:
        i, j = sequence.find(a), sequence.find(b)
        if i >= 0 and j >= 0 and abs(i - j) == 1:
            return j - i
    return None


def simple_run_length(password: str) -> int:
    """How many characters belong to runs of three or more that repeat one character or step
    along a sequence in one direction ("aaa", "abc", "cba", "qwe", "321")."""
    text = password.lower()
    covered = 0
    start = 0
    while start < len(text) - 1:
        step = _step(text[start], text[start + 1])
        end = start + 1
        if step is not None:
            while end + 1 < len(text) and _step(text[end], text[end + 1]) == step:
                end += 1
        length = end - start + 1
        if step is not None and length >= 3:
            covered += length
            start = end + 1
        else:
            start += 1
    return covered


class SimplePatternValidator:
    """Refuse a password with fewer than `min_distinct` different characters, or whose characters
    outside simple runs number fewer than `min_other` (so "qwertyuiop12" and "123456789012" fail,
    "demo-password-123" passes)."""

    def __init__(self, min_distinct: int = 5, min_other: int = 6) -> None:
        self.min_distinct = min_distinct
        self.min_other = min_other

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password.lower())) < self.min_distinct:
            raise ValidationError(
                "Your password uses too few different characters. Use a mix of words or "
                "characters that is not one character repeated.",
                code="password_too_repetitive",
            )
        if len(password) - simple_run_length(password) < self.min_other:
            raise ValidationError(
                "Your password is mostly a simple sequence (like abcdef, 123456 or qwerty). "
                "Use a mix of words or characters that is harder to guess.",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return (
            "Your password cannot be one character repeated or a simple sequence like "
            "abcdef, 123456 or qwerty."
        )
