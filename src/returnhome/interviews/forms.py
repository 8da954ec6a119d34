from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone

from returnhome.accounts.models import User
from returnhome.core.forms import DateParts, Form, date_field, datetime_field, version_field
from returnhome.followup.models import ProposedAction
from returnhome.interviews.models import RHI, ContactAttempt, DeclineReason, Interview


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
    attempted_at = datetime_field("When was the attempt made?", what="of the attempt")
    method = forms.ChoiceField(
        label="How was the attempt made?",
        choices=ContactAttempt.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the attempt was made"},
    )
    contacted = forms.ChoiceField(
        label="Who did you try to contact?",
        choices=ContactAttempt.Contacted.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you tried to contact"},
    )
    result = forms.ChoiceField(
        label="What happened?",
        choices=ContactAttempt.Result.choices,
        widget=forms.RadioSelect,
        help_text="\u201cInterview arranged\u201d also records the offer and its acceptance",
        error_messages={"required": "Select what happened"},
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ConsentForm(Form):
    consent_needed = forms.TypedChoiceField(
        label="Is consent needed?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select whether consent is needed"},
    )
    given_by = forms.ChoiceField(
        label="Who gave consent?", choices=[("", "—"), *RHI.ConsentBy.choices], required=False
    )
    given_by_name = forms.CharField(label="Their name", max_length=200, required=False)
    expected_version = version_field()


class OfferForm(Form):
    offer_made_at = datetime_field(
        "When was the interview offered?", what="the interview was offered"
    )
    offered_to = forms.ChoiceField(
        label="Who was it offered to?",
        choices=RHI.OfferedTo.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the interview was offered to"},
    )
    expected_version = version_field()


class OutcomeForm(Form):
    outcome = forms.ChoiceField(
        label="Was the interview accepted?",
        choices=RHI.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the interview was accepted or declined"},
    )
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
    held_at = datetime_field("When did the interview take place?", what="of the interview")
    place = forms.ChoiceField(
        label="Where did it take place?",
        choices=Interview.Place.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the interview took place"},
    )
    mode = forms.ChoiceField(
        label="How did it take place?",
        choices=Interview.Mode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the interview took place"},
    )
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
            self.fields["information_from"].error_messages["required"] = (
                "Say who gave the information (name and relationship)"
            )
        else:
            del self.fields["information_from"]
            # Asked here, so that it is listed with every other problem at once.
            self.fields["time_alone"].required = True
            self.fields["time_alone"].error_messages["required"] = (
                "Select whether the child had time alone with you"
            )


class ActionForm(Form):
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Proposed action"
    )
    service = forms.ChoiceField(
        label="Referral to",
        choices=[("", "No referral (other action)"), *ProposedAction.Service.choices],
        required=False,
    )
    owner = forms.CharField(label="Who", max_length=200, required=False)
    due_date = date_field("By when", what="the date it is due by", required=False)

    def clean(self) -> dict[str, Any]:
        """A row with who, when or a referral but no description is an error, never dropped."""
        data = super().clean() or {}
        started = data.get("owner") or data.get("due_date") or data.get("service")
        if started and not str(data.get("description") or "").strip():
            self.add_error(
                "description",
                "Describe the proposed action, or clear its \u201cWho\u201d, \u201cBy when\u201d "
                "and \u201cReferral to\u201d",
            )
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=10)


class ReviewActionForm(Form):
    response = forms.ChoiceField(
        choices=ProposedAction.Response.choices,
        widget=forms.RadioSelect,
        label="Your response",
        error_messages={"required": "Select your response to this action"},
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


class ReturnForm(Form):
    return_comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What should the practitioner change?",
        error_messages={"required": "Say what the practitioner should change"},
    )
    expected_version = version_field()


