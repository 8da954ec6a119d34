"""Two people at once: a signed-in client each, and a loaded form turned back into what its page
would post (the values it was loaded with, the hidden version included)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.test import Client


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
    data = {form.add_prefix(field): _posted(form[field].value()) for field in form.fields}
    data.update({form.add_prefix(k): v for k, v in changes.items()})
    return data
