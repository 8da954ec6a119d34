"""Benchmarking: the same indicators for several councils side by side (docs/formats/indicators.md).

A police-force area (the councils whose `police_force` is that force) or a region
(`Organisation.region`). Every council is measured under the same 72-hour rule, for the same
period, by the indicator engine's own definitions: one grouped query per figure for all the
councils at once (episodes by council and group; distinct children by council), so each council's
figures equal `indicators(council, ...)` under that rule.

Across councils, episodes per child is given both pooled (Σ episodes ÷ Σ children) and as the
mean of the councils' own ratios (what the research reported); each council's rates are set
against the group's median (councils with a zero denominator are "n/a" and left out of the
median and the mean).

A child placed out of area counts once for each council (decision 0039): LAC-out in the
responsible council's row, Hosted in the host's. The pooled figure counts each episode once
(decision 0042): in all groups together, a hosted episode whose responsible council is among
the councils compared is already in that council's row and is not added again; one whose
responsible council is not among them is added once, and its child once however many of the
councils hosted it. In one group no episode is in two rows, so the pooled figure is the rows' sum.

Aggregates only: no child is named or counted individually, so a council's performance lead may
see the figures of the other councils in its own police-force area and region.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics
from dataclasses import dataclass
from typing import Any

from django.db.models import Count

from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.lib.groups import Group
from returnhome.lib.text import printable
from returnhome.organisations.models import Organisation
from returnhome.reports.indicators import (
    COLUMNS,
    COUNTS,
    HOST_PREVIOUS,
    RATES,
    ROW,
    TOTAL,
    GroupFigures,
    _rate,
    add_figures,
    episode_aggregates,
    hosted_facts,
    period_facts,
)

PER_CHILD = "episodes_per_child"
COMPARED: tuple[tuple[str, str], ...] = (
    (PER_CHILD, "Episodes per child"),
    *((key, label) for key, _n, _d, label in RATES),
)


def area_councils(force: Organisation) -> list[Organisation]:
    return list(Organisation.objects.councils().filter(police_force=force).order_by("name"))


def region_councils(region: str) -> list[Organisation]:
    return (
        list(Organisation.objects.councils().filter(region=region).order_by("name"))
        if region
        else []
    )


@dataclass
class CouncilRow:
    council: Organisation
    figures: GroupFigures

    @property
    def ratios(self) -> dict[str, float | None]:
        counts = self.figures.counts
        return {PER_CHILD: _rate(counts["episodes"], counts["children"]), **self.figures.rates}


def _position(value: float | None, median: float | None) -> str:
    if value is None or median is None:
        return "n/a"
    if value > median:
        return "above"
    return "below" if value < median else "at"


def shown_position(key: str, value: float | None, median: float | None) -> str:
    """Above, at or below the median, judged on the figures as the page shows them (episodes
    per child to 2 decimals, rates as whole percentages): 86% beside a median of 86% is "at",
    never "below" because of a difference the page does not show."""

    def shown(number: float | None) -> float | None:
        if number is None:
            return None
        return round(number, 2) if key == PER_CHILD else round(number * 100)

    return _position(shown(value), shown(median))


@dataclass
class Benchmark:
    name: str
    date_from: dt.date
    date_to: dt.date
    rule: ClockRule
    group: str
    rows: list[CouncilRow]
    # The pooled counts, each episode once (decision 0042); None: the rows' sums.
    pooled: tuple[int, int] | None = None

    @property
    def pooled_episodes(self) -> int:
        if self.pooled is not None:
            return self.pooled[0]
        return sum(r.figures.counts["episodes"] for r in self.rows)

    @property
    def pooled_children(self) -> int:
        if self.pooled is not None:
            return self.pooled[1]
        return sum(r.figures.counts["children"] for r in self.rows)

    @property
    def pooled_per_child(self) -> float | None:
        return _rate(self.pooled_episodes, self.pooled_children)

    @property
    def mean_per_child(self) -> float | None:
        ratios = [v for r in self.rows if (v := r.ratios[PER_CHILD]) is not None]
        return round(statistics.fmean(ratios), 4) if ratios else None

    @property
    def medians(self) -> dict[str, float | None]:
        result: dict[str, float | None] = {}
        for key, _label in COMPARED:
            values = [v for r in self.rows if (v := r.ratios[key]) is not None]
            result[key] = round(statistics.median(values), 4) if values else None
        return result

    def positions(self, row: CouncilRow) -> dict[str, str]:
        medians = self.medians
        return {key: _position(row.ratios[key], medians[key]) for key, _label in COMPARED}

    def shown_positions(self, row: CouncilRow) -> dict[str, str]:
        """Above, at or below the median as the page shows the figures (`shown_position`)."""
        medians = self.medians
        return {key: shown_position(key, row.ratios[key], medians[key]) for key, _label in COMPARED}

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "clock": ClockStart(self.rule.start).value,
            "count": ClockCount(self.rule.count).value,
            "rule": self.rule.describe(),
            "group": self.group,
            "pooled_episodes": self.pooled_episodes,
            "pooled_children": self.pooled_children,
            "pooled_episodes_per_child": self.pooled_per_child,
            "mean_of_councils_episodes_per_child": self.mean_per_child,
            "medians": self.medians,
            "councils": [
                {
                    "org": r.council.la_code,
                    "name": r.council.name,
                    **r.figures.counts,
                    "declined_reasons": dict(r.figures.declined_reasons),
                    "ratios": r.ratios,
                    "against_median": self.positions(r),
                }
                for r in self.rows
            ],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def headers(self) -> list[str]:
        return [
            "Council", "LA code", *(label for _k, label in COUNTS),
            *(label for _k, label in COMPARED), *(f"{label} against the median" for _k, label in COMPARED),
        ]  # fmt: skip

    def table_rows(self) -> list[list[Any]]:
        rows = []
        for r in self.rows:
            positions = self.positions(r)
            rows.append(
                [r.council.name, r.council.la_code or "", *(r.figures.counts[k] for k, _l in COUNTS),
                 *(r.ratios[k] for k, _l in COMPARED), *(positions[k] for k, _l in COMPARED)]
            )  # fmt: skip
        return rows

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(
            [f"Benchmark: {self.name}", f"{self.date_from} to {self.date_to}", self.rule.describe()]
        )
        writer.writerow(["Pooled episodes (each once)", _csv(self.pooled_episodes)])
        writer.writerow(["Pooled children", _csv(self.pooled_children)])
        writer.writerow(["Pooled episodes per child", _csv(self.pooled_per_child)])
        writer.writerow(["Mean of councils' episodes per child", _csv(self.mean_per_child)])
        writer.writerow([])
        writer.writerow(self.headers())
        for row in self.table_rows():
            writer.writerow([_csv(v) for v in row])
        writer.writerow(
            ["Median", "", *([""] * len(COUNTS)), *(_csv(self.medians[k]) for k, _l in COMPARED)]
        )
        return out.getvalue()


def _csv(value: Any) -> str:
    """A figure or a name as CSV text (names without the characters no file can hold)."""
    return "n/a" if value is None else printable(str(value))


def benchmark(
    name: str,
    councils: list[Organisation],
    date_from: dt.date,
    date_to: dt.date,
    rule: ClockRule,
    group: str = TOTAL,
) -> Benchmark:
    """Every council's indicators (for `group`, or the total) in one grouped query."""
    figures = {c.pk: {column: GroupFigures.empty() for column in COLUMNS} for c in councils}
    facts, start = period_facts(councils, date_from, date_to)
    own = GroupFigures.empty()  # the councils' own episodes, all groups (the pooled total)
    for row in facts.values("council_id", "group").annotate(**episode_aggregates(rule, start)):
        per_group = figures[row["council_id"]]
        if row["group"] in per_group:
            add_figures(per_group[row["group"]], row)
        add_figures(per_group[TOTAL], row, total=True)
        add_figures(own, row, total=True)
    # Other councils' episodes each hosted: its Hosted group (decision 0039).
    hosted = hosted_facts(councils, date_from, date_to)
    for row in hosted.values("host_council_id").annotate(
        **episode_aggregates(rule, start, HOST_PREVIOUS)
    ):
        per_group = figures[row["host_council_id"]]
        add_figures(per_group[Group.HOSTED], row)
        add_figures(per_group[TOTAL], row, total=True)
    rows = [CouncilRow(c, figures[c.pk][group]) for c in councils]
    pooled = None
    if group == TOTAL:  # each episode once (decision 0042)
        outside = hosted.exclude(council_id__in=[c.pk for c in councils]).aggregate(
            episodes=Count(ROW), children=Count("child_id", distinct=True)
        )
        pooled = (
            own.counts["episodes"] + outside["episodes"],
            own.counts["children"] + outside["children"],
        )
    return Benchmark(name, date_from, date_to, rule, group, rows, pooled)
