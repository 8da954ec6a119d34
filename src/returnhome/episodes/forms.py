from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from returnhome.core.forms import Form, datetime_field
from returnhome.episodes.models import Episode, Notification, RiskLevel
from returnhome.organisations.models import Organisation


class MissingForm(Form):
    reported_missing_at = datetime_field(
        "When was the child reported missing?", what="the child was reported missing"
    )
    last_seen_at = datetime_field(
        "When were they last seen?",
        what="they were last seen",
        required=False,
        help_text="If known. For example, 27 3 2026 and 14:30",
    )
    source = forms.ChoiceField(
        label="Who sent the notification?",
        choices=Notification.Source.choices,
        widget=forms.RadioSelect,
        initial=Notification.Source.POLICE,
    )
    received_at = datetime_field(
        "When did the notification reach you?", what="the notification reached you"
    )
    classification = forms.ChoiceField(
        choices=Episode.Classification.choices,
        widget=forms.RadioSelect,
        initial=Episode.Classification.MISSING,
    )
    risk_level = forms.ChoiceField(
        label="Police risk level", choices=[("", "Not known"), *RiskLevel.choices], required=False
    )
    police_force = forms.ModelChoiceField(
        queryset=Organisation.objects.police_forces(), required=False, label="Police force"
    )
    police_reference = forms.CharField(max_length=60, required=False)
    missing_from = forms.CharField(
        max_length=300, required=False, label="Missing from", help_text="Address or placement"
    )
    reported_by = forms.CharField(max_length=200, required=False, label="Who reported them missing")
    circumstances = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args: Any, council: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if council.police_force_id and not self.is_bound:
            self.initial["police_force"] = council.police_force_id


class FoundForm(Form):
    returned_at = datetime_field(
        "When did the child return or was found?", what="the child returned or was found"
    )
    found_location = forms.CharField(max_length=300, required=False, label="Where were they found?")
    source = forms.ChoiceField(
        label="Who sent the notification?",
        choices=Notification.Source.choices,
        widget=forms.RadioSelect,
        initial=Notification.Source.POLICE,
    )
    received_at = datetime_field(
        "When did the notification reach you?", what="the notification reached you"
    )

    def __init__(self, *args: Any, police: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if police:
            # The police record it themselves: it comes from them, and reaches the app now.
            del self.fields["source"]
            del self.fields["received_at"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "source" not in self.fields:
            data["source"] = Notification.Source.POLICE
            data["received_at"] = timezone.now()
        return data


NOTIFICATION_FIELDS = ["reported_missing_at", "last_seen_at", "received_at", "source"]


def notification_content(data: dict[str, Any]) -> dict[str, Any]:
    """What was received, as text, kept with the notification."""
    return {k: (str(v) if v is not None else "") for k, v in data.items()}
