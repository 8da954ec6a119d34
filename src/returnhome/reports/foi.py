"""Freedom of Information answers: a questionnaire answered from records and service configuration.

Every figure comes from the one indicator engine (`reports.indicators.indicators`), never
recomputed here; every answer with figures states the period and the 72-hour rule used; a
question the system holds no data for is answered plainly "Not held", with the reason.
Renders to Markdown, HTML (the web page and the PDF), DOCX and PDF.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from returnhome.lib.clock import ClockCount, ClockRule, ClockStart
from returnhome.lib.groups import Group
from returnhome.organisations.models import (
    Contract,
    DeliveredBy,
    DeliveryMode,
    Organisation,
    ServiceConfiguration,
)
from returnhome.reports import foi_records
from returnhome.reports.foi_records import GROUP_WORDS, Table
from returnhome.reports.indicators import (
    COUNTS,
    DECLINE_REASONS,
    RATES,
    SERVICES,
    TOTAL,
    IndicatorReport,
    indicators,
)
from returnhome.reports.questionnaire import (
    PLACEHOLDER,
    Question,
    Questionnaire,
    figure_path,
)

NOT_HELD = "Not held."
# Facts answered from the records of the period (reports/foi_records.py).
RECORD_FACTS = frozenset(
    {
        "rhi_providers",
        "information_sharing",
        "placement_arrangements",
        "placed_out_children",
        "placed_here_children",
    }
)
NOT_RECORDED = (
    "Not held: the council's service configuration does not record this "
    "(an administrator can add it under Service settings)."
)
COUNT_LABELS = dict(COUNTS)
RATE_PARTS = {key: (num, den, label) for key, num, den, label in RATES}
COLUMN_LABELS = {**{g.value: f"{g.value}" for g in Group}, TOTAL: "Total"}
REPEAT_RULE = (
    "No episode is left out or merged. Each missing episode has its own 72-hour clock. Where the "
    "child goes missing again before the interview, one interview may cover several episodes: "
    "each covered episode counts as interviewed, and as within 72 hours only if the interview "
    "was within 72 hours of that episode's own clock start. Episodes that are still open (the "
    "child has not returned) count as episodes but are in no 72-hour figure."
)
START_WORDS = {
    ClockStart.RETURN: "From the child's return (the time the child came back or was found).",
    ClockStart.NOTIFICATION: (
        "From the notification: the time the council received the first report (usually from "
        "the police) that the child had been found."
    ),
}
COUNT_WORDS = {
    ClockCount.HOURS: "Hours: 72 elapsed hours (a change to or from summer time counts real hours).",
    ClockCount.CALENDAR_DAYS: (
        "Calendar days: the interview is in time when it takes place no more than 3 calendar "
        "days after the date the clock started."
    ),
    ClockCount.WORKING_DAYS: (
        "Working days: the interview is in time when it takes place by the end of the third "
        "working day after the day the clock started (weekends and England and Wales bank "
        "holidays do not count)."
    ),
}
BY_WORDS = {
    DeliveredBy.IN_HOUSE_TEAM: "a team in the council",
    DeliveredBy.SOCIAL_WORKERS: "the child's social worker or another council worker",
    DeliveredBy.THIRD_SECTOR: "a third-sector (commissioned) agency",
    DeliveredBy.HOST_COUNCIL: "the host council's RHI service, bought case by case",
    DeliveredBy.POLICE: "the police",
    DeliveredBy.OTHER: "another organisation",
    DeliveredBy.NOT_OFFERED: "not offered",
}
# The three ways of delivery FOI requests ask about in combinations (seed 001 question 4).
MAIN_MODES = (DeliveryMode.FACE_TO_FACE, DeliveryMode.TELEPHONE, DeliveryMode.DIGITAL)


@dataclass
class Answer:
    question: Question
    blocks: list[str | Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    not_held: bool = False


@dataclass
class AnswerDocument:
    questionnaire: Questionnaire
    council: Organisation
    date_from: dt.date
    date_to: dt.date
    rule: ClockRule
    answers: list[Answer]
    prepared_on: dt.date

    @property
    def period(self) -> str:
        return period_words(self.date_from, self.date_to)

    def sections(self) -> list[tuple[str, list[Answer]]]:
        """Answers grouped by their questionnaire section, in order."""
        out: list[tuple[str, list[Answer]]] = []
        for answer in self.answers:
            if not out or out[-1][0] != answer.question.section:
                out.append((answer.question.section, []))
            out[-1][1].append(answer)
        return out

    def to_markdown(self) -> str:
        return to_markdown(self)

    def to_html(self) -> str:
        return render_to_string("reports/foi_print.html", {"document": self})

    def to_pdf(self) -> bytes:
        from weasyprint import HTML

        return bytes(HTML(string=self.to_html()).write_pdf())

    def to_docx(self) -> bytes:
        return to_docx(self)


def period_words(date_from: dt.date, date_to: dt.date) -> str:
    return (
        f"episodes of children reported missing from {_day(date_from)} to {_day(date_to)} "
        "inclusive (UK dates)"
    )


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _money(value: Decimal | None) -> str:
    if value is None:
        return "not recorded"
    return f"£{value:,.0f}" if value == value.to_integral() else f"£{value:,.2f}"


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else ("Yes." if value else "No.")


class _Answerer:
    """Answers one questionnaire for one council and period."""

    def __init__(
        self, council: Organisation, date_from: dt.date, date_to: dt.date, rule: ClockRule
    ) -> None:
        self.council = council
        self.date_from = date_from
        self.date_to = date_to
        self.rule = rule
        self.config = ServiceConfiguration.objects.filter(council=council).first()
        self._report: IndicatorReport | None = None

    @property
    def report(self) -> IndicatorReport:
        if self._report is None:
            self._report = indicators(self.council, self.date_from, self.date_to, self.rule)
        return self._report

    def answer(self, question: Question) -> Answer:
        answer = Answer(question)
        uses: set[str] = set()
        for part in question.parts:
            kind = part["kind"]
            if part.get("lead"):
                answer.blocks.append(self.fill(part["lead"], uses))
            if kind == "indicator":
                answer.blocks.extend(self.indicator(part))
                uses.add("figures")
            elif kind == "config":
                blocks = getattr(self, f"fact_{part['fact']}")(part)
                answer.blocks.extend(blocks)
                uses.add("records" if part["fact"] in RECORD_FACTS else "config")
            elif kind == "rule":
                answer.blocks.extend(self.rule_answer(part.get("part", "all")))
                uses.add("rule")
            elif kind == "not_held":
                answer.blocks.append(f"{NOT_HELD} {part['reason'].strip()}")
                answer.not_held = True
            else:
                answer.blocks.append(self.fill(part["template"], uses))
        if any(isinstance(b, str) and b.startswith("Not held") for b in answer.blocks):
            answer.not_held = True
        if "figures" in uses:
            answer.notes.append(
                f"Figures are for {period_words(self.date_from, self.date_to)}. "
                f"The 72-hour rule used: {self.rule.describe()}"
            )
        elif "records" in uses:
            answer.notes.append(
                f"From the records: RHIs of {period_words(self.date_from, self.date_to)}; "
                "sharing forms by the UK date they were sent. The service configuration answers "
                "only where the records hold nothing."
            )
        elif "config" in uses:
            answer.notes.append(
                f"From the council's service configuration, as recorded on "
                f"{_day(timezone.localdate())}."
            )
        return answer

    # Figures --------------------------------------------------------------------------------

    def figure(self, group: str, keys: list[str]) -> Any:
        node: Any = self.report.groups[group].as_dict()
        for key in keys:
            node = node[key]
        return node

    def show(self, name: str) -> str:
        group, keys = figure_path(name)
        value = self.figure(group, keys)
        if keys[0] == "rates":
            return "n/a" if value is None else f"{value * 100:.1f}%"
        return str(value)

    def fill(self, template: str, uses: set[str]) -> str:
        simple = {
            "period": period_words(self.date_from, self.date_to),
            "rule": self.rule.describe(),
            "council": self.council.name,
            "from": _day(self.date_from),
            "to": _day(self.date_to),
        }

        def replace(match: Any) -> str:
            name = match.group(1)
            if name in simple:
                return simple[name]
            uses.add("figures")
            return self.show(name)

        return PLACEHOLDER.sub(replace, template.strip())

    def value(self, group: str, key: str) -> str:
        if key in RATE_PARTS:
            return self.show(f"{group}.rates.{key}")
        return str(self.report.groups[group].counts[key])

    @staticmethod
    def label(key: str) -> str:
        return COUNT_LABELS[key] if key in COUNT_LABELS else RATE_PARTS[key][2]

    def indicator(self, part: dict[str, Any]) -> list[str | Table]:
        fmt, groups = part["format"], part["groups"]
        if fmt == "decline_reasons":
            rows = [
                [label, *(str(self.report.groups[g].declined_reasons[code]) for g in groups)]
                for code, label in DECLINE_REASONS
            ]
            rows.append(["All declined", *(self.value(g, "declined") for g in groups)])
            return [Table(["Reason declined", *(COLUMN_LABELS[g] for g in groups)], rows)]
        if fmt == "referrals":
            group = groups[0]
            figures = self.report.groups[group]
            rows = [
                [
                    label,
                    str(figures.referrals_by_service[code]["made"]),
                    str(figures.referrals_by_service[code]["with_outcome"]),
                ]
                for code, label in SERVICES
                if figures.referrals_by_service[code]["made"]
            ]
            rows.append(
                ["All referrals", str(figures.referrals_made), str(figures.referrals_with_outcome)]
            )
            return [Table(["Referred to", "Referrals agreed", "Reached an outcome"], rows)]
        if fmt == "table" or len(groups) > 1:
            rows = [[self.label(k), *(self.value(g, k) for g in groups)] for k in part["keys"]]
            return [Table(["", *(COLUMN_LABELS[g] for g in groups)], rows)]
        group = groups[0]
        suffix = "" if group == TOTAL else f" ({GROUP_WORDS[group]})"
        lines: list[str | Table] = []
        for key in part["keys"]:
            if key in RATE_PARTS:
                num, den, label = RATE_PARTS[key]
                counts = self.report.groups[group].counts
                lines.append(
                    f"{label}{suffix}: {self.value(group, key)} ({counts[num]} of {counts[den]})."
                )
            else:
                lines.append(f"{self.label(key)}{suffix}: {self.value(group, key)}.")
        return lines

    # The 72-hour rule ----------------------------------------------------------------------

    def rule_answer(self, part: str) -> list[str | Table]:
        start = START_WORDS[ClockStart(self.rule.start)]
        count = COUNT_WORDS[ClockCount(self.rule.count)]
        if part == "start":
            return [start]
        if part == "count":
            return [count]
        if part == "repeat":
            return [REPEAT_RULE]
        return [
            self.rule.describe(),
            f"(i) {start}",
            f"(ii) {count}",
            f"(iii) {REPEAT_RULE}",
        ]

    # Service configuration ----------------------------------------------------------------

    def contracts(
        self, service: str, kinds: list[str] | None, start: dt.date, end: dt.date
    ) -> list[Contract]:
        found = Contract.objects.filter(council=self.council).in_force(start, end)
        if kinds is not None:
            found = found.filter(provider_kind__in=kinds)
        return [
            c for c in found if (c.covers_rhi() if service == "rhi" else c.covers_post_missing())
        ]

    @staticmethod
    def contract_words(contract: Contract) -> str:
        months = contract.length_months()
        if months is None:
            length = "no end date recorded"
        elif months % 12 == 0:
            length = f"{months // 12} year{'s' if months != 12 else ''}"
        else:
            length = f"{months} months"
        value = f"{_money(contract.annual_value)} a year"
        if contract.total_value is not None:
            value += f", {_money(contract.total_value)} in total"
        ends = (
            f"ended on {_day(contract.end_date)}"
            if contract.ended_early and contract.end_date
            else (f"ends on {_day(contract.end_date)}" if contract.end_date else "no end date")
        )
        return (
            f"{contract.provider_name} ({contract.get_covers_display().lower()}): {value}; "
            f"contract length {length}, from {_day(contract.start_date)}; {ends}."
        )

    def delivery_words(self, by: str, name: str) -> str:
        words = BY_WORDS.get(DeliveredBy(by), by) if by else "not recorded"
        return f"{name} ({words})" if name else words[0].upper() + words[1:]

    def fact_rhi_delivery(self, part: dict[str, Any]) -> list[str | Table]:
        if self.config is None or not any(self.config.rhi_delivery(g.value)[0] for g in Group):
            return [NOT_RECORDED]
        rows = [
            [
                GROUP_WORDS[g.value][0].upper() + GROUP_WORDS[g.value][1:],
                self.delivery_words(*self.config.rhi_delivery(g.value)),
            ]
            for g in Group
        ]
        return [Table(["Children", "Return Home Interviews delivered by"], rows)]

    def fact_rhi_providers(self, part: dict[str, Any]) -> list[str | Table]:
        return foi_records.rhi_providers(self, part)  # from the records (reports/foi_records.py)

    def fact_information_sharing(self, part: dict[str, Any]) -> list[str | Table]:
        return foi_records.information_sharing(self, part)

    def fact_placement_arrangements(self, part: dict[str, Any]) -> list[str | Table]:
        return foi_records.placement_arrangements(self, part)

    def fact_placed_out_children(self, part: dict[str, Any]) -> list[str | Table]:
        return foi_records.placed_out_children(self, part)

    def fact_placed_here_children(self, part: dict[str, Any]) -> list[str | Table]:
        return foi_records.placed_here_children(self, part)

    def fact_group_delivery(self, part: dict[str, Any]) -> list[str | Table]:
        by, name = self.config.rhi_delivery(part["group"]) if self.config else ("", "")
        if not by:
            return [NOT_RECORDED]
        return [
            f"RHIs for {GROUP_WORDS[part['group']]} are delivered by {self.delivery_words(by, name)}."
        ]

    def fact_group_offered(self, part: dict[str, Any]) -> list[str | Table]:
        if self.config is None or not self.config.eligible_groups:
            return [NOT_RECORDED]
        offered = part["group"] in self.config.eligible_groups
        return [
            f"{'Yes' if offered else 'No'}: RHIs are {'' if offered else 'not '}offered to {GROUP_WORDS[part['group']]}."
        ]

    def fact_delivered_by(self, part: dict[str, Any]) -> list[str | Table]:
        service = part.get("service", "rhi")
        kinds = part.get("by", [DeliveredBy.THIRD_SECTOR.value])
        blocks: list[str | Table] = []
        matches: list[str] = []
        recorded = False
        if service == "rhi":
            # One line per deliverer, naming the groups it serves.
            served: dict[str, list[str]] = {}
            for group in part.get("groups", [g.value for g in Group]):
                by, name = self.config.rhi_delivery(group) if self.config else ("", "")
                recorded = recorded or bool(by)
                if by in kinds:
                    served.setdefault(self.delivery_words(by, name), []).append(GROUP_WORDS[group])
            matches += [f"{who}, for {'; '.join(groups)}" for who, groups in served.items()]
        elif self.config is not None and self.config.post_missing_support is not None:
            recorded = True
            config = self.config
            if config.post_missing_support and config.post_missing_by in kinds:
                matches.append(
                    self.delivery_words(config.post_missing_by, config.post_missing_by_name)
                )
        contract_kinds = [k for k in kinds if k in Contract.Kind.values]
        contracts = (
            self.contracts(service, contract_kinds, self.date_to, self.date_to)
            if contract_kinds
            else []
        )
        if not recorded and not contracts:
            return [NOT_RECORDED]
        if not matches and not contracts:
            return ["No."]
        blocks.append("Yes.")
        blocks.extend(f"{m[0].upper()}{m[1:]}." for m in matches)
        blocks.extend(f"Contract: {self.contract_words(c)}" for c in contracts)
        return blocks

    def fact_commissioned(self, part: dict[str, Any]) -> list[str | Table]:
        service = part.get("service", "rhi")
        contracts = self.contracts(service, None, self.date_from, self.date_to)
        if contracts:
            return [f"{c.provider_name}. Contract: {self.contract_words(c)}" for c in contracts]
        lines: list[str | Table] = [
            f"None: no contract for {'Return Home Interviews' if service == 'rhi' else 'post-missing support'} "
            f"was in force between {_day(self.date_from)} and {_day(self.date_to)}."
        ]
        if service == "rhi":
            lines.extend(self.fact_rhi_delivery(part))
        return lines

    def fact_contracts(self, part: dict[str, Any]) -> list[str | Table]:
        service = part.get("service", "rhi")
        start, end = part.get("from", self.date_from), part.get("to", self.date_to)
        contracts = self.contracts(service, part.get("by"), start, end)
        if not contracts:
            return [
                f"No. No such contract was in force between {_day(start)} and {_day(end)} in the council's records."
            ]
        return ["Yes.", *(f"Contract: {self.contract_words(c)}" for c in contracts)]

    def fact_post_missing_support(self, part: dict[str, Any]) -> list[str | Table]:
        answer = _yes_no(self.config.post_missing_support if self.config else None)
        if answer is None:
            return [NOT_RECORDED]
        assert self.config is not None
        if self.config.post_missing_support and self.config.post_missing_by:
            answer += f" Delivered by {self.delivery_words(self.config.post_missing_by, self.config.post_missing_by_name)}."
        return [answer]

    def modes(self) -> list[str]:
        return list(self.config.delivery_modes) if self.config else []

    def fact_delivery_modes(self, part: dict[str, Any]) -> list[str | Table]:
        modes = self.modes()
        if not modes:
            return [NOT_RECORDED]
        labels = [str(DeliveryMode(m).label) for m in DeliveryMode.values if m in modes]
        words = [label[0].lower() + label[1:] for label in labels]
        lines: list[str | Table] = [f"Offered: {', '.join(words)}."]
        if self.config and self.config.delivery_note:
            lines.append(self.config.delivery_note)
        return lines

    def fact_delivery_modes_exactly(self, part: dict[str, Any]) -> list[str | Table]:
        modes = self.modes()
        if not modes:
            return [NOT_RECORDED]
        main = {m for m in modes if m in MAIN_MODES}
        return ["Yes." if main == set(part["modes"]) else "No."]

    def fact_delivery_modes_other(self, part: dict[str, Any]) -> list[str | Table]:
        modes = self.modes()
        if not modes:
            return [NOT_RECORDED]
        other = [
            str(DeliveryMode(m).label)
            for m in DeliveryMode.values
            if m in modes and m not in MAIN_MODES
        ]
        lines: list[str | Table] = [", ".join(other) + "." if other else "None."]
        if self.config and self.config.delivery_note:
            lines.append(self.config.delivery_note)
        return lines

    def fact_freephone(self, part: dict[str, Any]) -> list[str | Table]:
        answer = _yes_no(self.config.freephone if self.config else None)
        if answer is None:
            return [NOT_RECORDED]
        assert self.config is not None
        if self.config.freephone and self.config.freephone_number:
            answer += f" The number is {self.config.freephone_number}."
        return [answer]

    def fact_freephone_provider(self, part: dict[str, Any]) -> list[str | Table]:
        if self.config is None or self.config.freephone is None:
            return [NOT_RECORDED]
        if not self.config.freephone:
            return ["Not applicable: no out-of-hours freephone number is offered."]
        return [
            f"{self.config.freephone_provider}." if self.config.freephone_provider else NOT_RECORDED
        ]

    def fact_eligibility(self, part: dict[str, Any]) -> list[str | Table]:
        config = self.config
        if config is None or not config.eligible_groups:
            return [NOT_RECORDED]
        age = f"under {config.eligible_under_age}" if config.eligible_under_age else "of any age"
        groups = [GROUP_WORDS[g.value] for g in Group if g.value in config.eligible_groups]
        lines: list[str | Table] = [
            f"RHIs are offered to every child {age} who has been missing, in these groups: "
            + "; ".join(groups)
            + "."
        ]
        missing = [GROUP_WORDS[g.value] for g in Group if g.value not in config.eligible_groups]
        if missing:
            lines.append("They are not offered to " + "; ".join(missing) + ".")
        if config.eligible_care_leavers is not None:
            lines.append(
                "Care leavers are offered RHIs."
                if config.eligible_care_leavers
                else "Care leavers are not offered RHIs."
            )
        if config.eligibility_note:
            lines.append(config.eligibility_note)
        return lines


def answer_questionnaire(
    questionnaire: Questionnaire,
    council: Organisation,
    date_from: dt.date,
    date_to: dt.date,
    rule: ClockRule | None = None,
) -> AnswerDocument:
    """Every question of `questionnaire` answered for `council`, episodes reported missing
    date_from..date_to inclusive; `rule` defaults to the council's own 72-hour rule."""
    rule = rule or council.clock_rule()
    answerer = _Answerer(council, date_from, date_to, rule)
    answers = [answerer.answer(q) for q in questionnaire.questions]
    return AnswerDocument(
        questionnaire, council, date_from, date_to, rule, answers, timezone.localdate()
    )


