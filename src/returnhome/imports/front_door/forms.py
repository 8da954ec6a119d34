"""The front door's forms: every decision carries its reason."""

from __future__ import annotations

from django import forms

from returnhome.core.forms import Form, datetime_field
from returnhome.imports.models import ReviewItem


class ReasonForm(Form):
    reason = forms.CharField(
        label="Why",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded with your name. Needed for anything but confirming the suggested child.",
    )
    child = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NewEpisodeForm(ReasonForm):
    earlier_returned_at = datetime_field(
        "When did the child come back from the earlier episode?",
        what="the child came back from the earlier episode",
        required=False,
    )


class QueueFilterForm(Form):
    status = forms.ChoiceField(
        choices=[("open", "Open"), ("resolved", "Resolved"), ("all", "All")],
        required=False,
        initial="open",
    )
    reason = forms.ChoiceField(
        choices=[("", "Any reason"), *ReviewItem.Reason.choices], required=False
    )
