"""FOI answers drawn from the records (docs/formats/foi.md), beside `reports.foi`'s configuration
facts: where the period's RHIs actually went (each RHI's provider), falling back to the service
configuration only where the records are silent; and the information-sharing forms actually sent
to the police. No answer here is fixed text claiming a practice.

Each function takes the questionnaire's answerer (`reports.foi._Answerer`: its council, period,
configuration and configuration facts) and one answer part.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from returnhome.children.models import LegalStatus, Placement, RHIArrangement
from returnhome.interviews.models import RHI
from returnhome.lib.groups import Group
from returnhome.organisations.models import DeliveredBy, Organisation
from returnhome.reports.indicators import TOTAL, period_bounds
from returnhome.reports.police import ALL_FORCES, sharing_by_force
from returnhome.sharing.models import SharingRecipient

GROUP_WORDS = {
    Group.MFH.value: "children missing from home (not looked after)",
    Group.LAC_IN.value: "children looked after by the council and placed in its area",
    Group.LAC_OUT.value: "children looked after by the council and placed outside its area",
    Group.HOSTED.value: "children looked after by other councils and placed in this area",
    TOTAL: "all children",
}


@dataclass
class Table:
    """A table in an answer (`reports.foi` renders it to Markdown, HTML and DOCX)."""

    header: list[str]
    rows: list[list[str]]
    caption: str = ""


KIND_WORDS = {
    DeliveredBy.IN_HOUSE_TEAM: "the council's own team",
    DeliveredBy.THIRD_SECTOR: "a commissioned organisation",
    DeliveredBy.HOST_COUNCIL: "the host council's RHI service",
    DeliveredBy.POLICE: "the police",
    DeliveredBy.OTHER: "another organisation",
}


def provider_kind(council: Organisation, provider: Organisation) -> DeliveredBy:
    """What kind of deliverer an RHI's provider is, from the council's point of view."""
    if provider.pk == council.pk:
        return DeliveredBy.IN_HOUSE_TEAM
    if provider.kind == Organisation.Kind.PROVIDER:
        return DeliveredBy.THIRD_SECTOR
    if provider.kind == Organisation.Kind.COUNCIL:
        return DeliveredBy.HOST_COUNCIL
    if provider.kind == Organisation.Kind.POLICE:
        return DeliveredBy.POLICE
    return DeliveredBy.OTHER


def providers_in_period(answerer: Any, groups: list[str]) -> Counter[tuple[int, str]]:
    """(provider id, group) → how many of the period's episodes in `groups` had their RHI go to
    that provider."""
    start, end = period_bounds(answerer.date_from, answerer.date_to)
    rows = RHI.objects.filter(
        council_id=answerer.council.pk,
        episode__reported_missing_at__gte=start,
        episode__reported_missing_at__lt=end,
        episode__group__in=groups,
        provider__isnull=False,
    ).values_list("provider_id", "episode__group")
    return Counter(rows)


def _went_to(answerer: Any, counts: Counter[tuple[int, str]]) -> list[tuple[Organisation, int]]:
    per: Counter[int] = Counter()
    for (provider_id, _group), n in counts.items():
        per[provider_id] += n
    providers = Organisation.objects.in_bulk(list(per))
    return sorted(((providers[p], n) for p, n in per.items()), key=lambda x: (-x[1], x[0].name))


def _words(answerer: Any, went: list[tuple[Organisation, int]]) -> str:
    return "; ".join(
        f"{org.name} ({KIND_WORDS[provider_kind(answerer.council, org)]}): {n}" for org, n in went
    )


def rhi_providers(answerer: Any, part: dict[str, Any]) -> list[Any]:
    """Who delivered the period's RHIs. `group`: for one group (several kinds of deliverer: "a
    combination"); `by` (kinds of deliverer): yes or no, and which; neither: a table by group.
    Where the period has no RHI (for the group), the service configuration answers, said so."""
    groups = [part["group"]] if "group" in part else [g.value for g in Group]
    counts = providers_in_period(answerer, groups)
    went = _went_to(answerer, counts)
    fallback = "The period's records hold no RHI for these children, so the council's service configuration answers: "
    if "by" in part:
        if not went:
            return [fallback, *answerer.fact_delivered_by(part)]
        kinds = set(part["by"])
        matching = [(o, n) for o, n in went if provider_kind(answerer.council, o) in kinds]
        total = sum(n for _, n in went)
        if not matching:
            return [f"No. The period's {total} RHIs went to: {_words(answerer, went)}."]
        return [f"Yes. Of the period's {total} RHIs: {_words(answerer, matching)}."]
    if "group" in part:
        if not went:
            return [fallback, *answerer.fact_group_delivery(part)]
        kinds = {provider_kind(answerer.council, o) for o, _ in went}
        lead = "A combination: the" if len(kinds) > 1 else "The"
        return [f"{lead} period's RHIs for these children went to {_words(answerer, went)}."]
    return [_table(answerer, counts)]


def _table(answerer: Any, counts: Counter[tuple[int, str]]) -> Table:
    rows = []
    for group in Group:
        went = _went_to(answerer, Counter({k: n for k, n in counts.items() if k[1] == group.value}))
        if went:
            rows.append([GROUP_WORDS[group.value].capitalize(), _words(answerer, went)])
            continue
        by, name = answerer.config.rhi_delivery(group.value) if answerer.config else ("", "")
        configured = answerer.delivery_words(by, name) if by else "not recorded"
        rows.append(
            [
                GROUP_WORDS[group.value].capitalize(),
                f"No RHI in the period; the service configuration says: {configured}",
            ]
        )
    return Table(["Children", "The period's RHIs went to (episodes)"], rows)


def information_sharing(answerer: Any, part: dict[str, Any]) -> list[Any]:
    """The information-sharing forms the council sent to the police in the period (UK dates of
    sending), per force, with receipt and feedback; and how many went to the force of a child's
    placement outside the council's area."""
    figures = sharing_by_force(answerer.council, answerer.date_from, answerer.date_to)
    total = next(f for f in figures if f.force == ALL_FORCES)
    if not total.sent:
        return ["No information-sharing form was sent to the police in the period."]
    start, end = period_bounds(answerer.date_from, answerer.date_to)
    placement_forces = SharingRecipient.objects.filter(
        form__council_id=answerer.council.pk,
        sent_at__gte=start,
        sent_at__lt=end,
        reason=SharingRecipient.Reason.PLACEMENT_AREA,
    ).count()
    rows = [
        [
            f.force,
            str(f.sent),
            str(f.acknowledged),
            str(f.with_feedback),
            "n/a" if f.median_days_to_feedback is None else str(f.median_days_to_feedback),
        ]
        for f in figures
    ]
    return [
        f"Information-sharing forms were sent to the police {total.sent} times in the period "
        f"(once for each force a form went to); {placement_forces} of these went to the force "
        "for a child's placement outside the council's area. Each force recorded receipt and "
        "what it did with the information (feedback):",
        Table(["Force", "Sent", "Acknowledged", "With feedback", "Median days to feedback"], rows),
    ]


