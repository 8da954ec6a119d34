from __future__ import annotations

from django import forms

from returnhome.core.forms import Form, date_field, version_field


def _reason(help_text: str) -> forms.CharField:
    return forms.CharField(
        label="Reason",
        help_text=help_text,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EraseForm(Form):
    reason = _reason(
        "For example: past the retention period, reviewed at the records panel on 3 March. "
        "Do not name anyone: the reason is kept after the erasure."
    )
    confirm = forms.BooleanField(
        label="I understand that the child's personal data will be erased and cannot be brought back",
        error_messages={"required": "Confirm that you understand the erasure cannot be undone"},
    )


class KeepLongerForm(Form):
    keep_until = date_field(
        "Keep the record until",
        what="the date to keep the record until",
        help_text="It comes back to this list on that date",
    )
    reason = _reason(
        "For example: a court case or an inquiry needs it. Do not name anyone: the reason is "
        "kept, and erased with the record."
    )


def _years(label: str, help_text: str, low: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
    )


class RetentionRuleForm(Form):
    retention_age = _years(
        "Keep a child's records at least until this birthday",
        "For children never looked after. For example, 25",
        18,
    )
    retention_age_looked_after = _years(
        "Keep a looked after child's records at least until this birthday",
        "For children looked after at any time. The case record's is 75",
        18,
    )
    retention_years_after_activity = _years(
        "And at least this many years after the last activity on the record",
        "For example, 6 (claims can be brought for 6 years)",
        1,
    )
    expected_version = version_field()
