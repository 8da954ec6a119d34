from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db.models import Q, QuerySet

from returnhome.children.models import Alias, Child, LegalStatus, Placement
from returnhome.core.forms import Form, date_field, version_field
from returnhome.organisations.models import Organisation

if TYPE_CHECKING:
    from returnhome.accounts.models import User


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


def search_children(user: User, query: str, limit: int = 50) -> QuerySet[Child]:
    """Children visible to the user whose name, alias, council ID or NHS number matches."""
    children = Child.objects.visible_to(user).current()
    for term in query.split():
        children = children.filter(
            Q(forename__icontains=term)
            | Q(surname__icontains=term)
            | Q(aliases__name__icontains=term)
            | Q(la_child_id__iexact=term)
            | Q(nhs_number=term)
        )
    return children.distinct().order_by("surname", "forename")[:limit]


class FindChildForm(Form):
    q = forms.CharField(
        label="Name, council child ID or NHS number", max_length=100, required=False
    )
