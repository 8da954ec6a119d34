"""Statutory and inspection exports, in the published formats (docs/formats/exports.md).

- DfE SSDA903 (children looked after) ``Missing`` table: one row per missing or away-from-
  placement period of a child looked after by the council, for a collection year (1 April to
  31 March). Columns ``CHILD, DOB, MISSING, MIS_START, MIS_END``; dates ``DD/MM/YYYY``;
  ``MISSING`` is ``M`` (missing, whereabouts unknown) or ``A`` (away without authorisation).
  `check_ssda903` runs the DfE validation rules for the table (the open-source implementation,
  ``lac_validator``) on it, with the Header and Episodes rows our records imply.
- Ofsted Annex A, List 8 (children in care): one row per child looked after by the council in
  the period, with the missing columns.

Only episodes of children looked after by this council (groups LAC-in and LAC-out) are in
either: a hosted child is in its responsible council's returns, a child missing from home in
none.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.core.audit import record_list_read
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI
from returnhome.lib.groups import Group
from returnhome.lib.tabular import safe_cell
from returnhome.organisations.models import Organisation
from returnhome.reports.indicators import period_bounds

LOOKED_AFTER_GROUPS = (Group.LAC_IN.value, Group.LAC_OUT.value)
SSDA903_MISSING_COLUMNS = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
DATE_FORMAT = "%d/%m/%Y"

# The DfE rules about the Missing table that need only this year's Header, Episodes and Missing
# (576 needs last year's return, which we do not make).
SSDA903_MISSING_RULES = (
    "1004",
    "1005",
    "1006",
    "564",
    "565",
    "566",
    "567",
    "570",
    "571",
    "574",
    "575",
    "577",
    "578",
    "580",
    "581",
    "586",
    "INT13",
)

ANNEX_A_LIST_8_COLUMNS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Placement Type",
    "Placement Postcode",
    "LA of Placement",
    "Allocated Team",
    "Allocated Worker",
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
    "Was the child offered a Return Interview after their last missing episode (Y/N)?",
    "Did the child accept a Return Interview after their last missing episode (Y/N)?",
)
ANNEX_A_GENDER: dict[str, str] = {Child.Sex.MALE: "a) Male", Child.Sex.FEMALE: "b) Female"}
ANNEX_A_GENDER_UNKNOWN = "c) Not stated/recorded"


def _date(value: dt.date | None) -> str:
    return value.strftime(DATE_FORMAT) if value is not None else ""


def collection_year(year: int) -> tuple[dt.date, dt.date]:
    """The SSDA903 collection year ending 31 March `year`."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


@dataclass
class Export:
    """A table ready to write, and what the person running it must know."""

    name: str
    columns: tuple[str, ...]
    rows: list[list[str]]
    warnings: list[str] = field(default_factory=list)
    # For the 903 check: the Header and Episodes rows our records imply.
    header_rows: list[dict[str, Any]] = field(default_factory=list)
    episode_rows: list[dict[str, Any]] = field(default_factory=list)
    year: int = 0

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([safe_cell(c) for c in row])
        return out.getvalue()

    def to_xlsx(self) -> bytes:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = self.name[:31]
        for col, heading in enumerate(self.columns, start=1):
            cell = sheet.cell(1, col, heading)
            cell.font = Font(bold=True)
        for r, row in enumerate(self.rows, start=2):
            for col, value in enumerate(row, start=1):
                cell = sheet.cell(r, col)
                cell.value = value
                cell.data_type = "s"  # text as written: never a formula, dates as DD/MM/YYYY
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


def _looked_after_periods(council: Organisation, child_ids: list[int]) -> dict[int, list[Any]]:
    periods: dict[int, list[Any]] = defaultdict(list)
    for status in LegalStatus.objects.filter(
        child_id__in=child_ids,
        status=LegalStatus.Status.LOOKED_AFTER,
        responsible_council=council,
    ).order_by("start_date"):
        periods[status.child_id].append(status)
    return periods


