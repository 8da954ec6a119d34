"""The list of every episode a person may see: filtered by group, open or closed and the dates
reported missing (by GET: nothing personal), and searched by the child (by POST, kept in the
session: `core/paging.py`), newest first."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from returnhome.accounts.models import User
from returnhome.children.models import Child
from returnhome.children.search import matching
from returnhome.core.forms import Form, date_field
from returnhome.episodes.models import Episode
from returnhome.lib.clock import LONDON
from returnhome.lib.groups import Group
from returnhome.lib.search import read_query


class EpisodeFilterForm(Form):
    state = forms.ChoiceField(
        label="Open or closed",
        required=False,
        choices=[
            ("", "Open and closed"),
            ("open", "Open (still missing)"),
            ("closed", "Closed (returned)"),
        ],
    )
    group = forms.ChoiceField(
        label="Group", required=False, choices=[("", "Any group"), *Group.choices()]
    )
    missing_from = date_field("Reported missing on or after", required=False)
    missing_to = date_field("Reported missing on or before", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("missing_from"), data.get("missing_to")
        if start and end and end < start:
            self.add_error("missing_to", "The second date must be the same as or after the first")
        return data


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def episodes_for(user: User, choice: dict[str, Any], child_text: str = "") -> QuerySet[Episode]:
    """The user's visible episodes that pass the filters and (if any) the child search."""
    episodes = Episode.objects.visible_to(user)
    if choice.get("state") == "open":
        episodes = episodes.filter(returned_at__isnull=True)
    elif choice.get("state") == "closed":
        episodes = episodes.filter(returned_at__isnull=False)
    if choice.get("group"):
        episodes = episodes.filter(group=choice["group"])
    if choice.get("missing_from"):
        episodes = episodes.filter(reported_missing_at__gte=_local_midnight(choice["missing_from"]))
    if choice.get("missing_to"):
        after = choice["missing_to"] + dt.timedelta(days=1)
        episodes = episodes.filter(reported_missing_at__lt=_local_midnight(after))
    if child_text:
        children = matching(Child.objects.visible_to(user), read_query(child_text))
        episodes = episodes.filter(child__in=children.values("pk"))
    return episodes.order_by("-reported_missing_at", "-pk")
