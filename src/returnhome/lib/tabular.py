"""Reading tables people send us (CSV or XLSX) and writing them back safely. No Django.

CSV text is decoded strictly (docs/formats/police-notifications.md, "Files"):
- UTF-8, with or without a byte order mark, when every byte decodes;
- refused, naming the first row and column that does not decode, when the file has a byte order
  mark or holds any valid multi-byte UTF-8 sequence (it was written as UTF-8 and then damaged:
  reading it as anything else would turn "Zoë" into "ZoÃ«" without a word);
- otherwise (no multi-byte UTF-8 sequence at all) Windows-1252, what Excel on a UK Windows PC
  writes as "CSV", when every byte is defined in it; else refused, naming the row. The single-byte
  encoding is not guessed: charset-normalizer 3.5.2, asked to, read four realistic Windows-1252
  name lists out of four as Windows-1250, code page 775 or 850 ("Ñúñez" as "Ńúńez"), and an
  ASCII file with one stray byte as code page 437. A short list of names is too little text to
  tell single-byte encodings apart, and a wrong guess changes names without a word.

XLSX is read with openpyxl in read-only mode, the first worksheet only, after the zip's own
directory has been checked: a workbook that would unzip to more than MAX_XLSX_UNZIPPED bytes (or
its shared strings, which openpyxl holds in memory, to more than MAX_XLSX_SHARED_STRINGS) is
refused before anything is decompressed. A member whose directory entry understates its size
cannot get past that: zipfile stops reading at the declared size and the CRC check fails.

Every cell comes back as text exactly as written (formulas as their text, never evaluated); dates
and numbers from XLSX are turned into the text a person would have typed (ISO dates, whole
numbers without ".0"). A cell holding NUL or another control character (`lib.text`) refuses the
file, naming its row and column.

Row numbers are those a person sees: the header is row 1, and a row's number is the line (CSV) or
spreadsheet row (XLSX) it starts on. Blank rows are skipped but still counted.

Writing: `safe_cell` (CSV) and `text_cell` (an openpyxl cell) never let text run as a formula, and
replace the characters no file can hold (`lib.text.printable`), which older records may contain.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from returnhome.lib.text import BAD_CHARACTER, escaped, printable, text_problem

__all__ = [
    "FORMULA_PREFIXES",
    "MAX_XLSX_SHARED_STRINGS",
    "MAX_XLSX_UNZIPPED",
    "Table",
    "TableError",
    "read_table",
    "safe_cell",
    "text_cell",
    "write_csv",
]

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MB = 1024 * 1024
# What an XLSX may unzip to, all parts together: a 100,000-row notifications workbook written
# with inline strings (the largest kind) unzips to 116 MB (6 MB on disk).
MAX_XLSX_UNZIPPED = 256 * MB
# The shared strings part (where Excel keeps a workbook's text), which openpyxl reads whole into
# memory even in read-only mode (the worksheets themselves are streamed), and slowly: 60 MB of
# short strings took 92 s and 340 MB (openpyxl 3.1.5). 32 MB is about 80,000 rows of
# notifications as Excel writes them.
MAX_XLSX_SHARED_STRINGS = 32 * MB
# A valid multi-byte UTF-8 sequence (RFC 3629: no overlong forms, no surrogates, at most U+10FFFF).
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
UTF8_BOM = b"\xef\xbb\xbf"
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")
SAVE_AS_UTF8 = 'save it again as "CSV UTF-8 (Comma delimited)" or as an Excel workbook (.xlsx)'


class TableError(ValueError):
    """The file cannot be read as a table; the message says why, for the person who sent it.

    `row` and `column` say where, when it is one place (0 and "" otherwise)."""

    def __init__(self, message: str, row: int = 0, column: str = "") -> None:
        super().__init__(message)
        self.row = row
        self.column = column


def _column(header: Sequence[str], index: int) -> tuple[str, str]:
    """The column at `index` (from 0): its heading (else its number), and how a message says it."""
    name = escaped(header[index].strip()) if index < len(header) else ""
    return (name, f"column '{name}'") if name else (str(index + 1), f"column {index + 1}")


def _check_cells(number: int, cells: Sequence[str], header: Sequence[str]) -> None:
    """Refuse a row holding a character no record may (NUL, control characters): `lib.text`."""
    if BAD_CHARACTER.search("\n".join(cells)) is None:  # one search for the whole row
        return
    for index, cell in enumerate(cells):
        why = text_problem(cell)
        if why is not None:
            column, said = _column(header, index)
            raise TableError(
                f"Row {number}, {said}: the cell {why}; remove it and send the file again",
                number,
                column,
            )


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
    sample = data[:4096]
    controls = len(_CONTROL_BYTES.findall(sample))
    if controls > 64 or controls * 20 > len(sample):
        return "binary"  # a stray NUL in text is refused by the cell check, naming its row
    return "text"


def _decode(data: bytes) -> tuple[str, str]:
    """The file's text and encoding (see the module's docstring), or TableError."""
    bom = data.startswith(UTF8_BOM)
    body = data[len(UTF8_BOM) :] if bom else data
    try:
        return body.decode("utf-8"), ("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        pass
    if bom or UTF8_MULTIBYTE.search(body):
        raise _damaged_utf8(body, "says it is UTF-8" if bom else "is UTF-8")
    try:
        return body.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError as exc:
        undefined = exc.start
    row = body[:undefined].count(b"\n") + 1
    raise TableError(
        f"Row {row}: the file is neither UTF-8 nor Windows-1252 text (byte "
        f"0x{body[undefined]:02X} cannot be read): {SAVE_AS_UTF8}",
        row,
    )


def _damaged_utf8(body: bytes, says: str) -> TableError:
    """Where a UTF-8 file stops being UTF-8: the first row and column holding a byte that is not,
    found by reading the CSV with each such byte kept aside (as a lone surrogate)."""
    text = body.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    start = 1
    try:
        for cells in reader:
            for index, cell in enumerate(cells):
                if any("\udc80" <= ch <= "\udcff" for ch in cell):
                    column, said = _column(header or cells, index)
                    shown = cell.encode("utf-8", errors="surrogateescape").decode(
                        "utf-8", errors="replace"
                    )
                    return TableError(
                        f"Row {start}, {said}: the file {says}, but this cell holds a "
                        f'byte that is not UTF-8 ("{escaped(shown)}"; the file may have been '
                        f"edited in another encoding): {SAVE_AS_UTF8}",
                        start,
                        column,
                    )
            if not header and any(c.strip() for c in cells):
                header = cells
            start = reader.line_num + 1
    except csv.Error:
        pass
    first = next(i for i, ch in enumerate(text) if "\udc80" <= ch <= "\udcff")
    row = text[:first].count("\n") + 1
    return TableError(f"Row {row}: the file {says}, but a byte on it is not: {SAVE_AS_UTF8}", row)


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
    _check_cells(header_line, header, header)
    # A text without any character no record may hold has no row holding one: then the rows
    # are not searched one by one.
    clean = BAD_CHARACTER.search(text) is None

    def rows() -> Iterator[tuple[int, list[str]]]:
        assert header is not None
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
            if "".join(cells).strip():  # not blank: some cell holds more than spaces
                if not clean:
                    _check_cells(start, cells, header)
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


def _check_unzipped_size(data: bytes) -> None:
    """Refuse a workbook that would unzip past the limits, from the zip's directory alone."""
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise TableError(
            f"The file is a zip archive but not an Excel workbook (.xlsx) that can be read ({exc})"
        ) from None
    total = sum(m.file_size for m in members)
    strings = sum(m.file_size for m in members if m.filename.lower().endswith("sharedstrings.xml"))
    if total > MAX_XLSX_UNZIPPED or strings > MAX_XLSX_SHARED_STRINGS:
        what = "its shared strings unzip" if strings > MAX_XLSX_SHARED_STRINGS else "it unzips"
        limit = MAX_XLSX_SHARED_STRINGS if strings > MAX_XLSX_SHARED_STRINGS else MAX_XLSX_UNZIPPED
        raise TableError(
            f"The workbook is too large to read: {what} to {max(strings, total) // MB:,} MB, "
            f"more than the {limit // MB} MB allowed (docs/formats/police-notifications.md). "
            "Split it into several files, or save it as CSV UTF-8"
        )


