"""Notifications sent through the HTTP API: the same stages as a file, without HTTP.

The request's notifications become the same column -> text mappings a file's rows do, and go
through the same stages: `pipeline.validate_rows` (RowValidator) -> `pipeline.plan_import`
(matching; an event is identified by force + police reference + event, so a repeat is
`unchanged`) -> `services.commit_rows` (one notification at a time through the services; for a
request of more than PER_ROW_LIMIT, `commit_batch`: the same records in bulk). All or nothing:
one invalid notification and nothing changes. See docs/formats/api.md.

What the API adds: the force comes from the token; which councils a force may send to; JSON
types (aliases as a list); and per-notification results that say what happened without
returning anything about the child.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from rapidfuzz import fuzz, process

from returnhome.accounts.models import ApiToken
from returnhome.core.audit import record_list_read
from returnhome.episodes.models import Episode, Notification
from returnhome.imports import commit as services
from returnhome.imports.models import PendingNotification, ReviewItem
from returnhome.imports.police.pipeline import (
    Checked,
    Plan,
    make_validator,
    plan_import,
    validate_rows,
)
from returnhome.imports.police.rows import COLUMNS
from returnhome.imports.validation import RowError
from returnhome.organisations.models import Organisation

MAX_NOTIFICATIONS = 5000
# Up to this many notifications a request is committed one at a time through the services
# (`commit_rows`); a larger one with `commit_batch`, which writes the same records and audit rows
# (tests/imports/test_import_paths.py) ten times faster: 5,000 notifications took 21 s one at a
# time, past a typical 30-second worker timeout (bench/api_notifications.py).
PER_ROW_LIMIT = 500
TOP_LEVEL = ("council", "notifications")
COUNT_KEYS = (
    "episodes_created",
    "episodes_updated",
    "episodes_closed",
    "children_matched",
    "children_created",
    "sent_to_review",
    "found_waiting_for_missing",
    "unchanged",
)
# What happened to each notification (the `result` of each item in `results`).
RESULTS = {
    "open": "created",  # a missing notification opened an episode
    "close": "closed",  # a found notification closed its episode (the RHI is referred)
    "add": "updated",  # added to an episode already recorded
    "pending": "pending",  # a found notification kept until its missing one arrives
    "review": "sent_to_review",  # the front door decides
}


@dataclass(frozen=True, slots=True)
class ApiError:
    index: int | None  # the notification's position in `notifications` (from 0), or None
    field: str | None  # the field (or header) at fault, or None for the request as a whole
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "field": self.field, "message": self.message}


@dataclass
class Received:
    """The answer to one request: errors (nothing changed) or the summary of what was done."""

    errors: list[ApiError] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)


def may_send_to(force: Organisation, council: Organisation) -> bool:
    """A force sends to the councils in its area (`Organisation.police_force`) without more ado."""
    return council.police_force_id == force.pk


def _text(value: Any) -> str | None:
    """A JSON value as the text a file cell would hold; None if it cannot be one."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return None
    if isinstance(value, (str, int)):
        return str(value)
    return None


