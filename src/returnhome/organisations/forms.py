from __future__ import annotations

from typing import Any

from django import forms

from returnhome.organisations.models import CLOCK_COUNT_CHOICES, CLOCK_START_CHOICES, Organisation


class ServiceConfigurationForm(forms.Form):
    rhi_provider = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=Organisation.Kind.PROVIDER),
        required=False,
        label="Who delivers RHIs",
        empty_label="Our own in-house team",
    )
    clock_start = forms.ChoiceField(
        label="The 72-hour clock starts", choices=CLOCK_START_CHOICES, widget=forms.RadioSelect
    )
    clock_count = forms.ChoiceField(
        label="72 hours are counted in", choices=CLOCK_COUNT_CHOICES, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
