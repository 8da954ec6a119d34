from __future__ import annotations

from typing import Any

from django import forms

from returnhome.core.forms import Form, version_field
from returnhome.sharing.models import Category, SharingEntry, SharingForm
from returnhome.sharing.services import Entry

TEXT = {"rows": 3}


class SharingFormForm(Form):
    categories = forms.MultipleChoiceField(
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        label="What is this about?",
        help_text="Choose all that apply",
    )
    key_information = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What is known",
        help_text="Names, actions, significant events, dates and times, communication details",
    )
    coercion = forms.CharField(
        widget=forms.Textarea(attrs=TEXT), required=False, label="Coercion or control"
    )
    payments = forms.CharField(
        widget=forms.Textarea(attrs=TEXT),
        required=False,
        label="Payments or other transactions",
    )
    third_party = forms.CharField(
        widget=forms.Textarea(attrs=TEXT),
        required=False,
        label="Third-party information",
        help_text="Rumours, concerns about people or places",
    )
    source = forms.ChoiceField(
        choices=SharingForm.Source.choices, widget=forms.RadioSelect, label="Where it came from"
    )
    source_evaluation = forms.ChoiceField(
        choices=SharingForm.SourceEvaluation.choices,
        widget=forms.RadioSelect,
        label="How reliable is the source?",
    )
    assessment = forms.ChoiceField(
        choices=SharingForm.Assessment.choices,
        widget=forms.RadioSelect,
        label="How is the information known?",
    )
    lawful_basis = forms.ChoiceField(
        choices=SharingForm.LawfulBasis.choices,
        widget=forms.RadioSelect,
        label="Consent or lawful basis for sharing",
    )
    consent_given_by = forms.CharField(
        max_length=200,
        required=False,
        label="Which parent or carer consented",
        help_text="Required when a parent or carer consented",
    )
    basis_reason = forms.CharField(
        widget=forms.Textarea(attrs=TEXT),
        required=False,
        label="Why it is shared without consent",
        help_text="Required when shared without consent: the risk to the child",
    )


LABELS = {
    SharingEntry.Kind.PERSON: ("Name or nickname", "Date of birth, address, features, phones"),
    SharingEntry.Kind.PLACE: ("Address, street or area", "What happens there, when"),
    SharingEntry.Kind.VEHICLE: ("Registration", "Make, model, colour, who drives it"),
    SharingEntry.Kind.PHONE: ("Number or online name", "Whose it is, how it is used"),
}


class EntryForm(Form):
    value = forms.CharField(max_length=200, required=False)
    details = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, kind: str = SharingEntry.Kind.PERSON, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        value_label, details_label = LABELS[SharingEntry.Kind(kind)]
        self.fields["value"].label = value_label
        self.fields["details"].label = details_label

    def entry(self) -> Entry | None:
        value = self.cleaned_data.get("value", "")
        details = self.cleaned_data.get("details", "")
        if not value.strip() and not details.strip():
            return None
        return Entry(self.kind, value, details)


EntryFormSet = forms.formset_factory(EntryForm, extra=2, max_num=20)


PLURALS = {
    SharingEntry.Kind.PERSON: "People of concern",
    SharingEntry.Kind.PLACE: "Places",
    SharingEntry.Kind.VEHICLE: "Vehicles",
    SharingEntry.Kind.PHONE: "Phone numbers and online names",
}


def entry_formsets(data: Any = None) -> list[tuple[str, str, Any]]:
    """One formset per kind of entry (people, places, vehicles, phones), each its own prefix:
    (heading, the label of one entry, formset)."""
    return [
        (
            PLURALS[SharingEntry.Kind(kind)],
            str(label),
            EntryFormSet(data, prefix=kind, form_kwargs={"kind": kind}),
        )
        for kind, label in SharingEntry.Kind.choices
    ]


class FeedbackForm(Form):
    feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What was done with the information",
        help_text="For example: added to intelligence, a location visited, a disruption order, "
        "a referral, no further action and why",
    )
    expected_version = version_field()
