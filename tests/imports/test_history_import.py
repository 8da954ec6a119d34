"""`returnhome import-history`: every column checked, all or nothing, idempotent, groups, figures."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from returnhome.children.groups import derive_group
from returnhome.children.models import Child, LegalStatus
from returnhome.episodes.models import Episode, Notification
from returnhome.imports.history.rows import ALL_COLUMNS
from returnhome.imports.importer import import_history
from returnhome.interviews.models import RHI, Interview
from returnhome.lib.clock import LONDON, ClockCount, ClockRule, ClockStart
from returnhome.organisations.models import Organisation
from returnhome.reports.indicators import indicators
from tests.factories import ChildFactory

DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats"


@pytest.fixture
def kent(db: None) -> Organisation:
    return Organisation.objects.get(la_code="886")


def row(**values: str) -> dict[str, str]:
    """A history row: Amelia, not looked after, missing and back, offered, accepted, interviewed."""
    base = dict.fromkeys(ALL_COLUMNS, "")
    base.update(
        child_id="H1",
        forename="Amelia",
        surname="Testchild",
        date_of_birth="03/04/2010",
        sex="F",
        legal_status="not_looked_after",
        episode_id="E1",
        reported_missing_at="14/03/2024 19:30",
        returned_at="15/03/2024 08:10",
        notification_received_at="15/03/2024 09:00",
        risk_level="medium",
        rhi_offered_at="15/03/2024 11:00",
        rhi_outcome="accepted",
        interview_at="16/03/2024 10:00",
        carer_only="n",
        cce_identified="n",
        cse_identified="n",
    )
    base.update(values)
    return base


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = ALL_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def run(council: Organisation, rows: list[dict[str, str]], **kw: Any) -> dict[str, Any]:
    return import_history(csv_bytes(rows), council, name="history.csv", **kw).summary


def local(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y %H:%M").replace(tzinfo=LONDON)


def snapshot() -> list[Any]:
    return [
        list(Child.objects.order_by("pk").values()),
        list(LegalStatus.objects.order_by("pk").values()),
        list(Episode.objects.order_by("pk").values()),
        list(Notification.objects.order_by("pk").values()),
        list(RHI.objects.order_by("pk").values()),
        list(Interview.objects.order_by("pk").values()),
    ]


def test_the_documented_example_imports_and_again_changes_nothing(kent: Organisation) -> None:
    data = (DOCS / "history-example.csv").read_bytes()
    report = import_history(data, kent, name="example.csv")
    summary = report.summary
    assert report.exit_code == 0, summary
    assert summary["rejected"] == [] and summary["episodes_created"] == 5
    assert summary["children_created"] == 3
    before = snapshot()
    again = import_history(data, kent, name="example.csv").summary
    assert again["episodes_unchanged"] == 5
    assert again["episodes_created"] == again["episodes_updated"] == 0
    assert again["children_created"] == again["children_updated"] == 0
    assert snapshot() == before


def test_a_row_becomes_child_episode_notification_rhi_and_interview(kent: Organisation) -> None:
    summary = run(kent, [row(cce_identified="y")])
    assert summary["committed"], summary
    episode = Episode.objects.get(external_id="E1")
    assert episode.council == kent and episode.child.la_child_id == "H1"
    assert episode.reported_missing_at == local("14/03/2024 19:30")
    assert episode.returned_at == local("15/03/2024 08:10")
    assert episode.found_notification_received_at() == local("15/03/2024 09:00")
    rhi = RHI.objects.get(episode=episode)
    assert rhi.offer_made_at == local("15/03/2024 11:00")
    assert rhi.outcome == RHI.Outcome.ACCEPTED and rhi.status == RHI.Status.CLOSED
    assert rhi.due_return_hours == local("18/03/2024 08:10")
    assert rhi.due_notification_hours == local("18/03/2024 09:00")
    assert rhi.interview is not None and rhi.interview.kind == Interview.Kind.INTERVIEW
    assert rhi.interview.held_at == local("16/03/2024 10:00") and rhi.interview.cce_identified


# (column, bad value, other values that make the row otherwise valid, words in the message)
BAD: list[tuple[str, str, dict[str, str], str]] = [
    ("child_id", "", {}, "required"),
    ("child_id", "X" * 41, {}, "Longer than 40"),
    ("forename", "", {}, "required"),
    ("surname", "", {}, "required"),
    ("date_of_birth", "31/02/2010", {}, "not a real date"),
    ("date_of_birth", "03/04/2099", {}, "future"),
    ("date_of_birth", "15/03/2024", {}, "after the child was reported missing"),
    ("date_of_birth", "03/04/1990", {}, "more than 26 years"),
    ("sex", "Q", {}, "not a sex"),
    ("legal_status", "in_care", {}, "not a legal status"),
    ("legal_status", "", {}, "required"),
    ("responsible_la", "999", {"legal_status": "looked_after"}, "not a council"),
    ("responsible_la", "", {"legal_status": "looked_after"}, "responsible council is required"),
    ("responsible_la", "886", {}, "not looked after"),
    ("placement_la", "886", {}, "not looked after"),
    (
        "placement_la",
        "ZZZ",
        {"legal_status": "looked_after", "responsible_la": "886"},
        "not a council",
    ),
    (
        "placement_la",
        "208",
        {"legal_status": "looked_after", "responsible_la": "887"},
        "only when placed here",
    ),
    ("episode_id", "", {}, "required"),
    ("episode_id", "E" * 61, {}, "Longer than 60"),
    ("reported_missing_at", "", {}, "required"),
    ("reported_missing_at", "last Tuesday", {}, "not a date and time"),
    ("reported_missing_at", "01/01/2099 10:00", {}, "future"),
    (
        "reported_missing_at",
        "31/03/2024 01:30",
        {
            "returned_at": "01/04/2024 08:00",
            "notification_received_at": "",
            "rhi_offered_at": "",
            "rhi_outcome": "",
            "interview_at": "",
        },
        "clocks went forward",
    ),
    ("returned_at", "14/03/2024 19:00", {}, "cannot return before"),
    ("returned_at", "27/10/2024 01:30", {}, "clocks went back"),
    ("notification_received_at", "15/03/2024 07:00", {}, "before the child returned"),
    (
        "notification_received_at",
        "15/03/2024 09:00",
        {"returned_at": "", "rhi_offered_at": "", "rhi_outcome": "", "interview_at": ""},
        "needs a return",
    ),
    ("risk_level", "very high", {}, "not a risk level"),
    ("rhi_offered_at", "15/03/2024 08:00", {}, "before the child returned"),
    ("rhi_offered_at", "not yet", {}, "not a date and time"),
    (
        "rhi_offered_at",
        "15/03/2024 11:00",
        {"returned_at": "", "notification_received_at": "", "rhi_outcome": "", "interview_at": ""},
        "has not returned",
    ),
    ("rhi_outcome", "maybe", {"interview_at": ""}, "not an outcome"),
    (
        "rhi_outcome",
        "accepted",
        {"rhi_offered_at": "", "interview_at": ""},
        "only once it was offered",
    ),
    (
        "rhi_outcome",
        "not_applicable",
        {
            "returned_at": "",
            "notification_received_at": "",
            "rhi_offered_at": "",
            "interview_at": "",
        },
        "has not returned",
    ),
    ("decline_reason", "", {"rhi_outcome": "declined", "interview_at": ""}, "Say why"),
    ("decline_reason", "child_refused", {}, "only when rhi_outcome is declined"),
    (
        "decline_reason",
        "bored",
        {"rhi_outcome": "declined", "interview_at": ""},
        "not a decline reason",
    ),
    (
        "interview_at",
        "15/03/2024 08:00",
        {"rhi_offered_at": "15/03/2024 08:05"},
        "before the child returned",
    ),
    ("interview_at", "15/03/2024 10:00", {}, "before the offer"),
    (
        "interview_at",
        "16/03/2024 10:00",
        {"rhi_outcome": "declined", "decline_reason": "child_refused"},
        "needs rhi_outcome accepted",
    ),
    ("interview_at", "01/01/2099 10:00", {}, "future"),
    ("carer_only", "maybe", {}, "not y or n"),
    ("carer_only", "y", {"interview_at": ""}, "needs interview_at"),
    ("cce_identified", "1", {}, "not y or n"),
    ("cce_identified", "y", {"interview_at": ""}, "needs interview_at"),
    ("cse_identified", "y", {"interview_at": ""}, "needs interview_at"),
    ("classification", "X", {}, "not M or A"),
]


@pytest.mark.parametrize(
    ("column", "value", "others", "words"), BAD, ids=[f"{b[0]}={b[1][:12]!r}" for b in BAD]
)
def test_each_bad_value_is_refused_naming_row_and_column(
    kent: Organisation, column: str, value: str, others: dict[str, str], words: str
) -> None:
    good = row(episode_id="GOOD", child_id="H9")
    bad = row(**{**others, column: value})
    report = import_history(csv_bytes([good, bad]), kent, name="bad.csv")
    summary = report.summary
    assert report.exit_code == 2
    assert not summary["committed"] and summary["nothing_imported_because"]
    problems = [p for p in summary["rejected"] if p["row"] == 3 and p["column"] == column]
    assert problems, summary["rejected"]
    assert any(words.lower() in p["message"].lower() for p in problems), problems
    assert Episode.objects.count() == 0  # all or nothing: the good row is not imported either


def test_carer_only_information_needs_no_acceptance(kent: Organisation) -> None:
    summary = run(
        kent, [row(rhi_outcome="declined", decline_reason="child_refused", carer_only="y")]
    )
    assert summary["committed"], summary["rejected"]
    interview = Interview.objects.get()
    assert interview.kind == Interview.Kind.CARER_ONLY


def test_a_missing_column_is_named_and_nothing_imported(kent: Organisation) -> None:
    columns = tuple(c for c in ALL_COLUMNS if c != "rhi_outcome")
    report = import_history(csv_bytes([row()], columns), kent, name="short.csv")
    assert report.exit_code == 2
    assert report.summary["rejected"][0]["column"] == "rhi_outcome"
    assert "missing from the header" in report.summary["rejected"][0]["message"]


def test_the_classification_column_may_be_left_out(kent: Organisation) -> None:
    columns = tuple(c for c in ALL_COLUMNS if c != "classification")
    report = import_history(csv_bytes([row()], columns), kent, name="no-class.csv")
    assert report.summary["committed"], report.summary
    assert Episode.objects.get().classification == Episode.Classification.MISSING


@pytest.mark.parametrize(
    ("second", "column", "words"),
    [
        (row(child_id="H1", episode_id="E1", risk_level="high"), "episode_id", "also in row 2"),
        (
            row(
                episode_id="E2",
                surname="Other",
                reported_missing_at="01/05/2024 10:00",
                returned_at="01/05/2024 12:00",
                notification_received_at="",
                rhi_offered_at="",
                rhi_outcome="",
                interview_at="",
            ),
            "surname",
            "same child_id",
        ),
        (
            row(
                episode_id="E2",
                reported_missing_at="15/03/2024 07:00",
                returned_at="15/03/2024 07:30",
                notification_received_at="",
                rhi_offered_at="",
                rhi_outcome="",
                interview_at="",
            ),
            "reported_missing_at",
            "Overlaps",
        ),
    ],
)
def test_rows_that_disagree_with_each_other_are_refused(
    kent: Organisation, second: dict[str, str], column: str, words: str
) -> None:
    summary = run(kent, [row(), second])
    assert not summary["committed"]
    assert any(p["column"] == column and words in p["message"] for p in summary["rejected"]), (
        summary["rejected"]
    )


def test_an_episode_cannot_start_while_another_is_open(kent: Organisation) -> None:
    still_missing = dict.fromkeys(
        (
            "returned_at",
            "notification_received_at",
            "rhi_offered_at",
            "rhi_outcome",
            "interview_at",
        ),
        "",
    )
    rows = [
        row(**still_missing),
        row(episode_id="E2", reported_missing_at="01/05/2024 10:00", **still_missing),
    ]
    summary = run(kent, rows)
    assert [p["row"] for p in summary["rejected"]] == [3]
    assert "still missing" in summary["rejected"][0]["message"]


def test_an_identical_repeated_row_is_skipped_with_a_warning(kent: Organisation) -> None:
    summary = run(kent, [row(), row()])
    assert summary["committed"] and summary["episodes_created"] == 1
    assert summary["warnings"] == ["Row 3 repeats row 2 and was skipped"]


def test_skip_invalid_imports_the_good_rows_and_writes_the_rejects(
    kent: Organisation, tmp_path: Path
) -> None:
    source = tmp_path / "history.csv"
    source.write_bytes(
        csv_bytes([row(), row(episode_id="E2", child_id="H2", risk_level="extreme")])
    )
    rejects = tmp_path / "rejects.csv"
    out = io.StringIO()
    call_command(
        "import-history",
        str(source),
        "--org",
        "886",
        "--skip-invalid",
        "--rejects",
        str(rejects),
        stdout=out,
    )
    summary = json.loads(out.getvalue())
    assert summary["committed"] and summary["episodes_created"] == 1
    assert summary["rejected"] == [
        {"row": 3, "column": "risk_level", "message": summary["rejected"][0]["message"]}
    ]
    assert list(Episode.objects.values_list("external_id", flat=True)) == ["E1"]
    with rejects.open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["episode_id"], r["rejected_row"], r["rejected_column"]) for r in rejected] == [
        ("E2", "3", "risk_level")
    ]
    assert "extreme" in rejected[0]["rejected_reason"]


def test_the_command_refuses_a_bad_file_with_exit_code_2(
    kent: Organisation, tmp_path: Path
) -> None:
    source = tmp_path / "history.csv"
    source.write_bytes(csv_bytes([row(sex="Q")]))
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import-history", str(source), "--org", "886", stdout=out)
    assert exit_info.value.code == 2
    assert json.loads(out.getvalue())["rejected"][0]["column"] == "sex"
    assert Episode.objects.count() == 0


def test_dry_run_plans_and_changes_nothing(kent: Organisation) -> None:
    summary = run(kent, [row()], dry_run=True)
    assert summary["episodes_created"] == 1 and not summary["committed"]
    assert Episode.objects.count() == Child.objects.count() == 0


def test_reimport_with_changes_updates_and_never_duplicates(kent: Organisation) -> None:
    def second(**values: str) -> dict[str, str]:
        return row(
            episode_id="E2",
            reported_missing_at="01/05/2024 10:00",
            returned_at="01/05/2024 20:00",
            notification_received_at="",
            rhi_offered_at="",
            rhi_outcome="",
            interview_at="",
            **values,
        )

    run(kent, [row(), second()])
    changed = row(
        returned_at="15/03/2024 09:10",
        notification_received_at="15/03/2024 09:30",
        rhi_outcome="declined",
        decline_reason="no_contact",
        interview_at="",
        forename="Amelie",
    )
    summary = run(kent, [changed, second(forename="Amelie")])
    assert summary["rejected"] == []
    assert summary["episodes_updated"] == 1 and summary["episodes_unchanged"] == 1
    assert summary["children_updated"] == 1 and summary["episodes_created"] == 0
    assert Episode.objects.count() == 2 and RHI.objects.count() == 2
    episode = Episode.objects.get(external_id="E1")
    assert episode.child.forename == "Amelie"
    assert episode.returned_at == local("15/03/2024 09:10")
    assert episode.found_notification_received_at() == local("15/03/2024 09:30")
    rhi = RHI.objects.get(episode=episode)
    assert rhi.outcome == RHI.Outcome.DECLINED and rhi.decline_reason == "no_contact"
    assert rhi.interview is None and Interview.objects.count() == 0
    assert rhi.due_return_hours == local("18/03/2024 09:10")
    before = snapshot()
    again = run(kent, [changed, second(forename="Amelie")])
    assert again["episodes_unchanged"] == 2 and again["children_updated"] == 0
    assert snapshot() == before


def test_an_existing_child_with_the_same_council_id_is_used(kent: Organisation) -> None:
    known = ChildFactory(
        council=kent,
        la_child_id="H1",
        forename="Amelia",
        surname="Testchild",
        date_of_birth=dt.date(2010, 4, 3),
    )
    summary = run(kent, [row()])
    assert summary["children_created"] == 0
    assert Episode.objects.get().child == known


LAC = {"legal_status": "looked_after"}


def test_groups_are_derived_from_status_and_placement_against_the_council(
    kent: Organisation,
) -> None:
    closed = {
        "notification_received_at": "",
        "rhi_offered_at": "",
        "rhi_outcome": "",
        "interview_at": "",
    }
    rows = [
        row(child_id="C1", episode_id="MFH", **closed),
        row(
            child_id="C2",
            episode_id="IN",
            responsible_la="886",
            placement_la="886",
            **LAC,
            **closed,
        ),
        row(child_id="C3", episode_id="IN-BLANK", responsible_la="886", **LAC, **closed),
        row(
            child_id="C4",
            episode_id="OUT",
            responsible_la="886",
            placement_la="887",
            **LAC,
            **closed,
        ),
        row(
            child_id="C5",
            episode_id="HOSTED",
            responsible_la="887",
            placement_la="886",
            **LAC,
            **closed,
        ),
        # One child whose status changes between episodes: each episode keeps its own group.
        row(child_id="C6", episode_id="C6-1", **closed),
        row(
            child_id="C6",
            episode_id="C6-2",
            reported_missing_at="01/06/2024 10:00",
            returned_at="01/06/2024 12:00",
            responsible_la="886",
            placement_la="887",
            **LAC,
            **closed,
        ),
        row(
            child_id="C6",
            episode_id="C6-3",
            reported_missing_at="01/08/2024 10:00",
            returned_at="01/08/2024 12:00",
            **closed,
        ),
    ]
    summary = run(kent, rows)
    assert summary["committed"], summary["rejected"]
    groups = dict(Episode.objects.values_list("external_id", "group"))
    assert groups == {
        "MFH": "MFH",
        "IN": "LAC-in",
        "IN-BLANK": "LAC-in",
        "OUT": "LAC-out",
        "HOSTED": "Hosted",
        "C6-1": "MFH",
        "C6-2": "LAC-out",
        "C6-3": "MFH",
    }
    # The child's recorded history gives the same groups (what refresh_groups would derive).
    for episode in Episode.objects.select_related("child", "council"):
        assert (
            derive_group(episode.child, episode.council, episode.reported_missing_at)
            == episode.group
        )
    periods = list(
        LegalStatus.objects.filter(child__la_child_id="C6").values_list(
            "status", "start_date", "end_date"
        )
    )
    assert periods == [
        ("not_looked_after", dt.date(2024, 3, 14), dt.date(2024, 5, 31)),
        ("looked_after", dt.date(2024, 6, 1), dt.date(2024, 7, 31)),
        ("not_looked_after", dt.date(2024, 8, 1), None),
    ]


def test_indicators_from_an_imported_history_equal_the_hand_computed_figures(
    kent: Organisation,
) -> None:
    """Six episodes in April 2024 (BST); rule: from return, elapsed hours.

    MFH  A1 back 02/04 10:00, offered 02/04 12:00, accepted, interviewed 04/04 09:00 (in time,
            CCE)
         A2 back 10/04 10:00, offered 11/04 10:00, accepted, interviewed 14/04 10:00 (late)
         B1 back 05/04 18:00, offered 09/04 10:00 (late), declined child_refused, carer-only
            information 09/04 12:00 (CSE)
    LAC-in C1 back 06/04 12:00, not applicable, never offered
    LAC-out D1 back 07/04 08:00, offered 07/04 09:00, declined no_contact
    Hosted E1 still missing
    """
    rows = [
        row(
            child_id="A",
            episode_id="A1",
            reported_missing_at="01/04/2024 20:00",
            returned_at="02/04/2024 10:00",
            notification_received_at="02/04/2024 10:30",
            rhi_offered_at="02/04/2024 12:00",
            interview_at="04/04/2024 09:00",
            cce_identified="y",
        ),
        row(
            child_id="A",
            episode_id="A2",
            reported_missing_at="09/04/2024 20:00",
            returned_at="10/04/2024 10:00",
            notification_received_at="",
            rhi_offered_at="11/04/2024 10:00",
            interview_at="14/04/2024 10:00",
        ),
        row(
            child_id="B",
            episode_id="B1",
            forename="Bea",
            reported_missing_at="05/04/2024 12:00",
            returned_at="05/04/2024 18:00",
            notification_received_at="",
            rhi_offered_at="09/04/2024 10:00",
            rhi_outcome="declined",
            decline_reason="child_refused",
            interview_at="09/04/2024 12:00",
            carer_only="y",
            cse_identified="y",
        ),
        row(
            child_id="C",
            episode_id="C1",
            forename="Cal",
            reported_missing_at="06/04/2024 08:00",
            returned_at="06/04/2024 12:00",
            notification_received_at="",
            rhi_offered_at="",
            rhi_outcome="not_applicable",
            interview_at="",
            responsible_la="886",
            placement_la="886",
            **LAC,
        ),
        row(
            child_id="D",
            episode_id="D1",
            forename="Dee",
            reported_missing_at="06/04/2024 22:00",
            returned_at="07/04/2024 08:00",
            notification_received_at="",
            rhi_offered_at="07/04/2024 09:00",
            rhi_outcome="declined",
            decline_reason="no_contact",
            interview_at="",
            responsible_la="886",
            placement_la="887",
            **LAC,
        ),
        row(
            child_id="E",
            episode_id="E1",
            forename="Eve",
            reported_missing_at="20/04/2024 22:00",
            returned_at="",
            notification_received_at="",
            rhi_offered_at="",
            rhi_outcome="",
            interview_at="",
            responsible_la="887",
            placement_la="886",
            **LAC,
        ),
    ]
    summary = run(kent, rows)
    assert summary["committed"], summary["rejected"]
    report = indicators(
        kent,
        dt.date(2024, 4, 1),
        dt.date(2024, 4, 30),
        ClockRule(start=ClockStart.RETURN, count=ClockCount.HOURS),
    )
    figures = {
        name: report.groups[name].counts for name in ("MFH", "LAC-in", "LAC-out", "Hosted", "total")
    }
    expected = {
        "MFH": {
            "episodes": 3,
            "children": 2,
            "offered": 3,
            "accepted": 2,
            "declined": 1,
            "not_applicable": 0,
            "undertaken": 2,
            "carer_only": 1,
            "within_72h": 1,
            "offered_within_72h": 2,
            "cce_raised": 1,
            "cse_raised": 1,
        },
        "LAC-in": {
            "episodes": 1,
            "children": 1,
            "offered": 0,
            "accepted": 0,
            "declined": 0,
            "not_applicable": 0,
            "undertaken": 0,
            "carer_only": 0,
            "within_72h": 0,
            "offered_within_72h": 0,
            "cce_raised": 0,
            "cse_raised": 0,
        },
        "LAC-out": {
            "episodes": 1,
            "children": 1,
            "offered": 1,
            "accepted": 0,
            "declined": 1,
            "not_applicable": 0,
            "undertaken": 0,
            "carer_only": 0,
            "within_72h": 0,
            "offered_within_72h": 1,
            "cce_raised": 0,
            "cse_raised": 0,
        },
        "Hosted": {
            "episodes": 1,
            "children": 1,
            "offered": 0,
            "accepted": 0,
            "declined": 0,
            "not_applicable": 0,
            "undertaken": 0,
            "carer_only": 0,
            "within_72h": 0,
            "offered_within_72h": 0,
            "cce_raised": 0,
            "cse_raised": 0,
        },
    }
    expected["total"] = {k: sum(g[k] for g in expected.values()) for k in expected["MFH"]}
    assert figures == expected
    assert report.groups["total"].declined_reasons["child_refused"] == 1
    assert report.groups["total"].declined_reasons["no_contact"] == 1
    # Under the notification clock, A1's interview is measured from 02/04 10:30.
    by_notification = indicators(
        kent,
        dt.date(2024, 4, 1),
        dt.date(2024, 4, 30),
        ClockRule(start=ClockStart.NOTIFICATION, count=ClockCount.CALENDAR_DAYS),
    )
    assert by_notification.groups["MFH"].counts["within_72h"] == 1


def test_a_blank_date_of_birth_or_sex_never_erases_what_is_known(kent: Organisation) -> None:
    known = ChildFactory(council=kent, la_child_id="H1", sex="F", date_of_birth=dt.date(2010, 4, 3))
    summary = run(kent, [row(date_of_birth="", sex="")])
    assert summary["committed"], summary["rejected"]
    known.refresh_from_db()
    assert known.date_of_birth == dt.date(2010, 4, 3) and known.sex == "F"
    assert known.forename == "Amelia"  # the file's name is taken
