from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.core.forms import Form, date_field, datetime_field, version_field
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, ContactAttempt, DeclineReason, Interview


def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


class AllocateForm(Form):
    worker = forms.ModelChoiceField(
        queryset=User.objects.none(), widget=forms.RadioSelect, label="Who will do this RHI?"
    )
    independence_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="If this is the child's allocated social worker: why they should do it",
    )
    expected_version = version_field()

    def __init__(self, *args: Any, workers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["worker"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[w.pk for w in workers])


class ContactAttemptForm(Form):
    attempted_at = datetime_field("When was the attempt made?")
    method = forms.ChoiceField(choices=ContactAttempt.Method.choices, widget=forms.RadioSelect)
    contacted = forms.ChoiceField(
        label="To whom", choices=ContactAttempt.Contacted.choices, widget=forms.RadioSelect
    )
    result = forms.ChoiceField(
        label="Outcome", choices=ContactAttempt.Result.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("attempted_at", _now())


class ConsentForm(Form):
    consent_needed = forms.TypedChoiceField(
        label="Is consent needed?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    given_by = forms.ChoiceField(
        label="Who gave consent?", choices=[("", "—"), *RHI.ConsentBy.choices], required=False
    )
    given_by_name = forms.CharField(label="Their name", max_length=200, required=False)
    expected_version = version_field()


class OfferForm(Form):
    offer_made_at = datetime_field("When was the interview offered?")
    offered_to = forms.ChoiceField(choices=RHI.OfferedTo.choices, widget=forms.RadioSelect)
    expected_version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("offer_made_at", _now())


class OutcomeForm(Form):
    outcome = forms.ChoiceField(choices=RHI.Outcome.choices, widget=forms.RadioSelect)
    decline_reason = forms.ChoiceField(
        label="If declined: why?", choices=[("", "—"), *DeclineReason.choices], required=False
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Notes",
        help_text="Required if not applicable, or declined for another reason",
    )
    expected_version = version_field()


def _episode_label(rhi: RHI) -> str:
    return f"Missing {timezone.localtime(rhi.episode.reported_missing_at):%d/%m/%Y %H:%M}"


class InterviewForm(Form):
    covers = forms.ModelMultipleChoiceField(
        queryset=RHI.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="This interview also covers these episodes",
    )
    held_at = datetime_field("When did the interview take place?")
    place = forms.ChoiceField(choices=Interview.Place.choices, widget=forms.RadioSelect)
    mode = forms.ChoiceField(label="How", choices=Interview.Mode.choices, widget=forms.RadioSelect)
    people_present = forms.CharField(max_length=300, required=False, label="Who was present")
    time_alone = forms.TypedChoiceField(
        label="Did the child have time alone with you?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        required=False,
        empty_value=None,
    )
    information_from = forms.CharField(
        max_length=200,
        required=False,
        label="Who gave the information?",
        help_text="Parent, carer or placement staff: name and relationship",
    )
    push_factors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Reasons for going missing: push factors",
    )
    pull_factors = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Reasons for going missing: pull factors",
    )
    experiences = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Experiences while missing"
    )
    people_of_concern = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="People",
        help_text="Names, nicknames, online names, phone numbers, vehicles, addresses",
    )
    places_of_concern = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Places",
        help_text="Addresses, streets, areas, towns",
    )
    risk_factors = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    protective_factors = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    childs_words = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="The child's own words"
    )
    reflection = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="Your reflection: what would stop risk escalating and prevent future missing?",
    )
    cce_identified = forms.BooleanField(
        required=False, label="Child criminal exploitation (including county lines) identified"
    )
    cse_identified = forms.BooleanField(
        required=False, label="Child sexual exploitation identified"
    )
    child_feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="The child's feedback on the interview",
    )
    carer_feedback = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="The parent or carer's feedback on the interview",
    )

    def __init__(self, *args: Any, coverable: list[RHI], carer_only: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        covers = self.fields["covers"]
        assert isinstance(covers, forms.ModelMultipleChoiceField)
        covers.queryset = RHI.objects.filter(pk__in=[r.pk for r in coverable])
        covers.label_from_instance = _episode_label  # type: ignore[method-assign,assignment]
        if not coverable:
            del self.fields["covers"]
        if carer_only:
            del self.fields["time_alone"]
            self.fields["information_from"].required = True
        else:
            del self.fields["information_from"]
        self.initial.setdefault("held_at", _now())


class ActionForm(Form):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Proposed action"
    )
    service = forms.ChoiceField(
        label="Referral to", choices=ProposedAction.Service.choices, required=False
    )
    owner = forms.CharField(label="Who", max_length=200, required=False)
    due_date = date_field("By when", required=False)


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=10)


class ReviewActionForm(Form):
    response = forms.ChoiceField(
        choices=ProposedAction.Response.choices, widget=forms.RadioSelect, label="Your response"
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Comment",
        help_text="Required if you change or reject it",
    )


class ReviewForm(Form):
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Your comments on the interview",
    )


def spread_review_errors(
    error: Any, form: forms.Form, action_forms: Sequence[tuple[ProposedAction, forms.Form]]
) -> None:
    """Service errors named `action_<pk>[_comment]` go next to that action's fields."""
    by_name = {f"action_{a.pk}": f for a, f in action_forms}
    # (Not getattr with a default: a dict error has no error_list, and the default is evaluated.)
    by_field = error.error_dict if hasattr(error, "error_dict") else {"__all__": error.error_list}
    for name, errors in by_field.items():
        base = name.removesuffix("_comment")
        target = by_name.get(base)
        for item in errors:
            if target is None:
                form.add_error(None, item)
            else:
                target.add_error("comment" if name.endswith("_comment") else "response", item)
