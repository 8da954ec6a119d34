"""Forms for direct reporting. Rules live in `direct_reports.reporting`; these only read the input."""

from __future__ import annotations

from typing import Any

from django import forms

from returnhome.core.forms import Form, date_field, datetime_field
from returnhome.episodes.models import DirectReport
from returnhome.imports.direct_reports.reporting import (
    REPORTER_SOURCES,
    MissingDetails,
    ReturnDetails,
)
from returnhome.organisations.models import Organisation


def _text(label: str, help_text: str = "", rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def _required(message: str) -> dict[str, str]:
    return {"required": message}


YES_NO = [("yes", "Yes"), ("no", "No")]


class ReportMissingForm(Form):
    council = forms.ModelChoiceField(
        queryset=Organisation.objects.councils(),
        label="Which council are you reporting to?",
        help_text="The council whose area the child went missing in",
        error_messages=_required("Choose the council to report to"),
    )
    source = forms.ChoiceField(
        label="You are reporting as",
        choices=REPORTER_SOURCES,
        widget=forms.RadioSelect,
        error_messages=_required("Select who you are reporting as"),
    )
    forename = forms.CharField(
        label="Child's first name",
        max_length=100,
        error_messages=_required("Enter the child's first name"),
    )
    surname = forms.CharField(
        label="Child's last name",
        max_length=100,
        error_messages=_required("Enter the child's last name"),
    )
    date_of_birth = date_field(
        "Date of birth", what="the date of birth", required=False, help_text="If known"
    )
    la_child_id = forms.CharField(
        label="Council child ID", max_length=40, required=False, help_text="If you know it"
    )
    last_seen_at = datetime_field("When were they last seen?", what="they were last seen")
    missing_since = datetime_field(
        "When did you realise they were missing?",
        what="you realised they were missing",
        required=False,
        help_text="Leave blank if just now. If they have already come back, say when you "
        "realised, then report their return.",
    )
    missing_from = forms.CharField(
        label="Where did they go missing from?",
        max_length=300,
        help_text="The home, school or address",
        error_messages=_required("Enter where they went missing from"),
    )
    reported_to_police = forms.ChoiceField(
        label="Have you reported them missing to the police?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages=_required("Select yes if you have told the police"),
    )
    police_force = forms.ModelChoiceField(
        queryset=Organisation.objects.police_forces(),
        required=False,
        label="Police force",
        help_text="If you told the police",
    )
    police_reference = forms.CharField(
        label="Police reference (log or incident number)", max_length=60, required=False
    )
    description = _text("What they look like and what they were wearing")
    with_whom = _text("Who they may be with, or who picked them up")
    vehicles = _text("Vehicles and registrations", "Any car they were seen getting into", rows=2)
    whereabouts = _text("Where they might be")
    contact_details = _text("Their phone numbers and social media", rows=2)
    concerns = _text("Risks and concerns", "For example exploitation, self-harm, alcohol or drugs")
    medication = _text("Medication they need", rows=2)
    reporter_risk = forms.ChoiceField(
        label="How much risk do you think they are at?",
        choices=DirectReport.ReporterRisk.choices,
        widget=forms.RadioSelect,
        error_messages=_required("Select the risk as you see it"),
    )

    def __init__(
        self,
        *args: Any,
        council: Organisation | None,
        source: str,
        choose_council: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not choose_council:  # a social worker reports to their own council, as themselves
            del self.fields["council"], self.fields["source"]
        elif not self.is_bound:
            self.initial.update(council=council, source=source)

    def details(self) -> MissingDetails:
        data = dict(self.cleaned_data)
        data.pop("council", None)
        data.pop("source", None)
        data["reported_to_police"] = data["reported_to_police"] == "yes"
        return MissingDetails(**data)


class ReportReturnForm(Form):
    returned_at = datetime_field(
        "When did they come back, or were they found?", what="they came back or were found"
    )
    found_location = forms.CharField(label="Where were they found?", max_length=300, required=False)
    brought_back_by = forms.CharField(
        label="Who brought them back?", max_length=300, required=False
    )
    wellbeing = _text("How are they?")
    return_concerns = _text("Any injuries or concerns")

    def details(self) -> ReturnDetails:
        return ReturnDetails(**self.cleaned_data)
