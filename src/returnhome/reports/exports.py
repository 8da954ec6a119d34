"""Statutory and inspection exports, in the published formats (docs/formats/exports.md).

- DfE SSDA903 (children looked after) ``Missing`` table: one row per missing or away-from-
  placement period of a child looked after by the council, for a collection year (1 April to
  31 March). Columns ``CHILD, DOB, MISSING, MIS_START, MIS_END``; dates ``DD/MM/YYYY``;
  ``MISSING`` is ``M`` (missing, whereabouts unknown) or ``A`` (away without authorisation).
  `check_ssda903` runs the DfE validation rules for the table (the open-source implementation,
  ``lac_validator``) on it, with the Header and Episodes rows our records imply.
- Ofsted Annex A, List 8 (children in care): one row per child looked after by the council in
  the period, every column of the template in its order, with its codes (``a) Male``,
  ``a) WBRI``, ``a) Yes``...) and dates ``DD/MM/YYYY``; columns our records cannot fill are blank,
  and the export's warnings say which.

Only episodes of children looked after by this council (groups LAC-in and LAC-out) are in
either: a hosted child is in its responsible council's returns, a child missing from home in
none.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from returnhome.children.models import Child, LegalStatus, Placement
from returnhome.core.audit import record_list_read
from returnhome.core.models import AuditEvent
from returnhome.episodes.models import Episode
from returnhome.interviews.models import RHI
from returnhome.lib.groups import Group
from returnhome.lib.tabular import safe_cell, text_cell
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

# Ofsted Annex A, List 8 (children in care): every column, in the template's order, and the codes
# the template's lists give (docs/formats/exports.md names the sources; tests/reports/data/ holds the
# published rules the tests check the export against).
MISSING_COUNT = (
    "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months"
)
ABSENT_COUNT = (
    "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months"
)
RHI_OFFERED = "Was the child offered a Return Interview after their last missing episode (Y/N)?"
RHI_ACCEPTED = "Did the child accept a Return Interview after their last missing episode (Y/N)?"
SECOND_PERIOD = (
    "Is this a second or subsequent period of being a Looked After Child within the last 12 "
    "months (Y/N)"
)
ANNEX_A_LIST_8_COLUMNS = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Date Started to be Looked After",
    "Child's Category of Need",
    SECOND_PERIOD,
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Date Ceased to be Looked After",
    "Reason Ceased to be Looked After",
    "Start Date of Most Recent Placement",
    "Placement Type",
    "Placement Provider",
    "Placement postcode",
    "URN of Placement",
    "Placement Location",
    "LA of Placement",
    MISSING_COUNT,
    ABSENT_COUNT,
    RHI_OFFERED,
    RHI_ACCEPTED,
    "Allocated Team",
    "Allocated Worker",
)
# Columns returnhome holds nothing for: blank in every row, and named in the export's warnings.
ANNEX_A_NOT_RECORDED = (
    "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
    "Does the Child have a Disability",
    "Child's Category of Need",
    SECOND_PERIOD,
    "Start date of current legal status",
    "Child's Legal Status",
    "Date of Latest Statutory Review",
    "Date of Last Social Work Visit",
    "What is the permanence plan for this child?",
    "Date of Last IRO Visit / Contact to the Child",
    "Date of Last Health Assessment",
    "Date of Last Dental Check",
    "Number of Placements in the Last 12 months",
    "Reason Ceased to be Looked After",
    "URN of Placement",
    "Allocated Team",
)
ANNEX_A_GENDER: dict[str, str] = {
    Child.Sex.MALE: "a) Male",
    Child.Sex.FEMALE: "b) Female",
    Child.Sex.OTHER: "c) Not stated/recorded",
}
# (DfE code, DfE description, Annex A code). "s) NOBT" repeats the letter of "s) REFU": that is
# how the template's list has it (docs/formats/exports.md).
ANNEX_A_ETHNICITIES = (
    ("WBRI", "White British", "a) WBRI"),
    ("WIRI", "White Irish", "b) WIRI"),
    ("WIRT", "Traveller of Irish heritage", "c) WIRT"),
    ("WOTH", "Any other White background", "d) WOTH"),
    ("WROM", "Gypsy/Roma", "e) WROM"),
    ("MWBC", "White and Black Caribbean", "f) MWBC"),
    ("MWBA", "White and Black African", "g) MWBA"),
    ("MWAS", "White and Asian", "h) MWAS"),
    ("MOTH", "Any other Mixed background", "i) MOTH"),
    ("AIND", "Indian", "j) AIND"),
    ("APKN", "Pakistani", "k) APKN"),
    ("ABAN", "Bangladeshi", "l) ABAN"),
    ("AOTH", "Any other Asian background", "m) AOTH"),
    ("BCRB", "Caribbean", "n) BCRB"),
    ("BAFR", "African", "o) BAFR"),
    ("BOTH", "Any other Black background", "p) BOTH"),
    ("CHNE", "Chinese", "q) CHNE"),
    ("OOTH", "Any other ethnic group", "r) OOTH"),
    ("REFU", "Refused", "s) REFU"),
    ("NOBT", "Information not yet obtained", "s) NOBT"),
)
_ETHNICITY_LOOKUP = {
    key.casefold(): annex
    for code, name, annex in ANNEX_A_ETHNICITIES
    for key in (code, name, annex)
}
ANNEX_A_YES, ANNEX_A_NO, ANNEX_A_UNKNOWN = "a) Yes", "b) No", "c) Unknown"
# Only the placement types that have exactly one Annex A code; foster care (U1-U6), supported
# accommodation (H5 or P2), secure (K1 or R5) and other have none, and are left blank.
ANNEX_A_PLACEMENT_TYPE: dict[str, str] = {
    Placement.Type.WITH_PARENTS: "k) P1: Placed with parents",
    Placement.Type.HOME_COUNCIL: "p) K2: Children's Homes",
    Placement.Type.HOME_PRIVATE: "p) K2: Children's Homes",
}
# Likewise the provider: a council's home may be this council's own or another's (PR1 or PR2).
ANNEX_A_PLACEMENT_PROVIDER: dict[str, str] = {
    Placement.Type.WITH_PARENTS: "a) PR0: Parents/Parental responsibility",
    Placement.Type.HOME_PRIVATE: "e) PR4: Private provision",
}
ANNEX_A_IN, ANNEX_A_OUT = "a) In", "b) Out"
# "LA of Placement" outside England is a code; in England, the council's name.
ANNEX_A_LA_OUTSIDE_ENGLAND = {
    "Wales": "WAL - Child placed in Wales",
    "Scotland": "SCO - Child placed in Scotland",
    "Northern Ireland": "NIR - Child placed in Northern Ireland",
}
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")


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
                # Text as written: never a formula, dates as DD/MM/YYYY.
                text_cell(sheet.cell(r, col), value)
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


def _some(ids: list[str], most: int = 10) -> str:
    """Child IDs for a warning: the first `most`, and how many more."""
    shown = ", ".join(ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


def _postcode(text: str) -> str:
    """A UK postcode written the standard way ("ME14 1XX"), or "" if `text` is not one."""
    match = POSTCODE.match(re.sub(r"\s+", "", text).upper())
    return f"{match.group(1)} {match.group(2)}" if match else ""


def _la_of_placement(area: Organisation) -> str:
    return ANNEX_A_LA_OUTSIDE_ENGLAND.get(area.nation, area.name)


def _from_history_import(child_ids: list[int]) -> set[int]:
    """Children whose care or placement periods a history import wrote (dated from episodes)."""
    found = AuditEvent.objects.filter(
        kind=AuditEvent.Kind.WRITE,
        action__in=("record_legal_status", "record_placement"),
        child_id__in=child_ids,
        detail__source="history",
    ).values_list("child_id", flat=True)
    return {int(pk) for pk in found if pk is not None}


def _label(child: Child) -> str:
    """A child in a warning: the council child ID, else the returnhome record number."""
    return child.la_child_id or f"returnhome record {child.pk} (no ID)"


@dataclass
class _Blanks:
    """Children (by council child ID) with a blank that our records cannot fill, by reason."""

    reasons: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, reason: str, child: Child) -> None:
        self.reasons[reason].append(_label(child))


def annex_a_missing(
    council: Organisation, date_from: dt.date, date_to: dt.date, *, acting_user: Any = None
) -> Export:
    """Annex A List 8 (children in care), every column, for the period.

    Children: those this council looked after on any day of the period (a legal-status period
    with this council responsible). Counts: their episodes reported missing in the period while
    looked after by this council, by classification (M = missing, A = absent). The last missing
    episode is the latest M episode in the period: offered = its RHI has an offer; accepted =
    its RHI's outcome is accepted (unknown while an offer waits for its outcome). No M episode in
    the period: both blank. Columns our records cannot fill are blank, and the warnings say which
    and why (docs/formats/exports.md).
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
        .select_related("allocated_social_worker")
        .order_by("la_child_id", "pk")
    )
    ids = [c.pk for c in children]
    care = _looked_after_periods(council, ids)
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
    blanks = _Blanks()
    for child in children:
        row = {
            "Child Unique ID": child.la_child_id,
            "Gender": ANNEX_A_GENDER.get(child.sex, ANNEX_A_GENDER[Child.Sex.OTHER]),
            MISSING_COUNT: str(counts[child.pk]["M"]),
            ABSENT_COUNT: str(counts[child.pk]["A"]),
        }
        if not child.la_child_id:
            blanks.add("Child Unique ID", child)
        row["Ethnicity"] = _ETHNICITY_LOOKUP.get(child.ethnicity.strip().casefold(), "")
        if not row["Ethnicity"]:
            blanks.add("Ethnicity", child)
        if child.date_of_birth is not None:
            row["Date of Birth"] = _date(child.date_of_birth)
            row["Age of Child (Years)"] = str(child.age_on(date_to))
        else:
            blanks.add("Date of Birth", child)
        row.update(_care_columns(care.get(child.pk, []), date_to))
        row.update(_placement_columns(council, placements.get(child.pk), child, blanks))
        worker = child.allocated_social_worker
        if worker is not None:
            row["Allocated Worker"] = worker.get_full_name() or worker.username
        else:
            blanks.add("Allocated Worker", child)
        last = last_missing.get(child.pk)
        if last is not None:
            row.update(_return_interview_columns(rhis.get(last.pk)))
        export.rows.append([row.get(column, "") for column in ANNEX_A_LIST_8_COLUMNS])
    if children:
        export.warnings.extend(_annex_a_warnings(blanks, children))
    record_list_read(acting_user, "export_annex_a_missing", children)
    return export


