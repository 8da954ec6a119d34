"""Freedom of Information questionnaires: data files (TOML), loaded and checked before use.

A questionnaire is a file, never code: its questions verbatim and, for each, how it is answered
(docs/formats/foi.md). The shipped ones are in `returnhome/reports/questionnaires/`; a council adds
its own in a directory named by the setting RETURNHOME_QUESTIONNAIRE_DIRS (a file with the same
name as a shipped one replaces it). Every problem is reported with the file and the question.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from returnhome.lib.groups import Group
from returnhome.organisations.models import DeliveredBy, DeliveryMode
from returnhome.reports.indicators import COUNTS, GROUPS, RATES, TOTAL, GroupFigures

SHIPPED_DIR = Path(__file__).resolve().parent / "questionnaires"
SUFFIX = ".toml"

KINDS = ("indicator", "config", "rule", "not_held", "text")
FORMATS = ("count", "rate", "table", "decline_reasons", "referrals")
RULE_PARTS = ("all", "start", "count", "repeat")
COLUMNS = (*GROUPS, TOTAL)
COUNT_KEYS = tuple(key for key, _ in COUNTS)
RATE_KEYS = tuple(key for key, *_ in RATES)
SERVICES = ("rhi", "post_missing")
# Config facts: name -> the parameters each accepts (docs/formats/foi.md lists them in words).
FACTS: dict[str, frozenset[str]] = {
    "rhi_delivery": frozenset(),
    "delivered_by": frozenset({"service", "by", "groups"}),
    "group_delivery": frozenset({"group"}),
    "group_offered": frozenset({"group"}),
    "commissioned": frozenset({"service"}),
    "contracts": frozenset({"service", "by", "from", "to"}),
    "post_missing_support": frozenset(),
    "delivery_modes": frozenset(),
    "delivery_modes_exactly": frozenset({"modes"}),
    "delivery_modes_other": frozenset(),
    "freephone": frozenset(),
    "freephone_provider": frozenset(),
    "eligibility": frozenset(),
    # From the records (reports/foi_records.py), the configuration only where they are silent.
    "rhi_providers": frozenset({"group", "by"}),
    "information_sharing": frozenset(),
    "placement_arrangements": frozenset(),
    "placed_out_children": frozenset(),
    "placed_here_children": frozenset(),
}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
SIMPLE_PLACEHOLDERS = ("period", "rule", "council", "from", "to")


class QuestionnaireError(Exception):
    """A questionnaire file that cannot be used; the message names the file and the question."""


@dataclass(frozen=True)
class Question:
    section: str
    number: str
    text: str
    parts: tuple[dict[str, Any], ...]  # each part is one checked answer spec

    @property
    def label(self) -> str:
        return f"Question {self.number}"


@dataclass(frozen=True)
class Questionnaire:
    name: str  # the file name without .toml: what `report foi NAME` takes
    title: str
    source: str
    introduction: str
    questions: tuple[Question, ...]
    path: Path


def questionnaire_dirs() -> list[Path]:
    """The shipped directory first, then the council's own (later ones win on a name clash)."""
    extra = getattr(settings, "RETURNHOME_QUESTIONNAIRE_DIRS", []) or []
    return [SHIPPED_DIR, *(Path(d) for d in extra)]


def questionnaire_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for directory in questionnaire_dirs():
        if directory.is_dir():
            for path in sorted(directory.glob(f"*{SUFFIX}")):
                files[path.stem] = path
    return files


def load_all() -> tuple[list[Questionnaire], list[str]]:
    """Every available questionnaire, and one message per file that cannot be used."""
    found: list[Questionnaire] = []
    problems: list[str] = []
    for path in questionnaire_files().values():
        try:
            found.append(load_file(path))
        except QuestionnaireError as error:
            problems.append(str(error))
    return found, problems


def find(name: str) -> Questionnaire:
    """A questionnaire by name (or a path to a .toml file). QuestionnaireError if unusable;
    LookupError if there is no such questionnaire."""
    path = questionnaire_files().get(name)
    if path is None and name.endswith(SUFFIX) and Path(name).is_file():
        path = Path(name)
    if path is None:
        known = ", ".join(sorted(questionnaire_files())) or "none"
        raise LookupError(f"No questionnaire called {name!r} (available: {known})")
    return load_file(path)


def load_file(path: Path) -> Questionnaire:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionnaireError(f"{path}: cannot be read ({error})") from None
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{path}: not valid TOML ({error})") from None
    return parse(data, path)


def parse(data: dict[str, Any], path: Path) -> Questionnaire:
    where = str(path)
    title = _text(data, "title", where)
    questions_data = data.get("questions")
    if not isinstance(questions_data, list) or not questions_data:
        raise QuestionnaireError(f"{where}: has no [[questions]]")
    questions: list[Question] = []
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(questions_data, start=1):
        if not isinstance(item, dict):
            raise QuestionnaireError(f"{where}: question {index} is not a table")
        number = str(item.get("number", "")).strip()
        at = f"{where}: question {number or f'#{index} (no number)'}"
        if not number:
            raise QuestionnaireError(f"{at}: give it a number")
        section = str(item.get("section", "")).strip()
        if (section, number) in seen:
            raise QuestionnaireError(f"{at}: the number is used twice in the same section")
        seen.add((section, number))
        text = _text(item, "text", at)
        answer = item.get("answer")
        if isinstance(answer, dict):
            answer = [answer]
        if not isinstance(answer, list) or not answer:
            raise QuestionnaireError(
                f"{at}: says nothing about how it is answered ([questions.answer])"
            )
        parts = tuple(_check_part(part, at) for part in answer)
        questions.append(Question(section, number, text, parts))
    unknown = set(data) - {"title", "source", "introduction", "questions"}
    if unknown:
        raise QuestionnaireError(f"{where}: unknown keys {sorted(unknown)}")
    return Questionnaire(
        name=path.stem,
        title=title,
        source=str(data.get("source", "")),
        introduction=str(data.get("introduction", "")),
        questions=tuple(questions),
        path=path,
    )


