"""Subject access: everything a council holds about one child, and who read it (UK GDPR
article 15; docs/privacy.md).

Every kind of record in `privacy.records.HELD` (the child's record and every duplicate merged
into it), the alerts whose link opens one of those records, and the access history: every audit
row about the child — who, from which organisation, when, what. As one JSON document and as a
PDF printed from it. The council checks the export before it sends it (third parties named in
interview records may need to be redacted: docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.core.audit import describe, events_about_child, record_read
from returnhome.organisations.models import Organisation
from returnhome.privacy.records import HELD, alerts_about, child_ids, links_to

SKIPPED_FIELDS = frozenset({"version", "hash", "prev_hash"})
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def _value(obj: models.Model, field: models.Field[Any, Any]) -> Any:
    if field.is_relation:
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")() or getattr(obj, field.attname)
    value = getattr(obj, field.attname)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def row(obj: models.Model) -> dict[str, Any]:
    """One record: every stored field by name (related records by what they are called, coded
    values in words, times in UK time)."""
    out: dict[str, Any] = {"id": obj.pk}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in SKIPPED_FIELDS:
            continue
        out[field.name] = _value(obj, field)
    return out


def labels(model: type[models.Model]) -> dict[str, str]:
    return {
        f.name: str(f.verbose_name)
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in SKIPPED_FIELDS
    }


def _printed(value: Any) -> str:
    """A value of the JSON document as the PDF prints it (times as "5 Dec 2026 14:15")."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and _ISO_TIME.match(value):
        return f"{dt.datetime.fromisoformat(value):%-d %b %Y %H:%M}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str) if value else ""
    return str(value)


def _who(actor: User | None) -> dict[str, Any]:
    if actor is None:
        return {"name": "the system (an import, the API or a command)", "role": "", "org": ""}
    return {
        "name": actor.get_full_name() or actor.username,
        "role": actor.get_role_display() or "no role",
        "org": str(actor.organisation or "no organisation"),
    }


def access_history(ids: list[int]) -> list[dict[str, Any]]:
    """Every audit row about the child's records, oldest first: who, from where, when, what."""
    out = []
    for child_id in ids:
        for event in events_about_child(child_id).order_by("id"):
            who = _who(event.actor)
            out.append(
                {
                    "at": timezone.localtime(event.at).isoformat(timespec="seconds"),
                    "who": who["name"],
                    "role": who["role"],
                    "organisation": who["org"],
                    "what": describe(event),
                    "kind": event.kind,
                    "record": f"{event.object_type}#{event.object_id}",
                }
            )
    return sorted(out, key=lambda e: e["at"])


@dataclass
class SubjectAccess:
    child: Child
    council: Organisation
    document: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps(self.document, indent=2, ensure_ascii=False, default=str)

    def to_html(self) -> str:
        sections = []
        for held in HELD:
            names = labels(held.model)
            rows = [
                [("Record", str(r["id"]))]
                + [
                    (names.get(k, k), _printed(v))
                    for k, v in r.items()
                    if k != "id" and _printed(v)
                ]
                for r in self.document[held.key]
            ]
            sections.append({"title": held.title, "rows": rows})
        doc = self.document
        context = {
            "document": doc,
            "sections": sections,
            "prepared": _printed(doc["about"]["generated_at"]),
            "erased": _printed(doc["about"]["erased_at"]),
            "alerts": [a | {"at": _printed(a["at"])} for a in doc["alerts"]],
            "history": [e | {"at": _printed(e["at"])} for e in doc["access_history"]],
        }
        return render_to_string("privacy/subject_access_print.html", context)

    def to_pdf(self) -> bytes:
        from weasyprint import HTML

        return bytes(HTML(string=self.to_html()).write_pdf())


def subject_access(child: Child, council: Organisation, *, by: User | None) -> SubjectAccess:
    """Everything `council` holds about `child`. Refused (PermissionDenied) for a child whose
    record another council holds, or a record merged into another (ask for that one); the read
    is audited (`subject_access`, by `by` or the system)."""
    if child.council_id != council.pk:
        raise PermissionDenied(f"{council} does not hold this child's record.")
    if child.merged_into_id is not None:
        raise PermissionDenied(
            f"This record was merged into record {child.merged_into_id}: ask for that one."
        )
    ids = child_ids(child)
    records = {held.key: list(held.about(ids)) for held in HELD}
    document: dict[str, Any] = {
        "about": {
            "council": str(council),
            "la_code": council.la_code,
            "child_id": child.pk,
            "records_merged_into_it": ids[1:],
            "erased_at": row(child)["erased_at"],
            "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        }
    }
    for held in HELD:
        document[held.key] = [row(obj) for obj in records[held.key]]
    document["alerts"] = [
        {"at": timezone.localtime(a.created_at).isoformat(timespec="seconds")}
        | {"to": str(a.recipient)}
        | {"title": a.title, "link": a.link}
        for a in alerts_about(links_to(records))
    ]
    document["access_history"] = access_history(ids)
    record_read(by, child, action="subject_access", council=council.la_code)
    return SubjectAccess(child=child, council=council, document=document)