def _care_columns(periods: list[Any], date_to: dt.date) -> dict[str, str]:
    """The period of care (looked-after periods that follow on, joined) latest begun by the end."""
    begun = [p for p in _periods_of_care(periods) if p[0] <= date_to]
    if not begun:
        return {}
    start, ended = begun[-1]
    row = {"Date Started to be Looked After": _date(start)}
    if ended is not None and ended <= date_to:
        row["Date Ceased to be Looked After"] = _date(ended)
    return row


def _placement_columns(
    council: Organisation, place: Placement | None, child: Child, blanks: _Blanks
) -> dict[str, str]:
    if place is None:
        blanks.add("Placement", child)
        return {}
    row = {
        "Start Date of Most Recent Placement": _date(place.start_date),
        "Placement Type": ANNEX_A_PLACEMENT_TYPE.get(place.placement_type, ""),
        "Placement Provider": ANNEX_A_PLACEMENT_PROVIDER.get(place.placement_type, ""),
        "Placement postcode": _postcode(place.postcode),
        "Placement Location": ANNEX_A_IN if place.council_area_id == council.pk else ANNEX_A_OUT,
        "LA of Placement": _la_of_placement(place.council_area),
    }
    for column in ("Placement Type", "Placement Provider", "Placement postcode"):
        if not row[column]:
            blanks.add(column, child)
    return row


