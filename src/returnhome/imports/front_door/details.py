"""What a notification in the review queue says, whatever its source sent: police rows are read
again with the police row checks; other sources (direct reports) by the same column names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from returnhome.children.models import Child
from returnhome.episodes.models import Notification
from returnhome.imports.commit.records import child_fields
from returnhome.imports.models import ReviewItem
from returnhome.imports.police.pipeline import make_validator
from returnhome.imports.police.rows import Notice
from returnhome.lib.dates import DateError, parse_date, parse_datetime
from returnhome.organisations.models import Organisation


@dataclass
class Details:
    """What a notification says, whatever its source sent (police rows are re-read as rows)."""

    event: str
    event_at: dt.datetime
    source: str
    content: dict[str, Any]
    force: Organisation | None = None
    reference: str = ""
    last_seen_at: dt.datetime | None = None
    risk_level: str = ""
    missing_from: str = ""
    found_location: str = ""
    circumstances: str = ""
    child: dict[str, Any] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _moment(data: dict[str, Any], key: str) -> dt.datetime | None:
    try:
        return parse_datetime(_text(data, key)) if _text(data, key) else None
    except DateError:
        return None


def details_of(item: ReviewItem) -> Details:
    data = dict(item.data or {})
    source = item.source if item.source in Notification.Source.values else "other"
    details = Details(
        event=item.event,
        event_at=item.event_at,
        source=source,
        content=data,
        force=item.police_force,
        reference=item.police_reference,
    )
    notice: Notice | list[Any] = []
    if item.police_force_id is not None:
        notice = make_validator(timezone.now()).validate(item.row_number or 0, data)
    if isinstance(notice, Notice):
        details.last_seen_at = notice.last_seen_at
        details.risk_level = notice.risk_level
        details.missing_from = notice.missing_from
        details.found_location = notice.found_location
        details.circumstances = notice.circumstances
        details.child = child_fields(notice)
        details.aliases = notice.aliases
        return details
    # Another source: the same names where it uses them.
    details.last_seen_at = _moment(data, "last_seen_at")
    details.risk_level = _text(data, "risk_level").lower()
    details.missing_from = _text(data, "missing_from")
    details.found_location = _text(data, "found_location")
    details.circumstances = _text(data, "circumstances")
    try:
        dob = parse_date(_text(data, "date_of_birth")) if _text(data, "date_of_birth") else None
    except DateError:
        dob = None
    sex = _text(data, "sex").upper()[:1]
    details.child = {
        "forename": _text(data, "forename"),
        "surname": _text(data, "surname"),
        "date_of_birth": dob,
        "sex": sex if sex in Child.Sex.values else Child.Sex.OTHER,
        "address": _text(data, "address"),
        "postcode": _text(data, "postcode").upper(),
        "la_child_id": _text(data, "la_child_id"),
        "nhs_number": _text(data, "nhs_number").replace(" ", ""),
    }
    details.aliases = [a.strip() for a in _text(data, "aliases").split(";") if a.strip()]
    return details
