from __future__ import annotations

from typing import Any

from django import forms

from returnhome.children.models import (
    Alias,
    Child,
    InformationPackage,
    LegalStatus,
    Placement,
    RHIArrangement,
    package_label,
)
from returnhome.children.search import search_children as search_children
from returnhome.children.timeline import SHOWS
from returnhome.core.forms import Form, date_field, version_field
from returnhome.organisations.models import Organisation


class ChildForm(Form):
    forename = forms.CharField(label="First name", max_length=100)
    surname = forms.CharField(label="Last name", max_length=100)
    date_of_birth = date_field(
        "Date of birth", what="the date of birth", required=False, help_text="If known"
    )
    sex = forms.ChoiceField(
        choices=Child.Sex.choices, widget=forms.RadioSelect, initial=Child.Sex.OTHER
    )
    la_child_id = forms.CharField(label="Council child ID", max_length=40, required=False)
    nhs_number = forms.CharField(
        label="NHS number", max_length=10, required=False, help_text="10 digits, if known"
    )
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    postcode = forms.CharField(max_length=10, required=False)

    def clean_nhs_number(self) -> str:
        return str(self.cleaned_data["nhs_number"]).replace(" ", "")

    def clean_postcode(self) -> str:
        return str(self.cleaned_data["postcode"]).upper().strip()


class EditChildForm(ChildForm):
    """The child's details as loaded, with the version they were loaded at."""

    expected_version = version_field()


class AliasForm(Form):
    name = forms.CharField(label="Name the child is also known by", max_length=200)
    kind = forms.ChoiceField(
        label="Kind of name",
        choices=Alias.Kind.choices,
        widget=forms.RadioSelect,
        initial=Alias.Kind.ALIAS,
    )


class LegalStatusForm(Form):
    status = forms.ChoiceField(choices=LegalStatus.Status.choices, widget=forms.RadioSelect)
    responsible_council = forms.ModelChoiceField(
        queryset=Organisation.objects.councils(),
        required=False,
        help_text="If looked after: the council looking after the child (blank means yours)",
    )
    start_date = date_field("From", what="the date it started")


class PlacementForm(Form):
    placement_type = forms.ChoiceField(choices=Placement.Type.choices, label="Type of placement")
    council_area = forms.ModelChoiceField(
        queryset=Organisation.objects.councils(), label="Council area of the placement"
    )
    address = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    postcode = forms.CharField(max_length=10, required=False)
    start_date = date_field("From", what="the date it started")
    rhi_arrangement = forms.ChoiceField(
        label="If the child goes missing, who does the Return Home Interview?",
        choices=RHIArrangement.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Only for a placement outside your council's area",
    )
    rhi_provider = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(
            kind__in=[Organisation.Kind.PROVIDER, Organisation.Kind.COUNCIL]
        ),
        required=False,
        label="The organisation named to do it",
        help_text="For a commissioned provider, or one agreed case by case",
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.child = child

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        area = data.get("council_area")
        outside = area is not None and area.pk != self.child.council_id
        if outside and not data.get("rhi_arrangement"):
            self.add_error(
                "rhi_arrangement",
                "The placement is outside your council's area: choose who interviews the "
                "child if they go missing",
            )
        return data


class PackageForm(Form):
    """The information package's typed parts (the rest comes from the child's record)."""

    expected_version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in InformationPackage.TEXT_FIELDS:
            self.fields[name] = forms.CharField(
                label=package_label(name).capitalize(),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
            )


class FindChildForm(Form):
    q = forms.CharField(
        label="Name, council child ID, NHS number, date of birth or postcode",
        help_text="A name may be misspelt or an alias; dates like 14/03/2011 or 14 March 2011",
        max_length=100,
        required=False,
    )


class TimelineFilterForm(Form):
    """What the child's timeline shows (by GET): kinds of entries, and one year or all."""

    show = forms.MultipleChoiceField(
        label="Show",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(name, label) for name, (label, _kinds) in SHOWS.items()],
    )
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Every year"), *[(str(y), str(y)) for y in years]]

    def kinds(self) -> frozenset[str] | None:
        chosen = self.cleaned_data.get("show") if self.is_bound and self.is_valid() else None
        if not chosen:
            return None
        return frozenset().union(*(SHOWS[name][1] for name in chosen))

    def chosen_year(self) -> int | None:
        return self.cleaned_data.get("year") if self.is_bound and self.is_valid() else None
