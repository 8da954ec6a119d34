"""Both importers under generated rows (hypothesis): a police notifications file and a history
file, each a few valid rows with cells replaced by generated text (any Unicode, control
characters, odd dates, long values, blanks). Whatever the file, the import either commits or is
refused; a refusal names the row and the column of every problem with a message, and leaves every
table as it was (nothing half-written). Bounded: a fixed number of examples, derandomized."""

from __future__ import annotations

import pytest
from django.apps import apps
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from returnhome.imports.history.rows import ALL_COLUMNS as HISTORY_COLUMNS
from returnhome.imports.importer import ImportReport, import_history, import_notifications
from returnhome.imports.police.rows import COLUMNS as POLICE_COLUMNS
from returnhome.organisations.models import Organisation
from tests.imports import test_history_import as history
from tests.imports.import_helpers import Area, csv_bytes, found, row

FUZZ = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)

# What a cell may become: anything at all, or the near misses an export from another system makes.
CELLS = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "31/02/2025 10:00",
            "2025-13-01",
            "14/03/2025 25:61",
            "1899-12-31",
            "2999-01-01T00:00",
            "0",
            "-1",
            "1e309",
            "NaN",
            '=HYPERLINK("x")',
            "y",
            "n",
            "yes",
            "maybe",
            "\x00",
            "a\tb\nc",
            "ME15 6XX",
            "9434765919",
            "9434765918",
            "x" * 5000,
        ]
    ),
)


def table_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def mutated(base: dict[str, str], columns: tuple[str, ...], data: st.DataObject) -> dict[str, str]:
    """The row with a few of its cells replaced by generated values."""
    chosen = data.draw(st.lists(st.sampled_from(columns), min_size=1, max_size=4, unique=True))
    return {**base, **{column: data.draw(CELLS, label=column) for column in chosen}}


def assert_refusal_explained(report: ImportReport, rows: int, columns: tuple[str, ...]) -> None:
    rejected = report.summary["rejected"]
    assert rejected, report.summary
    for error in rejected:
        assert 2 <= error["row"] <= rows + 1, error  # a data row of the file (the header is 1)
        assert error["column"] in columns, error
        assert str(error["message"]).strip(), error


def check(report: ImportReport, before: dict[str, int], rows: int, columns: tuple[str, ...]) -> str:
    """'committed' or 'refused', having checked what each promises."""
    assert report.exit_code in {0, 2}, report.summary
    if report.summary["committed"]:
        assert report.exit_code == 0
        return "committed"
    assert_refusal_explained(report, rows, columns)
    assert table_counts() == before, "a refused import changed a table"
    return "refused"


@pytest.mark.django_db
def test_generated_police_rows_commit_or_are_refused_explained_and_untouched(area: Area) -> None:
    references = iter(range(10**6))

    @FUZZ
    @given(data=st.data(), count=st.integers(min_value=1, max_value=4))
    def fuzz(data: st.DataObject, count: int) -> None:
        rows = []
        for _ in range(count):
            reference = f"FZ-{next(references)}"
            base = (
                row(police_reference=reference)
                if data.draw(st.booleans())
                else found(police_reference=reference)
            )
            rows.append(mutated(base, POLICE_COLUMNS, data) if data.draw(st.booleans()) else base)
        before = table_counts()
        report = import_notifications(csv_bytes(rows), area.council, name="police.csv")
        outcomes.add(check(report, before, len(rows), POLICE_COLUMNS))

    outcomes: set[str] = set()
    fuzz()
    assert outcomes == {"committed", "refused"}  # the examples reached both ends


@pytest.mark.django_db
def test_generated_history_rows_commit_or_are_refused_explained_and_untouched(db: None) -> None:
    council = Organisation.objects.get(la_code="886")
    ids = iter(range(10**6))

    @FUZZ
    @given(data=st.data(), count=st.integers(min_value=1, max_value=4))
    def fuzz(data: st.DataObject, count: int) -> None:
        rows = []
        for _ in range(count):
            n = next(ids)
            base = history.row(child_id=f"FZ{n}", episode_id=f"FZE{n}")
            rows.append(mutated(base, HISTORY_COLUMNS, data) if data.draw(st.booleans()) else base)
        before = table_counts()
        report = import_history(history.csv_bytes(rows), council, name="history.csv")
        outcomes.add(check(report, before, len(rows), HISTORY_COLUMNS))

    outcomes: set[str] = set()
    fuzz()
    assert outcomes == {"committed", "refused"}  # the examples reached both ends
