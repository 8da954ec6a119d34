"""Notifications sent through the HTTP API: the same stages as a file, without HTTP.

The request's notifications become the same column -> text mappings a file's rows do, and go
through the same stages: `pipeline.validate_rows` (RowValidator) -> `pipeline.plan_import`
(matching; an event is identified by force + police reference + event, so a repeat is
`unchanged`) -> `services.commit_batch` (the same records and audit rows as the services write,
in bulk; the few notifications about children placed out of area or placed here go through the
services). All or nothing:
one invalid notification and nothing changes. See docs/formats/api.md.

What the API adds: the force comes from the token; which councils a force may send to (its own
area's, and those whose administrator listed it: anything else is refused whole, 403); JSON types
(aliases as a list); hostile input refused by name (NUL and other control characters, unpaired
surrogates, absurd nesting); and an answer that says, per notification, only `accepted` or
`queued_for_review`: nothing about the child, not even whether the council knew them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
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
from returnhome.lib.text import BAD_CHARACTER, escaped, text_problem
from returnhome.organisations.models import Organisation, ServiceConfiguration

logger = logging.getLogger(__name__)

MAX_NOTIFICATIONS = 5000
MAX_REFERENCE = 60  # a police reference's longest (rows.py)
# The deepest a valid request nests: body {} > notifications [] > notification {} > aliases [].
MAX_DEPTH = 4
# Up to this many notifications a request is committed one at a time through the services
# (`commit_rows`); a larger one with `commit_batch`, which writes the same records and audit rows
# (tests/imports/test_import_paths.py) many times faster. None: every request in bulk (a request
# of 50 took about 0.4 s one at a time at 100,000 children, 0.05 s in bulk; decision 0040).
PER_ROW_LIMIT = 0
TOP_LEVEL = ("council", "notifications")
# The counts the import run keeps for the council's own staff (the same as a file's). The force
# gets none of them: children matched against created, or created against sent to review, would
# tell it whether the council knew the child.
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
# What the force is told of each notification (the `result` of each item in `results`): recorded
# (whatever that meant for the council's records), or waiting for the council's front door.
ACCEPTED = "accepted"
QUEUED = "queued_for_review"
IN_REVIEW = "already waiting for the front door"  # the planner's reason for such an `unchanged`


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
    status: int = 200  # 400 for invalid input, 403 for a council the force may not write to


def may_send_to(force: Organisation, council: Organisation) -> bool:
    """A force writes to the councils in its area (`Organisation.police_force`), and outside it
    only to a council whose administrator has listed it (`forces_that_may_send`). Never because
    the request names the council: what the sender says proves nothing."""
    if council.police_force_id == force.pk:
        return True
    return ServiceConfiguration.objects.filter(council=council, forces_that_may_send=force).exists()


def _place(path: tuple[str | int, ...]) -> tuple[int | None, str | None]:
    """The (index, field) an error at `path` in the body names."""
    if len(path) >= 2 and path[0] == "notifications" and isinstance(path[1], int):
        index: int | None = path[1]
        rest = path[2:]
    else:
        index, rest = None, path
    names = [p for p in rest if isinstance(p, str)]
    return index, (names[0] if names else (str(path[0]) if path and index is None else None))


def _suspect(value: Any, depth: int = 0) -> bool:
    """Whether `check_body` has anything to say (fast: no paths built; depth-bounded)."""
    search = BAD_CHARACTER.search
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return True
        for key, item in value.items():
            if search(key) is not None:
                return True
            if isinstance(item, str):
                if search(item) is not None:
                    return True
            elif isinstance(item, (dict, list)) and _suspect(item, depth + 1):
                return True
        return False
    if isinstance(value, list):
        if depth >= MAX_DEPTH:
            return True
        for item in value:
            if isinstance(item, str):
                if search(item) is not None:
                    return True
            elif isinstance(item, (dict, list)) and _suspect(item, depth + 1):
                return True
        return False
    return isinstance(value, str) and search(value) is not None


def check_body(body: Any) -> list[ApiError]:
    """Hostile input, before anything else reads the body: nesting deeper than any valid request,
    control characters and unpaired surrogates in any key or value. One error per field."""
    if not _suspect(body):
        return []
    errors: dict[tuple[int | None, str | None], ApiError] = {}
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(body, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, (dict, list)) and len(path) >= MAX_DEPTH:
            index, name = _place(path)
            errors.setdefault(
                (index, name),
                ApiError(index, name, "is nested too deeply: a field's value is text or a list"),
            )
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                why = text_problem(key)
                if why is not None:
                    index, name = _place((*path, escaped(key)))
                    errors.setdefault((index, name), ApiError(index, name, f"The name {why}"))
                    continue
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, i)) for i, item in enumerate(value))
        elif isinstance(value, str):
            why = text_problem(value)
            if why is not None:
                index, name = _place(path)
                label = name or "The body"
                errors.setdefault((index, name), ApiError(index, name, f"{label} {why}"))
    return _sorted(list(errors.values()))


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
    plan: Plan, indices: list[int], sent: Mapping[int, tuple[str, str]]
) -> list[dict[str, Any]]:
    """`accepted` or `queued_for_review` per notification: nothing more (whether it matched a
    child, created one, opened or closed an episode is the council's to know)."""
    what: dict[int, str] = {}
    for action in plan.actions:
        if action.notice is not None:
            row = action.notice.row
            queued = action.kind == "review" or what.get(row) == QUEUED
            what[row] = QUEUED if queued else ACCEPTED
    for row, why in plan.unchanged:
        what[row] = QUEUED if why == IN_REVIEW else ACCEPTED
    by_event: dict[tuple[str, str], str] = {}
    for index in indices:
        if index in what:
            by_event.setdefault(sent[index], what[index])
    results = []
    for index in indices:
        reference, event = sent[index]
        # An exact repeat of another notification in the same request is skipped: it fares as
        # the one it repeats.
        result = what.get(index) or by_event.get(sent[index], ACCEPTED)
        results.append(
            {"index": index, "police_reference": reference, "event": event, "result": result}
        )
    return results


def _refused(force: Organisation, council: Organisation) -> Received:
    logger.warning(
        "Police API: a token of %s (%s) was refused writing to %s (%s): not in its area, and "
        "not listed by the council",
        force.name,
        force.pk,
        council.name,
        council.la_code,
    )
    message = (
        f"{force.name} may not send notifications to {council.name}: it is not in "
        f"{force.name}'s area, and {council.name}'s administrator has not recorded that "
        f"{force.name} may send to it. Nothing was recorded."
    )
    return Received(errors=[ApiError(None, "council", message)], status=403)


def receive_notifications(token: ApiToken, body: Any) -> Received:
    """Validate, match and record one request's notifications, all or nothing.

    Refused whole (403) when the council is not one the token's force may write to; 400 for any
    invalid input. The answer names no child and says per notification only `accepted` or
    `queued_for_review`; the import run keeps the full counts for the council's staff.
    """
    started = time.monotonic()
    force = token.organisation
    hostile = check_body(body)
    if hostile:
        return Received(errors=hostile, status=400)
    errors, code, notifications = _request_errors(body)
    council = Organisation.objects.councils().filter(la_code=code).first() if code else None
    if code and council is None:
        errors.append(ApiError(None, "council", f"{code[:20]!r} is not a council's DfE LA code"))
    if council is not None and not may_send_to(force, council):
        return _refused(force, council)
    now = timezone.now()
    validator = make_validator(now)
    rows: list[tuple[int, dict[str, str]]] = []
    for index, item in enumerate(notifications):
        values, problems = to_row(index, item, force, validator.forces)
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
        return Received(errors=_sorted(errors), status=400)
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
    sent = {i: (v["police_reference"].strip(), v["event"].strip().lower()) for i, v in rows}
    with transaction.atomic():
        # One import at a time per council: the plan must see what the last one wrote.
        Organisation.objects.select_for_update().get(pk=council.pk)
        plan = plan_import(council, checked.notices, received_at=now)
        if plan.errors:
            return Received(errors=_sorted([_error(e) for e in plan.errors]), status=400)
        run = services.start_run(
            council,
            source="api",
            file_name=f"API: {force.name}, token {token.prefix} ({token.name})",
            sha256=hashlib.sha256(canonical).hexdigest(),
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
    results = _results(plan, [i for i, _ in rows], sent)
    answer: dict[str, Any] = {
        "council": council.la_code,
        "committed": True,
        "rows": checked.rows,
        ACCEPTED: sum(r["result"] == ACCEPTED for r in results),
        QUEUED: sum(r["result"] == QUEUED for r in results),
        "warnings": checked.warnings,
        "import_run": run.pk,
        "seconds": summary["seconds"],
        "results": results,
    }
    return Received(summary=answer)


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
    if text_problem(reference) is not None or len(reference) > MAX_REFERENCE:
        return None
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