# What openpyxl raises on a damaged workbook, whether opening it or reading its rows (a member
# cut short at its declared size fails its CRC check: zipfile.BadZipFile).
_XLSX_ERRORS = (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, SyntaxError)


def _xlsx(data: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]], list[int]]:
    from openpyxl import load_workbook

    _check_unzipped_size(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except _XLSX_ERRORS as exc:
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
    try:
        for row in values:
            number += 1
            cells = [_xlsx_text(v) for v in row]
            if any(c.strip() for c in cells):
                header = cells
                break
    except _XLSX_ERRORS as exc:
        book.close()
        raise _damaged(number, exc) from None
    if header is None:
        book.close()
        raise TableError("The workbook's first sheet is empty: it has no header row")
    while header and not header[-1].strip():
        header.pop()
    try:
        _check_cells(number, header, header)
    except TableError:
        book.close()
        raise
    width = len(header)
    header_row = number

    def rows() -> Iterator[tuple[int, list[str]]]:
        assert header is not None
        current = header_row
        try:
            for row in values:
                current += 1
                cells = [_xlsx_text(v) for v in row]
                if any(c.strip() for c in cells):
                    extra = cells[width:]
                    cells = cells[:width] + [c for c in extra if c.strip()]
                    _check_cells(current, cells, header)
                    yield current, cells
                else:
                    blank[0] += 1
        except _XLSX_ERRORS as exc:
            raise _damaged(current, exc) from None
        finally:
            book.close()

    return header, rows(), blank


def _damaged(row: int, exc: Exception) -> TableError:
    return TableError(
        f"Row {row}: the workbook is damaged and cannot be read past this row ({exc})", row
    )


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
    """Text for a spreadsheet cell that can never run as a formula, and that any file can hold.

    A cell starting with =, +, -, @, tab or carriage return gets a leading apostrophe, which
    spreadsheet programs show as text (OWASP "CSV injection"). NUL, other control characters and
    unpaired surrogates (which older records may hold) become U+FFFD (`lib.text.printable`).
    """
    text = "" if value is None else printable(str(value))
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def text_cell(cell: Any, value: Any) -> Any:
    """Put `value` in an openpyxl cell as text: never a formula (the cell's type is string, so it
    needs no apostrophe), and without the characters XML cannot hold, which would make openpyxl
    refuse to write the whole workbook (`lib.text.printable`)."""
    cell.value = "" if value is None else printable(str(value))
    cell.data_type = "s"
    return cell


def write_csv(handle: IO[str], header: Sequence[str], rows: Iterator[Sequence[Any]]) -> None:
    """Write CSV with every cell made safe (see safe_cell)."""
    writer = csv.writer(handle)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
