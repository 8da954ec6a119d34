"""`returnhome import-notifications`: the stages, idempotency, and what each notification does."""

from __future__ import annotations

import csv
from pathlib import Path

from returnhome.children.models import Child
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.models import ImportRun, PendingNotification, ReviewItem
from returnhome.interviews.models import RHI
from tests.imports.import_helpers import Area, csv_bytes, found, row, run_import

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats"


def counts() -> tuple[int, int, int, int, int, int]:
    return (
        Child.objects.count(),
        Episode.objects.count(),
        Notification.objects.count(),
        RHI.objects.count(),
        PendingNotification.objects.count(),
        ReviewItem.objects.count(),
    )


def test_the_documented_example_imports_and_reimporting_changes_nothing(
    area: Area, tmp_path: Path
) -> None:
    from returnhome.organisations.models import Organisation

    Organisation.objects.filter(pk=area.force.pk).update(name="Kent Police")
    example = (DOCS / "police-notifications-example.csv").read_bytes().replace(b",886,", b",T01,")
    area.amelia.la_child_id = "DEMO1"
    area.amelia.save()
    code, summary = run_import(tmp_path, example, area.council)
    assert code == 0, summary
    assert summary["committed"] and summary["rows"] == 4 and summary["rejected"] == []
    assert summary["episodes_created"] == 2
    assert summary["episodes_closed"] == 1
    assert summary["children_matched"] == 2
    assert summary["found_waiting_for_missing"] == 1
    before = counts()
    audit = AuditEvent.objects.count()
    code, again = run_import(tmp_path, example, area.council)
    assert code == 0
    assert again["unchanged"] == 4 and again["episodes_created"] == 0
    assert counts() == before
    assert AuditEvent.objects.count() == audit + 1  # the import run itself
    assert ImportRun.objects.count() == 2


def test_missing_then_found_opens_and_closes_the_episode_and_refers_the_rhi(
    area: Area, tmp_path: Path
) -> None:
    code, summary = run_import(tmp_path, csv_bytes([row(), found()]), area.council)
    assert code == 0, summary
    episode = Episode.objects.get()
    assert episode.child == area.amelia
    assert episode.police_force == area.force and episode.police_reference == "TST-1"
    assert episode.risk_level == "medium" and episode.group == "MFH"
    assert not episode.is_open
    assert [n.event for n in episode.notifications.all()] == ["missing", "found"]
    assert all(n.police_reference == "TST-1" for n in episode.notifications.all())
    rhi = RHI.objects.get(episode=episode)
    assert rhi.due_at is not None and rhi.clock_started_at == episode.returned_at
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"record_missing", "record_return", "refer_rhi", "import_notifications"} <= actions


def test_dry_run_changes_nothing_and_prints_the_same_summary(area: Area, tmp_path: Path) -> None:
    content = csv_bytes(
        [
            row(),
            found(),
            row(
                police_reference="TST-2",
                forename="Zed",
                surname="Newkid",
                date_of_birth="2012-01-01",
                postcode="",
            ),
        ]
    )
    before, audit = counts(), AuditEvent.objects.count()
    code, dry = run_import(tmp_path, content, area.council, "--dry-run")
    assert code == 0 and dry["dry_run"] and not dry["committed"]
    assert counts() == before and AuditEvent.objects.count() == audit
    code, real = run_import(tmp_path, content, area.council)
    keys = [
        "rows",
        "episodes_created",
        "episodes_updated",
        "episodes_closed",
        "children_matched",
        "children_created",
        "sent_to_review",
        "found_waiting_for_missing",
        "rejected",
    ]
    assert {k: dry[k] for k in keys} == {k: real[k] for k in keys}
    assert real["children_created"] == 1


