"""Whether a piece of text can be taken: the one rule for every input path. No Django.

Refused: NUL and the other C0 control characters except tab, line feed and carriage return (they
break PostgreSQL text, XLSX files and PDFs: PostgreSQL refuses NUL outright, and XML 1.0, which
XLSX is made of, cannot hold any of them), and unpaired UTF-16 surrogates (``"\\ud800"`` in JSON,
or an undecodable byte in a command-line argument), which are not Unicode text at all.

The police API (`imports.intake`), the file reader (`lib.tabular`), every web form
(`core.forms.Form`) and the command line (`returnhome.__main__`) all ask `text_problem`. What was
stored before this rule (the API took NUL on SQLite) is written out through `printable`.
"""

from __future__ import annotations

import re

__all__ = ["BAD_CHARACTER", "REPLACEMENT", "escaped", "printable", "text_problem"]

BAD_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
REPLACEMENT = "\ufffd"  # what `printable` shows in place of a character it cannot write


def text_problem(text: str) -> str | None:
    """Why this text cannot be taken ("contains a NUL character (\\u0000) at position 3"), or
    None. The reason reads after the name of the field: "Surname contains ..."."""
    found = BAD_CHARACTER.search(text)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        return f"contains an unpaired surrogate (\\u{code:04x}): it is not valid Unicode text"
    name = "a NUL character" if code == 0 else "a control character"
    return f"contains {name} (\\u{code:04x}) at position {found.start() + 1}"


def escaped(text: str) -> str:
    """Text safe to echo in a message: bad characters as \\uXXXX escapes."""
    return BAD_CHARACTER.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def printable(text: str) -> str:
    """Text any file format can hold: each bad character replaced by U+FFFD (shown as a question
    mark in a box), so the reader sees something was there and the file is still written."""
    return BAD_CHARACTER.sub(REPLACEMENT, text)
