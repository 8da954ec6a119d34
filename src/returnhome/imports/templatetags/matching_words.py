"""Match results in words for the front door: never a score or an internal number on screen."""

from __future__ import annotations

import re
from typing import Any

from django import template

from returnhome.children.models import Child
from returnhome.episodes.models import Notification, RiskLevel
from returnhome.imports.police.matching import AUTO, REVIEW

register = template.Library()

NAME = re.compile(r"^name ([+-]?\d+(?:\.\d+)?) \((.*)\)$")
HOW = {
    "name": "",
    "forename and surname swapped": " (first and last names swapped)",
    "the child's alias": " (one of the child's other names)",
    "an alias in the notification": " (another name the police gave)",
}


@register.filter
def match_strength(score: Any) -> str:
    """How likely the notification is about this child, in words (from the matching score)."""
    value = float(score or 0)
    if value >= AUTO:
        return "Very likely the same child"
    if value >= REVIEW:
        return "Possibly the same child"
    return "Probably not the same child"


def _reason(text: str) -> str:
    match = NAME.match(text)
    if match is None:
        return text
    points = float(match.group(1))
    said = "same name" if points >= 8 else "similar name" if points >= 4 else "name different"
    return said + HOW.get(match.group(2), "")


@register.filter
def match_reasons(reasons: Any) -> str:
    """The matching's reasons ("name +8.0 (name)", "date of birth same") in words."""
    return ", ".join(_reason(str(r)) for r in reasons or []) or "no reasons given"


@register.filter
def source_words(code: Any) -> str:
    """Who sent a notification, in words ("childrens_home" is "Children's home")."""
    labels = dict(Notification.Source.choices)
    text = str(code or "")
    return str(labels.get(text, text.replace("_", " ").capitalize()))


COLUMN_WORDS = {
    "row": "Row in the file",
    "force": "Police force",
    "police_reference": "Police reference",
    "event": "Missing or found",
    "event_at": "When",
    "last_seen_at": "Last seen",
    "risk_level": "Police risk level",
    "forename": "First name",
    "surname": "Last name",
    "aliases": "Also known as",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "address": "Address",
    "postcode": "Postcode",
    "missing_from": "Missing from",
    "found_location": "Found at",
    "la_child_id": "Council child ID",
    "nhs_number": "NHS number",
    "la_code": "Council code",
    "circumstances": "Circumstances",
}


@register.filter
def column_words(name: Any) -> str:
    """A notification's column name in words ("police_reference" is "Police reference")."""
    text = str(name or "")
    return COLUMN_WORDS.get(text, text.replace("_", " ").capitalize())


EVENT_WORDS = {"missing": "Missing", "found": "Found"}
RISK_WORDS = {
    RiskLevel.NO_APPARENT_RISK.value: "No apparent risk",
    RiskLevel.LOW.value: "Low risk",
    RiskLevel.MEDIUM.value: "Medium risk",
    RiskLevel.HIGH.value: "High risk",
}
CODED_VALUES: dict[str, dict[str, str]] = {
    "event": EVENT_WORDS,
    "risk_level": RISK_WORDS,
    "sex": {str(code): str(label) for code, label in Child.Sex.choices},
}


@register.filter
def value_words(value: Any, name: Any) -> str:
    """A notification's coded value in words ("medium" risk is "Medium risk", sex "M" is
    "Male"); any other value (names, references, times, addresses) exactly as received."""
    text = str(value if value is not None else "")
    return CODED_VALUES.get(str(name or ""), {}).get(text, text)