def test_found_before_missing_is_kept_and_joined_when_the_missing_arrives(
    area: Area, tmp_path: Path
) -> None:
    code, first = run_import(tmp_path, csv_bytes([found()]), area.council)
    assert code == 0 and first["found_waiting_for_missing"] == 1
    pending = PendingNotification.objects.get()
    assert pending.child == area.amelia and pending.status == "waiting"
    assert not Episode.objects.exists()
    code, second = run_import(tmp_path, csv_bytes([row()]), area.council)
    assert code == 0, second
    episode = Episode.objects.get()
    assert episode.returned_at == pending.event_at
    pending.refresh_from_db()
    assert pending.status == "joined" and pending.episode == episode
    found_note = episode.notifications.get(event="found")
    assert found_note.received_at == pending.received_at
    assert RHI.objects.filter(episode=episode).exists()
    # Importing either file again changes nothing.
    before = counts()
    assert run_import(tmp_path, csv_bytes([found()]), area.council)[1]["unchanged"] == 1
    assert run_import(tmp_path, csv_bytes([row()]), area.council)[1]["unchanged"] == 1
    assert counts() == before


def test_overlapping_files_never_duplicate_an_episode(area: Area, tmp_path: Path) -> None:
    one = row()
    two = row(
        police_reference="TST-2",
        forename="William",
        surname="Smith-Jones",
        date_of_birth="2011-11-05",
        sex="M",
        postcode="CT1 2XX",
    )
    run_import(tmp_path, csv_bytes([one]), area.council)
    code, summary = run_import(tmp_path, csv_bytes([one, two, found()]), area.council)
    assert code == 0, summary
    assert summary["unchanged"] == 1 and summary["episodes_created"] == 1
    assert summary["episodes_closed"] == 1
    assert Episode.objects.count() == 2
    assert Notification.objects.filter(event="missing").count() == 2


def test_a_second_missing_for_a_child_already_missing_goes_to_the_front_door(
    area: Area, tmp_path: Path
) -> None:
    run_import(tmp_path, csv_bytes([row()]), area.council)
    second = row(police_reference="TST-9", event_at="2025-03-16T10:00", last_seen_at="")
    code, summary = run_import(tmp_path, csv_bytes([second]), area.council)
    assert code == 0 and summary["sent_to_review"] == 1
    item = ReviewItem.objects.get()
    assert item.reason == ReviewItem.Reason.ALREADY_MISSING
    assert item.open_episode == Episode.objects.get()
    assert item.suggested_child == area.amelia and item.status == "open"
    assert Episode.objects.count() == 1
    # Sent again: still one item in the queue.
    assert run_import(tmp_path, csv_bytes([second]), area.council)[1]["unchanged"] == 1
    assert ReviewItem.objects.count() == 1


def test_found_without_a_reference_match_closes_the_childs_open_episode(
    area: Area, tmp_path: Path
) -> None:
    from returnhome.episodes import services
    from tests.factories import ago

    episode = services.record_missing(
        area.amelia,
        reported_missing_at=ago(days=3),
        received_at=ago(days=3),
        source="childrens_home",
        acting_user=None,
        check_permission=False,
    )
    code, summary = run_import(
        tmp_path,
        csv_bytes([found(police_reference="TST-77", event_at=ago(days=1).isoformat())]),
        area.council,
    )
    assert code == 0, summary
    episode.refresh_from_db()
    assert not episode.is_open and summary["episodes_updated"] == 1


def test_found_whose_reference_differs_from_the_open_police_episode_goes_to_review(
    area: Area, tmp_path: Path
) -> None:
    run_import(tmp_path, csv_bytes([row()]), area.council)
    code, summary = run_import(
        tmp_path, csv_bytes([found(police_reference="TST-OTHER")]), area.council
    )
    assert code == 0 and summary["sent_to_review"] == 1
    assert ReviewItem.objects.get().reason == ReviewItem.Reason.REFERENCE_MISMATCH
    assert Episode.objects.get().is_open


def test_uncertain_match_goes_to_review_with_candidates(area: Area, tmp_path: Path) -> None:
    # Name right, date of birth one digit out, nothing else to go on: the front door decides.
    uncertain = row(date_of_birth="03/04/2011", postcode="", sex="")
    code, summary = run_import(tmp_path, csv_bytes([uncertain]), area.council)
    assert code == 0 and summary["sent_to_review"] == 1
    item = ReviewItem.objects.get()
    assert item.reason == ReviewItem.Reason.UNCERTAIN_MATCH
    assert item.candidates[0]["child_id"] == area.amelia.pk
    assert item.data["date_of_birth"] == "03/04/2011"
    assert not Episode.objects.exists() and Child.objects.count() == 2


