"""Form helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from returnhome.core.versioning import StaleEdit


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"step": 60, **(attrs or {})}, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def datetime_field(
    label: str, *, required: bool = True, help_text: str = ""
) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text or "For example, 27/03/2026 14:30",
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


def version_field() -> forms.IntegerField:
    """The version of the record the edit form was loaded with (see core/versioning.py)."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": "This form is out of date: go back and open it again"},
    )


def refresh_version(form: forms.Form, error: ValidationError) -> None:
    """After a stale save: the form keeps what the user typed and now carries the current
    version, so saving again (having checked the changes) goes through."""
    if isinstance(error, StaleEdit) and form.is_bound:
        data = QueryDict(mutable=True)
        data.update(form.data)
        data[form.add_prefix("expected_version")] = str(error.current_version)
        form.data = data


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's validation errors next to the matching fields (others at the top)."""
    refresh_version(form, error)
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item)
    else:
        form.add_error(None, error)
