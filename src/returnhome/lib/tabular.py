"""Reading tables people send us (CSV or XLSX) and writing them back safely. No Django.

CSV is read as UTF-8 (with or without a byte order mark) or, failing that, Windows-1252. XLSX is
read with openpyxl in read-only mode; the first worksheet is used. Every cell comes back as text
exactly as written (formulas as their text, never evaluated); dates and numbers from XLSX are
turned into the text a person would have typed (ISO dates, whole numbers without ".0").

Row numbers are those a person sees: the header is row 1, and a row's number is the line (CSV) or
spreadsheet row (XLSX) it starts on. Blank rows are skipped but still counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

__all__ = [
    "FORMULA_PREFIXES",
    "Table",
    "TableError",
    "read_table",
    "safe_cell",
    "write_csv",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, for the person who sent it."""


@dataclass
class Table:
    """A header and its rows (row number, cells), read lazily for CSV."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    blank_counter: list[int] = field(default_factory=lambda: [0])

    @property
    def blank_rows(self) -> int:
        """How many blank rows were skipped so far (all of them once the rows are read)."""
        return self.blank_counter[0]


def _sniff(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf16"
    if data.startswith(b"%PDF"):
        return "pdf"
    if b"\x00" in data[:4096]:
        return "binary"
    return "text"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise TableError(
                f"The file says it is UTF-8 but byte {exc.start + 3} is not: save it again as "
                "CSV UTF-8"
            ) from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        raise TableError(
            f"The file is neither UTF-8 nor Windows-1252 text (byte {exc.start} cannot be read): "
            "save it as CSV UTF-8 or as an Excel workbook (.xlsx)"
        ) from None


def _csv_rows(text: str) -> tuple[list[str], Iterator[tuple[int, list[str]]], list[int]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    blank = [0]
    header: list[str] | None = None
    try:
        while header is None:
            first = next(reader)
            if any(cell.strip() for cell in first):
                header = first
    except StopIteration:
        raise TableError("The file has no header row: it is empty") from None
    except csv.Error as exc:
        raise TableError(f"Row {reader.line_num}: the file cannot be read as CSV ({exc})") from None
    header_line = reader.line_num

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = header_line + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise TableError(
                    f"Row {start}: the file cannot be read as CSV ({exc}); check for an "
                    "unmatched double quote"
                ) from None
            if any(cell.strip() for cell in cells):
                yield start, cells
            else:
                blank[0] += 1
            start = reader.line_num + 1

    return header, rows(), blank


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(timespec="minutes" if value.second == 0 else "seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]], list[int]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise TableError(
            f"The file is a zip archive but not an Excel workbook (.xlsx) that can be read ({exc})"
        ) from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise TableError("The workbook has no worksheet")
    values = sheet.iter_rows(values_only=True)
    blank = [0]
    header: list[str] | None = None
    number = 0
    for row in values:
        number += 1
        cells = [_xlsx_text(v) for v in row]
        if any(c.strip() for c in cells):
            header = cells
            break
    if header is None:
        book.close()
        raise TableError("The workbook's first sheet is empty: it has no header row")
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    header_row = number

    def rows() -> Iterator[tuple[int, list[str]]]:
        current = header_row
        try:
            for row in values:
                current += 1
                cells = [_xlsx_text(v) for v in row]
                if any(c.strip() for c in cells):
                    extra = cells[width:]
                    yield current, cells[:width] + [c for c in extra if c.strip()]
                else:
                    blank[0] += 1
        finally:
            book.close()

    return header, rows(), blank


def read_table(source: str | Path | bytes | IO[bytes], name: str = "") -> Table:
    """Read a CSV or XLSX file (a path, bytes or a binary file object)."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = name or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise TableError(f"The file cannot be opened: {exc.strerror}") from None
    elif isinstance(source, bytes):
        data = source
    else:
        data = source.read()
    if not data.strip():
        raise TableError("The file is empty")
    kind = _sniff(data)
    if kind == "zip":
        header, rows, blank = _xlsx(data)
        table = Table([h.strip() for h in header], rows, "xlsx", blank_counter=blank)
    elif kind == "text":
        text, encoding = _decode(data)
        header, rows, blank = _csv_rows(text)
        header = [h.strip().lstrip("\ufeff") for h in header]
        table = Table(header, rows, "csv", encoding, blank_counter=blank)
    else:
        reasons = {
            "xls": "an old Excel workbook (.xls): save it as .xlsx or as CSV UTF-8",
            "utf16": "UTF-16 text: save it as CSV UTF-8",
            "pdf": "a PDF: send the notifications as CSV or XLSX",
            "binary": "not a CSV or XLSX file (it contains binary data)",
        }
        raise TableError(f"The file is {reasons[kind]}")
    return table


def safe_cell(value: Any) -> str:
    """Text for a spreadsheet cell that can never run as a formula.

    A cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe, which
    spreadsheet programs show as text (OWASP "CSV injection").
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_csv(handle: IO[str], header: Sequence[str], rows: Iterator[Sequence[Any]]) -> None:
    """Write CSV with every cell made safe (see safe_cell)."""
    writer = csv.writer(handle)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