def _text(data: dict[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise QuestionnaireError(f"{where}: {key!r} must be some text")
    return value.strip()


def _list(part: dict[str, Any], key: str, allowed: tuple[str, ...], at: str) -> list[str]:
    value = part.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise QuestionnaireError(f"{at}: {key!r} must be a list of text")
    wrong = [v for v in value if v not in allowed]
    if wrong:
        raise QuestionnaireError(f"{at}: unknown {key} {wrong} (use {', '.join(allowed)})")
    return list(value)


def _check_part(part: Any, at: str) -> dict[str, Any]:
    if not isinstance(part, dict):
        raise QuestionnaireError(f"{at}: each answer part must be a table")
    kind = part.get("kind")
    if kind not in KINDS:
        raise QuestionnaireError(f"{at}: answer kind {kind!r} is not one of {', '.join(KINDS)}")
    checked = dict(part)
    if "lead" in part:
        check_template(str(part["lead"]), at)
    if kind == "indicator":
        fmt = part.get("format", "count")
        if fmt not in FORMATS:
            raise QuestionnaireError(f"{at}: format {fmt!r} is not one of {', '.join(FORMATS)}")
        checked["format"] = fmt
        checked["groups"] = _list({"groups": part.get("groups", [TOTAL])}, "groups", COLUMNS, at)
        if fmt in ("count", "table", "rate"):
            allowed = RATE_KEYS if fmt == "rate" else (*COUNT_KEYS, *RATE_KEYS)
            checked["keys"] = _list(part, "keys", allowed, at)
    elif kind == "config":
        fact = part.get("fact")
        if fact not in FACTS:
            raise QuestionnaireError(f"{at}: unknown config fact {fact!r} (use {', '.join(FACTS)})")
        extra = set(part) - FACTS[fact] - {"kind", "fact", "lead"}
        if extra:
            raise QuestionnaireError(f"{at}: fact {fact!r} takes no {sorted(extra)}")
        _check_fact_params(checked, at)
    elif kind == "rule":
        if part.get("part", "all") not in RULE_PARTS:
            raise QuestionnaireError(f"{at}: rule part must be one of {', '.join(RULE_PARTS)}")
    elif kind == "not_held":
        _text(part, "reason", at)
    elif kind == "text":
        check_template(_text(part, "template", at), at)
    return checked


def _check_fact_params(part: dict[str, Any], at: str) -> None:
    groups = tuple(g.value for g in Group)
    if "service" in part and part["service"] not in SERVICES:
        raise QuestionnaireError(f"{at}: service must be one of {', '.join(SERVICES)}")
    if "by" in part:
        part["by"] = _list(part, "by", tuple(DeliveredBy.values), at)
    if "groups" in part:
        part["groups"] = _list(part, "groups", groups, at)
    if "group" in part and part["group"] not in groups:
        raise QuestionnaireError(f"{at}: group must be one of {', '.join(groups)}")
    if part["fact"] in ("group_delivery", "group_offered") and "group" not in part:
        raise QuestionnaireError(f"{at}: fact {part['fact']!r} needs a group")
    if part["fact"] == "delivery_modes_exactly":
        part["modes"] = _list(part, "modes", tuple(DeliveryMode.values), at)
    for key in ("from", "to"):
        if key in part and not isinstance(part[key], dt.date):
            raise QuestionnaireError(f"{at}: {key!r} must be a date written 2016-04-01 (no quotes)")
    if ("from" in part) != ("to" in part):
        raise QuestionnaireError(f"{at}: give both 'from' and 'to', or neither")


def check_template(template: str, at: str) -> None:
    """Every {placeholder} must name a figure or one of the simple values."""
    for name in PLACEHOLDER.findall(template):
        if name in SIMPLE_PLACEHOLDERS:
            continue
        try:
            figure_path(name)
        except KeyError:
            raise QuestionnaireError(
                f"{at}: unknown placeholder {{{name}}} (e.g. {{total.offered}}, "
                "{LAC-out.children}, {total.rates.within_72h_of_undertaken}, {period}, {rule})"
            ) from None


_EMPTY = GroupFigures.empty().as_dict()


def figure_path(name: str) -> tuple[str, list[str]]:
    """'LAC-out.rates.accepted_of_offered' -> ('LAC-out', ['rates', 'accepted_of_offered'])."""
    group, _, rest = name.partition(".")
    if group not in COLUMNS or not rest:
        raise KeyError(name)
    keys = rest.split(".")
    node: Any = _EMPTY
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            raise KeyError(name)
        node = node[key]
    if isinstance(node, dict):
        raise KeyError(name)
    return group, keys