def _return_interview_columns(rhi: RHI | None) -> dict[str, str]:
    """Offered and accepted, for the last missing episode's RHI (none yet: not offered)."""
    if rhi is None or rhi.offer_made_at is None:
        return {RHI_OFFERED: ANNEX_A_NO, RHI_ACCEPTED: ANNEX_A_NO}
    if rhi.outcome == RHI.Outcome.ACCEPTED:
        accepted = ANNEX_A_YES
    else:  # declined or not applicable; no outcome recorded yet: unknown
        accepted = ANNEX_A_NO if rhi.outcome else ANNEX_A_UNKNOWN
    return {RHI_OFFERED: ANNEX_A_YES, RHI_ACCEPTED: accepted}


# Each kind of blank: what is blank, and why, for the warnings.
BLANK_REASONS = {
    "Child Unique ID": ("Child Unique ID is blank", "no council child ID"),
    "Ethnicity": (
        "Ethnicity is blank",
        "no ethnicity recorded that matches a DfE code or description (e.g. WBRI, White British)",
    ),
    "Date of Birth": ("Date of Birth and Age of Child (Years) are blank", "no date of birth"),
    "Placement": (
        "Start Date of Most Recent Placement, Placement Type, Placement Provider, Placement "
        "postcode, Placement Location and LA of Placement are blank",
        "no placement recorded by the end of the period",
    ),
    "Placement Type": (
        "Placement Type is blank",
        "a placement type with no single Annex A code (foster care, supported accommodation, "
        "secure, other)",
    ),
    "Placement Provider": (
        "Placement Provider is blank",
        "a placement whose provider the records do not say (foster care, a council's children's "
        "home, supported accommodation, secure, other)",
    ),
    "Placement postcode": (
        "Placement postcode is blank",
        "no UK postcode recorded for the placement",
    ),
    "Allocated Worker": ("Allocated Worker is blank", "no allocated social worker"),
}


def _children(ids: list[str]) -> str:
    return f"{len(ids)} child" if len(ids) == 1 else f"{len(ids)} children"


def _annex_a_warnings(blanks: _Blanks, children: list[Child]) -> list[str]:
    warnings = [
        "returnhome does not record these List 8 columns, so they are blank in every row: "
        + "; ".join(ANNEX_A_NOT_RECORDED)
    ]
    for reason, (blank, why) in BLANK_REASONS.items():
        found = blanks.reasons.get(reason, [])
        if found:
            warnings.append(f"{blank} for {_children(found)} with {why}: {_some(found)}")
    imported = _from_history_import([c.pk for c in children])
    if imported:
        shown = [_label(c) for c in children if c.pk in imported]
        warnings.append(
            f"Check Date Started to be Looked After, Date Ceased to be Looked After and Start Date "
            f"of Most Recent Placement against the case record for {_children(shown)} whose care "
            "or placement dates a history import wrote (it dates them from the first imported "
            f"episode): {_some(shown)}"
        )
    return warnings
