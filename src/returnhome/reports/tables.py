"""A table as the page shows it, and the same table as CSV or XLSX (dashboard, meeting pack, benchmark).

The page and its downloads draw from one `DataTable`, so they cannot differ. Text is never a
formula (`lib.tabular.safe_cell`); numbers stay numbers in XLSX; `None` is "n/a".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import Http404, HttpResponse

from returnhome.lib.tabular import safe_cell, text_cell

NOT_AVAILABLE = "n/a"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class DataTable:
    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    numeric: set[int] = field(default_factory=set)  # column indexes shown right-aligned
    percent: set[int] = field(default_factory=set)  # columns holding rates (0..1)
    note: str = ""
    total: int | None = None  # set when the page shows only the first rows: how many in all

    def first(self, rows: int) -> DataTable:
        """The table cut to its first `rows` rows for a page, saying how many there are in all
        (its downloads hold every row)."""
        if len(self.rows) <= rows:
            return self
        return replace(self, rows=self.rows[:rows], total=len(self.rows))

    def display_rows(self) -> list[list[dict[str, Any]]]:
        """Rows for the template: each cell's text and whether it is numeric."""
        return [
            [
                {"text": self.display(i, value), "numeric": i in self.numeric or i in self.percent}
                for i, value in enumerate(row)
            ]
            for row in self.rows
        ]

    def display(self, column: int, value: Any) -> str:
        if value is None:
            return NOT_AVAILABLE
        if column in self.percent and isinstance(value, (int, float)):
            return f"{value * 100:.1f}%"
        return str(value)

    def to_csv(self, heading: Sequence[tuple[str, str]] = ()) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([safe_cell(self.title)])
        for label, value in heading:
            writer.writerow([safe_cell(label), safe_cell(value)])
        writer.writerow([])
        writer.writerow([safe_cell(h) for h in self.headers])
        for row in self.rows:
            writer.writerow([NOT_AVAILABLE if v is None else safe_cell(v) for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")

    def to_xlsx(self, heading: Sequence[tuple[str, str]] = ()) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = self.key[:31]
        text_cell(sheet.cell(1, 1), self.title).font = Font(bold=True, size=14)
        row = 2
        for label, value in heading:
            text_cell(sheet.cell(row, 1), label).font = Font(bold=True)
            text_cell(sheet.cell(row, 2), value)
            row += 1
        row += 1
        for col, header in enumerate(self.headers, start=1):
            text_cell(sheet.cell(row, col), header).font = Font(bold=True)
        for values in self.rows:
            row += 1
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row, col)
                if value is None:
                    text_cell(cell, NOT_AVAILABLE)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.value = value
                    cell.number_format = "0.0%" if col - 1 in self.percent else "General"
                else:
                    text_cell(cell, str(value))
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()


def download(
    tables: Sequence[DataTable],
    key: str,
    fmt: str,
    filename: str,
    heading: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """The table named `key` as an attachment (404 for an unknown table)."""
    table = next((t for t in tables if t.key == key), None)
    if table is None or fmt not in CONTENT_TYPES:
        raise Http404("No such table")
    body = table.to_xlsx(heading) if fmt == "xlsx" else table.to_csv(heading)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}-{key}.{fmt}"'
    return response