# The interview form's sections, in order: (slug, title, the fields it holds).
SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "interview",
        "When, where and who",
        ["covers", "held_at", "place", "mode", "people_present", "time_alone", "information_from"],
    ),
    (
        "said",
        "What was said",
        [
            "push_factors",
            "pull_factors",
            "experiences",
            "people_of_concern",
            "places_of_concern",
            "risk_factors",
            "protective_factors",
            "cce_identified",
            "cse_identified",
            "childs_words",
            "reflection",
        ],
    ),
    ("actions", "Actions and feedback", ["actions", "child_feedback", "carer_feedback"]),
]


def section_of(name: str) -> str:
    """The section holding a field (an action row's fields are the actions section's)."""
    if name.startswith("action"):
        return "actions"
    return next((slug for slug, _, names in SECTIONS if name in names), SECTIONS[0][0])


def _parts(widget: Any, name: str, value: Any) -> dict[str, list[str]]:
    if isinstance(widget, DateParts):
        parts = widget.decompress(value)
        return {f"{name}_{p}": [v] for p, v in zip(widget.parts, parts, strict=True)}
    if isinstance(value, bool):
        return {name: ["on"]} if value else {}
    return {name: [str(value)]} if value not in (None, "") else {}


def values_of(interview: Interview, form: forms.Form) -> dict[str, list[str]]:
    """An interview's answers as the form posts them (a returned interview's draft starts so)."""
    values: dict[str, list[str]] = {}
    for name, field in form.fields.items():
        if name == "covers":
            continue
        value = getattr(interview, name, None)
        if name == "time_alone" and value is not None:
            value = "yes" if value else "no"
        values.update(_parts(field.widget, name, value))
    return values


def quiet(*forms_: Any) -> None:
    """Show a bound form's values without judging them yet (a section opened, not submitted)."""
    for form in forms_:
        if isinstance(form, forms.BaseFormSet):
            for sub in form.forms:
                sub._errors = forms.utils.ErrorDict()
            form._errors = [sub._errors for sub in form.forms]  # type: ignore[attr-defined]
            form._non_form_errors = form.error_class()  # type: ignore[attr-defined]
        else:
            form._errors = forms.utils.ErrorDict()


def keep_only(form: forms.Form, names: list[str]) -> None:
    """Errors only on the fields of this section: the others are judged when their turn comes."""
    for name in list(form.errors):
        if name not in names:
            del form.errors[name]


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


def answer(form: forms.Form, name: str) -> str:
    """A field's answer in words for the check-your-answers page ("Not answered" when blank)."""
    field = form.fields[name]
    cleaned = getattr(form, "cleaned_data", {})
    if name not in cleaned:
        raw = form[name].value()
        text = " ".join(str(v) for v in raw if v) if isinstance(raw, (list, tuple)) else raw
        return f"{text} (to correct)" if text else "Not answered"
    value = cleaned[name]
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%-d %B %Y at %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "__iter__") and not isinstance(value, str):
        labels = [str(field.label_from_instance(v)) for v in value]  # type: ignore[attr-defined]
        return ", ".join(labels) or "None"
    choices = dict(getattr(field, "choices", []))
    if name == "time_alone" and value is not None:
        value = "yes" if value else "no"
    shown = choices.get(value, value) if choices else value
    return str(shown) if shown not in (None, "") else "Not answered"


def action_rows(actions: Any) -> list[dict[str, str]]:
    """The proposed actions as filled in, for the check-your-answers page (blank rows left out)."""
    rows = []
    services = dict(ProposedAction.Service.choices)
    for sub in actions.forms:
        data = getattr(sub, "cleaned_data", None) or {}
        if not any(data.get(k) for k in ("description", "service", "owner", "due_date")):
            continue
        due = data.get("due_date")
        rows.append(
            {
                "description": str(data.get("description") or "Not described"),
                "service": services.get(data.get("service") or "", "No referral"),
                "who": " ".join(
                    [str(data.get("owner") or ""), f"by {due:%-d %B %Y}" if due else ""]
                ).strip(),
            }
        )
    return rows