ARRANGEMENT_WORDS = {
    RHIArrangement.OWN_SERVICE: "the council's own RHI service",
    RHIArrangement.HOST_COUNCIL: "the host council's RHI service",
    RHIArrangement.COMMISSIONED: "a commissioned provider",
    RHIArrangement.CASE_BY_CASE: "decided case by case with the named organisation",
    "": "no arrangement recorded",
}


def placement_arrangements(answerer: Any, part: dict[str, Any]) -> list[Any]:
    """The RHI arrangements recorded on the council's placements outside its area in force at any
    time in the period (who interviews the child if they go missing): how many placements under
    each, with the organisations named; "A combination" when there is more than one. Where no
    such placement is recorded, the service configuration answers (LAC-out), said so."""
    placements = (
        Placement.objects.filter(
            child__council_id=answerer.council.pk,
            out_of_area=True,
            start_date__lte=answerer.date_to,
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=answerer.date_from))
        .select_related("rhi_provider")
    )
    counts: Counter[str] = Counter()
    named: dict[str, set[str]] = {}
    for placement in placements:
        counts[placement.rhi_arrangement] += 1
        if placement.rhi_provider is not None:
            named.setdefault(placement.rhi_arrangement, set()).add(placement.rhi_provider.name)
    if not counts:
        return [
            "The records hold no placement outside the council's area in the period, so the "
            "council's service configuration answers: ",
            *answerer.fact_group_delivery({"group": "LAC-out"}),
        ]
    order = [*RHIArrangement.values, ""]
    lines = [
        f"{ARRANGEMENT_WORDS[a]}"
        + (f" ({', '.join(sorted(named[a]))})" if a in named else "")
        + f": {counts[a]} placement{'s' if counts[a] != 1 else ''}"
        for a in order
        if counts[a]
    ]
    recorded = [a for a in counts if a]
    lead = "A combination, placement by placement: " if len(recorded) > 1 else ""
    total = sum(counts.values())
    return [
        f"{lead}of the {total} placements outside the council's area in the period, the "
        "arrangement for who interviews the child if they go missing: " + "; ".join(lines) + "."
    ]


