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
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.http import QueryDict
from django.utils import timezone

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


REQUIRED_DEFAULT = forms.Field.default_error_messages["required"]


def required_message(field: forms.Field, label: str) -> str:
    """What a required field left blank says, naming the field (never Django's bare "This field
    is required."): "Select …" for a choice, "Enter …" for what is typed, and a question is
    quoted ("Answer “Is consent needed?”")."""
    if label.endswith("?"):
        return f"Answer \u201c{label}\u201d"
    words = label[:1].lower() + label[1:] if not label[1:2].isupper() else label
    chosen = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField))
    return f"{'Select' if chosen else 'Enter'} {words}"


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
            if field.error_messages.get("required") == REQUIRED_DEFAULT:
                field.error_messages["required"] = required_message(field, label)


class DateParts(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (and, for a moment in time, a time box).

    Reads the parts (``<name>_day``, ``_month``, ``_year``, ``_time``); a form posted with the
    whole value under ``<name>`` (an API-like client, a bookmarked report link such as
    ``?date_from=2026-01-01``) is read as before. `bad_parts` (set by the field while cleaning)
    names the boxes at fault, so only they are marked in red."""

    template_name = "django/forms/widgets/govuk_date.html"
    LABELS = {"day": "Day", "month": "Month", "year": "Year", "time": "Time"}
    WIDTHS = {"day": 2, "month": 2, "year": 4, "time": 5}

    def __init__(self, *, with_time: bool, attrs: dict[str, Any] | None = None) -> None:
        self.parts = ("day", "month", "year", "time") if with_time else ("day", "month", "year")
        self.bad_parts: set[str] = set()
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            part: forms.TextInput(
                attrs={
                    "class": f"govuk-date-input__input govuk-input--width-{self.WIDTHS[part]}",
                    "inputmode": "numeric" if part != "time" else "text",
                    "autocomplete": "off",
                }
            )
            for part in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, (list, tuple)):
            return [str(v or "") for v in value]
        if isinstance(value, str):
            value = _parse_whole(value, with_time="time" in self.parts) or None
        if isinstance(value, dt.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [str(local.day), str(local.month), str(local.year), f"{local:%H:%M}"]
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [""] * len(self.parts)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        keys = [f"{name}_{part}" for part in self.parts]
        if not any(key in data for key in keys) and name in data:
            return data.get(name)
        return tuple(str(data.get(key) or "").strip() for key in keys)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and not any(f"{name}_{part}" in data for part in self.parts)

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_{self.parts[0]}" if id_ else id_

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for part, sub in zip(self.parts, context["widget"]["subwidgets"], strict=True):
            sub["name"] = f"{name}_{part}"
            sub["attrs"]["id"] = f"{(attrs or {}).get('id', 'id_' + name)}_{part}"
            sub["label"] = self.LABELS[part]
            if self.bad_parts and part not in self.bad_parts:
                sub["attrs"].pop("aria-invalid", None)
            sub["attrs"].pop("aria-describedby", None)
        return context


def _parse_whole(value: str, *, with_time: bool) -> dt.date | dt.datetime | None:
    """A whole value as older forms and links send it (2026-03-27T14:30, 27/03/2026 14:30)."""
    formats = (
        ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%dT%H:%M:%S")
        if with_time
        else ("%Y-%m-%d", "%d/%m/%Y")
    )
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 (made aware by the field)
        except ValueError:
            continue
        return parsed if with_time else parsed.date()
    return None


MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (dt.date(2000, number, 1).strftime("%B"), dt.date(2000, number, 1).strftime("%b"))
}
TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def parse_time(text: str) -> dt.time | None:
    """14:30, 14.30, 1430, 2:30pm, 2pm; None when it is not a real time."""
    match = TIME.match(text.strip().replace(" ", ""))
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match.group(3).lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class _PartsField:
    """What the date and date-time fields share: reading the parts, with messages that say which
    part is wrong and how to put it right, naming the field (`what`)."""

    widget: DateParts
    with_time = False

    def _problem(self, message: str, parts: set[str]) -> ValidationError:
        self.widget.bad_parts = parts
        return ValidationError(message, code="invalid")

    def _date_of(self, day: str, month: str, year: str, name: str) -> dt.date:
        missing = [p for p, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise self._problem(
                f"{name[:1].upper()}{name[1:]} must include a {_and(missing)}", set(missing)
            )
        numbers = {
            "day": _number(day),
            "month": _number(month) or MONTHS.get(month.lower()),
            "year": _number(year),
        }
        wrong = {p for p, v in numbers.items() if v is None}
        if wrong:
            raise self._problem(
                f"{name[:1].upper()}{name[1:]} must be in numbers, like 27 3 2026", wrong
            )
        if len(year) != 4:
            raise self._problem(f"The year of {name} must have 4 numbers, like 2026", {"year"})
        try:
            return dt.date(numbers["year"] or 0, numbers["month"] or 0, numbers["day"] or 0)
        except ValueError:
            bad = {"month"} if not 1 <= (numbers["month"] or 0) <= 12 else {"day"}
            raise self._problem(f"{name[:1].upper()}{name[1:]} must be a real date", bad) from None


class GovukDateField(_PartsField, forms.DateField):
    """A date in the GOV.UK date input pattern (see `date_field`)."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        super().__init__(widget=DateParts(with_time=False), **kwargs)
        self.error_messages["required"] = f"Enter {what}"

    def to_python(self, value: Any) -> dt.date | None:
        self.widget.bad_parts = set()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            if not value.strip():
                return None
            parsed = _parse_whole(value, with_time=False)
            if parsed is None:
                raise self._problem(f"Enter {self.what} as day, month and year", set())
            return parsed
        parts = list(value or ())
        if not any(parts):
            return None
        day, month, year = (parts + [""] * 3)[:3]
        return self._date_of(day, month, year, name=self.what)


class GovukDateTimeField(_PartsField, forms.DateTimeField):
    """A moment in time: the GOV.UK date input and a time box (see `datetime_field`)."""

    with_time = True

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        super().__init__(widget=DateParts(with_time=True), **kwargs)
        self.error_messages["required"] = f"Enter the date and time {what}"

    def to_python(self, value: Any) -> dt.datetime | None:
        self.widget.bad_parts = set()
        if isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            if not value.strip():
                return None
            parsed = _parse_whole(value, with_time=True)
            if not isinstance(parsed, dt.datetime):
                raise self._problem(f"Enter the date and time {self.what}", set())
            return self._aware(parsed)
        parts = list(value or ())
        if not any(parts):
            return None
        day, month, year, time_text = (parts + [""] * 4)[:4]
        if not any((day, month, year)):
            raise self._problem(f"Enter the date {self.what}", {"day", "month", "year"})
        date = self._date_of(day, month, year, name=f"the date {self.what}")
        if not time_text:
            raise self._problem(f"Enter the time {self.what}, like 14:30", {"time"})
        moment = parse_time(time_text)
        if moment is None:
            raise self._problem(
                f"The time {self.what} must be a real time, like 14:30 or 2:30pm", {"time"}
            )
        return self._aware(dt.datetime.combine(date, moment))

    @staticmethod
    def _aware(value: dt.datetime) -> dt.datetime:
        return timezone.make_aware(value) if timezone.is_naive(value) else value


def datetime_field(
    label: str, *, what: str = "", required: bool = True, help_text: str = ""
) -> forms.DateTimeField:
    """A moment in time, entered as day, month, year and time (the GOV.UK date input pattern).

    `what` completes the messages, e.g. ``"of the attempt"`` gives "Enter the date and time of
    the attempt". Never give it an initial "now" where the person must say when something
    happened (a default time is easy to leave wrong)."""
    return GovukDateTimeField(
        what=what or f"for \u201c{label}\u201d",
        label=label,
        required=required,
        help_text=help_text or "For example, 27 3 2026 and 14:30",
    )


def date_field(
    label: str, *, what: str = "", required: bool = True, help_text: str = ""
) -> forms.DateField:
    """A date, entered as day, month and year (the GOV.UK date input pattern). `what` names it
    in the messages, e.g. ``"the date of birth"``."""
    return GovukDateField(
        what=what or f"a date for \u201c{label}\u201d",
        label=label,
        required=required,
        help_text=help_text or "For example, 27 3 2026",
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
