"""Form helpers shared by every app, and `Form`, the base of every form in returnhome.

`Form` applies the rules every field of every form keeps, whatever its own validation says
(tests/core/test_forms_hostile.py checks that every form in returnhome is one):
- text (every CharField: text inputs, text areas, search boxes) is refused when it holds what no
  record may (`lib.text.text_problem`: NUL, other control characters), as an error on its field;
  NUL would otherwise reach PostgreSQL, which refuses it (a 500), and a control character would
  break every XLSX or PDF the record later appears in;
- a date (every DateField and DateTimeField) lies from EARLIEST_DATE to LATEST_DATE: dates outside
  that are mistakes, and some (year 1, year 9999) overflow the date arithmetic of the reports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import QueryDict

from returnhome.core.versioning import StaleEdit
from returnhome.lib.dates import EARLIEST_DATE, LATEST_DATE
from returnhome.lib.text import text_problem


def _text_rule(label: str) -> Callable[[Any], None]:
    def validate(value: Any) -> None:
        why = text_problem(value) if isinstance(value, str) else None
        if why is not None:
            raise ValidationError(f"{label} {why}: remove it", code="bad_character")

    return validate


def _said(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _date_rule(label: str) -> Callable[[Any], None]:
    def validate(value: Any) -> None:
        day = value.date() if isinstance(value, dt.datetime) else value
        if isinstance(day, dt.date) and not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ValidationError(
                f"{label} must be between {_said(EARLIEST_DATE)} and {_said(LATEST_DATE)}",
                code="date_out_of_range",
            )

    return validate


class Form(forms.Form):
    """A form whose text and date fields keep the rules above, with a message naming the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = str(field.label or name.replace("_", " ").capitalize())
            if isinstance(field, forms.CharField):
                # Django's own check for NUL says "Null characters are not allowed."; ours names
                # the field and covers the other control characters too.
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ]
                field.validators.append(_text_rule(label))
            elif isinstance(field, (forms.DateField, forms.DateTimeField)):
                field.validators.append(_date_rule(label))


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
