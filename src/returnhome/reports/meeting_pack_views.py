"""The weekly missing meeting pack page, its PDF and the CSV/XLSX of each table."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from returnhome.access.policy import can_see_meeting_pack
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.core.audit import record_list_read, record_read
from returnhome.core.errors import require
from returnhome.core.forms import Form, date_field
from returnhome.lib.groups import group_counted_by
from returnhome.organisations.models import Organisation
from returnhome.reports.meeting_pack import (
    MeetingPack,
    Recurring,
    build_pack,
    week_of,
)
from returnhome.reports.tables import DataTable, download
from returnhome.sharing.models import feedback_days

PAGE_ROWS = 100
"""Rows of each table on the page: a national council's pack can hold thousands of children
still missing or RHIs past their deadline (docs/performance.md, load)."""


class WeekForm(Form):
    week = date_field(
        "Week",
        what="a day of the week",
        help_text="Any day of the week (Monday to Sunday) the pack is for",
    )


def _council(request: AuthedHttpRequest) -> Organisation:
    require(
        can_see_meeting_pack(request.user),
        "The meeting pack is for a council's team managers, front door and performance leads.",
    )
    assert request.user.organisation is not None
    return request.user.organisation


def _monday(request: AuthedHttpRequest) -> tuple[WeekForm, dt.date | None]:
    if "week" not in request.GET:
        return WeekForm(initial={"week": timezone.localdate()}), week_of(timezone.localdate())[0]
    form = WeekForm(request.GET)
    return form, (week_of(form.cleaned_data["week"])[0] if form.is_valid() else None)


def _when(value: dt.datetime | None, empty: str = "") -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else empty


def _duration(delta: dt.timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} days {hours % 24} hours" if hours >= 24 else f"{hours} hours"


def _recurring_table(key: str, title: str, items: list[Recurring]) -> DataTable:
    return DataTable(
        key,
        title,
        ["Mentioned", "Mentions", "Children", "Where"],
        [[r.text, r.mentions, len(r.children), ", ".join(sorted(r.sources))] for r in items],
        numeric={1, 2},
    )


def tables(pack: MeetingPack) -> list[DataTable]:
    recent = f"{pack.recent_from:%d/%m/%Y} to {pack.sunday:%d/%m/%Y}"
    result = [
        DataTable(
            "missing",
            "Who went missing this week",
            [
                "Child",
                "Council child ID",
                "Group",
                "Reported missing",
                "Risk",
                "Times missing in the 12 months before",
                "Returned",
            ],
            [
                [
                    e.child.full_name,
                    _child_id(pack, e.child),
                    _group(pack, e),
                    _when(e.reported_missing_at),
                    e.get_risk_level_display() or "Not recorded",
                    e.before,  # type: ignore[attr-defined]
                    _when(e.returned_at, "Still missing"),
                ]
                for e in pack.missing
            ],
            numeric={5},
        ),
        DataTable(
            "still_missing",
            f"Still missing (as at {_when(pack.now)})",
            ["Child", "Council child ID", "Group", "Reported missing", "Risk", "Missing for"],
            [
                [
                    e.child.full_name,
                    _child_id(pack, e.child),
                    _group(pack, e),
                    _when(e.reported_missing_at),
                    e.get_risk_level_display() or "Not recorded",
                    _duration(pack.now - e.reported_missing_at),
                ]
                for e in pack.still_missing
            ],
        ),
        DataTable(
            "overdue",
            f"RHIs past their deadline with no interview (as at {_when(pack.now)})",
            ["Child", "Council child ID", "Returned", "Deadline", "Overdue by", "Status", "Worker"],
            [
                [
                    r.child.full_name,
                    _child_id(pack, r.child),
                    _when(r.episode.returned_at),
                    _when(r.due_at),
                    _duration(pack.now - r.due_at) if r.due_at else "",
                    r.get_status_display(),
                    str(r.allocated_worker or "Not allocated"),
                ]
                for r in pack.overdue
            ],
        ),
        DataTable(
            "repeat",
            f"Children missing 3 or more times in the 12 months to {pack.sunday:%d/%m/%Y}",
            ["Child", "Council child ID", "Episodes", "Missing this week"],
            _repeat_rows(pack),
            numeric={2},
        ),
        _recurring_table("places", f"Places that recur ({recent})", pack.places),
        _sharing_table(pack),
    ]
    if pack.people is not None:
        result.append(
            _recurring_table(
                "people", f"People that recur in interview records ({recent})", pack.people
            )
        )
    return result


def _sharing_table(pack: MeetingPack) -> DataTable:
    return DataTable(
        "sharing_overdue",
        f"Information shared with the police, no feedback after {feedback_days()} days "
        f"(as at {_when(pack.now)})",
        ["Child", "Council child ID", "Sent", "To", "Received", "Days waiting"],
        [
            [
                r.form.child.full_name,
                r.form.child.la_child_id,
                _when(r.sent_at),
                r.force.name,
                _when(r.received_at, "Not yet"),
                (pack.now - r.sent_at).days,
            ]
            for r in pack.sharing_overdue
        ],
        numeric={5},
    )


def _repeat_rows(pack: MeetingPack) -> list[list[Any]]:
    return [
        [
            pack.children[r.child_id].full_name,
            _child_id(pack, pack.children[r.child_id]),
            r.episodes,
            "Yes" if r.child_id in pack.repeat_this_week else "No",
        ]
        for r in pack.repeat
    ]


def _child_id(pack: MeetingPack, child: Any) -> str:
    """The council child ID, where the reader may see it (the responsible council's, for a
    child placed here)."""
    return str(child.la_child_id) if pack.shows(child, "council_id") else ""


def _group(pack: MeetingPack, episode: Any) -> str:
    """As this council counts the episode: Hosted for a child another council placed here."""
    return group_counted_by(episode.group, episode.council_id, pack.council.pk)


def _audit(
    request: AuthedHttpRequest, pack: MeetingPack, what: str, rows: int | None = None
) -> None:
    """The pack read, and each record on it (`rows`: only the first rows of each table were
    shown)."""
    record_read(
        request.user, pack.council, "report_meeting_pack", week=pack.monday.isoformat(), what=what
    )
    shown = slice(rows)
    record_list_read(
        request.user,
        "meeting_pack",
        [*pack.missing[shown], *pack.still_missing[shown], *pack.overdue[shown]],
    )


def _context(
    request: AuthedHttpRequest, rows: int | None = None
) -> tuple[dict[str, Any], MeetingPack | None]:
    """The pack and its tables; with `rows` (the page), each table's first `rows` rows, saying
    how many in all."""
    council = _council(request)
    form, monday = _monday(request)
    context: dict[str, Any] = {"form": form, "council": council}
    if monday is None:
        return context, None
    pack = build_pack(request.user, council, monday, rows=rows)
    shown = {t.key: t for t in tables(pack)}
    if rows is not None:
        totals = {
            "missing": pack.missing_total,
            "still_missing": pack.still_missing_total,
            "overdue": pack.overdue_total,
        }
        shown = {
            key: replace(table, total=totals[key])
            if key in totals and totals[key] > len(table.rows)
            else table.first(rows)
            for key, table in shown.items()
        }
    context.update(pack=pack, tables=shown, query=f"week={monday.isoformat()}")
    return context, pack


def meeting_pack_page(request: AuthedHttpRequest) -> HttpResponse:
    """The pack on a page: each table's first PAGE_ROWS rows, saying how many in all (the PDF and
    each table's download hold every row)."""
    context, pack = _context(request, rows=PAGE_ROWS)
    if pack is not None:
        _audit(request, pack, "html", rows=PAGE_ROWS)
    return render(request, "reports/meeting_pack.html", context, status=200 if pack else 400)


def meeting_pack_pdf(request: AuthedHttpRequest) -> HttpResponse:
    from weasyprint import HTML

    context, pack = _context(request)
    if pack is None:
        return render(request, "reports/meeting_pack.html", context, status=400)
    _audit(request, pack, "pdf")
    html = render_to_string("reports/meeting_pack_pdf.html", context, request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="meeting-pack-{pack.monday}.pdf"'
    return response


def meeting_pack_download(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    context, pack = _context(request)
    if pack is None:
        return render(request, "reports/meeting_pack.html", context, status=400)
    key = request.GET.get("table", "")
    _audit(request, pack, f"{key}.{fmt}")
    heading = [
        ("Council", f"{pack.council.name} ({pack.council.la_code or ''})"),
        ("Week", f"{pack.monday:%d/%m/%Y} to {pack.sunday:%d/%m/%Y} (UK time)"),
    ]
    return download(tables(pack), key, fmt, f"meeting-pack-{pack.monday}", heading)