def _overlapping(answerer: Any, prefix: str = "") -> Q:
    """A period (placement or legal status, at `prefix`) in force at any time in the FOI period."""
    return Q(**{f"{prefix}start_date__lte": answerer.date_to}) & (
        Q(**{f"{prefix}end_date__isnull": True})
        | Q(**{f"{prefix}end_date__gte": answerer.date_from})
    )


def _children(n: int) -> str:
    return f"{n} child{'ren' if n != 1 else ''}"


def placed_out_children(answerer: Any, part: dict[str, Any]) -> list[Any]:
    """The council's looked after children with a placement outside its area recorded here, in
    force at any time in the period: how many, and where. Only placements recorded in this system
    count (those of children with an information package or an episode); the answer says so."""
    placements = Placement.objects.filter(
        _overlapping(answerer), child__council_id=answerer.council.pk, out_of_area=True
    ).select_related("council_area")
    areas: dict[str, set[int]] = {}
    for placement in placements:
        areas.setdefault(placement.council_area.name, set()).add(placement.child_id)
    children = {pk for ids in areas.values() for pk in ids}
    caveat = (
        "Only placements recorded in this system are counted (children with an information "
        "package or a missing episode); the council's looked after children record (the SSDA903 "
        "return) holds every placement."
    )
    if not children:
        return [f"No placement outside the council's area is recorded for the period. {caveat}"]
    where = "; ".join(f"{name}: {len(ids)}" for name, ids in sorted(areas.items()))
    return [
        f"{_children(len(children))} in the council's care had a placement outside its area "
        f"recorded at some time in the period (by the area placed in: {where}). {caveat}"
    ]


def placed_here_children(answerer: Any, part: dict[str, Any]) -> list[Any]:
    """Children looked after by other councils placed in this council's area at any time in the
    period, as the records show them: the placements other councils recorded here (issue 12: the
    host council sees them), and the council's own records of such children (e.g. from its
    history import). Only councils recording placements in this system are counted; said so."""
    council_id = answerer.council.pk
    placed = Placement.objects.filter(
        _overlapping(answerer), council_area_id=council_id, out_of_area=True
    ).exclude(child__council_id=council_id)
    by_council: dict[str, set[int]] = {}
    for child_id, name in placed.values_list("child_id", "child__council__name"):
        by_council.setdefault(name, set()).add(child_id)
    own_records = set(
        LegalStatus.objects.filter(
            _overlapping(answerer),
            child__council_id=council_id,
            child__merged_into__isnull=True,
            status=LegalStatus.Status.LOOKED_AFTER,
            responsible_council__isnull=False,
        )
        .exclude(responsible_council_id=council_id)
        .values_list("child_id", flat=True)
    )
    caveat = (
        "Only the children whose placing council records their placement in this system, and "
        "those the council holds a record of itself, are counted; the placing councils hold "
        "every placement."
    )
    total = len({pk for ids in by_council.values() for pk in ids}) + len(own_records)
    if not total:
        return [f"No child placed here by another council is recorded for the period. {caveat}"]
    parts = [f"{name}: {len(ids)}" for name, ids in sorted(by_council.items())]
    if own_records:
        parts.append(f"held on the council's own records: {len(own_records)}")
    return [
        f"{_children(total)} looked after by other councils were placed in the council's area "
        f"at some time in the period ({'; '.join(parts)}). {caveat}"
    ]
