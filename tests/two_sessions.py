"""Two people at once: a signed-in client each, and a loaded form turned back into what its page
would post (the values it was loaded with, the hidden version included)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.test import Client

from returnhome.core.forms import DateParts
from returnhome.followup.models import ProposedAction
from returnhome.interviews import services
from returnhome.interviews.models import RHI
from returnhome.interviews.services import ActionProposal, InterviewDetails
from tests.conftest import Cast
from tests.factories import ago


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _posted(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (list, tuple)):
        return [_posted(v) for v in value]
    return str(value)


def form_data(response: Any, name: str = "form", **changes: Any) -> dict[str, Any]:
    """What the page's form posts as loaded, with the user's `changes` typed in."""
    form = response.context[name]
    data: dict[str, Any] = {}
    for field in form.fields:
        widget = form.fields[field].widget
        if isinstance(widget, DateParts) and field not in changes:
            # the GOV.UK date input posts each part (day, month, year, time) under its own name
            parts = widget.decompress(form[field].value())
            data.update(
                {
                    f"{form.add_prefix(field)}_{p}": v
                    for p, v in zip(widget.parts, parts, strict=True)
                }
            )
        else:
            data[form.add_prefix(field)] = _posted(form[field].value())
    data.update({form.add_prefix(k): v for k, v in changes.items()})
    return data


def agreed_action_on(cast: Cast, returned_rhi: RHI) -> ProposedAction:
    """An action the manager agreed at the interview's review, made through the services."""
    worker = cast.practitioner
    services.allocate_rhi(returned_rhi, worker, expected_version=None, acting_user=cast.manager)
    services.record_offer(
        returned_rhi,
        offer_made_at=ago(hours=3),
        offered_to="child",
        expected_version=None,
        acting_user=worker,
    )
    services.record_outcome(
        returned_rhi, outcome="accepted", expected_version=None, acting_user=worker
    )
    interview = services.record_interview(
        [returned_rhi],
        InterviewDetails("interview", ago(hours=2), "home", "face_to_face", time_alone=True),
        [ActionProposal("Refer to the youth service", "youth_service", "Sam", None)],
        acting_user=worker,
    )
    action = interview.actions.get()
    services.review_interview(
        interview, responses={action.pk: ("agreed", "")}, acting_user=cast.manager
    )
    action.refresh_from_db()
    return action