def to_row(
    index: int,
    item: Any,
    force: Organisation,
    forces: Mapping[str, tuple[int, str]],
    council: Organisation | None,
) -> tuple[dict[str, str], list[ApiError]]:
    """One notification as the column -> text mapping `RowValidator` checks, and its JSON errors.

    A field whose value has the wrong JSON type is reported here and passed on blank.
    """
    if not isinstance(item, dict):
        return {}, [ApiError(index, None, "Each notification must be a JSON object")]
    errors: list[ApiError] = []
    values = dict.fromkeys(COLUMNS, "")
    for key, value in item.items():
        if key not in COLUMNS:
            guess = process.extractOne(str(key), COLUMNS, scorer=fuzz.WRatio, score_cutoff=60)
            hint = f" (did you mean {guess[0]!r}?)" if guess else ""
            errors.append(
                ApiError(index, str(key), f"{key!r} is not a field of a notification{hint}")
            )
            continue
        if key == "aliases" and isinstance(value, list):
            names = [_text(v) for v in value]
            if any(n is None or ";" in n for n in names):
                errors.append(
                    ApiError(index, key, "aliases must be a list of names (text without ';')")
                )
                continue
            values[key] = "; ".join(n for n in names if n)
            continue
        text = _text(value)
        if text is None:
            errors.append(ApiError(index, key, f"{key} must be text (a JSON string)"))
            continue
        values[key] = text
    given = values["force"].strip()
    own = force.code or force.name
    if not given:
        values["force"] = own
    elif given.lower() in forces and forces[given.lower()][0] != force.pk:
        errors.append(
            ApiError(
                index,
                "force",
                f"This token is {force.name}'s: it cannot send notifications for "
                f"{forces[given.lower()][1]} (leave force out, or give your own)",
            )
        )
        values["force"] = own
    if (
        council is not None
        and not may_send_to(force, council)
        and values["la_code"].strip() != council.la_code
    ):
        errors.append(
            ApiError(
                index,
                "la_code",
                f"{council.name} is not in {force.name}'s area: send it notifications only "
                f"about children it is responsible for, with la_code {council.la_code}",
            )
        )
    return values, errors


def _request_errors(body: Any) -> tuple[list[ApiError], str, list[Any]]:
    if not isinstance(body, dict):
        return [ApiError(None, None, "The body must be a JSON object")], "", []
    errors = [
        ApiError(
            None, str(key), f"{key!r} is not part of the request: send council and notifications"
        )
        for key in body
        if key not in TOP_LEVEL
    ]
    code = _text(body.get("council"))
    if not code:
        errors.append(ApiError(None, "council", "council is required: the council's DfE LA code"))
    notifications = body.get("notifications")
    if not isinstance(notifications, list):
        errors.append(
            ApiError(None, "notifications", "notifications is required: a list of notifications")
        )
        notifications = []
    elif not notifications:
        errors.append(ApiError(None, "notifications", "notifications is empty"))
    elif len(notifications) > MAX_NOTIFICATIONS:
        errors.append(
            ApiError(
                None,
                "notifications",
                f"{len(notifications)} notifications: send at most {MAX_NOTIFICATIONS} in one "
                "request (split them; repeating one already sent changes nothing)",
            )
        )
        notifications = []
    return errors, (code or "").strip(), notifications


def _results(
    plan: Plan, indices: list[int], notices: Mapping[int, tuple[str, str]]
) -> list[dict[str, Any]]:
    what: dict[int, str] = {}
    for action in plan.actions:
        if action.notice is not None and action.kind in RESULTS:
            what[action.notice.row] = RESULTS[action.kind]
    for row, _why in plan.unchanged:
        what[row] = "unchanged"
    results = []
    for index in indices:
        reference, event = notices[index]
        # An exact repeat of another notification in the same request is skipped: unchanged.
        results.append(
            {
                "index": index,
                "police_reference": reference,
                "event": event,
                "result": what.get(index, "unchanged"),
            }
        )
    return results