# Rendering ----------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def to_markdown(document: AnswerDocument) -> str:
    q = document.questionnaire
    lines = [f"# {q.title}", ""]
    lines += [
        f"- **Council:** {document.council.name}",
        f"- **Period:** {document.period}",
        f"- **72-hour rule:** {document.rule.describe()}",
        f"- **Prepared on:** {_day(document.prepared_on)}",
    ]
    if q.source:
        lines.append(f"- **Questionnaire:** {q.source}")
    lines.append("")
    if q.introduction:
        lines += [q.introduction.strip(), ""]
    for section, answers in document.sections():
        if section:
            lines += [f"## {section}", ""]
        for answer in answers:
            lines += [f"### {answer.question.label}", "", _md_quote(answer.question.text), ""]
            for block in answer.blocks:
                if isinstance(block, Table):
                    lines.append("| " + " | ".join(_md_cell(h) for h in block.header) + " |")
                    lines.append("|" + "|".join(" --- " for _ in block.header) + "|")
                    for row in block.rows:
                        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
                    lines.append("")
                else:
                    lines += [block, ""]
            lines += [f"*{note}*" for note in answer.notes]
            if answer.notes:
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def to_docx(document: AnswerDocument) -> bytes:
    from docx import Document

    doc = Document()
    q = document.questionnaire
    doc.add_heading(q.title, level=0)
    for label, value in (
        ("Council", document.council.name),
        ("Period", document.period),
        ("72-hour rule", document.rule.describe()),
        ("Prepared on", _day(document.prepared_on)),
        *((("Questionnaire", q.source),) if q.source else ()),
    ):
        paragraph = doc.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    if q.introduction:
        doc.add_paragraph(q.introduction.strip())
    for section, answers in document.sections():
        if section:
            doc.add_heading(section, level=1)
        for answer in answers:
            doc.add_heading(answer.question.label, level=2)
            doc.add_paragraph(answer.question.text, style="Intense Quote")
            for block in answer.blocks:
                if isinstance(block, Table):
                    table = doc.add_table(rows=1, cols=len(block.header), style="Table Grid")
                    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                        cell.text = text
                        for run in cell.paragraphs[0].runs:
                            run.bold = True
                    for row in block.rows:
                        for cell, text in zip(table.add_row().cells, row, strict=True):
                            cell.text = text
                else:
                    doc.add_paragraph(block)
            for note in answer.notes:
                doc.add_paragraph().add_run(note).italic = True
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