def test_council_child_id_contradicted_by_name_and_birth_goes_to_review(
    area: Area, tmp_path: Path
) -> None:
    wrong = row(
        la_child_id="SYN1",
        forename="Tyler",
        surname="Other",
        date_of_birth="2014-08-30",
        postcode="",
        sex="M",
    )
    code, summary = run_import(tmp_path, csv_bytes([wrong]), area.council)
    assert code == 0 and summary["sent_to_review"] == 1
    assert ReviewItem.objects.get().reason == ReviewItem.Reason.IDENTIFIER_CONFLICT


def test_nickname_and_swapped_hyphen_match_automatically(area: Area, tmp_path: Path) -> None:
    bill = row(
        forename="Bill",
        surname="Smith Jones",
        date_of_birth="2011-11-05",
        sex="M",
        postcode="CT1 2XX",
    )
    code, summary = run_import(tmp_path, csv_bytes([bill]), area.council)
    assert code == 0 and summary["children_matched"] == 1, summary
    assert Episode.objects.get().child == area.william


def test_new_child_is_created_with_aliases_and_audited(area: Area, tmp_path: Path) -> None:
    new = row(
        forename="Zara",
        surname="Newfield",
        aliases="Zee; Z-Girl",
        date_of_birth="2012-02-02",
        postcode="TN23 1XX",
        la_child_id="NEW7",
    )
    code, summary = run_import(tmp_path, csv_bytes([new]), area.council)
    assert code == 0 and summary["children_created"] == 1
    child = Child.objects.get(forename="Zara")
    assert child.la_child_id == "NEW7" and child.council == area.council
    assert sorted(child.aliases.values_list("name", flat=True)) == ["Z-Girl", "Zee"]
    assert AuditEvent.objects.filter(action="create_child", child_id=child.pk).exists()


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(
    area: Area, tmp_path: Path
) -> None:
    good = row()
    bad = row(police_reference="TST-2", risk_level="severe", circumstances='=HYPERLINK("x")')
    rejects = tmp_path / "rejects.csv"
    code, summary = run_import(
        tmp_path, csv_bytes([good, bad]), area.council, "--skip-invalid", "--rejects", str(rejects)
    )
    assert code == 0 and summary["committed"]
    assert summary["episodes_created"] == 1 and summary["rejected_rows"] == 1
    assert summary["rejected"] == [
        {"row": 3, "column": "risk_level", "message": summary["rejected"][0]["message"]}
    ]
    with rejects.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert lines[0]["rejected_row"] == "3" and lines[0]["rejected_column"] == "risk_level"
    assert lines[0]["circumstances"] == '\'=HYPERLINK("x")'  # never a formula when opened


def test_all_or_nothing_by_default(area: Area, tmp_path: Path) -> None:
    before = counts()
    code, summary = run_import(
        tmp_path,
        csv_bytes([row(), row(police_reference="TST-2", event_at="31/02/2025 10:00")]),
        area.council,
    )
    assert code == 2 and not summary["committed"]
    assert summary["episodes_created"] == 0
    assert summary["rejected"][0]["row"] == 3 and summary["rejected"][0]["column"] == "event_at"
    assert "not a real date" in summary["rejected"][0]["message"]
    assert counts() == before


def test_xlsx_file(area: Area, tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import Workbook

    from returnhome.imports.police.rows import COLUMNS

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    values = row()
    cells: list[object] = [values[c] for c in COLUMNS]
    cells[COLUMNS.index("event_at")] = dt.datetime(2025, 3, 14, 19, 30)
    cells[COLUMNS.index("date_of_birth")] = dt.datetime(2010, 4, 3)
    cells[COLUMNS.index("circumstances")] = "=1+1"
    sheet.append(cells)
    path = tmp_path / "police.xlsx"
    book.save(path)
    code, summary = run_import(tmp_path, path.read_bytes(), area.council, name="police.xlsx")
    assert code == 0, summary
    episode = Episode.objects.get()
    assert episode.child == area.amelia and episode.circumstances == "=1+1"