def receive_notifications(token: ApiToken, body: Any, *, sha256: str) -> Received:
    """Validate, match and record one request's notifications, all or nothing."""
    started = time.monotonic()
    force = token.organisation
    errors, code, notifications = _request_errors(body)
    council = Organisation.objects.councils().filter(la_code=code).first() if code else None
    if code and council is None:
        errors.append(ApiError(None, "council", f"{code!r} is not a council's DfE LA code"))
    now = timezone.now()
    validator = make_validator(now)
    rows: list[tuple[int, dict[str, str]]] = []
    for index, item in enumerate(notifications):
        values, problems = to_row(index, item, force, validator.forces, council)
        errors.extend(problems)
        if values:
            rows.append((index, values))
    checked = validate_rows(rows, validator, Checked(), noun="notification")
    said = {(e.index, e.field) for e in errors}
    errors.extend(
        ApiError(e.row, e.column, e.message)
        for e in checked.errors
        if (e.row, e.column) not in said
    )
    if errors or council is None:
        return Received(errors=_sorted(errors))
    sent = {i: (v["police_reference"].strip(), v["event"].strip().lower()) for i, v in rows}
    with transaction.atomic():
        # One import at a time per council: the plan must see what the last one wrote.
        Organisation.objects.select_for_update().get(pk=council.pk)
        plan = plan_import(council, checked.notices, received_at=now)
        if plan.errors:
            return Received(errors=_sorted([_error(e) for e in plan.errors]))
        run = services.start_run(
            council,
            source="api",
            file_name=f"API: {force.name}, token {token.prefix} ({token.name})",
            sha256=sha256,
            acting_user=token.user,
            started_at=now,
        )
        commit = services.commit_rows if checked.rows <= PER_ROW_LIMIT else services.commit_batch
        commit(plan, acting_user=token.user, run=run)
        counts = plan.counts()
        summary: dict[str, Any] = {
            "council": council.la_code,
            "committed": True,
            "rows": checked.rows,
            "valid_rows": len(checked.notices),
            **{k: counts[k] for k in COUNT_KEYS},
            "warnings": checked.warnings,
            "import_run": run.pk,
            "seconds": round(time.monotonic() - started, 3),
        }
        services.finish_run(run, summary, acting_user=token.user)
    summary["results"] = _results(plan, [i for i, _ in rows], sent)
    return Received(summary=summary)


def _error(error: RowError) -> ApiError:
    return ApiError(error.row, error.column, error.message)


def _sorted(errors: list[ApiError]) -> list[ApiError]:
    return sorted(errors, key=lambda e: (-1 if e.index is None else e.index, e.field or ""))


# --------------------------------------------------------------------------- what happened


def _at(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def notification_status(token: ApiToken, reference: str) -> dict[str, Any] | None:
    """What happened to the force's notifications with this police reference, at every council.

    Only the force's own (its notifications, its episodes); nothing about the child. None if the
    force sent nothing with this reference. Reading the episodes is audited.
    """
    force = token.organisation
    mine = {"police_force": force, "police_reference": reference}
    items: list[dict[str, Any]] = []
    for note in Notification.objects.filter(**mine).select_related("council", "episode"):
        items.append(
            {
                "council": note.council.la_code,
                "event": note.event,
                "event_at": _at(
                    note.episode.reported_missing_at
                    if note.event == "missing"
                    else note.episode.returned_at
                )
                if note.episode
                else None,
                "received_at": _at(note.received_at),
                "status": "recorded",
            }
        )
    for pending in PendingNotification.objects.filter(
        **mine, status=PendingNotification.Status.WAITING
    ).select_related("council"):
        items.append(
            {
                "council": pending.council.la_code,
                "event": pending.event,
                "event_at": _at(pending.event_at),
                "received_at": _at(pending.received_at),
                "status": "waiting_for_missing",
            }
        )
    for item in ReviewItem.objects.filter(**mine).select_related("council"):
        open_ = item.status == ReviewItem.Status.OPEN
        items.append(
            {
                "council": item.council.la_code,
                "event": item.event,
                "event_at": _at(item.event_at),
                "received_at": _at(item.received_at),
                "status": "with_front_door" if open_ else "resolved_by_front_door",
            }
        )
    episodes = list(Episode.objects.filter(**mine).select_related("council"))
    if not items and not episodes:
        return None
    record_list_read(token.user, "api_notification_status", episodes)
    items.sort(key=lambda i: (i["received_at"] or "", i["event"] != "missing"))
    return {
        "police_reference": reference,
        "notifications": items,
        "episodes": [
            {
                "council": e.council.la_code,
                "reported_missing_at": _at(e.reported_missing_at),
                "returned_at": _at(e.returned_at),
                "status": "open" if e.returned_at is None else "returned",
            }
            for e in episodes
        ],
    }
