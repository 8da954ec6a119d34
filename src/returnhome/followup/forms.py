from __future__ import annotations

from django import forms

from returnhome.core.forms import Form, version_field
from returnhome.followup.models import ProposedAction

PROGRESS_STATUSES = [
    (s.value, s.label)
    for s in (
        ProposedAction.Status.IN_PROGRESS,
        ProposedAction.Status.DONE,
        ProposedAction.Status.NOT_DONE,
    )
]


class ProgressForm(Form):
    status = forms.ChoiceField(choices=PROGRESS_STATUSES, widget=forms.RadioSelect)
    outcome = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required when the action is done or not done",
    )
    expected_version = version_field()
