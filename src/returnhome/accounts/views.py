"""Signing in (password, then a second factor), one's own account, and user management."""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken

from returnhome.access.policy import assignable_roles, can_manage_users
from returnhome.accounts import services
from returnhome.accounts.forms import CodeForm, InviteForm, RoleForm, SetUpCodeForm
from returnhome.accounts.http import AuthedHttpRequest
from returnhome.accounts.models import User
from returnhome.accounts.predicates import (
    has_two_factor,
    two_factor_required,
    users_managed_by,
    with_two_factor_among,
)
from returnhome.accounts.signin import (
    address_throttled,
    begin_second_step,
    clear_pending,
    complete_sign_in,
    method_of,
    pending_next,
    pending_user,
    record_code_failure,
    record_throttled,
    verify_second_factor,
)
from returnhome.core.errors import require
from returnhome.core.forms import add_service_errors
from returnhome.core.paging import page_of

RECOVERY_CODES_KEY = "recovery_codes"
INVITATION_KEY = "invitation_link"
USERS_PER_PAGE = 50


# --- Signing in --------------------------------------------------------------------------------


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """django-axes answers with this once an account is locked (AXES_LOCKOUT_CALLABLE)."""
    clear_pending(request)
    context = {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    return render(request, "registration/locked_out.html", context, status=429)


def throttled(request: HttpRequest) -> HttpResponse:
    record_throttled(request)
    context = {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)}
    return render(request, "registration/throttled.html", context, status=429)


class SignInView(auth_views.LoginView):
    """The password step at /login/ (fields `username` and `password`). When a second factor is
    needed, nobody is signed in yet: the code (or setting one up) comes next."""

    form_class = AuthenticationForm

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if address_throttled(request):
            return throttled(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if two_factor_required(user):
            backend = getattr(user, "backend", "django.contrib.auth.backends.ModelBackend")
            begin_second_step(self.request, user, backend=backend, next_url=self.get_success_url())
            return redirect("login_code" if has_two_factor(user) else "login_set_up")
        self.request.signin_method = "password"  # type: ignore[attr-defined]
        return super().form_valid(form)


@login_not_required
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user = pending_user(request)
    if user is None:
        messages.info(request, "Sign in again: the code must follow the password within 5 minutes.")
        return redirect("login")
    if not has_two_factor(user):
        return redirect("login_set_up")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if address_throttled(request):
            return throttled(request)
        if services.is_locked_out(user):
            record_code_failure(request, user)  # axes answers with the lockout page
            return locked_out(request)
        if form.is_valid():
            device = verify_second_factor(user, form.cleaned_data["code"])
            if device is not None:
                next_url = pending_next(request)
                complete_sign_in(request, user, method=method_of(device), device=device)
                return redirect(next_url)
            record_code_failure(request, user)
            form.add_error("code", "The code is not right: enter the code your app shows now")
    return render(request, "registration/code.html", {"form": form})


@login_not_required
def sign_in_set_up(request: HttpRequest) -> HttpResponse:
    """Two-factor sign-in is required and this person has no authenticator yet: set one up
    before anything else."""
    user = pending_user(request)
    if user is None:
        return redirect("login")
    if has_two_factor(user):
        return redirect("login_code")
    device = services.start_two_factor_setup(user)
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_two_factor(
                device, code=form.cleaned_data["code"], acting_user=user
            )
        except ValidationError as error:
            record_code_failure(request, user)
            add_service_errors(form, error)
        else:
            complete_sign_in(request, user, method="totp_set_up", device=device)
            request.session[RECOVERY_CODES_KEY] = codes
            return redirect("accounts:recovery_codes")
    return render(request, "registration/set_up.html", _set_up_context(device, form))


def _set_up_context(device: Any, form: CodeForm) -> dict[str, Any]:
    secret = base64.b32encode(device.bin_key).decode("ascii")
    qr = segno.make(device.config_url, error="m")
    return {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, dark="#0b0c0c", light="#ffffff", border=4),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }


@login_not_required
def accept_invite(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not services.invitation_tokens.check_token(user, token):
        return render(request, "accounts/invite_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.accept_invitation(user, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if two_factor_required(user):
                begin_second_step(
                    request,
                    user,
                    backend="django.contrib.auth.backends.ModelBackend",
                    next_url=settings.LOGIN_REDIRECT_URL,
                )
                return redirect("login_set_up")
            complete_sign_in(request, user, method="invitation")
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/invite_accept.html", {"form": form, "invitee": user})


# --- One's own account -------------------------------------------------------------------------


def account(request: AuthedHttpRequest) -> HttpResponse:
    context = {
        "has_two_factor": has_two_factor(request.user),
        "recovery_codes_left": _recovery_codes_left(request.user),
        "can_manage_users": can_manage_users(request.user),
    }
    return render(request, "accounts/account.html", context)


def _recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def change_password(request: AuthedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                request.user,
                new_password=form.cleaned_data["new_password1"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "Your password has been changed")
            return redirect("accounts:account")
    return render(request, "accounts/change_password.html", {"form": form})


def two_factor_set_up(request: AuthedHttpRequest) -> HttpResponse:
    """Set up (or replace) one's authenticator while signed in."""
    device = services.start_two_factor_setup(request.user)
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_two_factor(
                device, code=form.cleaned_data["code"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            otp_login(request, device)
            request.session[RECOVERY_CODES_KEY] = codes
            return redirect("accounts:recovery_codes")
    context = _set_up_context(device, form) | {"replacing": has_two_factor(request.user)}
    return render(request, "accounts/two_factor_set_up.html", context)


def recovery_codes(request: AuthedHttpRequest) -> HttpResponse:
    """New recovery codes are shown once, here; POST makes a new set."""
    if request.method == "POST":
        try:
            codes = services.regenerate_recovery_codes(request.user, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("accounts:account")
        request.session[RECOVERY_CODES_KEY] = codes
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(RECOVERY_CODES_KEY, None)
    if not codes:
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes})


# --- User management (an organisation's administrator) -----------------------------------------


def _managed(request: AuthedHttpRequest, pk: int) -> User:
    """One of the administrator's own organisation's people; 404 for anyone else's."""
    require(can_manage_users(request.user), "Only an organisation's administrator can do this.")
    return get_object_or_404(users_managed_by(request.user), pk=pk)


def users(request: AuthedHttpRequest) -> HttpResponse:
    require(can_manage_users(request.user), "Only an organisation's administrator can do this.")
    people = users_managed_by(request.user).order_by("-is_active", "first_name", "last_name")
    page = page_of(request, people, USERS_PER_PAGE)
    people_shown = list(page.object_list)
    locked = services.locked_out_among(people_shown)
    enrolled = with_two_factor_among(people_shown)
    rows = [
        _summary(person, locked=person.pk in locked, two_factor=person.pk in enrolled)
        for person in people_shown
    ]
    return render(request, "accounts/users.html", {"page": page, "rows": rows})


def _summary(person: User, *, locked: bool, two_factor: bool) -> dict[str, Any]:
    if not person.is_active:
        status, colour = "Deactivated", "grey"
    elif not person.has_usable_password():
        status, colour = "Invited", "blue"
    elif locked:
        status, colour = "Locked", "red"
    else:
        status, colour = "Active", "green"
    return {
        "person": person,
        "status": status,
        "colour": colour,
        "two_factor": two_factor,
        "locked": locked,
    }


def _detail(person: User) -> dict[str, Any]:
    return _summary(
        person, locked=services.is_locked_out(person), two_factor=has_two_factor(person)
    )


def invite(request: AuthedHttpRequest) -> HttpResponse:
    require(can_manage_users(request.user), "Only an organisation's administrator can do this.")
    form = InviteForm(request.POST or None, roles=assignable_roles(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_user(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            request.session[INVITATION_KEY] = invitation.link
            messages.success(request, f"Invitation sent to {invitation.user.email}")
            return redirect("accounts:user", pk=invitation.user.pk)
    return render(request, "accounts/invite.html", {"form": form})


def user_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    form = RoleForm(initial={"role": person.role}, roles=assignable_roles(request.user))
    context = _detail(person) | {
        "form": form,
        "is_self": person.pk == request.user.pk,
        "invitation_link": request.session.pop(INVITATION_KEY, None),
    }
    return render(request, "accounts/user.html", context)


@require_POST
def user_role(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = _managed(request, pk)
    form = RoleForm(request.POST, roles=assignable_roles(request.user))
    if form.is_valid():
        try:
            services.change_role(person, role=form.cleaned_data["role"], acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{person}'s role is now {person.get_role_display()}")
            return redirect("accounts:user", pk=person.pk)
    context = _detail(person) | {"form": form, "is_self": person.pk == request.user.pk}
    return render(request, "accounts/user.html", context, status=400)


ACTIONS = {
    "deactivate": (services.deactivate_user, "{} can no longer sign in"),
    "reactivate": (services.reactivate_user, "{} can sign in again"),
    "reset-two-factor": (
        services.reset_two_factor,
        "{}'s two-factor sign-in has been reset: they set it up again when they next sign in",
    ),
    "unlock": (services.unlock_user, "{}'s account is unlocked"),
}


@require_POST
def user_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    person = _managed(request, pk)
    if action == "invite-again":
        try:
            invitation = services.reissue_invitation(person, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            request.session[INVITATION_KEY] = invitation.link
            messages.success(request, f"A new invitation was sent to {person.email}")
        return redirect("accounts:user", pk=person.pk)
    if action not in ACTIONS:
        raise Http404
    service, done = ACTIONS[action]
    try:
        service(person, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, done.format(person))
    return redirect("accounts:user", pk=person.pk)