def ssda903_missing(council: Organisation, year: int, *, acting_user: Any = None) -> Export:
    """The 903 Missing table for the collection year ending 31 March `year`.

    A period is in the year when it started on or before 31 March and had not ended before
    1 April (DfE rules 570 and 571): periods that ended in the year, and periods open at its
    end (MIS_END blank — also when the child returned after 31 March).
    """
    first, last = collection_year(year)
    start, _ = period_bounds(first, first)
    _, end = period_bounds(last, last)
    episodes = (
        Episode.objects.filter(
            council=council, group__in=LOOKED_AFTER_GROUPS, reported_missing_at__lt=end
        )
        .filter(Q(returned_at__isnull=True) | Q(returned_at__gte=start))
        .select_related("child")
        .order_by("child__la_child_id", "reported_missing_at")
    )
    export = Export(f"SSDA903 Missing {year - 1}-{year % 100:02d}", SSDA903_MISSING_COLUMNS, [])
    export.year = year
    no_id: set[int] = set()
    no_dob: set[str] = set()
    children: dict[str, Child] = {}
    for episode in episodes:
        child = episode.child
        if not child.la_child_id:
            no_id.add(child.pk)
            continue
        if child.date_of_birth is None:
            no_dob.add(child.la_child_id)
        children[child.la_child_id] = child
        ended = timezone.localdate(episode.returned_at) if episode.returned_at else None
        export.rows.append(
            [
                child.la_child_id,
                _date(child.date_of_birth),
                episode.classification,
                _date(timezone.localdate(episode.reported_missing_at)),
                _date(ended) if ended is not None and ended <= last else "",
            ]
        )
    if no_id:
        export.warnings.append(
            f"{len(no_id)} looked after child(ren) with missing episodes in the year have no "
            "council child ID (the 903 CHILD) and are left out: record their ID and export again"
        )
    if no_dob:
        export.warnings.append(
            f"No date of birth for child ID(s) {', '.join(sorted(no_dob))}: DOB is blank"
        )
    record_list_read(acting_user, "export_ssda903_missing", list(children.values()))
    periods = _looked_after_periods(council, [c.pk for c in children.values()])
    for child_id, child in sorted(children.items()):
        export.header_rows.append(
            {
                "CHILD": child_id,
                "SEX": {"M": "1", "F": "2"}.get(child.sex),
                "DOB": _date(child.date_of_birth) or None,
                "ETHNIC": None,
                "UPN": None,
                "MOTHER": None,
                "MC_DOB": None,
            }
        )
        for begun, ended in _periods_of_care(periods.get(child.pk, [])):
            if (ended is not None and ended < first) or begun > last:
                continue
            end_date = ended if ended is not None and ended <= last else None
            export.episode_rows.append(
                {"CHILD": child_id, "DECOM": _date(begun), "DEC": _date(end_date) or None}
            )
    return export


def _periods_of_care(periods: list[Any]) -> list[tuple[dt.date, dt.date | None]]:
    """Looked-after periods, those that follow on without a gap joined into one."""
    joined: list[tuple[dt.date, dt.date | None]] = []
    for period in periods:
        if joined:
            begun, ended = joined[-1]
            if ended is not None and period.start_date <= ended + dt.timedelta(days=1):
                later = None if period.end_date is None else max(ended, period.end_date)
                joined[-1] = (begun, later)
                continue
        joined.append((period.start_date, period.end_date))
    return joined


@dataclass
class RuleFailure:
    code: str
    message: str
    table: str
    rows: list[int]  # 0-based row numbers in that table


