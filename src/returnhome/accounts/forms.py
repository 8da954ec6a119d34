"""Forms for signing in, one's own account, and user management (GOV.UK markup via the shared
form templates)."""

from __future__ import annotations

from typing import Any

from django import forms

from returnhome.accounts.models import Role
from returnhome.core.forms import Form


class CodeForm(Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the code"},
    )


class SetUpCodeForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The 6-digit code your authenticator app shows now"
        self.fields["code"].widget.attrs["inputmode"] = "numeric"


def role_field(roles: tuple[str, ...]) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Role",
        choices=[(r, Role(r).label) for r in roles],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role"},
    )


class InviteForm(Form):
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={"required": "Enter the person's first name"},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter the person's last name"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="The invitation link is sent here",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address like name@example.org",
        },
    )
    username = forms.CharField(
        label="Username",
        max_length=150,
        help_text="What they type to sign in, for example their email address or initials",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter a username for them to sign in with"},
    )

    def __init__(self, *args: Any, roles: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = role_field(roles)


class RoleForm(Form):
    def __init__(self, *args: Any, roles: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = role_field(roles)