def check_ssda903(export: Export) -> list[RuleFailure]:
    """Run the DfE's Missing-table rules (lac_validator) on a 903 Missing export.

    Each rule gets its own deep copy of the tables: the rules change the frames they are given
    (and the package's own copy is shallow), so one rule must never see another's changes.
    """
    import importlib

    import pandas as pd

    module = None
    for candidate in (export.year, 2027, 2026, 2025, 2024, 2023):
        try:
            module = importlib.import_module(
                f"lac_validator.rules.lac{candidate - 1}_{candidate % 100:02d}"
            )
            break
        except ModuleNotFoundError:
            continue
    assert module is not None
    registry = module.registry
    first, last = collection_year(export.year)
    missing = pd.DataFrame(
        [[c if c != "" else None for c in row] for row in export.rows],
        columns=list(SSDA903_MISSING_COLUMNS),
    )
    episode_columns = [
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ]  # fmt: skip
    episodes = pd.DataFrame(export.episode_rows, columns=episode_columns)
    header = pd.DataFrame(
        export.header_rows, columns=["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    )
    tables = {
        "Header": header,
        "Episodes": episodes,
        "Missing": missing,
        "metadata": {
            "collectionYear": f"{export.year - 1}/{export.year % 100:02d}",
            "collection_start": _date(first),
            "collection_end": _date(last),
            "localAuthority": "",
        },
    }
    failures = []
    for code in SSDA903_MISSING_RULES:
        rule = registry[code]
        result = rule.func(copy.deepcopy(tables))
        for table, rows in (result or {}).items():
            if len(rows):
                failures.append(
                    RuleFailure(code, rule.message or "", table, sorted(int(r) for r in rows))
                )
    return failures


def annex_a_missing(
    council: Organisation, date_from: dt.date, date_to: dt.date, *, acting_user: Any = None
) -> Export:
    """Annex A List 8 (children in care) with the missing columns, for the period.

    Children: those this council looked after on any day of the period (a legal-status period
    with this council responsible). Counts: their episodes reported missing in the period while
    looked after by this council, by classification (M = missing, A = absent). The last missing
    episode is the latest M episode in the period: offered = its RHI has an offer; accepted =
    its RHI's outcome is accepted. No M episode in the period: both blank.
    """
    start, end = period_bounds(date_from, date_to)
    statuses = (
        LegalStatus.objects.filter(
            child__council=council,
            status=LegalStatus.Status.LOOKED_AFTER,
            responsible_council=council,
            start_date__lte=date_to,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=date_from))
        .values_list("child_id", flat=True)
    )
    children = list(
        Child.objects.filter(pk__in=set(statuses))
        .select_related("allocated_social_worker__organisation")
        .order_by("la_child_id", "pk")
    )
    ids = [c.pk for c in children]
    placements: dict[int, Placement] = {}
    for placement in (
        Placement.objects.filter(child_id__in=ids, start_date__lte=date_to)
        .select_related("council_area")
        .order_by("start_date")
    ):
        placements[placement.child_id] = (
            placement  # the latest placement begun by the end of the period
        )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"M": 0, "A": 0})
    last_missing: dict[int, Episode] = {}
    for episode in Episode.objects.filter(
        child_id__in=ids,
        group__in=LOOKED_AFTER_GROUPS,
        reported_missing_at__gte=start,
        reported_missing_at__lt=end,
    ).order_by("reported_missing_at"):
        counts[episode.child_id][episode.classification] += 1
        if episode.classification == Episode.Classification.MISSING:
            last_missing[episode.child_id] = episode
    rhis = {
        r.episode_id: r
        for r in RHI.objects.filter(episode_id__in=[e.pk for e in last_missing.values()])
    }
    export = Export(
        f"Annex A List 8 {date_from:%d-%m-%Y} to {date_to:%d-%m-%Y}", ANNEX_A_LIST_8_COLUMNS, []
    )
    no_id = 0
    for child in children:
        if not child.la_child_id:
            no_id += 1
        place = placements.get(child.pk)
        worker = child.allocated_social_worker
        last = last_missing.get(child.pk)
        offered = accepted = ""
        if last is not None:
            rhi = rhis.get(last.pk)
            offered = "Y" if rhi is not None and rhi.offer_made_at is not None else "N"
            accepted = "Y" if rhi is not None and rhi.outcome == RHI.Outcome.ACCEPTED else "N"
        export.rows.append(
            [
                child.la_child_id,
                ANNEX_A_GENDER.get(child.sex, ANNEX_A_GENDER_UNKNOWN),
                child.ethnicity,
                _date(child.date_of_birth),
                place.get_placement_type_display() if place else "",
                place.postcode if place else "",
                place.council_area.name if place else "",
                worker.organisation.name if worker and worker.organisation else "",
                worker.get_full_name() or worker.username if worker else "",
                str(counts[child.pk]["M"]),
                str(counts[child.pk]["A"]),
                offered,
                accepted,
            ]
        )
    if no_id:
        export.warnings.append(
            f"{no_id} child(ren) have no council child ID: their Child Unique ID is blank"
        )
    record_list_read(acting_user, "export_annex_a_missing", children)
    return export
